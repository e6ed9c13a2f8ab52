/**
 * @thi.ng/csp's side of the workloads, in its README's style: async functions
 * with `await ch.write(v)` and `await ch.read()` (its own `into()` writes the
 * same way). `write` resolves `false` and `read` resolves `undefined` on a
 * closed channel; both fail the run.
 *
 * Note: @thi.ng/csp's `write` promise resolves when the value is *read*, even
 * when it was stored in a buffer, so a producer that awaits each write has at
 * most one value in flight: buffered workloads behave like a hand-off. That is
 * the library's documented behaviour, measured as users get it.
 */

import { type Channel, select, timeout } from "@thi.ng/csp";
import { Checksum } from "../checksum.js";

/** For the workloads' channel factories. */
export { dropping, sliding } from "@thi.ng/buffers";
export { channel } from "@thi.ng/csp";

async function write(ch: Channel<number>, v: number): Promise<void> {
  if (!(await ch.write(v))) throw new Error("write failed: channel closed");
}

async function read(ch: Channel<number>): Promise<number> {
  const v = await ch.read();
  if (v === undefined) throw new Error("read failed: channel closed");
  return v;
}

/** `producers` tasks send 0..n-1 between them (task p sends p, p+P, …); `consumers` tasks receive n/C each. */
export async function pipeline(
  n: number,
  producers: number,
  consumers: number,
  make: () => Channel<number>,
): Promise<Checksum> {
  const ch = make();
  const ck = new Checksum();
  const tasks: Promise<void>[] = [];
  for (let c = 0; c < consumers; c++) {
    tasks.push(
      (async () => {
        for (let i = 0; i < n / consumers; i++) ck.add(await read(ch));
      })(),
    );
  }
  for (let p = 0; p < producers; p++) {
    tasks.push(
      (async () => {
        for (let v = p; v < n; v += producers) await write(ch, v);
      })(),
    );
  }
  await Promise.all(tasks);
  return ck;
}

/** n hops: ping sends even values on `a`, pong answers each with the next odd value on `b`. */
export async function pingPong(n: number, make: () => Channel<number>): Promise<Checksum> {
  const a = make();
  const b = make();
  const ck = new Checksum();
  const pong = async () => {
    for (let k = 0; k < n / 2; k++) {
      const v = await read(a);
      ck.add(v);
      await write(b, v + 1);
    }
  };
  const ping = async () => {
    for (let k = 0; k < n; k += 2) {
      await write(a, k);
      ck.add(await read(b));
    }
  };
  await Promise.all([pong(), ping()]);
  return ck;
}

/** Bursts of `burst` values, each acknowledged by the consumer on a second channel (see the floor's `bursts`). */
export async function bursts(
  n: number,
  burst: number,
  make: () => Channel<number>,
  ackChannel: () => Channel<number>,
): Promise<Checksum> {
  const ch = make();
  const ack = ackChannel();
  const ck = new Checksum();
  const consumer = async () => {
    for (let i = 0; i < n; i++) {
      ck.add(await read(ch));
      if ((i + 1) % burst === 0 || i + 1 === n) await write(ack, i);
    }
  };
  const producer = async () => {
    for (let start = 0; start < n; start += burst) {
      const end = Math.min(n, start + burst);
      for (let v = start; v < end; v++) await write(ch, v);
      await read(ack);
    }
  };
  await Promise.all([consumer(), producer()]);
  return ck;
}

/** Select fan-in: task p writes p, p+4, … to its own channel; one task `select`s over the four until it has n values. */
export async function fanIn(n: number, make: () => Channel<number>): Promise<Checksum> {
  const [a, b, c, d] = [make(), make(), make(), make()];
  const chs = [a, b, c, d];
  const ck = new Checksum();
  const consumer = async () => {
    for (let i = 0; i < n; i++) {
      const [v] = await select(a, b, c, d);
      if (v === undefined) throw new Error("select returned no value: a channel closed");
      ck.add(v);
    }
  };
  const tasks = [consumer()];
  for (let p = 0; p < chs.length; p++) {
    const ch = chs[p] as Channel<number>;
    tasks.push(
      (async () => {
        for (let v = p; v < n; v += chs.length) await write(ch, v);
      })(),
    );
  }
  await Promise.all(tasks);
  return ck;
}

/**
 * n times: `offer` i to a channel buffered 1, then `select` between it and a
 * fresh `timeout(timeoutMs)`; the channel must win every time. @thi.ng/csp's
 * `timeout` arms a `setTimeout` that nothing can clear: every iteration leaves
 * one behind.
 */
export async function selectAgainstTimer(n: number, timeoutMs: number, make: () => Channel<number>): Promise<Checksum> {
  const ready = make();
  const ck = new Checksum();
  for (let i = 0; i < n; i++) {
    if (!ready.offer(i)) throw new Error("offer refused: the ready channel is full");
    const [v, ch] = await select(ready, timeout(timeoutMs));
    if (ch !== ready || v === undefined) throw new Error("the one-hour timeout won the select");
    ck.add(v);
  }
  return ck;
}
