/**
 * Validation of durations. Two rules, both Go's:
 * - a timer delay may be any finite number of milliseconds; a negative delay
 *   counts as 0 (the timer is due at once);
 * - a ticker period must be a finite number of milliseconds > 0.
 * NaN, ±Infinity and non-numbers are rejected with {@link InvalidDurationError}.
 */

import { InvalidDurationError } from "../errors.js";

function describe(value: unknown): string {
  return typeof value === "number" ? String(value) : `a ${typeof value}`;
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
