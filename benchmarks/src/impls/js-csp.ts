/**
 * js-csp's side of the workloads, in its README's style: generator processes
 * started with `go`, `yield put(ch, v)` and `yield take(ch)`. A process's
 * completion is awaited through the channel `go` returns.
 */

import csp, { type AltResult, type Channel } from "js-csp";
import { Checksum } from "../checksum.js";

/** For the workloads' channel factories. */
export { csp };

/** Resolves when the go process whose result channel is `done` has finished. */
function join(done: Channel<unknown>): Promise<void> {
  return new Promise((resolve) => csp.takeAsync(done, () => resolve()));
}

/** A received value; anything but a number (e.g. `CLOSED`) fails the run. */
function num(v: unknown): number {
  if (typeof v !== "number") throw new Error(`received ${String(v)} instead of a number`);
  return v;
}

/** `producers` processes send 0..n-1 between them (process p sends p, p+P, …); `consumers` receive n/C each. */
export async function pipeline(
  n: number,
  producers: number,
  consumers: number,
  make: () => Channel<number>,
): Promise<Checksum> {
  const ch = make();
  const ck = new Checksum();
  const done: Promise<void>[] = [];
  for (let c = 0; c < consumers; c++) {
    done.push(
      join(
        csp.go(function* () {
          for (let i = 0; i < n / consumers; i++) ck.add(num(yield csp.take(ch)));
        }),
      ),
    );
  }
  for (let p = 0; p < producers; p++) {
    done.push(
      join(
        csp.go(function* () {
          for (let v = p; v < n; v += producers) yield csp.put(ch, v);
        }),
      ),
    );
  }
  await Promise.all(done);
  return ck;
}

/** n hops: ping sends even values on `a`, pong answers each with the next odd value on `b`. */
export async function pingPong(n: number, make: () => Channel<number>): Promise<Checksum> {
  const a = make();
  const b = make();
  const ck = new Checksum();
  const pong = csp.go(function* () {
    for (let k = 0; k < n / 2; k++) {
      const v = num(yield csp.take(a));
      ck.add(v);
      yield csp.put(b, v + 1);
    }
  });
  const ping = csp.go(function* () {
    for (let k = 0; k < n; k += 2) {
      yield csp.put(a, k);
      ck.add(num(yield csp.take(b)));
    }
  });
  await Promise.all([join(pong), join(ping)]);
  return ck;
}

/** Bursts of `burst` values, each acknowledged by the consumer on a second channel (see the floor's `bursts`). */
export async function bursts(n: number, burst: number, make: () => Channel<number>): Promise<Checksum> {
  const ch = make();
  const ack = csp.chan<number>(1);
  const ck = new Checksum();
  const consumer = csp.go(function* () {
    for (let i = 0; i < n; i++) {
      ck.add(num(yield csp.take(ch)));
      if ((i + 1) % burst === 0 || i + 1 === n) yield csp.put(ack, i);
    }
  });
  const producer = csp.go(function* () {
    for (let start = 0; start < n; start += burst) {
      const end = Math.min(n, start + burst);
      for (let v = start; v < end; v++) yield csp.put(ch, v);
      num(yield csp.take(ack));
    }
  });
  await Promise.all([join(consumer), join(producer)]);
  return ck;
}

/** Select fan-in: process p puts p, p+4, … on its own channel; one process `alts` over the four until it has n values. */
export async function fanIn(n: number, make: () => Channel<number>): Promise<Checksum> {
  const chs = [make(), make(), make(), make()];
  const ck = new Checksum();
  const done: Promise<void>[] = [
    join(
      csp.go(function* () {
        for (let i = 0; i < n; i++) {
          const r = (yield csp.alts(chs)) as AltResult<number>;
          ck.add(num(r.value));
        }
      }),
    ),
  ];
  for (let p = 0; p < chs.length; p++) {
    const ch = chs[p] as Channel<number>;
    done.push(
      join(
        csp.go(function* () {
          for (let v = p; v < n; v += chs.length) yield csp.put(ch, v);
        }),
      ),
    );
  }
  await Promise.all(done);
  return ck;
}

/**
 * n times: put i on a channel buffered 1, then `alts` between it and a fresh
 * `timeout(timeoutMs)`; the channel must win every time. js-csp's `timeout`
 * arms a `setTimeout` that nothing can clear: every iteration leaves one behind.
 */
export async function selectAgainstTimer(n: number, timeoutMs: number): Promise<Checksum> {
  const ready = csp.chan<number>(1);
  const ck = new Checksum();
  await join(
    csp.go(function* () {
      for (let i = 0; i < n; i++) {
        yield csp.put(ready, i);
        const r = (yield csp.alts([ready, csp.timeout(timeoutMs)])) as AltResult<number>;
        if (r.channel !== ready) throw new Error("the one-hour timeout won the alts");
        ck.add(num(r.value));
      }
    }),
  );
  return ck;
}
