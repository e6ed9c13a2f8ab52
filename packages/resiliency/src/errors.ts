/**
 * The errors @csp-kit/resiliency produces. Two are outcomes a caller handles —
 * {@link BreakerOpenError} (the breaker refused to run the function) and
 * {@link DeadlineExceededError} (the work did not finish in time) — and one is
 * a programmer error, {@link InvalidOptionError} (a threshold, a jitter, a
 * function that is not one). Durations that are not finite and clocks that are
 * not Clocks get `InvalidDurationError` and `InvalidClockError` from
 * `@csp-kit/timers`, as every other API of csp-kit that measures time; a
 * `signal` that is not an AbortSignal gets `InvalidSignalError` from
 * `@csp-kit/channel`.
 *
 * Every class has a stable `name` and an `is…Error` guard that also recognises
 * instances from another copy of the package (by `name`). No error object is a
 * singleton: each refusal creates a new one with its own stack (Go's
 * `breaker.ErrBreakerOpen` is a shared value; a JavaScript error carries a stack,
 * so sharing one would point every report at the first caller).
 */

import { hasErrorName } from "@csp-kit/channel/port";

/**
 * `CircuitBreaker.run(fn)` did not call `fn` because the breaker is open — Go's
 * `breaker.ErrBreakerOpen`. The call failed fast; nothing ran, nothing was
 * counted.
 *
 * **Gotchas:** treat it as "the dependency is known to be failing", not as a
 * failure of this call's input: a retrier around a breaker should usually wait
 * `retryAfter` ms or fail at once (see `failWhen(isBreakerOpenError)`).
 *
 * @see {@link isBreakerOpenError}
 * @example
 * ```ts run
 * import { CircuitBreaker, isBreakerOpenError } from "@csp-kit/resiliency";
 * import { ManualClock } from "@csp-kit/timers/testing";
 *
 * const clock = new ManualClock(); // leave { clock } out for real time
 * const breaker = new CircuitBreaker({ errorThreshold: 1, successThreshold: 1, timeout: 5_000, clock });
 * const fetchMetadata = () => Promise.reject(new Error("broker not available"));
 * await breaker.run(fetchMetadata).catch(() => {}); // one failure: open
 * let refused = false;
 * try { await breaker.run(fetchMetadata); }
 * catch (e) { if (isBreakerOpenError(e)) console.log(`open, retry in ${e.retryAfter} ms`); else throw e; refused = true; } // → open, retry in 5000 ms
 * if (!refused) throw new Error("an open breaker refuses the call");
 * ```
 */
export class BreakerOpenError extends Error {
  override name = "BreakerOpenError";
  /** The clock time (ms) at which the breaker turns half-open and lets calls through again. */
  readonly halfOpenAt: number;
  /** Milliseconds from the refusal until `halfOpenAt` (>= 0). */
  readonly retryAfter: number;
  /**
   * @param halfOpenAt - when the breaker turns half-open, on its clock.
   * @param now - the clock time of the refusal.
   */
  constructor(halfOpenAt: number, now: number, options?: ErrorOptions) {
    const retryAfter = Math.max(0, halfOpenAt - now);
    super(
      `CircuitBreaker.run: the circuit breaker is open, so the function was not called; ` +
        `it lets calls through again in ${retryAfter} ms (fail fast meanwhile, or wait and retry)`,
      options,
    );
    this.halfOpenAt = halfOpenAt;
    this.retryAfter = retryAfter;
  }
}

/**
 * The work given to `deadline(ms, work)` did not finish within `ms` — Go's
 * `deadline.ErrTimedOut` (and `context.DeadlineExceeded`). The same instance is
 * the `reason` of the AbortSignal the work received and the rejection of the
 * promise `deadline` returned, so `signal.throwIfAborted()` and
 * `fetch(url, { signal })` inside the work reject with it too.
 *
 * @see {@link isDeadlineExceededError}
 */
export class DeadlineExceededError extends Error {
  override name = "DeadlineExceededError";
  /** The deadline that passed, in ms (as given, negatives raised to 0). */
  readonly ms: number;
  constructor(ms: number, options?: ErrorOptions) {
    super(
      `deadline: the work did not finish within ${ms} ms; its AbortSignal was aborted with this error ` +
        "(the work keeps running unless it listens to the signal: pass it to fetch, recv, sleep, …)",
      options,
    );
    this.ms = ms;
  }
}

/**
 * An option or argument of this package was invalid: a threshold that is not a
 * whole number >= 1, a jitter outside [0, 1], a function that is not a function,
 * a classifier answer that is not `"succeed"`, `"retry"` or `"fail"`. Thrown
 * before anything runs or changes (a classifier's bad answer ends that one
 * `run`).
 *
 * @see {@link isInvalidOptionError}
 */
export class InvalidOptionError extends TypeError {
  override name = "InvalidOptionError";
  /** Which option or argument, e.g. `"errorThreshold"`, `"jitter"`, `"work"`. */
  readonly option: string;
  /** The value that was rejected. */
  readonly value: unknown;
  constructor(message: string, option: string, value: unknown, options?: ErrorOptions) {
    super(message, options);
    this.option = option;
    this.value = value;
  }
}

/** Whether `error` is a {@link BreakerOpenError}. */
export function isBreakerOpenError(error: unknown): error is BreakerOpenError {
  return error instanceof BreakerOpenError || hasErrorName(error, "BreakerOpenError");
}

/** Whether `error` is a {@link DeadlineExceededError}. */
export function isDeadlineExceededError(error: unknown): error is DeadlineExceededError {
  return error instanceof DeadlineExceededError || hasErrorName(error, "DeadlineExceededError");
}

/** Whether `error` is an {@link InvalidOptionError}. */
export function isInvalidOptionError(error: unknown): error is InvalidOptionError {
  return error instanceof InvalidOptionError || hasErrorName(error, "InvalidOptionError");
}
