/**
 * Cond — Go's `sync.Cond`: a queue of tasks waiting for a condition, tied to a
 * {@link Locker} that protects the condition's state.
 *
 * A wait has three phases: (1) unlock the locker and join the notify queue, in
 * one synchronous step, so no signal can fall between them; (2) wait for a
 * notification (or an abort); (3) lock the locker again — always, even after an
 * abort — so the caller holds the lock whenever `wait` settles.
 *
 * Invariants (over `#waiters`):
 * - every queued waiter has `settled === false`; `signal` dequeues the oldest
 *   before notifying it, and an aborting waiter dequeues itself in its abort
 *   listener, so a notification is never spent on an aborted waiter.
 */

import { checkSignal, WaiterList } from "@csp-kit/channel/port";
import { InvalidArgumentError, isUnlockOfUnlockedError, UnlockOfUnlockedError } from "./errors.js";
import { DIAGNOSTICS, noteParked, Waiter, type WaiterOwner } from "./internal/waiter.js";
import type { Locker, WaitOptions } from "./types.js";

/** Sentinel with which phase 2 ends when the wait was aborted rather than notified. */
const ABORTED: unique symbol = Symbol("csp-kit.cond.aborted");

/**
 * A condition variable — Go's `sync.Cond`. Tasks wait for a condition to become
 * true; whoever changes the state calls `signal()` (wake one) or `broadcast()`
 * (wake all).
 *
 * **Blocking:** `wait()` must be called holding `locker`; it unlocks, waits for
 * a notification, then locks again before it returns. As in Go, the condition
 * may be false again by then: always wait in a loop.
 *
 * **Ordering:** FIFO: `signal()` wakes the task that has waited longest. A
 * `signal`/`broadcast` happens before the waits it wakes return (they also
 * re-acquire the lock, which orders them after the signaller's unlock).
 *
 * **Cancellation:** `wait({ signal })` — abort stops the waiting, then the lock
 * is re-acquired (not abortable: the caller must own the lock when `wait`
 * settles), then `wait` rejects with `signal.reason`. A notification is never
 * consumed by an aborted waiter: if the abort wins, the next `signal()` wakes
 * someone else; if the notification won, `wait` resolves normally. An
 * already-aborted signal rejects at once, still holding the lock.
 *
 * **Gotchas:** a channel is often the better tool (Go's own advice). `signal`
 * with nobody waiting is lost — it is not remembered for a later `wait`.
 *
 * @example
 * ```ts run
 * import { Cond, Mutex } from "@csp-kit/mutex";
 *
 * const mu = new Mutex();
 * const nonEmpty = new Cond(mu);
 * const queue: string[] = [];
 *
 * async function take(): Promise<string> {
 *   await mu.lock();
 *   try {
 *     while (queue.length === 0) await nonEmpty.wait();
 *     return queue.shift()!;
 *   } finally { mu.unlock(); }
 * }
 * async function put(item: string) {
 *   await mu.runExclusive(() => { queue.push(item); nonEmpty.signal(); });
 * }
 * const taken = take(); // waits: the queue is empty
 * await put("job");
 * if ((await taken) !== "job") throw new Error("take() gets what put() queued");
 * ```
 */
export class Cond {
  /** Tasks in phase 2 (waiting for a notification), oldest first. Pushed by `wait`; `signal`/`broadcast` shift; aborts remove. */
  readonly #waiters = new WaiterList<Waiter<undefined>>();
  /** The abort hook of this Cond's waiters: an aborted wait just leaves the queue. */
  readonly #owner: WaiterOwner = { cancel: (w) => void this.#waiters.remove(w as Waiter<undefined>) };

  /**
   * @param locker - the lock that protects the condition (Go's `c.L`): a
   *   {@link Mutex}, an {@link RWMutex}, `rw.rLocker()`, or any {@link Locker}.
   * @throws {@link InvalidArgumentError} if `locker` has no `lock` and `unlock` methods.
   */
  constructor(readonly locker: Locker) {
    const l = locker as Partial<Record<keyof Locker, unknown>> | null;
    if (typeof l !== "object" || l === null || typeof l.lock !== "function" || typeof l.unlock !== "function") {
      throw new InvalidArgumentError(
        "new Cond(locker)",
        locker,
        "must be a Locker, an object with lock() and unlock(): a Mutex, an RWMutex or rw.rLocker()",
      );
    }
  }

  /** Tasks waiting for a notification now. */
  get waiting(): number {
    return this.#waiters.size;
  }

  /**
   * Unlocks `locker`, waits for `signal()`/`broadcast()`, then re-locks — Go's
   * `Wait()`. Must be called holding the lock. See the class for cancellation.
   *
   * @throws (rejects) `UnlockOfUnlockedError` (operation `"Cond.wait"`, the
   *   locker's own error as `cause`) if the locker was not locked; nothing was queued.
   *
   * @example
   * ```ts run
   * import { Cond, Mutex } from "@csp-kit/mutex";
   *
   * const mu = new Mutex();
   * const cond = new Cond(mu);
   * const { signal } = new AbortController();
   * let ready = false;
   * const waiter = (async () => {
   *   await mu.lock();
   *   try {
   *     while (!ready) await cond.wait({ signal });
   *   } finally { mu.unlock(); }
   * })();
   * await mu.runExclusive(() => { ready = true; cond.broadcast(); });
   * await waiter; // woke, saw ready, returned
   * if (!mu.tryLock()) throw new Error("the waiter unlocked");
   * ```
   */
  async wait(options?: WaitOptions): Promise<void> {
    // Before the unlock: a signal that cannot be watched must not leave the caller unlocked.
    const signal = checkSignal(options?.signal, "Cond.wait");
    if (signal?.aborted) throw signal.reason;
    // Phase 1, synchronous: unlock (throws if not held — then nothing is queued) and enqueue.
    try {
      this.locker.unlock();
    } catch (error) {
      if (!isUnlockOfUnlockedError(error)) throw error;
      throw new UnlockOfUnlockedError("Cond.wait", {
        cause: error,
        explanation:
          "the Cond's locker is not held; call wait() holding cond.locker " +
          "(await locker.lock() first), and re-check the condition in a loop after it returns",
      });
    }
    const outcome = await new Promise<undefined | typeof ABORTED>((resolve) => {
      const w = new Waiter<undefined>(this.#owner, 0, undefined, resolve, () => resolve(ABORTED), signal);
      this.#waiters.push(w);
      if (DIAGNOSTICS.on) noteParked(this, "Cond.wait", w as Waiter<unknown>);
    });
    // Phase 3: always re-lock, without the signal, so the caller owns the lock however this settles.
    await this.locker.lock();
    if (outcome === ABORTED) throw (signal as AbortSignal).reason;
  }

  /** Wakes the task that has waited longest, if any — Go's `Signal()`. Need not hold the lock. */
  signal(): void {
    for (let w = this.#waiters.shift(); w !== undefined; w = this.#waiters.shift()) {
      if (w.tryGrant()) return;
    }
  }

  /** Wakes every waiting task — Go's `Broadcast()`. Need not hold the lock. */
  broadcast(): void {
    for (let w = this.#waiters.shift(); w !== undefined; w = this.#waiters.shift()) w.tryGrant();
  }

  /** Checks the invariants at the top of this file; throws on the first violation. For tests. */
  assertInvariants(): void {
    for (const w of this.#waiters) {
      if (w.settled) throw new Error("Cond invariant violated: a settled waiter is still queued");
    }
  }
}
