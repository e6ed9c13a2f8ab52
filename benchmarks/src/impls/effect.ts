/**
 * effect's side of the workloads, in its docs' style: `Effect.gen` programs,
 * `yield* Queue.offer(q, v)` / `yield* Queue.take(q)`, the tasks run as fibers
 * by `Effect.all(…, { concurrency: "unbounded" })`, the whole program by
 * `Effect.runPromise`. The checksum is a plain object mutated from the fibers
 * (a `Ref` would add cost unrelated to the queue).
 */

import { Duration, Effect, Queue, Semaphore } from "effect";
import { Checksum } from "../checksum.js";

/** For the workloads' queue factories. */
export { Queue } from "effect";

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

/**
 * Select fan-in: fiber p offers p, p+4, … to its own queue; one fiber takes
 * n values, each with `Effect.raceAll` over the four `Queue.take`s. The losing
 * takes are interrupted before they take anything (a woken take re-polls in its
 * own fiber), so each race takes exactly one value: the checksum checks it.
 */
export function fanIn(n: number, make: MakeQueue): Promise<Checksum> {
  const program = Effect.gen(function* () {
    const qs = [yield* make(), yield* make(), yield* make(), yield* make()];
    const takes = qs.map((q) => Queue.take(q));
    const ck = new Checksum();
    const consumer = Effect.gen(function* () {
      for (let i = 0; i < n; i++) ck.add(yield* Effect.raceAll(takes));
    });
    const tasks: Effect.Effect<void>[] = [consumer];
    for (let p = 0; p < qs.length; p++) {
      const q = qs[p] as Queue.Queue<number>;
      tasks.push(
        Effect.gen(function* () {
          for (let v = p; v < n; v += qs.length) {
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

/**
 * `tasks` fibers each run n/tasks critical sections under a `Semaphore` of one
 * permit (`withPermits(1)`), adding their next value to the shared checksum.
 */
export function lockedCounter(n: number, tasks: number): Promise<Checksum> {
  const program = Effect.gen(function* () {
    const sem = yield* Semaphore.make(1);
    const locked = sem.withPermits(1);
    const ck = new Checksum();
    const all: Effect.Effect<void>[] = [];
    for (let t = 0; t < tasks; t++) {
      all.push(
        Effect.gen(function* () {
          for (let v = t; v < n; v += tasks) yield* locked(Effect.sync(() => ck.add(v)));
        }),
      );
    }
    yield* Effect.all(all, { concurrency: "unbounded", discard: true });
    return ck;
  });
  return Effect.runPromise(program);
}

/**
 * n times: offer i to a queue bounded 1, then take it with
 * `Effect.timeout(Duration.millis(timeoutMs))` — effect's form of "a receive
 * against a timer"; the take must win every time (a timeout fails the run).
 */
export function selectAgainstTimer(n: number, timeoutMs: number): Promise<Checksum> {
  const program = Effect.gen(function* () {
    const q = yield* Queue.bounded<number>(1);
    const limit = Duration.millis(timeoutMs);
    const ck = new Checksum();
    for (let i = 0; i < n; i++) {
      if (!(yield* Queue.offer(q, i))) throw new Error("offer refused");
      ck.add(yield* Queue.take(q).pipe(Effect.timeout(limit)));
    }
    return ck;
  });
  return Effect.runPromise(program);
}
