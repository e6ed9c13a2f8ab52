/**
 * Mutex — Go's `sync.Mutex` as a thin façade over the weighted FIFO engine
 * (internal/weighted.ts) with a single permit; the queue, abort and fast-path
 * rules, and their proofs, live there.
 *
 * Invariants: the mutex is locked iff the engine holds its one permit; `unlock`
 * changes nothing when it throws; a guard releases into `unlock` at most once.
 */

import { UnlockOfUnlockedError } from "./errors.js";
import { type GuardTarget, ReleaseGuard } from "./internal/guard.js";
import { runLocked } from "./internal/util.js";
import { WeightedCore } from "./internal/weighted.js";
import type { Guard, Locker, WaitOptions } from "./types.js";

/**
 * A mutual-exclusion lock for async tasks — Go's `sync.Mutex`. A thin façade
 * over a semaphore of one permit (the same engine as {@link Semaphore}).
 *
 * **Blocking:** `lock()` resolves at once when the mutex is free and nobody
 * waits; otherwise it waits in line.
 *
 * **Ordering:** FIFO: waiters get the lock in arrival order, and a newcomer never
 * barges past a waiter (Go's "starvation mode", always on). The n-th unlock
 * happens before the (n+1)-th lock returns; a failed tryLock establishes nothing.
 *
 * **Cancellation:** `lock({ signal })` — abort is atomic: the lock was either
 * granted (the promise resolves; you hold it) or not (it rejects with
 * `signal.reason`, the waiter is removed at once).
 *
 * **Gotchas:** like Go's, the mutex is not owned by a task: any code may unlock
 * it, and a task that locks it twice deadlocks with itself. It is for async tasks
 * on one thread; across worker threads use {@link @csp-kit/threads!SharedMutex | SharedMutex}.
 *
 * @example
 * ```ts run
 * import { Mutex } from "@csp-kit/mutex";
 *
 * interface Account { balance: number }
 * const audit = async (a: Account, b: Account, amount: number) => { // sees no half-done transfer
 *   if (a.balance + b.balance + amount !== 100) throw new Error("another transfer ran in between");
 * };
 *
 * const mu = new Mutex();
 * async function transfer(a: Account, b: Account, amount: number) {
 *   using _ = await mu.acquire();   // or: await mu.lock(); try { … } finally { mu.unlock(); }
 *   a.balance -= amount;
 *   await audit(a, b, amount);      // still held across the await
 *   b.balance += amount;
 * }
 * const alice = { balance: 100 };
 * const bob = { balance: 0 };
 * await Promise.all([transfer(alice, bob, 30), transfer(bob, alice, 10)]);
 * if (alice.balance !== 80 || bob.balance !== 20) throw new Error(`${alice.balance} / ${bob.balance}`);
 * ```
 *
 * @see {@link RWMutex}, {@link Semaphore}, {@link @csp-kit/threads!SharedMutex | SharedMutex}.
 */
export class Mutex implements Locker {
  /** The engine: a semaphore of one. Set at construction, never replaced. */
  readonly #core = new WeightedCore(1);
  /** Where this mutex's guards release into; one per mutex, shared by its guards. */
  readonly #guardTarget: GuardTarget = { releaseGuarded: () => this.unlock() };

  /** Whether the mutex is held now. A snapshot: it may change as soon as you await. */
  get locked(): boolean {
    return this.#core.held === 1;
  }

  /** Tasks waiting in `lock`/`acquire` now. */
  get waiting(): number {
    return this.#core.waiting;
  }

