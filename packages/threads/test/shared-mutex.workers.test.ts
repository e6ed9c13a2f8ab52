/**
 * SharedMutex across real worker threads: plain, non-atomic increments of a
 * shared counter made under the mutex reach the exact total, whether the
 * threads wait with lockSync (Atomics.wait) or lock (Atomics.waitAsync), and
 * while the main thread takes the same mutex with lock().
 */

import { flush } from "@csp-kit/testkit/core";
import { describe, expect, it } from "vitest";
import { SharedMutex } from "../src/index.js";
import { startWorker } from "./fixtures/start-worker.js";

const WORKERS = 4;
const ITERATIONS = 20_000;
const MAIN_ITERATIONS = 2_000;

describe("SharedMutex (worker threads)", () => {
  it("four workers and the main thread incrementing a plain counter under the mutex reach the exact total", async () => {
    // Put the mutex at a non-zero offset of a bigger buffer, as an application packing several would.
    const mu = SharedMutex.from(new SharedArrayBuffer(16), 8);
    const counter = new SharedArrayBuffer(4);
    const cells = new Int32Array(counter);
    const workers = Array.from({ length: WORKERS }, (_, i) =>
      startWorker("shared-counter", {
        mutex: mu.buffer,
        mutexOffset: mu.byteOffset,
        counter,
        iterations: ITERATIONS,
        mode: i % 2 === 0 ? "sync" : "async",
      }),
    );
    try {
      const done = workers.map((w) => w.message(() => true));
      for (let i = 0; i < MAIN_ITERATIONS; i++) {
        await mu.lock();
        const value = cells[0] as number;
        cells[0] = value + 1;
        mu.unlock();
      }
      expect(await Promise.all(done)).toEqual(Array(WORKERS).fill("done"));
      expect(cells[0]).toBe(WORKERS * ITERATIONS + MAIN_ITERATIONS);
      expect(mu.locked).toBe(false);
    } finally {
      await Promise.all(workers.map((w) => w.worker.terminate()));
    }
  }, 20_000);

  it("lock() attempts aborted on the main thread while workers contend never lose a wake-up or an increment", async () => {
    const mu = new SharedMutex();
    const counter = new SharedArrayBuffer(4);
    const cells = new Int32Array(counter);
    const workers = Array.from({ length: WORKERS }, () =>
      startWorker("shared-counter", {
        mutex: mu.buffer,
        mutexOffset: 0,
        counter,
        iterations: ITERATIONS / 2,
        mode: "sync",
      }),
    );
    try {
      let finished = false;
      const done = Promise.all(workers.map((w) => w.message(() => true))).finally(() => {
        finished = true;
      });
      let mainIncrements = 0;
      let aborts = 0;
      while (!finished) {
        const controller = new AbortController();
        const locking = mu.lock({ signal: controller.signal });
        await flush();
        controller.abort();
        try {
          await locking;
        } catch {
          aborts++;
          continue;
        }
        const value = cells[0] as number;
        cells[0] = value + 1;
        mu.unlock();
        mainIncrements++;
      }
      await done; // a lost wake-up would leave a worker asleep forever and time this test out
      expect(cells[0]).toBe((WORKERS * ITERATIONS) / 2 + mainIncrements);
      expect(mainIncrements + aborts).toBeGreaterThan(0);
      expect(mu.locked).toBe(false);
    } finally {
      await Promise.all(workers.map((w) => w.worker.terminate()));
    }
  }, 20_000);

  it("a worker whose only work is an awaited lock() stays alive until it gets the lock", async () => {
    const mu = new SharedMutex();
    const word = new Int32Array(mu.buffer, mu.byteOffset, 1);
    expect(mu.tryLock()).toBe(true);
    const counter = new SharedArrayBuffer(4);
    const worker = startWorker("shared-counter", {
      mutex: mu.buffer,
      mutexOffset: mu.byteOffset,
      counter,
      iterations: 1,
      mode: "async",
    });
    try {
      let exited = false;
      worker.worker.once("exit", () => {
        exited = true;
      });
      const done = worker.message(() => true);
      // Until the worker waits on the lock (it marks the word contended, 2)...
      while (Atomics.load(word, 0) !== 2 && !exited) await flush();
      // ...and then for the turns in which a worker kept alive by nothing would exit (code 13).
      for (let i = 0; i < 50 && !exited; i++) await flush();
      mu.unlock();
      expect(await done).toBe("done");
      expect(new Int32Array(counter)[0]).toBe(1);
    } finally {
      await worker.worker.terminate();
    }
  }, 20_000);
});
