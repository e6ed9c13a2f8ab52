/**
 * RWMutex — Go's `sync.RWMutex` as a façade over the reader/writer engine
 * (internal/rw-core.ts, where the policy, its state diagram and invariants are).
 *
 * Invariants: `unlock`/`rUnlock` change nothing when they throw; each guard
 * releases its mode at most once; `rLocker()` is created once and cached.
 */

import { UnlockOfUnlockedError } from "./errors.js";
import { type GuardTarget, ReleaseGuard } from "./internal/guard.js";
import { RWCore } from "./internal/rw-core.js";
import { runLocked } from "./internal/util.js";
import type { Guard, Locker, WaitOptions } from "./types.js";

/**
 * A reader/writer lock for async tasks — Go's `sync.RWMutex`: any number of
 * readers, or one writer.
 *
 * **Blocking:** `rLock` waits while a writer holds the lock *or waits for it*;
 * `lock` waits while anyone holds it.
 *
 * **Ordering (fairness):** a waiting writer blocks new readers, so readers
 * cannot starve writers; when a writer unlocks, every reader waiting at that
 * moment is admitted as one batch before the next writer, so writers cannot
 * starve readers. Writers are FIFO among themselves. As in Go: the n-th unlock
 * happens before the (n+1)-th lock returns; every rLock returns after some
 * unlock n, and its matching rUnlock happens before lock n+1 returns; a failed
 * tryLock/tryRLock establishes nothing.
 *
 * **Cancellation:** every wait takes `{ signal }`; abort is atomic (granted or
 * not at all). A queued writer that aborts lets the readers queued behind it in.
 *
 * **Gotchas:** not re-entrant: a reader that calls `rLock` again while a writer
 * waits deadlocks, exactly as in Go. Not owned by a task: any code may unlock.
 *
 * @example
 * ```ts run
 * import { RWMutex } from "@csp-kit/mutex";
 *
 * const rw = new RWMutex();
 * const cache = new Map<string, string>();
 * const get = (k: string) => rw.runShared(() => cache.get(k));
 * const set = (k: string, v: string) => rw.runExclusive(() => void cache.set(k, v));
 * await set("lang", "ts");
 * const [a, b] = await Promise.all([get("lang"), get("lang")]); // readers share the lock
 * if (a !== "ts" || b !== "ts") throw new Error(`got ${a}, ${b}`);
 * ```
 *
 * @see {@link Mutex}, {@link Cond}.
 */
export class RWMutex implements Locker {
  /** The engine; set at construction, never replaced. */
  readonly #core = new RWCore();
  /** Guard targets for the two modes; one each per RWMutex, shared by its guards. */
  readonly #writeTarget: GuardTarget = { releaseGuarded: () => this.unlock() };
  readonly #readTarget: GuardTarget = { releaseGuarded: () => this.rUnlock() };
  /** Cached `rLocker()` result; created on first use. */
  #rLocker: Locker | undefined;

  /** Readers holding the lock now (a snapshot). */
  get readers(): number {
    return this.#core.readers;
  }

  /** Whether a writer holds the lock now (a snapshot). */
  get writing(): boolean {
    return this.#core.writer;
  }

