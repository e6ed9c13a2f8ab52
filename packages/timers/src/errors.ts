/**
 * The errors @csp-kit/timers throws. Each is a programmer error (Go panics or
 * refuses to compile in the same places); expected outcomes — "not yet fired",
 * "stopped" — are values, never errors. Every class has a stable `name` and an
 * `is…Error` guard that also recognises instances from another copy of the
 * package (by `name`).
 */

import { hasErrorName } from "@csp-kit/channel/port";

/**
 * A duration was not a finite number of milliseconds, or a ticker period was
 * not positive. Go treats a negative timer duration as 0 (so do we), panics on
 * a non-positive ticker period (so do we), and has no NaN or infinite durations.
 *
 * @see {@link isInvalidDurationError}
 */
export class InvalidDurationError extends RangeError {
  override name = "InvalidDurationError";
  /** The value that was rejected. */
  readonly duration: unknown;
  constructor(message: string, duration: unknown, options?: ErrorOptions) {
    super(message, options);
    this.duration = duration;
  }
}

/**
 * A send was attempted on a receive-only channel: the channel of a timer, a
 * ticker, `after()` or `done()`. Those channels produce their own values; Go
 * rejects such a send at compile time ("send to receive-only type"). The types
 * of this package already forbid it; this error catches untyped callers and
 * custom `select` drivers.
 *
 * @see {@link isReceiveOnlyError}
 */
export class ReceiveOnlyError extends TypeError {
  override name = "ReceiveOnlyError";
  constructor(what: string, options?: ErrorOptions) {
    super(
      `send on a receive-only channel: ${what} delivers its own values and cannot be sent to ` +
        "(send to a Channel you own instead, and receive from this one)",
      options,
    );
  }
}

/**
 * A `ManualClock` ran more callbacks than its limit in one `runAll()`, which
 * almost always means a callback keeps scheduling another (a ticker with a
 * waiting receiver never runs out of ticks).
 *
 * @see {@link isRunawayTimersError}
 */
export class RunawayTimersError extends Error {
  override name = "RunawayTimersError";
  /** The limit that was reached. */
  readonly limit: number;
  constructor(limit: number, options?: ErrorOptions) {
    super(
      `ManualClock.runAll(): ran ${limit} callbacks and more are still scheduled; ` +
        "a callback keeps scheduling another (for example a ticker with a waiting receiver). " +
        "Use advance(ms) to run a bounded stretch of time, or raise the limit.",
      options,
    );
    this.limit = limit;
  }
}

/**
 * A `{ clock }` option was not a {@link Clock}: an object with `now()`,
 * `setTimeout(callback, ms)` and `clearTimeout(handle)`. Refused when the
 * timer is made, before anything is armed.
 *
 * @see {@link isInvalidClockError}
 */
export class InvalidClockError extends TypeError {
  override name = "InvalidClockError";
  /** The value given as `clock`. */
  readonly clock: unknown;
  constructor(message: string, clock: unknown, options?: ErrorOptions) {
    super(message, options);
    this.clock = clock;
  }
}

/**
 * `ManualClock.runAll(limit)` / `runAllAsync(limit)` got a limit that is not a
 * whole number >= 0. Nothing ran.
 *
 * @see {@link isInvalidLimitError}
 */
export class InvalidLimitError extends RangeError {
  override name = "InvalidLimitError";
  /** The value given as `limit`. */
  readonly limit: unknown;
  constructor(message: string, limit: unknown, options?: ErrorOptions) {
    super(message, options);
    this.limit = limit;
  }
}

/** Whether `error` is an {@link InvalidDurationError}. */
export function isInvalidDurationError(error: unknown): error is InvalidDurationError {
  return error instanceof InvalidDurationError || hasErrorName(error, "InvalidDurationError");
}

/** Whether `error` is a {@link ReceiveOnlyError}. */
export function isReceiveOnlyError(error: unknown): error is ReceiveOnlyError {
  return error instanceof ReceiveOnlyError || hasErrorName(error, "ReceiveOnlyError");
}

/** Whether `error` is a {@link RunawayTimersError}. */
export function isRunawayTimersError(error: unknown): error is RunawayTimersError {
  return error instanceof RunawayTimersError || hasErrorName(error, "RunawayTimersError");
}

/** Whether `error` is an {@link InvalidClockError}. */
export function isInvalidClockError(error: unknown): error is InvalidClockError {
  return error instanceof InvalidClockError || hasErrorName(error, "InvalidClockError");
}

/** Whether `error` is an {@link InvalidLimitError}. */
export function isInvalidLimitError(error: unknown): error is InvalidLimitError {
  return error instanceof InvalidLimitError || hasErrorName(error, "InvalidLimitError");
}
