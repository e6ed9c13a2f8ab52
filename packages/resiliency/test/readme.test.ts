/** The README's examples, executed on a ManualClock instead of real time. */

import { ManualClock } from "@csp-kit/timers/testing";
import { describe, expect, it } from "vitest";
import {
  Batcher,
  CircuitBreaker,
  deadline,
  exponentialBackoff,
  failWhen,
  isBreakerOpenError,
  Retrier,
} from "../src/index.js";

describe("README", () => {
  it("Usage: a retrier around a breaker around a deadline, and a batcher", async () => {
    const clock = new ManualClock();
    const signals: AbortSignal[] = [];
    let calls = 0;
    const fetchMetadata = (s: AbortSignal) => {
      signals.push(s);
      return ++calls <= 2 ? Promise.reject(new Error("broker not available")) : Promise.resolve({ topics: 3 });
    };
    const inserts: (readonly string[])[] = [];
    const insertMany = (rows: readonly string[]) => void inserts.push(rows);

    const program = (async () => {
      const breaker = new CircuitBreaker({ errorThreshold: 3, successThreshold: 1, timeout: 10_000, clock });
      const retrier = new Retrier(exponentialBackoff(4, 100), {
        jitter: 0.2,
        classifier: failWhen(isBreakerOpenError),
        clock,
      });

      const metadata = await retrier.run(({ signal }) =>
        breaker.run(() => deadline(2_000, (s) => fetchMetadata(s), { signal, clock })),
      );

      const writes = new Batcher(10, (rows: readonly string[]) => insertMany(rows), { clock });
      await Promise.all([writes.run("a"), writes.run("b")]);
      return { metadata, state: breaker.state.kind };
    })();
    await clock.runAllAsync();
    expect(await program).toEqual({ metadata: { topics: 3 }, state: "closed" });
    expect(calls).toBe(3);
    expect(signals.every((s) => !s.aborted)).toBe(true);
    // Two backoffs of 100 and 200 ms, each within ±20%, then the 10 ms window.
    expect(clock.now()).toBeGreaterThanOrEqual(240 + 10);
    expect(clock.now()).toBeLessThan(360 + 10);
    expect(inserts).toEqual([["a", "b"]]);
    expect(clock.pending).toBe(0);
  });

  it("Usage: testing the same code without waiting", async () => {
    let n = 0;
    const flakyConnect = async () => {
      if (++n <= 2) throw new Error("ECONNREFUSED");
      return "connection";
    };
    const clock = new ManualClock();
    const retrier = new Retrier(exponentialBackoff(4, 100), { clock });
    const p = retrier.run(flakyConnect);
    await clock.runAllAsync();
    expect([await p, clock.now()]).toEqual(["connection", 300]);
  });
});
