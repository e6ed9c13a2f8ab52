/**
 * csp-kit's side of the workloads, in two styles (two columns of the report):
 *
 * - `await` style (column "csp-kit"): `await ch.send(v)` and
 *   `const r = await ch.recv()`, exactly as the README and TSDoc examples show.
 * - `try` style (column "csp-kit (try)"): what a user writes in a hot loop —
 *   `trySend(v)` and only when it does not answer "sent", `await send(v)`;
 *   `tryRecv()` and only on "would-block", `await recv()`. The fast path has
 *   no `await` at all, so it costs no microtask.
 *
 * - `batch` style (column "csp-kit (batch)"), for the workloads with a plain
 *   consumer: the producer as in the try style; the consumer drains with
 *   `tryRecvBatch()` and only on "would-block" `await recvBatch()`, so it
 *   allocates one array per batch instead of a `Some` per value.
 *
 * - `value` style (column "csp-kit (value)"): the try style with the
 *   value-returning receives, `tryRecvValue()` and only on `WOULD_BLOCK`
 *   `await recvValue()`: no `Some` per value, and a blocked receive resolves a
 *   number, not an object (the README's "Hot loops" section).
 *
 * The same two styles for select (`await select(cases)` against `trySelect(cases)`
 * first) and for the mutex (`await mu.lock()` against `tryLock()` first).
 *
 * Everything uses only the public surface of `@csp-kit/channel`, `/select`,
 * `/timers` and `/mutex`; the library has no benchmark-only code path.
 */

import { Channel, CLOSED, type Option, type TryRecvResult, WOULD_BLOCK } from "@csp-kit/channel";
import { Mutex } from "@csp-kit/mutex";
import { prepareSelect, recv, select, trySelect } from "@csp-kit/select";
import { after } from "@csp-kit/timers";
import { Checksum } from "../checksum.js";

/** For the workloads' channel factories. */
export { Channel } from "@csp-kit/channel";

/** Which user-level style a run uses; `batch` and `value` change only the consumer (they send as `try` does). */
export type Style = "await" | "try" | "batch" | "value";

/** The value of a receive; no workload closes its channels, so "closed" is a failure. */
function received<T>(r: Option<T>): T {
  if (r.isNone()) throw new Error("channel closed unexpectedly");
  return r.value;
}

/**
 * One loop per style, each in a function of its own (as a user writes one
 * style, not a switch between them): an async function that holds the loops
 * of several styles compiles to slower code for each of them (W2 try style,
 * measured: 22.5 ns/msg through a shared function, 14–15 on its own).
 */
function produce(style: Style, ch: Channel<number>, first: number, step: number, n: number): Promise<void> {
  return style === "await" ? produceAwait(ch, first, step, n) : produceTry(ch, first, step, n);
}

async function produceAwait(ch: Channel<number>, first: number, step: number, n: number): Promise<void> {
  for (let v = first; v < n; v += step) await ch.send(v);
}

async function produceTry(ch: Channel<number>, first: number, step: number, n: number): Promise<void> {
  for (let v = first; v < n; v += step) {
    if (ch.trySend(v) !== "sent") await ch.send(v);
  }
}

/** The most values one batch takes: a typical write size (a batch of a million values would be one huge array). */
const BATCH = 1024;

/** Receives exactly `count` values as batches of up to BATCH: `tryRecvBatch`, and only on "would-block" `await recvBatch`. */
async function consumeBatches(ch: Channel<number>, count: number, ck: Checksum): Promise<void> {
  for (let got = 0; got < count; ) {
    const max = Math.min(BATCH, count - got);
    let r: TryRecvResult<number[]> = ch.tryRecvBatch(max);
    if (r === "would-block") r = await ch.recvBatch(max);
    const batch = received(r);
    for (let i = 0; i < batch.length; i++) ck.add(batch[i] as number);
    got += batch.length;
  }
}

function consume(style: Style, ch: Channel<number>, count: number, ck: Checksum): Promise<void> {
  if (style === "batch") return consumeBatches(ch, count, ck);
  if (style === "value") return consumeValue(ch, count, ck);
  return style === "await" ? consumeAwait(ch, count, ck) : consumeTry(ch, count, ck);
}

async function consumeValue(ch: Channel<number>, count: number, ck: Checksum): Promise<void> {
  for (let i = 0; i < count; i++) {
    let v = ch.tryRecvValue();
    if (typeof v === "symbol" && v === WOULD_BLOCK) v = await ch.recvValue();
    if (typeof v === "symbol" && v === CLOSED) throw new Error("channel closed unexpectedly");
    ck.add(v);
  }
}

