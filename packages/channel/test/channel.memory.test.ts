/**
 * What a channel keeps in memory, measured with `process.memoryUsage().heapUsed`
 * after forced collections (the vitest config runs this project with
 * `--expose-gc`). The figures are printed so that a run reports them.
 *
 * - an empty `buffered(1_000_000)` costs a few hundred bytes, not its capacity;
 * - an infinite channel that held a million values gives the memory back once drained;
 * - a million aborted receives leave no waiter and no garbage behind;
 * - a million completed waits on ONE long-lived signal leave nothing attached to it.
 *
 * Cost note: creating and aborting an AbortController costs ~10 µs in Node (it
 * dispatches an Event), so the million aborted receives share one controller per
 * batch of 100; a further 100,000 receives have a controller each, which covers
 * the per-signal bookkeeping.
 */

import { getEventListeners } from "node:events";
import { flush } from "@csp-kit/testkit/core";
import { describe, expect, it } from "vitest";
import { Channel } from "../src/index.js";
import { coreOf } from "./support/kinds.js";

const gc = (globalThis as { gc?: () => void }).gc;

/** Heap in use after two full collections (the second catches what the first one's finalisation freed). */
function heapAfterGc(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

const KB = 1024;
const MB = 1024 * KB;
const mb = (bytes: number): string => `${(bytes / MB).toFixed(2)} MB`;

/** Time limit for the tests that run a million operations (they take 1-3 s on a busy machine). */
const SLOW = 60_000;

describe("channel memory", () => {
  it("runs with global.gc exposed (--expose-gc)", () => {
    expect(typeof gc).toBe("function");
  });

  it("an empty buffered(1_000_000) channel costs a few hundred bytes, not its capacity", () => {
    const count = 10_000;
    const keep = new Array<Channel<number>>(count);
    const before = heapAfterGc();
    for (let i = 0; i < count; i++) keep[i] = Channel.buffered<number>(1_000_000);
    const perChannel = (heapAfterGc() - before) / count;
    console.log(`memory: empty buffered(1_000_000) = ${Math.round(perChannel)} bytes/channel (${count} channels)`);

    expect(keep.every((ch) => ch.cap === 1_000_000 && ch.len === 0)).toBe(true);
    expect(perChannel).toBeGreaterThan(0);
    expect(perChannel).toBeLessThan(2 * KB);
  });

  it(
    "an infinite channel that held 1,000,000 values gives the memory back once drained",
    () => {
      const n = 1_000_000;
      const ch = Channel.infinite<{ readonly i: number }>();
      const baseline = heapAfterGc();
      let sent = 0;
      for (let i = 0; i < n; i++) if (ch.trySend({ i }) === "sent") sent++;
      const full = heapAfterGc() - baseline;
      expect(sent).toBe(n);
      expect(ch.len).toBe(n);

      let next = 0;
      let outOfOrder = 0;
      const receive = () => {
        const r = ch.tryRecv();
        if (r === "would-block") return false;
        if (r.unwrap().i !== next++) outOfOrder++;
        return true;
      };
      // Memory must follow the length while draining, not only once the channel is empty.
      while (ch.len > 1) receive();
      const oneLeft = heapAfterGc() - baseline;
      while (receive());
      const drained = heapAfterGc() - baseline;
      console.log(
        `memory: infinite channel holding ${n} values = ${mb(full)}; ` +
          `drained to 1 value = ${mb(oneLeft)}; fully drained = ${mb(drained)}`,
      );

      expect(next).toBe(n);
      expect(outOfOrder).toBe(0);
      expect(full).toBeGreaterThan(10 * MB); // the measurement sees the backlog …
      expect(oneLeft).toBeLessThan(2 * MB); // … sees it go as the channel drains …
      expect(drained).toBeLessThan(2 * MB); // … and to the end
      // The channel itself is still alive and usable.
      expect(ch.len).toBe(0);
      expect(ch.trySend({ i: -1 })).toBe("sent");
    },
    SLOW,
  );

  it(
    "1,000,000 aborted receives on one channel leave no waiter and no garbage",
    async () => {
      const ch = Channel.unbuffered<number>();
      const core = coreOf(ch);
      const reason = new Error("cancelled");
      let rejected = 0;
      let wrongReason = 0;
      const onRejected = (error: unknown) => {
        if (error === reason) rejected++;
        else wrongReason++;
      };
      let maxWaiting = 0;
      let leftBehind = 0;
      /** `batches` controllers, each cancelling `perController` waiting receives at once. */
      const abortBatches = async (batches: number, perController: number) => {
        for (let batch = 0; batch < batches; batch++) {
          const controller = new AbortController();
          for (let i = 0; i < perController; i++) ch.recv({ signal: controller.signal }).catch(onRejected);
          maxWaiting = Math.max(maxWaiting, core.waiting.receivers);
          controller.abort(reason);
          leftBehind += core.waiting.receivers;
          if (((batch + 1) * perController) % 10_000 === 0) {
            await flush(); // let the rejections run
            if (perController === 1) gc?.(); // see the warm-up note
          }
        }
        await flush();
      };

      // The engine finds a signal's shared listener through a WeakMap, whose table grows to hold
      // every signal created between two major collections and keeps that size: ~3 MB after
      // 100,000 short-lived signals, a high-water mark, not growth per operation. Collecting every
      // 10,000 one-controller aborts bounds that mark, and the warm-up puts it in the baseline.
      await abortBatches(1_000, 100);
      await abortBatches(20_000, 1);
      const baseline = heapAfterGc();
      await abortBatches(10_000, 100); // 1,000,000 receives, 100 per controller
      await abortBatches(100_000, 1); // 100,000 receives, one controller each
      const growth = heapAfterGc() - baseline;
      console.log(
        `memory: 1,100,000 aborted receives = ${mb(growth)} retained; waiting receivers = ${core.waiting.receivers}`,
      );

      expect(maxWaiting).toBe(100); // the receives really were waiting
      expect(rejected).toBe(1_100_000 + 120_000); // measured run + warm-up
      expect(wrongReason).toBe(0);
      expect(leftBehind).toBe(0);
      expect(core.waiting).toEqual({ receivers: 0, senders: 0 });
      core.assertInvariants();
      expect(growth).toBeLessThan(1 * MB);
      // The channel still works: a fresh receiver gets the next value.
      const next = ch.recv();
      expect(ch.trySend(7)).toBe("sent");
      expect((await next).unwrap()).toBe(7);
    },
    SLOW,
  );

  it(
    "1,000,000 completed waits with one long-lived signal leave nothing attached to the signal",
    async () => {
      const n = 1_000_000;
      const ch = Channel.unbuffered<number>();
      const core = coreOf(ch);
      const controller = new AbortController();
      const { signal } = controller;
      /** The operations still watching `signal`: the channel keeps one shared listener per signal, with a list. */
      const watchers = () => {
        const listeners = getEventListeners(signal, "abort");
        return { listeners: listeners.length, head: (listeners[0] as { head?: unknown } | undefined)?.head };
      };
      let completed = 0;
      const onDone = () => {
        completed++;
      };
      let maxListeners = 0;
      let watchedWhilePending = 0;
      let watchedAfterCompletion = 0;
      const baseline = heapAfterGc();

      for (let i = 0; i < n; i += 2) {
        // A receive that waits, then completes.
        ch.recv({ signal }).then(onDone);
        if (watchers().head !== undefined) watchedWhilePending++;
        ch.trySend(i);
        // A send that waits, then completes.
        ch.send(i + 1, { signal }).then(onDone);
        ch.tryRecv();
        if (watchers().head !== undefined) watchedAfterCompletion++;
        if (i % 10_000 === 0) {
          maxListeners = Math.max(maxListeners, watchers().listeners);
          await flush();
        }
      }
      await flush();
      const growth = heapAfterGc() - baseline;
      const { listeners, head } = watchers();
      console.log(
        `memory: ${n} completed waits on one signal = ${mb(growth)} retained; ` +
          `abort listeners on the signal = ${listeners}, operations still watching = ${head === undefined ? 0 : "some"}`,
      );

      expect(completed).toBe(n);
      expect(watchedWhilePending).toBe(n / 2); // a waiting operation really watched the signal
      expect(watchedAfterCompletion).toBe(0);
      expect(maxListeners).toBeLessThanOrEqual(1); // one shared listener, never one per operation
      expect(listeners).toBeLessThanOrEqual(1);
      expect(head).toBeUndefined();
      expect(core.waiting).toEqual({ receivers: 0, senders: 0 });
      expect(growth).toBeLessThan(1 * MB);
      expect(signal.aborted).toBe(false);
    },
    SLOW,
  );
});
