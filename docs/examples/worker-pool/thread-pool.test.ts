import { SharedChannel } from "@csp-kit/threads";
import { describe, expect, it } from "vitest";
import type { PrimeRange } from "./count-primes.js";
import { threadPool } from "./thread-pool.js";
import type { Outcome } from "./worker-pool.js";

const WORK = new URL("./count-primes.ts", import.meta.url);

/** Receives every outcome until `results` is closed. */
async function collect<T, R>(results: SharedChannel<Outcome<T, R>>): Promise<Outcome<T, R>[]> {
  const all: Outcome<T, R>[] = [];
  for await (const r of results) all.push(r);
  return all;
}

describe("the worker pool on worker threads", () => {
  it("has N threads take every task exactly once, sends failures as outcomes, and closes results when all exited", async () => {
    const tasks = new SharedChannel<PrimeRange>(16);
    const pool = threadPool<PrimeRange, number>(tasks, { threads: 2, work: WORK });
    const ranges: PrimeRange[] = Array.from({ length: 10 }, (_, i) => ({ from: i * 1000, to: (i + 1) * 1000 }));
    for (const r of ranges) await tasks.send(r);
    await tasks.send({ from: 5, to: 1 }); // a bad range: the work throws in the thread
    tasks.close();

    const outcomes = await collect(pool.results);
    await expect(pool.done).resolves.toBeUndefined();
    expect(pool.results.closed).toBe(true);

    const good = outcomes.filter((o) => o.ok);
    expect(good.map((o) => o.task.from).sort((a, b) => a - b)).toEqual(ranges.map((r) => r.from));
    expect(good.reduce((sum, o) => sum + o.value, 0)).toBe(1229); // primes below 10,000
    const bad = outcomes.filter((o) => !o.ok);
    expect(bad).toHaveLength(1);
    expect(bad[0]!.task).toEqual({ from: 5, to: 1 });
    expect(bad[0]!.error).toBeInstanceOf(Error); // an Error survives the trip between threads
    expect((bad[0]!.error as Error).message).toContain("bad range");
    for (const o of outcomes) expect([1, 2]).toContain(o.worker);
  }, 10_000);

  it("on abort, wakes threads waiting for tasks; they exit, results close, and the tasks channel is left open", async () => {
    const tasks = new SharedChannel<PrimeRange>(4);
    const stop = new AbortController();
    const pool = threadPool<PrimeRange, number>(tasks, { threads: 2, work: WORK, signal: stop.signal });
    await tasks.send({ from: 0, to: 100 });
    const first = await pool.results.recv(); // a thread is up and running: both will be waiting soon
    expect(first.isSome() && first.value.ok && first.value.value).toBe(25);
    stop.abort();
    await expect(pool.done).resolves.toBeUndefined();
    expect(pool.results.closed).toBe(true);
    expect(tasks.closed).toBe(false);
    expect(tasks.trySend({ from: 0, to: 1 })).toBe("sent"); // nobody takes it any more
    expect(tasks.len).toBe(1);
  }, 10_000);
});