  /** Tasks waiting now, by mode. */
  get waiting(): { readonly readers: number; readonly writers: number } {
    return { readers: this.#core.waitingReaders, writers: this.#core.waitingWriters };
  }

  /**
   * Locks for writing — Go's `Lock()`.
   *
   * **Blocking:** resolves at once (shared resolved promise, no allocation) when
   * nobody holds the lock and no writer waits; otherwise waits. While it waits,
   * new readers wait too.
   *
   * **Cancellation:** `{ signal }`: granted or not at all.
   *
   * **Ordering:** see the class.
   */
  lock(options?: WaitOptions): Promise<void> {
    return this.#core.lock(undefined, options?.signal, "RWMutex.lock");
  }

  /**
   * Write-locks if nobody holds the lock and no writer waits — Go's `TryLock()`.
   * Never waits. A failed tryLock establishes nothing.
   */
  tryLock(): boolean {
    return this.#core.tryLock();
  }

  /**
   * Releases the write lock — Go's `Unlock()`: admits every waiting reader as a
   * batch, or else the next writer.
   *
   * @throws {@link UnlockOfUnlockedError} if no writer holds the lock; nothing changes.
   */
  unlock(): void {
    if (!this.#core.unlock()) throw new UnlockOfUnlockedError("RWMutex.unlock");
  }

  /**
   * Locks for reading — Go's `RLock()`.
   *
   * **Blocking:** resolves at once (shared resolved promise) unless a writer
   * holds the lock or waits for it.
   *
   * **Cancellation:** `{ signal }`: granted or not at all.
   *
   * **Gotchas:** do not rLock again while holding a read lock: if a writer
   * queues in between, the second rLock waits for the writer, which waits for you.
   */
  rLock(options?: WaitOptions): Promise<void> {
    return this.#core.rLock(undefined, options?.signal, "RWMutex.rLock");
  }

  /**
   * Read-locks unless a writer holds the lock or waits for it — Go's
   * `TryRLock()`. Never waits. A failed tryRLock establishes nothing.
   */
  tryRLock(): boolean {
    return this.#core.tryRLock();
  }

  /**
   * Releases one read lock — Go's `RUnlock()`; the last reader out lets the next writer in.
   *
   * @throws {@link UnlockOfUnlockedError} if no reader holds the lock; nothing changes.
   */
  rUnlock(): void {
    if (!this.#core.rUnlock()) throw new UnlockOfUnlockedError("RWMutex.rUnlock");
  }

  /**
   * Write-locks and returns a {@link Guard} (idempotent release) for `using`.
   * Blocking, cancellation and ordering as {@link RWMutex.lock}.
   */
  acquire(options?: WaitOptions): Promise<Guard> {
    return this.#core.lock(new ReleaseGuard(this.#writeTarget, 1), options?.signal, "RWMutex.acquire");
  }

  /**
   * Read-locks and returns a {@link Guard} (idempotent release) for `using`.
   * Blocking, cancellation and ordering as {@link RWMutex.rLock}.
   *
   * @example
   * ```ts run
   * import { RWMutex } from "@csp-kit/mutex";
   *
   * const rw = new RWMutex();
   * const table = new Map([["a", 1]]);
   * async function lookup(key: string) {
   *   using _ = await rw.acquireRead();
   *   return table.get(key);
   * } // read-unlocked here
   * const [x, y] = await Promise.all([lookup("a"), lookup("a")]);
   * if (x !== 1 || y !== 1 || !rw.tryLock()) throw new Error("both read 1, then the lock is free");
   * ```
   */
  acquireRead(options?: WaitOptions): Promise<Guard> {
    return this.#core.rLock(new ReleaseGuard(this.#readTarget, 1), options?.signal, "RWMutex.acquireRead");
  }

  /**
   * Runs `fn` holding the write lock; unlocks when `fn` settles. `{ signal }`
   * cancels the wait only: once granted, `fn` runs.
   */
  runExclusive<R>(fn: () => R | PromiseLike<R>, options?: WaitOptions): Promise<Awaited<R>> {
    return runLocked(this.lock(options), fn, () => this.unlock());
  }

  /**
   * Runs `fn` holding a read lock; rUnlocks when `fn` settles. `{ signal }`
   * cancels the wait only: once granted, `fn` runs.
   */
  runShared<R>(fn: () => R | PromiseLike<R>, options?: WaitOptions): Promise<Awaited<R>> {
    return runLocked(this.rLock(options), fn, () => this.rUnlock());
  }

  /**
   * A {@link Locker} whose `lock`/`unlock` are this mutex's `rLock`/`rUnlock` —
   * Go's `RLocker()`, for a {@link Cond} over the read side. Always the same object.
   */
  rLocker(): Locker {
    this.#rLocker ??= {
      lock: (options?: WaitOptions) => this.rLock(options),
      unlock: () => this.rUnlock(),
    };
    return this.#rLocker;
  }

  /** Checks the engine's invariants; throws on the first violation. For tests. */
  assertInvariants(): void {
    this.#core.assertInvariants();
  }
}
