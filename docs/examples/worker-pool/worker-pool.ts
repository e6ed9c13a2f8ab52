/**
 * The worker pool — idiom 8 of the spec: N workers receiving tasks from one
 * channel, sending outcomes on another, which a WaitGroup closes when every
 * worker is done; cancellation with an AbortSignal.
 *
 * Go original: the worker pool of Go by Example and of the Go blog's
 * "Pipelines and cancellation": `for w := 1; w <= n; w++ { go worker(w, jobs,
 * results) }`, then `go func() { wg.Wait(); close(results) }()`, with every
 * wait also selecting on `ctx.Done()`.
 *
 * Stages: one task per worker, N workers; one closer. A worker takes one task
 * at a time from the shared task channel (whoever is free takes the next one:
 * Go's channel hands each value to exactly one receiver) and sends its outcome
 * before taking another, so a slow consumer of outcomes slows the workers down.
 * A worker never blocks on anything but those two channels and its task — and
 * every one of those waits also ends on abort.
 *
 * The same loop, {@link runWorker}, runs on worker threads in thread-pool.ts.
 */

import { Channel, type Receiver, type WaitOptions } from "@csp-kit/channel";
import { WaitGroup } from "@csp-kit/mutex";

/** What one task came to: its value, or the error it threw — errors are values here, as in Go's `Result{Err}`. */
export type Outcome<T, R> =
  | { readonly task: T; readonly worker: number; readonly ok: true; readonly value: R }
  | { readonly task: T; readonly worker: number; readonly ok: false; readonly error: unknown };

/** The work of one task. `signal` aborts when the pool is cancelled; long work should pass it on. */
export type Work<T, R> = (task: T, signal: AbortSignal) => R | PromiseLike<R>;

/** Where a worker takes tasks from: a `Channel`, or a `SharedChannel` on a worker thread. */
export interface TaskSource<T> {
  values(options?: WaitOptions): AsyncIterable<T>;
}

/** Where a worker sends outcomes to: a `Channel`, or a `SharedChannel` on a worker thread. */
export interface OutcomeSink<O> {
  send(value: O, options?: WaitOptions): Promise<void>;
}

/** A running pool: its outcomes, and when it is finished. */
export interface Pool<T, R> {
  /** One outcome per task taken; closed once every worker has returned (by a WaitGroup). */
  readonly results: Receiver<Outcome<T, R>>;
  /**
   * Resolves once every worker has returned and `results` is closed — after
   * `tasks` was closed and drained, or after an abort. Rejects only if a worker
   * failed outside its work (for example, `results` was closed by someone else).
   */
  readonly done: Promise<void>;
}

/** Settings of {@link workerPool}. */
export interface PoolOptions {
  /** How many workers (a whole number >= 1). */
  readonly workers: number;
  /** Capacity of `results` (default 0: a worker waits until its outcome is received). */
  readonly resultBuffer?: number;
  /** Cancels the pool: workers stop taking tasks, their work sees the abort, and `results` closes. */
  readonly signal?: AbortSignal;
}

/**
 * One worker: takes tasks from `tasks` until it is closed and drained, runs
 * `work` on each, and sends each outcome on `results` — Go's `worker(id, jobs, results)`.
 *
 * **Blocking:** on `tasks` while it is empty, on `results` while it is full,
 * and on `work`.
 *
 * **Cancellation:** when `signal` aborts, a wait for a task or for room in
 * `results` ends at once and the worker returns; work in progress sees the
 * abort through its `signal` argument. Nothing is taken or sent after the
 * abort: the outcome of a task that was in progress is dropped.
 *
 * **Ordering:** one task at a time; a task's outcome is sent before the next
 * task is taken.
 *
 * @returns how many outcomes this worker sent.
 * @throws what `results.send` throws other than the abort (e.g. `ChannelClosedError`).
 */
export async function runWorker<T, R>(
  id: number,
  tasks: TaskSource<T>,
  results: OutcomeSink<Outcome<T, R>>,
  work: Work<T, R>,
  signal: AbortSignal,
): Promise<number> {
  let sent = 0;
  try {
    for await (const task of tasks.values({ signal })) {
      let outcome: Outcome<T, R>;
      try {
        outcome = { task, worker: id, ok: true, value: await work(task, signal) };
      } catch (error) {
        if (signal.aborted) return sent; // cancelled in the middle of the task: no outcome
        outcome = { task, worker: id, ok: false, error };
      }
      await results.send(outcome, { signal }); // never waits past an abort
      sent++;
    }
  } catch (reason) {
    if (signal.aborted && reason === signal.reason) return sent; // cancelled while waiting: a normal end
    throw reason;
  }
  return sent;
}

/**
 * Starts `workers` workers on `tasks` — Go's worker pool.
 *
 * **Blocking:** returns at once; the workers run as tasks. Close `tasks` when
 * there is no more work; receive `results` until it is closed.
 *
 * **On close:** when `tasks` is closed and drained, each worker returns after
 * its last outcome was sent; when the last one has, a WaitGroup closes `results`.
 *
 * **Cancellation:** `signal` — see {@link runWorker}. Tasks left in `tasks`
 * stay there (the pool neither drains nor closes it); `results` is closed once
 * every worker has returned, as on a normal end.
 *
 * **Ordering:** outcomes arrive in completion order, not task order; each task
 * taken yields at most one outcome (exactly one unless cancelled).
 *
 * @throws {RangeError} if `workers` is not a whole number >= 1.
 *
 * @example
 * ```ts
 * const tasks = new Channel<string>();
 * const { results } = workerPool(tasks, (url, signal) => fetch(url, { signal }).then((r) => r.status), { workers: 4 });
 * void (async () => { for (const url of urls) await tasks.send(url); tasks.close(); })();
 * for await (const r of results) console.log(r.task, r.ok ? r.value : r.error);
 * ```
 */
export function workerPool<T, R>(tasks: Receiver<T>, work: Work<T, R>, options: PoolOptions): Pool<T, R> {
  const { workers } = options;
  if (!Number.isSafeInteger(workers) || workers < 1) {
    throw new RangeError(`workerPool: workers must be a whole number >= 1 (got ${workers})`);
  }
  const signal = options.signal ?? new AbortController().signal; // never aborts
  const results = new Channel<Outcome<T, R>>(options.resultBuffer ?? 0);
  /** Counts the workers still running; the closer below waits for zero. */
  const running = new WaitGroup();
  /** The first error a worker failed with outside its work, if any. */
  let failure: { readonly error: unknown } | undefined;

  for (let id = 1; id <= workers; id++) {
    running
      .go(() => runWorker(id, tasks, results, work, signal))
      .catch((error: unknown) => {
        failure ??= { error };
      });
  }

  // The closer: Go's `go func() { wg.Wait(); close(results) }()`.
  const done = (async () => {
    await running.wait();
    results.close();
    if (failure !== undefined) throw failure.error;
  })();
  return { results, done };
}
