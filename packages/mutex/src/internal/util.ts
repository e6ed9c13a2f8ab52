/** Small helpers shared by the façades: argument checks and the run-under-lock helper. */

import { InvalidArgumentError } from "../errors.js";

/** Returns `n` if it is a whole number in [min, max]; otherwise throws {@link InvalidArgumentError}. */
export function checkCount(where: string, n: unknown, min: number, max: number): number {
  if (typeof n === "number" && Number.isSafeInteger(n) && n >= min && n <= max) return n;
  const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
  throw new InvalidArgumentError(where, n, `must be a whole number ${range}`);
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
