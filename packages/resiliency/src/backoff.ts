/**
 * Backoff schedules for {@link Retrier} — eapache/go-resiliency's
 * `ConstantBackoff`, `ExponentialBackoff` and `LimitedExponentialBackoff`.
 *
 * A schedule is a plain array of milliseconds, as in Go: its length is how many
 * times a failed attempt is retried, and entry `i` is the wait before retry
 * `i + 1`. Jitter is not part of the schedule; it is a {@link RetrierOptions}
 * setting applied to each wait as it is taken, so one schedule can serve many
 * retriers.
 *
 * Invariants: every function returns a new frozen array of finite numbers >= 0
 * whose length is its `n`; nothing is shared between calls.
 */

import { checkCount, checkDuration } from "./internal/options.js";

/**
 * `n` retries, waiting `ms` before each — Go's `retrier.ConstantBackoff(n, amount)`.
 *
 * @param n - how many retries; a whole number >= 0 (0: never retry).
 * @param ms - the wait before each retry; finite, >= 0.
 * @returns a frozen array of `n` copies of `ms`.
 * @throws {@link InvalidOptionError} if `n` is not a whole number >= 0;
 *   `InvalidDurationError` (from `@csp-kit/timers`) if `ms` is not a finite number >= 0.
 * @see {@link exponentialBackoff}
 * @example
 * ```ts run
 * import { constantBackoff } from "@csp-kit/resiliency";
 *
 * const waits = constantBackoff(3, 100); // [100, 100, 100]
 * if (waits.join() !== "100,100,100") throw new Error(`got ${waits.join()}`);
 * ```
 */
export function constantBackoff(n: number, ms: number): readonly number[] {
  const count = checkCount("constantBackoff(n, ms)", "n", n, 0, "it is how many times to retry");
  const wait = checkDuration("constantBackoff(n, ms)", "ms", ms);
  return Object.freeze(Array.from({ length: count }, () => wait));
}

/**
 * `n` retries, the first after `initialMs`, each wait twice the one before —
 * Go's `retrier.ExponentialBackoff(n, initialAmount)`; with `limitMs`, waits
 * stop growing at `limitMs` (Go's `LimitedExponentialBackoff`). Add
 * `{ jitter }` on the {@link Retrier} for exponential backoff with jitter.
 *
 * @param n - how many retries; a whole number >= 0.
 * @param initialMs - the first wait; finite, >= 0.
 * @param limitMs - the longest wait (default: no limit); finite, >= 0.
 * @returns a frozen array: `initialMs · 2^i`, capped at `limitMs`.
 * @throws {@link InvalidOptionError} if `n` is not a whole number >= 0;
 *   `InvalidDurationError` (from `@csp-kit/timers`) if a duration is not a
 *   finite number >= 0, or if a wait would not be finite (use `limitMs`).
 * @see {@link constantBackoff}
 * @example
 * ```ts run
 * import { exponentialBackoff } from "@csp-kit/resiliency";
 *
 * const doubling = exponentialBackoff(5, 100);        // [100, 200, 400, 800, 1600]
 * const capped = exponentialBackoff(5, 100, 500);     // [100, 200, 400, 500, 500]
 * if (doubling.join() !== "100,200,400,800,1600") throw new Error(`got ${doubling.join()}`);
 * if (capped.join() !== "100,200,400,500,500") throw new Error(`got ${capped.join()}`);
 * ```
 */
export function exponentialBackoff(n: number, initialMs: number, limitMs?: number): readonly number[] {
  const where = "exponentialBackoff(n, initialMs, limitMs)";
  const count = checkCount(where, "n", n, 0, "it is how many times to retry");
  let next = checkDuration(where, "initialMs", initialMs);
  const limit = limitMs === undefined ? Number.POSITIVE_INFINITY : checkDuration(where, "limitMs", limitMs);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const wait = Math.min(next, limit);
    // 2^1024 overflows: a schedule that long needs a limit.
    out.push(checkDuration(where, `wait ${i + 1} (initialMs · 2^${i}; pass limitMs to cap it)`, wait));
    next *= 2;
  }
  return Object.freeze(out);
}
