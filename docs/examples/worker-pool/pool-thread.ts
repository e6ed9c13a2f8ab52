/**
 * The body of one pool thread (started by thread-pool.ts through boot.mjs):
 * rebuilds the two SharedChannels from their handles, imports the work module,
 * and runs the same worker loop as the in-process pool.
 *
 * Cancellation: the main thread posts "cancel"; this thread aborts its own
 * AbortController, which ends its channel waits at once. The loop yields to
 * the event loop before each task, so the message is seen between tasks even
 * when tasks are always ready (a ready receive resolves without a macrotask).
 */

import { setImmediate as nextTurn } from "node:timers/promises";
import { parentPort, workerData } from "node:worker_threads";
import { SharedChannel } from "@csp-kit/threads";
import { CANCEL, type PoolThreadData } from "./thread-pool.js";
import { type Outcome, runWorker, type Work } from "./worker-pool.js";

const data = workerData as PoolThreadData;

// Listen first: a "cancel" posted while this thread is still starting is not missed.
const cancelled = new AbortController();
parentPort?.on("message", (message: unknown) => {
  if (message === CANCEL) cancelled.abort(new Error("thread pool cancelled"));
});
parentPort?.unref(); // the listener alone does not keep this thread alive: its channel waits do

const { work } = (await import(data.work)) as { work: Work<unknown, unknown> };
const tasks = SharedChannel.from<unknown>(data.tasks);
const results = SharedChannel.from<Outcome<unknown, unknown>>(data.results);

await runWorker(
  data.id,
  tasks,
  results,
  async (task, signal) => {
    await nextTurn(); // let a pending "cancel" message in
    signal.throwIfAborted();
    return work(task, signal);
  },
  cancelled.signal,
);
