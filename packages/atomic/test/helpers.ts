/** Test helpers: worker spawning (TypeScript fixtures through tsx) and message waiting. */

import { Worker } from "node:worker_threads";

/**
 * Starts `fixture` (a TypeScript file under test/fixtures) in a worker thread.
 * The worker boots through fixtures/boot.mjs, which registers tsx, so fixtures
 * import the package's TypeScript source directly.
 */
export function startWorker(fixture: string, workerData: Record<string, unknown>): Worker {
  const entry = new URL(`./fixtures/${fixture}`, import.meta.url).href;
  return new Worker(new URL("./fixtures/boot.mjs", import.meta.url), { workerData: { ...workerData, entry } });
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
