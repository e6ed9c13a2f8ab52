/**
 * What aborted `SharedMutex.lock({ signal })` waits keep, measured with
 * `process.memoryUsage().heapUsed` after forced collections (the vitest config
 * runs this project with `--expose-gc`), and how many abort listeners waits on
 * one signal add. An aborted wait must leave nothing behind (it is removed at
 * once, as in the in-thread primitives), and any number of waits on one signal
 * share one listener.
 */

import { getEventListeners } from "node:events";
import { flush, track } from "@csp-kit/testkit/core";
import { describe, expect, it } from "vitest";
import { SharedMutex } from "../src/index.js";

const gc = (globalThis as { gc?: () => void }).gc;

function heapAfterGc(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

const MB = 1024 * 1024;

describe("SharedMutex memory", () => {
  it("runs with global.gc exposed (--expose-gc)", () => {
    expect(typeof gc).toBe("function");
  });

  it("20,000 aborted lock waits on a held mutex keep nothing until the next unlock", async () => {
    const mu = new SharedMutex();
    expect(mu.tryLock()).toBe(true);
    const n = 20_000;
    // Warm up (the first wait arms this instance's one pending Atomics.waitAsync).
    for (let i = 0; i < 100; i++) {
      const c = new AbortController();
      const p = mu.lock({ signal: c.signal }).catch(() => {});
      c.abort();
      await p;
    }
    const before = heapAfterGc();
    for (let batch = 0; batch < n / 100; batch++) {
      const c = new AbortController();
      const waits = Array.from({ length: 100 }, () => mu.lock({ signal: c.signal }).catch(() => {}));
      c.abort();
      await Promise.all(waits);
    }
    await flush();
    const grown = heapAfterGc() - before;
    console.log(`memory: ${n} aborted SharedMutex.lock waits kept ${(grown / MB).toFixed(2)} MB`);
    expect(grown).toBeLessThan(1 * MB);

    // The mutex still works: a waiter is granted on the next unlock, and the unlock is not slowed
    // down by the aborted waits (nothing is left to walk).
    const next = track(mu.lock());
    await flush();
    expect(next.state).toBe("pending");
    mu.unlock();
    while (next.state === "pending") await flush();
    expect(next.state).toBe("fulfilled");
    expect(mu.locked).toBe(true);
    mu.unlock();
  }, 60_000);

  it("1,000 waits on one signal add one abort listener, and none stays after they are granted", async () => {
    const mu = new SharedMutex();
    expect(mu.tryLock()).toBe(true);
    const controller = new AbortController();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    try {
      const waits = Array.from({ length: 1000 }, () => track(mu.lock({ signal: controller.signal })));
      await flush();
      expect(getEventListeners(controller.signal, "abort").length).toBeLessThanOrEqual(1);
      // Grant them one by one.
      for (let granted = 0; granted < 1000; granted++) {
        mu.unlock();
        while (waits.filter((w) => w.state === "fulfilled").length === granted) await flush();
      }
      expect(waits.every((w) => w.state === "fulfilled")).toBe(true);
      mu.unlock();
      expect(mu.locked).toBe(false);
      await flush();
      expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
    } finally {
      process.off("warning", onWarning);
    }
  }, 60_000);

  it("an aborted wait leaves the queue at once: the unlock after it grants the next live waiter", async () => {
    const mu = new SharedMutex();
    expect(mu.tryLock()).toBe(true);
    const c = new AbortController();
    const aborted = track(mu.lock({ signal: c.signal }));
    const live = track(mu.lock());
    await flush();
    c.abort(new Error("gone"));
    await flush();
    expect(aborted.outcome).toMatchObject({ state: "rejected" });
    mu.unlock();
    while (live.state === "pending") await flush();
    expect(live.state).toBe("fulfilled");
    mu.unlock();
    expect(mu.locked).toBe(false);
  });
});
