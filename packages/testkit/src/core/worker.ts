/**
 * Worker boot helpers: run a TypeScript fixture in a worker thread, and wait
 * for a worker's next message.
 *
 * The worker starts in `worker-boot.mjs` (next to this file), which registers
 * tsx and imports the fixture, so fixtures are TypeScript and import the
 * packages' source directly; the `@csp-kit/source` condition makes the
 * workspace packages a fixture imports by name resolve to their source in the
 * worker too, not to a build that may be stale or absent.
 */

import { Worker, type WorkerOptions } from "node:worker_threads";

/** The bootstrap module every fixture worker starts in. */
export const WORKER_BOOT: URL = new URL("./worker-boot.mjs", import.meta.url);

/**
 * Starts the TypeScript module `entry` in a worker thread, with `workerData` (plus `entry`).
 *
 * **Gotchas:** the caller owns the worker: terminate it (or let it exit) before the test ends.
 *
 * @param entry the fixture's URL: `new URL("./fixtures/adder.ts", import.meta.url)`.
 * @param workerData what the fixture reads from `workerData`.
 * @param options other Worker options (`transferList`, `resourceLimits`); `execArgv` is added to.
 * @example
 * ```ts
 * const worker = startWorker(new URL("./fixtures/stop-flag.ts", import.meta.url), { buffer });
 * expect(await nextMessage<string>(worker)).toBe("started");
 * ```
 */
export function startWorker(
  entry: URL,
  workerData: Record<string, unknown> = {},
  options: Omit<WorkerOptions, "workerData"> = {},
): Worker {
  return new Worker(WORKER_BOOT, {
    ...options,
    workerData: { ...workerData, entry: entry.href },
    execArgv: ["--conditions=@csp-kit/source", ...(options.execArgv ?? [])],
  });
}

/** Resolves with the worker's next message; rejects if it fails or exits first. */
export function nextMessage<T>(worker: Worker): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (message: T) => {
      cleanup();
      resolve(message);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`worker exited with code ${code} before sending a message`));
    };
    const cleanup = () => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
    };
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
  });
}
