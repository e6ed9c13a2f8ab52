import { Channel, type Receiver } from "@csp-kit/channel";
import { settle } from "@csp-kit/timers/testing";
import { describe, expect, it } from "vitest";
import { type Outcome, workerPool } from "./worker-pool.js";

/** A promise the test opens by hand (Node 20 has no `Promise.withResolvers`). */
function gate(): { readonly opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** Receives every outcome until `results` is closed. */
async function collect<T, R>(results: Receiver<Outcome<T, R>>): Promise<Outcome<T, R>[]> {
  const all: Outcome<T, R>[] = [];
  for await (const r of results) all.push(r);
  return all;
}

/** Sends `values` on a fresh buffered channel, then closes it. */
function closedChannelOf<T>(values: readonly T[]): Channel<T> {
  const ch = new Channel<T>(values.length);
  for (const v of values) ch.trySend(v);
  ch.close();
  return ch;
}

describe("the worker pool", () => {
  it("processes every task exactly once and closes results after the last worker finished", async () => {
    const tasks = closedChannelOf(Array.from({ length: 20 }, (_, i) => i));
    const { results, done } = workerPool(tasks, async (n: number) => n * n, { workers: 3 });
    const outcomes = await collect(results);
    await done;
    expect(outcomes.map((o) => o.task).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    for (const o of outcomes) expect(o).toMatchObject({ ok: true, value: o.task * o.task });
    expect(results.closed).toBe(true);
  });

  it("runs at most N tasks at once, and N when there are enough tasks", async () => {
    const tasks = new Channel<number>(10);
    const gates = Array.from({ length: 6 }, () => gate());
    let running = 0;
    let peak = 0;
    const { results, done } = workerPool(
      tasks,
      async (i: number) => {
        running++;
        peak = Math.max(peak, running);
        await gates[i]!.opened;
        running--;
        return i;
      },
      { workers: 3, resultBuffer: 10 },
    );
    for (let i = 0; i < 6; i++) await tasks.send(i);
    tasks.close();
    await settle();
    expect(running).toBe(3);
    expect(tasks.len).toBe(3); // the other three wait in the channel
    for (const g of gates) g.open();
    const outcomes = await collect(results);
    await done;
    expect(peak).toBe(3);
    expect(outcomes).toHaveLength(6);
  });

  it("hands each task to whichever worker is free", async () => {
    const tasks = new Channel<string>();
    const slow = gate();
    const { results } = workerPool(tasks, async (t: string) => (t === "slow" ? slow.opened : undefined), {
      workers: 2,
      resultBuffer: 10,
    });
    await tasks.send("slow"); // occupies one worker
    for (const t of ["a", "b", "c"]) await tasks.send(t); // all taken by the other one
    await settle();
    const early = [results.tryRecv(), results.tryRecv(), results.tryRecv()].map((r) =>
      r !== "would-block" && r.isSome() ? r.value : undefined,
    );
    expect(early.map((o) => o?.task)).toEqual(["a", "b", "c"]);
    expect(new Set(early.map((o) => o?.worker)).size).toBe(1);
    slow.open();
    tasks.close();
    const rest = await collect(results);
    expect(rest.map((o) => o.task)).toEqual(["slow"]);
    expect(rest[0]!.worker).not.toBe(early[0]!.worker);
  });

  it("sends a failing task's error as an outcome, and its worker carries on", async () => {
    const tasks = closedChannelOf([1, -1, 2]);
    const failure = new RangeError("negative");
    const { results, done } = workerPool(
      tasks,
      (n: number) => {
        if (n < 0) throw failure;
        return n;
      },
      { workers: 1 },
    );
    const outcomes = await collect(results);
    await expect(done).resolves.toBeUndefined();
    expect(outcomes).toEqual([
      { task: 1, worker: 1, ok: true, value: 1 },
      { task: -1, worker: 1, ok: false, error: failure },
      { task: 2, worker: 1, ok: true, value: 2 },
    ]);
  });

  it("keeps results open while any worker is still busy, even after the tasks ran out", async () => {
    const tasks = new Channel<number>();
    const last = gate();
    const { results, done } = workerPool(tasks, async (n: number) => (n === 2 ? last.opened.then(() => n) : n), {
      workers: 2,
      resultBuffer: 4,
    });
    await tasks.send(1);
    await tasks.send(2);
    tasks.close();
    await settle();
    expect(results.closed).toBe(false);
    last.open();
    await done;
    expect(results.closed).toBe(true);
    expect((await collect(results)).map((o) => o.task).sort()).toEqual([1, 2]); // both were buffered before the close
  });

  it("stops on abort: idle workers stop waiting, work in progress sees the signal, no task is taken after", async () => {
    const tasks = new Channel<number>(10);
    const stop = new AbortController();
    const seen: AbortSignal[] = [];
    const { results, done } = workerPool(
      tasks,
      (n: number, signal: AbortSignal) =>
        new Promise<number>((resolve, reject) => {
          seen.push(signal);
          signal.addEventListener("abort", () => reject(signal.reason), { once: true });
          if (n === 0) resolve(n);
        }),
      { workers: 3, resultBuffer: 10, signal: stop.signal },
    );
    await tasks.send(0); // completes at once
    await tasks.send(1); // never completes by itself
    await settle();
    stop.abort(new Error("shutdown"));
    await done;
    expect(results.closed).toBe(true);
    expect((await collect(results)).map((o) => o.task)).toEqual([0]); // no outcome for the cancelled task
    expect(seen.every((s) => s.aborted)).toBe(true);
    await tasks.send(2);
    await settle();
    expect(tasks.len).toBe(1); // nobody took it
  });

  it("rejects a worker count that is not a whole number >= 1", () => {
    const tasks = new Channel<number>();
    expect(() => workerPool(tasks, (n: number) => n, { workers: 0 })).toThrow(RangeError);
    expect(() => workerPool(tasks, (n: number) => n, { workers: 1.5 })).toThrow(RangeError);
  });
});
