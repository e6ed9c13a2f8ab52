/**
 * WaitGroup — Go's `sync.WaitGroup`: a counter of outstanding tasks and a way
 * to wait until it is zero.
 *
 * Invariants (over `#counter`, `#waiters`):
 * - `#counter` is a whole number >= 0 (a change that would make it negative is
 *   rejected before anything changes).
 * - if `#waiters.size > 0` then `#counter > 0`: when the counter reaches zero,
 *   every waiter is released in the same synchronous turn, and `wait` on a zero
 *   counter never queues.
 * - every queued waiter has `settled === false`.
 */

import { WaiterList } from "@csp-kit/channel/port";
import { InvalidArgumentError, NegativeWaitGroupCounterError } from "./errors.js";
import { checkCount, refusedBySignal } from "./internal/util.js";
import { DIAGNOSTICS, noteParked, RESOLVED, Waiter, type WaiterOwner } from "./internal/waiter.js";
import type { WaitOptions } from "./types.js";

/**
 * Waits for a collection of async tasks to finish — Go's `sync.WaitGroup`.
 *
 * **Blocking:** `wait()` resolves when the counter is zero: at once if it is
 * zero now, otherwise when the last `done()` brings it to zero.
 *
 * **Ordering:** every `done()` happens before the `wait()` it unblocks returns.
 * Waiters released by the same zero are released in arrival order.
 *
 * **Cancellation:** `wait({ signal })` — abort stops that one wait (it rejects
 * with `signal.reason`); the counter is not touched.
 *
 * **Gotchas:** call `add(n)` *before* starting the tasks, not inside them, or
 * `wait()` may see zero too early (Go's rule). A WaitGroup can be reused: once
 * the counter is back to zero, a new `add` starts a new round. {@link WaitGroup.go}
 * pairs add and done for you.
 *
 * @example
 * ```ts run
 * import { WaitGroup } from "@csp-kit/mutex";
 *
 * const urls = ["data:,a", "data:,b", "data:,c"];
 * const stored: string[] = [];
 * const fetchAndStore = async (url: string) => void stored.push(await (await fetch(url)).text());
 *
 * const wg = new WaitGroup();
 * for (const url of urls) wg.go(() => fetchAndStore(url));
 * await wg.wait();
 * console.log(stored.sort()); // → ["a", "b", "c"]
 * if (stored.join() !== "a,b,c") throw new Error(`stored ${stored.join()}`);
 * ```
 */
export class WaitGroup {
  /** Outstanding tasks. Written only by `add`. */
  #counter = 0;
  /** Pending `wait` calls, oldest first. Pushed by `wait`; emptied by `add` at zero; aborts remove. */
  readonly #waiters = new WaiterList<Waiter<undefined>>();
  /** The abort hook of this group's waiters: an aborted wait just leaves the queue. */
  readonly #owner: WaiterOwner = { cancel: (w) => void this.#waiters.remove(w as Waiter<undefined>) };

  /** The counter now (Go does not expose it; here it is a snapshot for diagnostics). */
  get count(): number {
    return this.#counter;
  }

  /** `wait` calls pending now. */
  get waiting(): number {
    return this.#waiters.size;
  }

