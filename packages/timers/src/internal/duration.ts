/**
 * Validation of durations. Two rules, both Go's:
 * - a timer delay may be any finite number of milliseconds; a negative delay
 *   counts as 0 (the timer is due at once);
 * - a ticker period must be a finite number of milliseconds > 0.
 * NaN, ±Infinity and non-numbers are rejected with {@link InvalidDurationError}.
 */

import { describeValue } from "@csp-kit/channel/port";
import type { Clock } from "../clock.js";
import { realClock } from "../clock.js";
import { InvalidClockError, InvalidDurationError } from "../errors.js";

/** A number as itself (`NaN`, `-1`), anything else as `describeValue` says it. */
function describe(value: unknown): string {
  return typeof value === "number" ? String(value) : describeValue(value);
}

/**
 * Validates a `{ clock }` option for `where`: returns it, or the real clock
 * when absent; throws {@link InvalidClockError} for anything that is not an
 * object with `now`, `setTimeout` and `clearTimeout` methods.
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

/** Validates a delay for `where`; returns it with negatives raised to 0. */
export function checkDelay(where: string, ms: unknown): number {
  if (typeof ms === "number" && Number.isFinite(ms)) return ms > 0 ? ms : 0;
  throw new InvalidDurationError(
    `${where}: ms must be a finite number of milliseconds (got ${describe(ms)}); ` +
      "negative values count as 0, as in Go; for a timer that never fires, do not create one",
    ms,
  );
}

/** Validates a ticker period for `where`; returns it. */
export function checkPeriod(where: string, ms: unknown): number {
  if (typeof ms === "number" && Number.isFinite(ms) && ms > 0) return ms;
  throw new InvalidDurationError(
    `${where}: the period must be a finite number of milliseconds > 0 (got ${describe(ms)}), ` +
      "as Go's NewTicker requires; to pause a ticker call stop() and later reset(ms)",
    ms,
  );
}
