/**
 * Semaphore — golang.org/x/sync/semaphore's `Weighted` as a façade over the
 * weighted FIFO engine (internal/weighted.ts), adding argument checks, typed
 * errors and permits for `using`.
 *
 * Invariants: arguments are validated before the engine sees them, so the
 * engine's preconditions (whole numbers, `n <= size`) always hold; a permit
 * releases its weight at most once.
 */

import { SemaphoreReleaseError } from "./errors.js";
import { type GuardTarget, ReleaseGuard } from "./internal/guard.js";
import { checkCount } from "./internal/util.js";
import { WeightedCore } from "./internal/weighted.js";
import type { Permit, WaitOptions } from "./types.js";

/**
 * A weighted semaphore — Go's `golang.org/x/sync/semaphore.Weighted`: `size`
 * permits, and each acquisition takes `n` of them.
 *
 * **Blocking:** `acquire(n)` resolves at once when `n` permits are free and
 * nobody is waiting; otherwise it waits in line.
 *
 * **Ordering (fairness):** strictly FIFO with head-of-line blocking: a large
 * request at the head of the line blocks every later request, even small ones
 * that would fit, so a big request is never starved by a stream of small ones.
 * The n-th release happens before the acquisition it lets through returns; a
 * failed `tryAcquire` establishes nothing.
 *
 * **Cancellation:** every wait takes `{ signal }`; abort is atomic — the permits
 * were either granted (the promise resolves; you own them) or never taken (it
 * rejects with `signal.reason` and the waiter is gone at once). Permits never leak.
 *
 * **Gotchas:** release exactly what you acquired. A {@link Permit} from
 * `acquire` remembers its weight and releases once, so prefer
 * `using permit = await sem.acquire(n)` or {@link Semaphore.withPermits}.
 *
 * @example
 * ```ts run
 * import { Semaphore } from "@csp-kit/mutex";
 *
 * let inUse = 0;
 * let peak = 0;
 * async function read(file: { mb: number }): Promise<number> { // a stand-in for real work
 *   inUse += file.mb;
 *   peak = Math.max(peak, inUse);
 *   await new Promise((resolve) => setImmediate(resolve));
 *   inUse -= file.mb;
 *   return file.mb;
 * }
 *
 * const memory = new Semaphore(100);          // 100 MB budget
 * async function load(file: { mb: number }) {
 *   using _ = await memory.acquire(file.mb);  // waits for room, FIFO
 *   return await read(file);
 * }                                           // permits returned here
 * await Promise.all([load({ mb: 60 }), load({ mb: 60 }), load({ mb: 30 })]);
 * console.log(peak, memory.available); // → 90 100
 * if (peak > 100 || memory.available !== 100) throw new Error(`peak ${peak} MB`);
 * ```
 *
 * @see {@link Mutex} — a semaphore of one.
 */
export class Semaphore {
  /** The engine; set at construction, never replaced. */
  readonly #core: WeightedCore;
  /** Where this semaphore's permits release into: one adapter per semaphore, shared by its permits. */
  readonly #guardTarget: GuardTarget = { releaseGuarded: (n) => this.release(n) };

  /**
   * Creates a semaphore with `size` permits, all free.
   *
   * @param size - a whole number >= 1.
   * @throws {@link InvalidArgumentError} otherwise.
   */
  constructor(size: number) {
    this.#core = new WeightedCore(checkCount("new Semaphore(size)", size, 1, Number.MAX_SAFE_INTEGER));
  }

  /** Total permits (Go: the `n` of `NewWeighted(n)`). */
  get size(): number {
    return this.#core.size;
  }

  /** Permits held now by granted acquisitions. */
  get held(): number {
    return this.#core.held;
  }

  /** Permits free now: `size - held`. Free permits may still be unavailable to a newcomer while others wait (FIFO). */
  get available(): number {
    return this.#core.size - this.#core.held;
  }

  /** Acquisitions waiting now. */
  get waiting(): number {
    return this.#core.waiting;
  }

