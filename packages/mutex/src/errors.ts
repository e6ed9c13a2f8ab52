/**
 * The errors @csp-kit/mutex throws. Each one is a programmer error — Go panics
 * (or would hang) in the same places. Expected outcomes are values, never errors:
 * a `tryLock` that fails returns `false`, an aborted wait rejects with
 * `signal.reason` (whatever the caller aborted with), not with one of these.
 *
 * Every class has a stable `name` and an `is…Error` guard that also recognises
 * instances from another copy of the package (by `name`). No error object is a
 * singleton: each throw creates a new one with its own stack.
 */

import { describeValue, hasErrorName } from "@csp-kit/channel/port";

/** Base class of every error thrown by @csp-kit/mutex. */
export class SyncError extends Error {
  override name = "SyncError";
}

/**
 * `unlock()` (or `rUnlock()`) was called on a lock that is not held in that mode.
 * Go panics with "sync: unlock of unlocked mutex". Nothing changed: the lock's
 * state is exactly what it was before the call.
 */
export class UnlockOfUnlockedError extends SyncError {
  override name = "UnlockOfUnlockedError";
  /** Which primitive and operation failed, e.g. `"Mutex.unlock"`, `"RWMutex.rUnlock"` or `"Cond.wait"`. */
  readonly operation: string;
  /**
   * @param operation - the operation that found the lock not held.
   * @param options - `cause`, and `explanation` to replace the default advice
   *   (`Cond.wait` explains that it must be called holding its locker).
   */
  constructor(operation: string, options?: ErrorOptions & { readonly explanation?: string }) {
    super(
      `${operation}: ${
        options?.explanation ??
        "the lock is not held in this mode, so there is nothing to release " +
          "(call unlock once per successful lock; prefer `using guard = await m.acquire()` or runExclusive, " +
          "whose release happens exactly once)"
      }`,
      options,
    );
    this.operation = operation;
  }
}

/**
 * `Semaphore.release(n)` was called with more permits than are held (Go:
 * "semaphore: released more than held"). Nothing changed.
 */
export class SemaphoreReleaseError extends SyncError {
  override name = "SemaphoreReleaseError";
  /** The number of permits the call tried to release. */
  readonly released: number;
  /** The number of permits held when the call was made. */
  readonly held: number;
  constructor(released: number, held: number, options?: ErrorOptions) {
    super(
      `Semaphore.release(${released}): released more than held (${held} held); ` +
        "release exactly the weight each acquire took, once — a permit from `acquire()` remembers its weight",
      options,
    );
    this.released = released;
    this.held = held;
  }
}

/**
 * `WaitGroup.add(delta)` or `done()` would make the counter negative (Go:
 * "sync: negative WaitGroup counter"). The counter is left unchanged.
 */
export class NegativeWaitGroupCounterError extends SyncError {
  override name = "NegativeWaitGroupCounterError";
  /** The counter before the call. */
  readonly counter: number;
  /** The delta that was rejected. */
  readonly delta: number;
  /**
   * @param options - `cause`, and `operation`, the call to name in the message
   *   (default `WaitGroup.add(delta)`; `done()` passes `"WaitGroup.done()"`).
   */
  constructor(counter: number, delta: number, options?: ErrorOptions & { readonly operation?: string }) {
    super(
      `${options?.operation ?? `WaitGroup.add(${delta})`}: the counter would become ${counter + delta}; ` +
        "call add(n) before starting n tasks and done() exactly once per task (or use wg.go(fn), which pairs them)",
      options,
    );
    this.counter = counter;
    this.delta = delta;
  }
}

/**
 * An argument is outside what the operation accepts: a permit count that is not
 * a whole number or exceeds the semaphore's size, a fractional WaitGroup delta,
 * a misaligned or non-shared buffer for a SharedMutex.
 */
export class InvalidArgumentError extends RangeError {
  override name = "InvalidArgumentError";
  /** Which argument was rejected, e.g. `"Semaphore.acquire(n)"`. */
  readonly argument: string;
  /** The value that was rejected. */
  readonly value: unknown;
  constructor(argument: string, value: unknown, requirement: string, options?: ErrorOptions) {
    super(`${argument}: ${requirement} (got ${describe(value)})`, options);
    this.argument = argument;
    this.value = value;
  }
}

/** A number as itself (`1.5`, `NaN`); anything else as the port's `describeValue` says it. */
function describe(value: unknown): string {
  return typeof value === "number" ? String(value) : describeValue(value);
}

/** Whether `error` is any {@link SyncError} (every error of this package except {@link InvalidArgumentError}). */
export function isSyncError(error: unknown): error is SyncError {
  return (
    error instanceof SyncError ||
    hasErrorName(error, "SyncError") ||
    isUnlockOfUnlockedError(error) ||
    isSemaphoreReleaseError(error) ||
    isNegativeWaitGroupCounterError(error)
  );
}

/** Whether `error` is an {@link UnlockOfUnlockedError}. */
export function isUnlockOfUnlockedError(error: unknown): error is UnlockOfUnlockedError {
  return error instanceof UnlockOfUnlockedError || hasErrorName(error, "UnlockOfUnlockedError");
}

/** Whether `error` is a {@link SemaphoreReleaseError}. */
export function isSemaphoreReleaseError(error: unknown): error is SemaphoreReleaseError {
  return error instanceof SemaphoreReleaseError || hasErrorName(error, "SemaphoreReleaseError");
}

/** Whether `error` is a {@link NegativeWaitGroupCounterError}. */
export function isNegativeWaitGroupCounterError(error: unknown): error is NegativeWaitGroupCounterError {
  return error instanceof NegativeWaitGroupCounterError || hasErrorName(error, "NegativeWaitGroupCounterError");
}

/** Whether `error` is an {@link InvalidArgumentError}. */
export function isInvalidArgumentError(error: unknown): error is InvalidArgumentError {
  return error instanceof InvalidArgumentError || hasErrorName(error, "InvalidArgumentError");
}
