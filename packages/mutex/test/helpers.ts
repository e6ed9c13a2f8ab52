/** Test helpers: worker spawning (TypeScript fixtures through tsx) and message waiting. Promise settling and tracking come from `@csp-kit/testkit/core`. */

import { Worker } from "node:worker_threads";

/**
 * Starts `fixture` (a TypeScript file under test/fixtures) in a worker thread.
 * The worker boots through fixtures/boot.mjs, which registers tsx, so fixtures
 * import the package's TypeScript source directly; the `@csp-kit/source`
 * condition makes the workspace packages it imports (`@csp-kit/channel`)
 * resolve to their source too, not to a build that may be stale or absent.
 */
export function startWorker(fixture: string, workerData: Record<string, unknown>): Worker {
  const entry = new URL(`./fixtures/${fixture}`, import.meta.url).href;
  return new Worker(new URL("./fixtures/boot.mjs", import.meta.url), {
    workerData: { ...workerData, entry },
    execArgv: ["--conditions=@csp-kit/source"],
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