  /**
   * Acquires `n` permits — Go's `Acquire(ctx, n)` — and returns a
   * {@link Permit} that releases them (for `using`).
   *
   * **Blocking:** resolves at once when `n` permits are free and nobody waits;
   * otherwise waits in FIFO order (head-of-line blocking, see the class).
   *
   * **Cancellation:** `{ signal }` — abort removes the waiter at once and rejects
   * with `signal.reason`; no permit was taken. If the permits were granted first,
   * the promise resolves and the abort changes nothing: you own the permits.
   *
   * **Ordering:** a release happens before the acquisition it lets through resolves.
   *
   * **Gotchas:** ignoring the returned permit and calling `release(n)` yourself
   * is fine (Go style); just do not do both.
   *
   * @param n - permits to take: a whole number in [0, size]; default 1.
   * @returns a permit whose `release()` gives the `n` permits back, once.
   * @throws (rejects) {@link InvalidArgumentError} if `n` is not a whole number
   *   in [0, size] (a request larger than the semaphore could never be served).
   *
   * @example
   * ```ts run
   * import { Semaphore } from "@csp-kit/mutex";
   *
   * const sem = new Semaphore(3);
   * let heldInside = 0;
   * {
   *   using _permit = await sem.acquire(2, { signal: AbortSignal.timeout(1_000) });
   *   heldInside = sem.held;
   * } // released here
   * console.log(heldInside, sem.held); // → 2 0
   * if (heldInside !== 2 || sem.held !== 0) throw new Error("2 permits held in the block, none after");
   * ```
   */
  acquire(n = 1, options?: WaitOptions): Promise<Permit> {
    try {
      checkCount("Semaphore.acquire(n)", n, 0, this.#core.size);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#core.acquire(n, new ReleaseGuard(this.#guardTarget, n), options?.signal, "Semaphore.acquire");
  }

  /**
   * Takes `n` permits if that is possible now without overtaking a waiter — Go's
   * `TryAcquire(n)`. Never waits.
   *
   * **Ordering:** a successful tryAcquire is an acquisition (ordered after the
   * release that freed the permits); a failed one establishes nothing.
   *
   * **Gotchas:** fails while anyone waits, even when `n` permits are free —
   * that is the FIFO guarantee. On success, release with `release(n)`.
   *
   * @throws {@link InvalidArgumentError} if `n` is not a whole number in [0, size].
   */
  tryAcquire(n = 1): boolean {
    return this.#core.tryAcquire(checkCount("Semaphore.tryAcquire(n)", n, 0, this.#core.size));
  }

  /**
   * Gives back `n` permits — Go's `Release(n)` — and lets the waiters that now
   * fit through, in order.
   *
   * **Ordering:** happens before the acquisitions it lets through resolve.
   *
   * @throws {@link SemaphoreReleaseError} if more than `held` permits would be
   *   released (Go panics: "released more than held"); nothing changes.
   * @throws {@link InvalidArgumentError} if `n` is not a whole number >= 0.
   */
  release(n = 1): void {
    checkCount("Semaphore.release(n)", n, 0, Number.MAX_SAFE_INTEGER);
    if (!this.#core.release(n)) throw new SemaphoreReleaseError(n, this.#core.held);
  }

  /**
   * Runs `fn` holding `n` permits, and releases them when `fn` settles (returns,
   * throws or rejects) — the `runExclusive` of a semaphore.
   *
   * **Cancellation:** `{ signal }` cancels the wait for the permits (then `fn`
   * does not run). Once granted, `fn` runs to completion; pass the signal to
   * `fn` yourself if it should stop early.
   *
   * @returns what `fn` returns (awaited).
   *
   * @example
   * ```ts run
   * import { Semaphore } from "@csp-kit/mutex";
   *
   * const downloads = new Semaphore(4); // at most 4 downloads at once
   * const url = "data:text/plain,hello";
   * const body = await downloads.withPermits(1, () => fetch(url).then((r) => r.text()));
   * console.log(body); // → hello
   * if (body !== "hello" || downloads.available !== 4) throw new Error(`got ${body}`);
   * ```
   */
  async withPermits<R>(n: number, fn: () => R | PromiseLike<R>, options?: WaitOptions): Promise<Awaited<R>> {
    const permit = await this.acquire(n, options);
    try {
      return await fn();
    } finally {
      permit.release();
    }
  }

  /**
   * Checks the engine's invariants (FIFO queue consistent, `0 <= held <= size`,
   * no servable waiter left waiting); throws on the first violation. For tests.
   */
  assertInvariants(): void {
    this.#core.assertInvariants("Semaphore");
  }
}
