/**
 * Atomics across real worker threads: adds from four workers on one
 * AtomicInt64 reach the exact sum, and a stop flag set by the main thread stops
 * a worker loop, with every turn it counted visible to the main thread.
 */

import { nextMessage, startWorker } from "@csp-kit/testkit/core";
import { describe, expect, it } from "vitest";
import { AtomicInt64 } from "../src/index.js";
import { control } from "./fixtures/control-layout.js";

/** A TypeScript fixture of test/fixtures, run in a worker by the testkit's startWorker. */
function fixture(name: string): URL {
  return new URL(`./fixtures/${name}`, import.meta.url);
}

const WORKERS = 4;
const ITERATIONS = 50_000;

describe("atomics across worker threads", () => {
  it("four workers doing add() on one AtomicInt64 reach the exact sum", async () => {
    const total = new AtomicInt64(2n ** 40n); // start past 2**32 to prove the full 64 bits move
    const delta = 3n;
    const workers = Array.from({ length: WORKERS }, () =>
      startWorker(fixture("int64-adder.ts"), {
        buffer: total.buffer,
        byteOffset: total.byteOffset,
        iterations: ITERATIONS,
        delta,
      }),
    );
    try {
      const lasts = await Promise.all(workers.map((w) => nextMessage<bigint>(w)));
      const expected = 2n ** 40n + BigInt(WORKERS * ITERATIONS) * delta;
      expect(total.load()).toBe(expected);
      // add() returns the new value: exactly one worker made the final add.
      expect(lasts.filter((v) => v === expected)).toHaveLength(1);
      for (const v of lasts) expect(v <= expected && v > 2n ** 40n).toBe(true);
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  }, 20_000);

  it("an AtomicBool stop flag set by the main thread stops a worker loop, and its counts are all visible", async () => {
    const buffer = control.allocate();
    const { stop, turns } = control.bind(buffer);
    const worker = startWorker(fixture("stop-flag.ts"), { buffer });
    try {
      expect(await nextMessage<string>(worker)).toBe("started");
      stop.store(true);
      const mine = await nextMessage<number>(worker);
      expect(mine).toBeGreaterThan(0);
      expect(turns.load()).toBe(mine);
    } finally {
      await worker.terminate();
    }
  }, 20_000);
});
