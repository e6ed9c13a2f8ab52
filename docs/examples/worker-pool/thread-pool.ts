/**
 * The worker pool on real threads: N worker threads fed from one
 * `SharedChannel` of tasks, sending outcomes on another, which a WaitGroup
 * closes when every thread has exited; cancellation with an AbortSignal.
 *
 * Go original: the same pool as worker-pool.ts — in Go, goroutines already run
 * in parallel on all cores; in Node, CPU-bound work needs worker threads for
 * that, and channels that cross threads.
 *
 * Stages: one loop per thread — the very same {@link runWorker} as the
 * in-process pool, over SharedChannels instead of Channels (pool-thread.ts);
 * on the main thread, one closer. The main thread never blocks: its sends and
 * receives on the SharedChannels wait with `Atomics.waitAsync`.
 *
 * Cancellation crosses the thread boundary as a message: each thread turns
 * "cancel" into an abort of its own AbortController, which ends its waits on
 * the channels at once. A thread busy with synchronous work sees the message
 * only when that task ends (JavaScript cannot interrupt it), so cancellation
 * latency is one task.
 */

import { Worker } from "node:worker_threads";
import { WaitGroup } from "@csp-kit/mutex";
import { SharedChannel } from "@csp-kit/threads";
import type { Outcome } from "./worker-pool.js";

/** Starts pool-thread.ts in a thread (through boot.mjs, which registers tsx there). */
const BOOT = new URL("./boot.mjs", import.meta.url);
const THREAD_ENTRY = new URL("./pool-thread.ts", import.meta.url).href;

/** The message that cancels a pool thread. */
export const CANCEL = "cancel";

/** What each pool thread receives as `workerData`. */
export interface PoolThreadData {
  readonly entry: string;
  readonly id: number;
  /** URL of a module whose `work` export does one task (a {@link Work}). */
  readonly work: string;
  readonly tasks: SharedChannel<unknown>["handle"];
  readonly results: SharedChannel<unknown>["handle"];
}

/** Settings of {@link threadPool}. */
export interface ThreadPoolOptions {
  /** How many worker threads (a whole number >= 1). */
  readonly threads: number;
  /** A module exporting `work(task, signal)`; it runs in each thread, so it must be importable there. */
  readonly work: URL;
  /** Capacity of `results` (default 64). */
  readonly resultBuffer?: number;
  /**
   * Bytes one outcome may take once serialized (default 4096): an outcome holds
   * its task, and its value or error (an Error travels with its stack).
   */
  readonly maxOutcomeBytes?: number;
  /** Cancels the pool: every thread stops taking tasks and exits after its current task. */
  readonly signal?: AbortSignal;
}

/** A running thread pool: its outcomes, and when every thread has exited. */
export interface ThreadPool<T, R> {
  /** One outcome per task taken; closed once every thread has exited. */
  readonly results: SharedChannel<Outcome<T, R>>;
  /** Resolves once every thread has exited and `results` is closed; rejects with the error of a thread that crashed. */
  readonly done: Promise<void>;
}

/**
 * Starts `threads` worker threads on `tasks` — the worker pool across threads.
 *
 * **Blocking:** returns at once. Send tasks on `tasks` (any thread may), close
 * it when there are no more, and receive `results` until it is closed.
 *
 * **On close:** when `tasks` is closed and drained, each thread sends its last
 * outcome and exits; a WaitGroup counts the exits and, at zero, closes `results`.
 *
 * **Cancellation:** `signal` posts "cancel" to every thread: a thread waiting
 * for a task or for room in `results` returns at once; a thread in the middle
 * of a task finishes it first, and sends its outcome only if it has not seen
 * the cancel by then. Tasks left in `tasks` stay there; `results` is closed
 * when every thread has exited, as on a normal end.
 *
 * **Ordering:** outcomes arrive in completion order. Each task taken yields at
 * most one outcome (exactly one unless cancelled).
 *
 * Gotchas: tasks and outcomes are copied between threads (structured clone):
 * no functions, no class prototypes. A thread is an OS thread with its own heap
 * — use a few for CPU-bound work, not one per task.
 *
 * @throws {RangeError} if `threads` is not a whole number >= 1.
 */
export function threadPool<T, R>(tasks: SharedChannel<T>, options: ThreadPoolOptions): ThreadPool<T, R> {
  const { threads, signal } = options;
  if (!Number.isSafeInteger(threads) || threads < 1) {
    throw new RangeError(`threadPool: threads must be a whole number >= 1 (got ${threads})`);
  }
  const results = new SharedChannel<Outcome<T, R>>(options.resultBuffer ?? 64, {
    maxValueBytes: options.maxOutcomeBytes ?? 4096,
  });
  /** Counts the threads that have not exited yet. */
  const running = new WaitGroup();
  /** Errors of threads that crashed (an uncaught exception in the thread). */
  const crashes: unknown[] = [];
  const workers: Worker[] = [];

  for (let id = 1; id <= threads; id++) {
    const workerData: PoolThreadData = {
      entry: THREAD_ENTRY,
      id,
      work: options.work.href,
      tasks: tasks.handle,
      results: results.handle,
    };
    running.add(1);
    // The condition makes the thread resolve workspace packages to their sources, as the main thread does.
    const worker = new Worker(BOOT, { workerData, execArgv: ["--conditions=@csp-kit/source"] });
    worker.once("error", (error) => crashes.push(error));
    worker.once("exit", () => running.done());
    workers.push(worker);
  }

  const cancel = () => {
    for (const worker of workers) worker.postMessage(CANCEL);
  };
  if (signal?.aborted) cancel();
  else signal?.addEventListener("abort", cancel, { once: true });

  // The closer: every thread has exited, so nobody sends any more.
  const done = (async () => {
    await running.wait();
    signal?.removeEventListener("abort", cancel);
    results.close();
    if (crashes.length > 0) throw crashes[0];
  })();
  return { results, done };
}
