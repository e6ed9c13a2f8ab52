/**
 * effect's side of the workloads, in its docs' style: `Effect.gen` programs,
 * `yield* Queue.offer(q, v)` / `yield* Queue.take(q)`, the tasks run as fibers
 * by `Effect.all(…, { concurrency: "unbounded" })`, the whole program by
 * `Effect.runPromise`. The checksum is a plain object mutated from the fibers
 * (a `Ref` would add cost unrelated to the queue).
 */

import { Effect, Queue } from "effect";
import { Checksum } from "../checksum.js";

/** Makes the queue under test (e.g. `Queue.bounded<number>(1024)`). */
export type MakeQueue = () => Effect.Effect<Queue.Queue<number>>;

/** `producers` fibers offer 0..n-1 between them (fiber p offers p, p+P, …); `consumers` fibers take n/C each. */
export function pipeline(n: number, producers: number, consumers: number, make: MakeQueue): Promise<Checksum> {
  const program = Effect.gen(function* () {
    const q = yield* make();
    const ck = new Checksum();
    const tasks: Effect.Effect<void>[] = [];
    for (let c = 0; c < consumers; c++) {
      tasks.push(
        Effect.gen(function* () {
          for (let i = 0; i < n / consumers; i++) ck.add(yield* Queue.take(q));
        }),
      );
    }
    for (let p = 0; p < producers; p++) {
      tasks.push(
        Effect.gen(function* () {
          for (let v = p; v < n; v += producers) {
            if (!(yield* Queue.offer(q, v))) throw new Error("offer refused");
          }
        }),
      );
    }
    yield* Effect.all(tasks, { concurrency: "unbounded", discard: true });
    return ck;
  });
  return Effect.runPromise(program);
}

/** n hops: ping offers even values on `a`, pong answers each with the next odd value on `b`. */
export function pingPong(n: number, make: MakeQueue): Promise<Checksum> {
  const program = Effect.gen(function* () {
    const a = yield* make();
    const b = yield* make();
    const ck = new Checksum();
    const pong = Effect.gen(function* () {
      for (let k = 0; k < n / 2; k++) {
        const v = yield* Queue.take(a);
        ck.add(v);
        yield* Queue.offer(b, v + 1);
      }
    });
    const ping = Effect.gen(function* () {
      for (let k = 0; k < n; k += 2) {
        yield* Queue.offer(a, k);
        ck.add(yield* Queue.take(b));
      }
    });
    yield* Effect.all([pong, ping], { concurrency: "unbounded", discard: true });
    return ck;
  });
  return Effect.runPromise(program);
}

/** Bursts of `burst` values, each acknowledged by the consumer on a second queue (see the floor's `bursts`). */
export function bursts(n: number, burst: number, make: MakeQueue): Promise<Checksum> {
  const program = Effect.gen(function* () {
    const q = yield* make();
    const ack = yield* Queue.bounded<number>(1);
    const ck = new Checksum();
    const consumer = Effect.gen(function* () {
      for (let i = 0; i < n; i++) {
        ck.add(yield* Queue.take(q));
        if ((i + 1) % burst === 0 || i + 1 === n) yield* Queue.offer(ack, i);
      }
    });
    const producer = Effect.gen(function* () {
      for (let start = 0; start < n; start += burst) {
        const end = Math.min(n, start + burst);
        for (let v = start; v < end; v++) {
          if (!(yield* Queue.offer(q, v))) throw new Error("offer refused (a value was dropped)");
        }
        yield* Queue.take(ack);
      }
    });
    yield* Effect.all([consumer, producer], { concurrency: "unbounded", discard: true });
    return ck;
  });
  return Effect.runPromise(program);
}