  /**
   * Adds `delta` (which may be negative) to the counter — Go's `Add(delta)`.
   * When the counter reaches zero, every pending `wait` resolves.
   *
   * **Ordering:** an add that brings the counter to zero happens before the
   * waits it releases return.
   *
   * @param delta - a whole number; default 1.
   * @throws {@link NegativeWaitGroupCounterError} if the counter would drop
   *   below zero (Go panics); the counter is left unchanged.
   * @throws {@link InvalidArgumentError} if `delta` is not a whole number, or
   *   would take the counter past `Number.MAX_SAFE_INTEGER`; the counter is left unchanged.
   */
  add(delta = 1): void {
    checkCount("WaitGroup.add(delta)", delta, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    this.#add(delta, undefined);
  }

  /** Adds a validated whole `delta`; `operation` names the call in a counter error (undefined: `add(delta)`). */
  #add(delta: number, operation: string | undefined): void {
    const next = this.#counter + delta;
    if (next < 0) {
      throw new NegativeWaitGroupCounterError(
        this.#counter,
        delta,
        operation === undefined ? undefined : { operation },
      );
    }
    if (next > Number.MAX_SAFE_INTEGER) {
      throw new InvalidArgumentError(
        "WaitGroup.add(delta)",
        delta,
        `must keep the counter a safe integer: the counter is ${this.#counter}, so delta must be <= ` +
          `${Number.MAX_SAFE_INTEGER - this.#counter} (a counter this large is almost certainly a bug)`,
      );
    }
    this.#counter = next;
    if (next === 0 && this.#waiters.size > 0) {
      for (let w = this.#waiters.shift(); w !== undefined; w = this.#waiters.shift()) w.tryGrant();
    }
  }

  /**
   * Decrements the counter by one — Go's `Done()`.
   *
   * @throws {@link NegativeWaitGroupCounterError} if the counter is already zero.
   */
  done(): void {
    this.#add(-1, "WaitGroup.done()");
  }

  /**
   * Waits until the counter is zero — Go's `Wait()`.
   *
   * **Blocking:** resolves at once (shared resolved promise) if the counter is
   * zero; otherwise when it reaches zero.
   *
   * **Cancellation:** `{ signal }` — abort stops this wait (rejects with
   * `signal.reason`); the tasks and the counter are unaffected.
   */
  wait(options?: WaitOptions): Promise<void> {
    const signal = options?.signal;
    if (signal !== undefined) {
      const refused = refusedBySignal(signal, "WaitGroup.wait");
      if (refused !== undefined) return refused;
    }
    if (this.#counter === 0) return RESOLVED;
    return new Promise<void>((resolve, reject) => {
      const w = new Waiter<undefined>(this.#owner, 0, undefined, resolve, reject, signal);
      this.#waiters.push(w);
      if (DIAGNOSTICS.on) noteParked(this, "WaitGroup.wait", w as Waiter<unknown>);
    });
  }

  /**
   * Runs `fn` as a task of this group — Go 1.25's `WaitGroup.Go(f)`: `add(1)`
   * now, `done()` when `fn` settles (returns, throws or rejects).
   *
   * **Gotchas:** the returned promise is `fn`'s outcome; if `fn` may fail, handle
   * it (an ignored rejection is reported as unhandled, loudly, like Go's panic).
   *
   * @example
   * ```ts run
   * import { WaitGroup } from "@csp-kit/mutex";
   *
   * const uploaded: number[] = [];
   * const upload = async (part: number) => void uploaded.push(part); // a stand-in for real work
   *
   * const wg = new WaitGroup();
   * for (const part of [1, 2, 3]) {
   *   wg.go(async () => { await upload(part); });
   * }
   * await wg.wait();
   * if (uploaded.length !== 3 || wg.count !== 0) throw new Error(`uploaded ${uploaded.join()}`);
   * ```
   */
  go<R>(fn: () => R | PromiseLike<R>): Promise<Awaited<R>> {
    this.add(1);
    return this.#run(fn);
  }

  async #run<R>(fn: () => R | PromiseLike<R>): Promise<Awaited<R>> {
    try {
      return await fn();
    } finally {
      this.done();
    }
  }

  /** Checks the invariants at the top of this file; throws on the first violation. For tests. */
  assertInvariants(): void {
    const fail = (message: string): never => {
      throw new Error(`WaitGroup invariant violated: ${message}`);
    };
    if (!Number.isSafeInteger(this.#counter) || this.#counter < 0) fail(`counter = ${this.#counter}`);
    if (this.#waiters.size > 0 && this.#counter === 0) fail("waiters wait on a zero counter");
    for (const w of this.#waiters) if (w.settled) fail("a settled waiter is still queued");
  }
}