async function consumeAwait(ch: Channel<number>, count: number, ck: Checksum): Promise<void> {
  for (let i = 0; i < count; i++) ck.add(received(await ch.recv()));
}

async function consumeTry(ch: Channel<number>, count: number, ck: Checksum): Promise<void> {
  for (let i = 0; i < count; i++) {
    let r: TryRecvResult<number> = ch.tryRecv();
    if (r === "would-block") r = await ch.recv();
    ck.add(received(r));
  }
}

/** `producers` tasks send 0..n-1 between them (task p sends p, p+P, …); `consumers` tasks receive n/C each. */
export async function pipeline(
  style: Style,
  n: number,
  producers: number,
  consumers: number,
  make: () => Channel<number>,
): Promise<Checksum> {
  const ch = make();
  const ck = new Checksum();
  const tasks: Promise<void>[] = [];
  for (let c = 0; c < consumers; c++) tasks.push(consume(style, ch, n / consumers, ck));
  for (let p = 0; p < producers; p++) tasks.push(produce(style, ch, p, producers, n));
  await Promise.all(tasks);
  return ck;
}

/** n hops: ping sends even values on `a`, pong answers each with the next odd value on `b`. */
export async function pingPong(style: Style, n: number, make: () => Channel<number>): Promise<Checksum> {
  const a = make();
  const b = make();
  const ck = new Checksum();
  if (style === "await") {
    const pong = async () => {
      for (let k = 0; k < n / 2; k++) {
        const v = received(await a.recv());
        ck.add(v);
        await b.send(v + 1);
      }
    };
    const ping = async () => {
      for (let k = 0; k < n; k += 2) {
        await a.send(k);
        ck.add(received(await b.recv()));
      }
    };
    await Promise.all([pong(), ping()]);
  } else if (style === "value") {
    const pong = async () => {
      for (let k = 0; k < n / 2; k++) {
        let v = a.tryRecvValue();
        if (typeof v === "symbol" && v === WOULD_BLOCK) v = await a.recvValue();
        if (typeof v === "symbol" && v === CLOSED) throw new Error("channel closed unexpectedly");
        ck.add(v);
        if (b.trySend(v + 1) !== "sent") await b.send(v + 1);
      }
    };
    const ping = async () => {
      for (let k = 0; k < n; k += 2) {
        if (a.trySend(k) !== "sent") await a.send(k);
        let v = b.tryRecvValue();
        if (typeof v === "symbol" && v === WOULD_BLOCK) v = await b.recvValue();
        if (typeof v === "symbol" && v === CLOSED) throw new Error("channel closed unexpectedly");
        ck.add(v);
      }
    };
    await Promise.all([pong(), ping()]);
  } else {
    const pong = async () => {
      for (let k = 0; k < n / 2; k++) {
        let r: TryRecvResult<number> = a.tryRecv();
        if (r === "would-block") r = await a.recv();
        const v = received(r);
        ck.add(v);
        if (b.trySend(v + 1) !== "sent") await b.send(v + 1);
      }
    };
    const ping = async () => {
      for (let k = 0; k < n; k += 2) {
        if (a.trySend(k) !== "sent") await a.send(k);
        let r: TryRecvResult<number> = b.tryRecv();
        if (r === "would-block") r = await b.recv();
        ck.add(received(r));
      }
    };
    await Promise.all([pong(), ping()]);
  }
  return ck;
}

/**
 * The producer sends bursts of `burst` values (a ring/overflowing channel never
 * makes it wait), then waits for the consumer's acknowledgement on a second
 * channel (buffered 1) that it received the whole burst; so a dropping channel
 * of capacity >= burst never drops and the checksum is exact.
 */
