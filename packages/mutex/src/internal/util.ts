/** Small helpers shared by the façades: argument checks and the run-under-lock helper. */

import { signalFault } from "@csp-kit/channel/port";
import { InvalidArgumentError } from "../errors.js";

/**
 * What a wait must return at once because of its `signal`, checked before it
 * touches any queue or takes anything: a promise rejected with
 * `InvalidSignalError` (naming `operation`) when `signal` is not an
 * AbortSignal, or with `signal.reason` when it already aborted; `undefined`
 * when the wait may go on. Precondition: `signal !== undefined`.
 */
export function refusedBySignal(signal: unknown, operation: string): Promise<never> | undefined {
  const fault = signalFault(signal, operation);
  if (fault !== undefined) return Promise.reject(fault);
  return (signal as AbortSignal).aborted ? Promise.reject((signal as AbortSignal).reason) : undefined;
}

/** Returns `n` if it is a whole number in [min, max]; otherwise throws {@link InvalidArgumentError}. */
export function checkCount(where: string, n: unknown, min: number, max: number): number {
  if (typeof n === "number" && Number.isSafeInteger(n) && n >= min && n <= max) return n;
  // The safe-integer bounds are implied by "whole number": stating them only confuses.
  const range =
    max !== Number.MAX_SAFE_INTEGER ? ` in [${min}, ${max}]` : min !== Number.MIN_SAFE_INTEGER ? ` >= ${min}` : "";
  throw new InvalidArgumentError(where, n, `must be a whole number${range}`);
}

/**
 * Waits for `locked`, runs `fn`, then calls `unlock` — whether `fn` returned,
 * threw or rejected. If `locked` rejects (abort), `fn` does not run and nothing
 * is unlocked. Once the lock is granted `fn` runs, even if the signal aborts
 * afterwards: the grant committed first.
 */
export async function runLocked<R>(
  locked: Promise<void>,
  fn: () => R | PromiseLike<R>,
  unlock: () => void,
): Promise<Awaited<R>> {
  await locked;
  try {
    return await fn();
  } finally {
    unlock();
  }
}
