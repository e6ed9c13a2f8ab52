/**
 * The small interfaces every primitive of @csp-kit/mutex shares: the options of
 * a wait, the `Locker` that `Cond` works with, and the `Guard` that `acquire`
 * returns for `using`.
 */

/** Options accepted by every operation that may wait. */
export interface WaitOptions {
  /**
   * Cancels the wait. Abort is atomic: either the lock (permit, wake-up) was
   * granted before the abort — the promise resolves and the caller owns it — or
   * it was not granted at all, the waiter is removed from the queue at once and
   * the promise rejects with `signal.reason`. Never both, so nothing leaks. An
   * already-aborted signal rejects at once, even when the lock is free.
   * Anything else than an AbortSignal or `undefined` (the AbortController
   * itself, `null`) rejects with `InvalidSignalError` from
   * `@csp-kit/channel` before anything is queued or taken, even when the lock
   * is free.
   */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Anything that can be locked and unlocked — Go's `sync.Locker`. {@link Mutex},
 * {@link @csp-kit/threads!SharedMutex | SharedMutex}, {@link RWMutex} (write side) and `RWMutex.rLocker()` (read
 * side) implement it; {@link Cond} takes one.
 */
export interface Locker {
  /** Waits until the lock is held by the caller. */
  lock(options?: WaitOptions): Promise<void>;
  /** Releases the lock; throws `UnlockOfUnlockedError` when it is not held. */
  unlock(): void;
}

/**
 * The release handle of one acquisition, for `using`:
 *
 * ```ts
 * {
 *   using guard = await mutex.acquire();
 *   // ... critical section ...
 * } // released here, even on throw
 * ```
 *
 * **Release is idempotent:** the first `release()` (or `[Symbol.dispose]()`)
 * releases the lock; later calls do nothing. So an early `guard.release()`
 * inside a `using` block is safe — the disposal at the end of the block is then
 * a no-op. (The Go-style `unlock()` is not idempotent: a second call throws
 * `UnlockOfUnlockedError`, as Go panics.)
 *
 * Every acquisition gets its own guard. A shared handle could not be idempotent:
 * a stale second release would unlock whoever holds the lock next.
 */
export interface Guard extends Disposable {
  /** Releases what this guard holds, the first time it is called; afterwards a no-op. */
  release(): void;
  /** Whether `release()` (or dispose) has been called. */
  readonly released: boolean;
}

/** The guard of a {@link Semaphore} acquisition: releases exactly the `weight` it acquired, once. */
export interface Permit extends Guard {
  /** How many permits this acquisition holds (until released). */
  readonly weight: number;
}