  /**
   * Locks the mutex — Go's `Lock()`.
   *
   * **Blocking:** resolves at once if the mutex is free and nobody waits; then it
   * returns a shared, already-resolved promise and allocates nothing. Otherwise
   * waits in FIFO order.
   *
   * **Cancellation:** `{ signal }` — see the class. An already-aborted signal
   * rejects at once, even when the mutex is free.
   *
   * **Ordering:** the n-th unlock happens before the (n+1)-th lock returns.
   *
   * @example
   * ```ts run
   * import { Mutex } from "@csp-kit/mutex";
   *
   * const mu = new Mutex();
   * let counter = 0;
   * await mu.lock();
   * try { counter++; } finally { mu.unlock(); }
   * if (counter !== 1 || !mu.tryLock()) throw new Error("counted once, then unlocked");
   * ```
   */
  lock(options?: WaitOptions): Promise<void> {
    return this.#core.acquire(1, undefined, options?.signal, "Mutex.lock");
  }

  /**
   * Locks the mutex if it is free and nobody waits — Go's `TryLock()`. Never waits.
   *
   * **Ordering:** a successful tryLock is a lock; a failed tryLock establishes nothing.
   *
   * **Gotchas:** fails while anyone waits, even at the instant the mutex is
   * released to them — the waiter has priority (FIFO).
   */
  tryLock(): boolean {
    return this.#core.tryAcquire(1);
  }

  /**
   * Unlocks the mutex — Go's `Unlock()` — and hands it to the oldest waiter, if any.
   *
   * **Ordering:** happens before the next lock returns.
   *
   * @throws {@link UnlockOfUnlockedError} if the mutex is not locked (Go panics:
   *   "sync: unlock of unlocked mutex"); nothing changes.
   */
  unlock(): void {
    if (!this.#core.release(1)) throw new UnlockOfUnlockedError("Mutex.unlock");
  }

  /**
   * Locks the mutex and returns a {@link Guard} that unlocks it, for `using`.
   *
   * **Blocking / Cancellation / Ordering:** as {@link Mutex.lock}.
   *
   * **Gotchas:** the guard's `release()` is idempotent (a second call does
   * nothing), unlike `unlock()`. Each call allocates one small guard; the
   * allocation-free form is `lock()`/`unlock()` or {@link Mutex.runExclusive}.
   *
   * @example
   * ```ts run
   * import { Mutex } from "@csp-kit/mutex";
   *
   * const mu = new Mutex();
   * const { signal } = new AbortController();
   * const file = "report.txt";
   * const write = async (name: string) => { throw new Error(`${name}: disk full`); };
   * try {
   *   using _ = await mu.acquire({ signal });
   *   await write(file);
   * } catch (error) {
   *   console.log((error as Error).message); // → report.txt: disk full
   * } // unlocked here, even if write throws
   * if (!mu.tryLock()) throw new Error("the guard unlocked at the end of the block");
   * ```
   */
  acquire(options?: WaitOptions): Promise<Guard> {
    return this.#core.acquire(1, new ReleaseGuard(this.#guardTarget, 1), options?.signal, "Mutex.acquire");
  }

  /**
   * Runs `fn` holding the lock, and unlocks when `fn` settles (returns, throws or
   * rejects).
   *
   * **Cancellation:** `{ signal }` cancels the wait for the lock (then `fn` does
   * not run and the promise rejects with `signal.reason`). Once the lock is
   * granted, `fn` runs even if the signal aborts later; pass the signal to `fn`
   * if it should stop early.
   *
   * **Gotchas:** calling `runExclusive` on the same mutex from inside `fn`
   * deadlocks (the mutex is not re-entrant).
   *
   * @returns what `fn` returns (awaited).
   *
   * @example
   * ```ts run
   * import { Mutex } from "@csp-kit/mutex";
   *
   * const mu = new Mutex();
   * let lastId = 0;
   * const id = await mu.runExclusive(async () => ++lastId);
   * if (id !== 1 || !mu.tryLock()) throw new Error("id 1, then unlocked");
   * ```
   */
  runExclusive<R>(fn: () => R | PromiseLike<R>, options?: WaitOptions): Promise<Awaited<R>> {
    return runLocked(this.lock(options), fn, () => this.unlock());
  }

  /** Checks the engine's invariants; throws on the first violation. For tests. */
  assertInvariants(): void {
    this.#core.assertInvariants("Mutex");
  }
}
