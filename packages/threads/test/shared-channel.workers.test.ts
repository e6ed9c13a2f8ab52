import { portOf, RecvWaiter } from "@csp-kit/channel/port";
import { flush, track } from "@csp-kit/testkit/core";
import { afterEach, describe, expect, it } from "vitest";
import { None, SharedChannel, Some } from "../src/index.js";
import { type FixtureWorker, startWorker } from "./fixtures/start-worker.js";
import { coreOf } from "./support.js";

/** Workers take a few hundred milliseconds to start (they compile TypeScript); the work itself is short. */
const WORKER_TEST_TIMEOUT = 30_000;

const started: FixtureWorker[] = [];
function start(name: string, data: Record<string, unknown>): FixtureWorker {
  const w = startWorker(name, data);
  started.push(w);
  return w;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((w) => w.worker.terminate()));
});

/** Yields to the event loop until `condition` holds (the other threads make it true; no timing involved). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await flush();
}

const isResult = (m: unknown) => typeof m === "object" && m !== null;

describe("SharedChannel across worker threads", () => {
  it(
    "delivers every value exactly once, in order per producer, to several producers and consumers",
    async () => {
      const ch = new SharedChannel<number>(16);
      const perProducer = 4000;
      const producers = [
        start("producer", { handle: ch.handle, id: 1, count: perProducer, mode: "sync" }),
        start("producer", { handle: ch.handle, id: 2, count: perProducer, mode: "sync" }),
        start("producer", { handle: ch.handle, id: 3, count: perProducer, mode: "async" }),
      ];
      const consumers = (["sync", "async", "batch"] as const).map((mode) =>
        start("consumer", { handle: ch.handle, mode }),
      );
      // The main thread consumes too, without blocking its event loop.
      const mainGot: number[] = [];
      const mainLoop = (async () => {
        for await (const v of ch) mainGot.push(v);
      })();
      await Promise.all(producers.map((p) => p.message((m) => m === "done")));
      ch.close();
      await mainLoop;
      const lists = [mainGot];
      for (const c of consumers) lists.push(((await c.message(isResult)) as { got: number[] }).got);

      // Exactly once: every value of every producer, no more.
      const all = lists.flat().sort((a, b) => a - b);
      const expected = [1, 2, 3].flatMap((id) => Array.from({ length: perProducer }, (_, i) => id * 1e6 + i));
      expect(all.length).toBe(expected.length);
      expect(all).toEqual(expected);
      // Per-producer order: what each consumer saw of one producer is increasing.
      for (const list of lists) {
        const last = new Map<number, number>();
        for (const v of list) {
          const id = Math.floor(v / 1e6);
          expect(v).toBeGreaterThan(last.get(id) ?? -1);
          last.set(id, v);
        }
      }
      expect(ch.len).toBe(0);
    },
    WORKER_TEST_TIMEOUT,
  );

  it(
    "hands a value from the main thread to a receiver blocked in a worker",
    async () => {
      const ch = new SharedChannel<number>(2);
      const w = start("blocker", { handle: ch.handle, op: "recvSync" });
      await until(() => coreOf(ch).ring.registered.receivers === 1);
      await ch.send(41);
      expect(await w.message(isResult)).toEqual({ ok: "value", value: 41 });
    },
    WORKER_TEST_TIMEOUT,
  );

  it(
    "wakes receivers blocked in workers (sync and async) when the channel is closed",
    async () => {
      const ch = new SharedChannel<number>(2);
      const ws = [
        start("blocker", { handle: ch.handle, op: "recvSync" }),
        start("blocker", { handle: ch.handle, op: "recvSync" }),
        start("blocker", { handle: ch.handle, op: "recvAsync" }),
      ];
      await until(() => coreOf(ch).ring.registered.receivers === 3);
      ch.close();
      for (const w of ws) expect(await w.message(isResult)).toEqual({ ok: "none" });
      expect(await Promise.all(ws.map((w) => w.exited))).toEqual([0, 0, 0]);
    },
    WORKER_TEST_TIMEOUT,
  );

  it(
    "fails senders blocked in workers with ChannelClosedError when the channel is closed",
    async () => {
      const ch = new SharedChannel<number>(1);
      ch.trySend(1);
      const ws = [
        start("blocker", { handle: ch.handle, op: "sendSync" }),
        start("blocker", { handle: ch.handle, op: "sendAsync" }),
      ];
      await until(() => coreOf(ch).ring.registered.senders === 2);
      ch.close();
      for (const w of ws) expect(await w.message(isResult)).toEqual({ error: "ChannelClosedError" });
      expect(await ch.recv()).toEqual(Some(1));
      expect(await ch.recv()).toBe(None);
    },
    WORKER_TEST_TIMEOUT,
  );

  it(
    "removes an aborted main-thread receive at once, so the next value reaches the next receive",
    async () => {
      const ch = new SharedChannel<number>(4);
      const ac = new AbortController();
      const aborted = track(ch.recv({ signal: ac.signal }));
      await flush();
      expect(coreOf(ch).waiting.receivers).toBe(1);
      ac.abort(new Error("gave up"));
      await flush();
      expect(aborted.outcome).toEqual({ state: "rejected", reason: new Error("gave up") });
      expect(coreOf(ch).waiting.receivers).toBe(0);

      const p = start("producer", { handle: ch.handle, id: 0, count: 3, mode: "sync" });
      expect([await ch.recv(), await ch.recv(), await ch.recv()]).toEqual([Some(0), Some(1), Some(2)]);
      await p.message((m) => m === "done");
      expect(ch.tryRecv()).toBe("would-block");
      expect(coreOf(ch).waiting.receivers).toBe(0);
      expect(coreOf(ch).ring.registered.receivers).toBeLessThanOrEqual(1);
    },
    WORKER_TEST_TIMEOUT,
  );

  it(
    "commits one select case when a worker makes two channels ready, and takes nothing from the other",
    async () => {
      const a = new SharedChannel<number>(2);
      const b = new SharedChannel<number>(2);
      const token = { done: false };
      const results: Array<{ from: string; value: number | undefined }> = [];
      class Case extends RecvWaiter<number> {
        constructor(
          readonly name: string,
          readonly other: () => void,
        ) {
          super(token);
        }
        complete(value: number | undefined): void {
          results.push({ from: this.name, value });
          this.other();
        }
      }
      const ca: Case = new Case("a", () => portOf(b).cancelRecv(cb));
      const cb: Case = new Case("b", () => portOf(a).cancelRecv(ca));
      expect(portOf(a).pollRecv(ca) || portOf(b).pollRecv(cb)).toBe(false);
      portOf(a).enqueueRecv(ca);
      portOf(b).enqueueRecv(cb);

      const pa = start("producer", { handle: a.handle, id: 1, count: 1, mode: "sync" });
      const pb = start("producer", { handle: b.handle, id: 2, count: 1, mode: "sync" });
      await Promise.all([pa.message((m) => m === "done"), pb.message((m) => m === "done")]);
      await until(() => results.length > 0);
      await flush();
      expect(results.length).toBe(1);
      const loser = results[0]!.from === "a" ? b : a;
      expect(loser.len).toBe(1);
      expect(loser.tryRecv()).toEqual(Some(results[0]!.from === "a" ? 2e6 : 1e6));
      expect(coreOf(a).waiting.receivers + coreOf(b).waiting.receivers).toBe(0);
    },
    WORKER_TEST_TIMEOUT,
  );

  it(
    "a blocking receive with a timeout returns timed-out on an empty channel, and the next receive still gets the next value",
    async () => {
      const ch = new SharedChannel<number>(2);
      const w = start("timed", { handle: ch.handle, steps: [{ op: "recvSync", timeout: 20 }, { op: "recvSync" }] });
      const step = (i: number) => w.message((m) => isResult(m) && (m as { step: number }).step === i);
      expect(await step(0)).toEqual({ step: 0, outcome: "timed-out" });
      await ch.send(7);
      expect(await step(1)).toEqual({ step: 1, outcome: { value: 7 } });
      expect(ch.len).toBe(0);
      expect(coreOf(ch).ring.registered.receivers).toBe(0);
    },
    WORKER_TEST_TIMEOUT,
  );

  it(
    "a blocking send with a timeout returns timed-out on a full channel and sends nothing; once there is room it sends",
    async () => {
      const ch = new SharedChannel<number>(1);
      ch.trySend(1);
      const w = start("timed", {
        handle: ch.handle,
        steps: [
          { op: "sendSync", value: 2, timeout: 20 },
          { op: "sendSync", value: 3, timeout: 60_000 },
        ],
      });
      const step = (i: number) => w.message((m) => isResult(m) && (m as { step: number }).step === i);
      expect(await step(0)).toEqual({ step: 0, outcome: "timed-out" });
      expect(ch.len).toBe(1);
      expect(await ch.recv()).toEqual(Some(1));
      expect(await step(1)).toEqual({ step: 1, outcome: "sent" });
      expect(await ch.recv()).toEqual(Some(3));
      expect(ch.tryRecv()).toBe("would-block");
    },
    WORKER_TEST_TIMEOUT,
  );

  it(
    "a blocking receive with a timeout returns a value that arrives in time, and None once closed and drained",
    async () => {
      const ch = new SharedChannel<number>(2);
      const w = start("timed", {
        handle: ch.handle,
        steps: [
          { op: "recvSync", timeout: 60_000 },
          { op: "recvSync", timeout: 60_000 },
        ],
      });
      const step = (i: number) => w.message((m) => isResult(m) && (m as { step: number }).step === i);
      await ch.send(5);
      expect(await step(0)).toEqual({ step: 0, outcome: { value: 5 } });
      ch.close();
      expect(await step(1)).toEqual({ step: 1, outcome: "none" });
    },
    WORKER_TEST_TIMEOUT,
  );
});
