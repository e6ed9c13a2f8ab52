/**
 * Validation of the options and arguments of this package. Every check runs
 * before anything is scheduled, counted or called, so a bad option changes
 * nothing. Durations and clocks fail with the errors `@csp-kit/timers` uses for
 * the same mistakes (`InvalidDurationError`, `InvalidClockError`); everything
 * else with {@link InvalidOptionError}.
 *
 * Invariants: each check returns its (validated) input, or a default for
 * `undefined` where one is documented; it never calls user code beyond reading
 * the properties it checks.
 */

import { describeValue } from "@csp-kit/channel/port";
import { type Clock, InvalidClockError, InvalidDurationError, realClock } from "@csp-kit/timers";
import { InvalidOptionError } from "../errors.js";

/** A number as itself (`NaN`, `-1`), anything else as `describeValue` says it. */
export function describe(value: unknown): string {
  return typeof value === "number" ? String(value) : describeValue(value);
}

/**
 * Validates a `{ clock }` option of `where`: returns it, or the real clock when
 * absent; throws `InvalidClockError` for anything that is not an object with
 * `now`, `setTimeout` and `clearTimeout` methods.
 */
export function checkClock(where: string, clock: unknown): Clock {
  if (clock === undefined) return realClock;
  const c = clock as Partial<Record<keyof Clock, unknown>> | null;
  if (
    typeof c === "object" &&
    c !== null &&
    typeof c.now === "function" &&
    typeof c.setTimeout === "function" &&
    typeof c.clearTimeout === "function"
  ) {
    return clock as Clock;
  }
  throw new InvalidClockError(
    `${where}: options.clock must be a Clock, an object with now(), setTimeout(callback, ms) and ` +
      `clearTimeout(handle) (realClock, a ManualClock from @csp-kit/timers/testing, or your own), ` +
      `or undefined for the real clock (got ${describeValue(clock)})`,
    clock,
  );
}

/**
 * Validates a duration `what` of `where`: a finite number of milliseconds >= 0
 * (with `negativeAsZero`, a negative counts as 0, as Go's timers do).
 */
export function checkDuration(where: string, what: string, ms: unknown, negativeAsZero = false): number {
  if (typeof ms === "number" && Number.isFinite(ms)) {
    if (ms >= 0) return ms;
    if (negativeAsZero) return 0;
  }
  throw new InvalidDurationError(
    `${where}: ${what} must be a finite number of milliseconds${negativeAsZero ? "" : " >= 0"} ` +
      `(got ${describe(ms)})`,
    ms,
  );
}

/** Validates a whole-number option `what` of `where` that must be >= `min`. */
export function checkCount(where: string, what: string, n: unknown, min: number, advice: string): number {
  if (typeof n === "number" && Number.isSafeInteger(n) && n >= min) return n;
  throw new InvalidOptionError(
    `${where}: ${what} must be a whole number >= ${min} (got ${describe(n)}); ${advice}`,
    what,
    n,
  );
}

/** Validates that `what` of `where` is a function. */
export function checkFunction<F>(where: string, what: string, fn: F, advice: string): F {
  if (typeof fn === "function") return fn;
  throw new InvalidOptionError(`${where}: ${what} must be a function (got ${describeValue(fn)}); ${advice}`, what, fn);
}

/** Whether `value` is a thenable (a promise, or anything `await` would wait for). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
