/**
 * The main-thread guard: whether this thread is Node's main thread, where the
 * blocking calls (`Atomics.wait`) are refused because they would freeze the
 * event loop. Resolved once per thread and cached; `false` where it cannot be
 * told (browsers, Deno, Bun without `node:worker_threads`), which leaves the
 * decision to the runtime (browsers throw from `Atomics.wait` on their main
 * thread themselves).
 *
 * Invariants: `mainThread` is `undefined` until the first call, then the
 * answer for the rest of the thread's life.
 */

let mainThread: boolean | undefined;

/** Whether this is Node's main thread (where blocking is refused). Resolved once; `false` where unknown. */
export function onMainThread(): boolean {
  if (mainThread === undefined) {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const wt = proc?.getBuiltinModule?.("node:worker_threads") as { isMainThread?: boolean } | undefined;
    mainThread = wt?.isMainThread === true;
  }
  return mainThread;
}