export async function bursts(style: Style, n: number, burst: number, make: () => Channel<number>): Promise<Checksum> {
  const ch = make();
  const ack = new Channel<number>(1);
  const ck = new Checksum();
  const batchConsumer = async () => {
    for (let start = 0; start < n; start += burst) {
      await consumeBatches(ch, Math.min(n, start + burst) - start, ck);
      await ack.send(start);
    }
  };
  const awaitConsumer = async () => {
    for (let i = 0; i < n; i++) {
      ck.add(received(await ch.recv()));
      if ((i + 1) % burst === 0 || i + 1 === n) await ack.send(i);
    }
  };
  const tryConsumer = async () => {
    for (let i = 0; i < n; i++) {
      let r: TryRecvResult<number> = ch.tryRecv();
      if (r === "would-block") r = await ch.recv();
      ck.add(received(r));
      if ((i + 1) % burst === 0 || i + 1 === n) await ack.send(i);
    }
  };
  const valueConsumer = async () => {
    for (let i = 0; i < n; i++) {
      let v = ch.tryRecvValue();
      if (typeof v === "symbol" && v === WOULD_BLOCK) v = await ch.recvValue();
      if (typeof v === "symbol" && v === CLOSED) throw new Error("channel closed unexpectedly");
      ck.add(v);
      if ((i + 1) % burst === 0 || i + 1 === n) await ack.send(i);
    }
  };
  const consumer =
    style === "batch"
      ? batchConsumer
      : style === "value"
        ? valueConsumer
        : style === "await"
          ? awaitConsumer
          : tryConsumer;
  const producer = async () => {
    for (let start = 0; start < n; start += burst) {
      const end = Math.min(n, start + burst);
      if (style === "await") {
        for (let v = start; v < end; v++) await ch.send(v);
      } else {
        for (let v = start; v < end; v++) {
          if (ch.trySend(v) !== "sent") await ch.send(v);
        }
      }
      received(await ack.recv());
    }
  };
  await Promise.all([consumer(), producer()]);
  return ck;
}

/**
 * Select fan-in: producer p sends p, p+4, … on its own channel; one consumer
 * selects over the four receive cases until it has n values. The cases object
 * is built once and reused (a case holds no per-select state).
 */
export async function fanIn(style: Style | "prepared", n: number, make: () => Channel<number>): Promise<Checksum> {
  const chs = [make(), make(), make(), make()] as const;
  const ck = new Checksum();
  const cases = { a: recv(chs[0]), b: recv(chs[1]), c: recv(chs[2]), d: recv(chs[3]) };
  const consumer = async () => {
    if (style === "await") {
      for (let i = 0; i < n; i++) ck.add(received((await select(cases)).value));
    } else if (style === "prepared") {
      const fan = prepareSelect(cases);
      for (let i = 0; i < n; i++) {
        const r = fan.trySelect() ?? (await fan.select());
        ck.add(received(r.value));
      }
    } else {
      for (let i = 0; i < n; i++) {
        const r = trySelect(cases) ?? (await select(cases));
        ck.add(received(r.value));
      }
    }
  };
  const tasks = [consumer()];
  const producerStyle = style === "prepared" ? "try" : style;
  for (let p = 0; p < chs.length; p++) tasks.push(produce(producerStyle, chs[p] as Channel<number>, p, chs.length, n));
  await Promise.all(tasks);
  return ck;
}

/**
 * `tasks` tasks each lock the mutex n/tasks times and, inside, add their next
 * value (task t: t, t+T, …) to the shared checksum — the shared counter.
 */
export async function lockedCounter(style: Style, n: number, tasks: number): Promise<Checksum> {
  const mu = new Mutex();
  const ck = new Checksum();
  const task = async (first: number) => {
    if (style === "await") {
      for (let v = first; v < n; v += tasks) {
        await mu.lock();
        ck.add(v);
        mu.unlock();
      }
    } else {
      for (let v = first; v < n; v += tasks) {
        if (!mu.tryLock()) await mu.lock();
        ck.add(v);
        mu.unlock();
      }
    }
  };
  const all: Promise<void>[] = [];
  for (let t = 0; t < tasks; t++) all.push(task(t));
  await Promise.all(all);
  return ck;
}

/**
 * n times: put i on a channel buffered 1, then select between receiving it and
 * a fresh `after(timeoutMs)`; the channel must win every time. The receive case
 * is built once; the timer case is new each time (a new timer).
 */
export async function selectAgainstTimer(style: Style, n: number, timeoutMs: number): Promise<Checksum> {
  const ready = new Channel<number>(1);
  const value = recv(ready);
  const ck = new Checksum();
  for (let i = 0; i < n; i++) {
    if (style === "await") {
      await ready.send(i);
      const r = await select({ value, timeout: recv(after(timeoutMs)) });
      if (r.case !== "value") throw new Error("the one-hour timer won the select");
      ck.add(received(r.value));
    } else {
      if (ready.trySend(i) !== "sent") await ready.send(i);
      const cases = { value, timeout: recv(after(timeoutMs)) };
      const r = trySelect(cases) ?? (await select(cases));
      if (r.case !== "value") throw new Error("the one-hour timer won the select");
      ck.add(received(r.value));
    }
  }
  return ck;
}
