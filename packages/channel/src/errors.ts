/**
 * The errors @csp-kit/channel throws. Each is a programmer error (Go panics in
 * the same places), except {@link TransformError}, which carries the error of a
 * user function together with the value it failed on; expected outcomes —
 * "closed", "would block" — are values, never errors. Every class has a stable `name` and an `is…Error` guard that also
 * recognises instances from another copy of the package (by `name`).
 */

import { hasErrorName } from "./internal/error-name.js";

/** Base class of every error thrown by @csp-kit/channel. */
export class ChannelError extends Error {
  override name = "ChannelError";
}

/**
 * A value was sent on a closed channel — by `send` after `close`, or by a sender
 * that was still blocked when the channel was closed. Go panics with "send on
 * closed channel". The value that was not sent is kept in {@link ChannelClosedError.value},
 * so nothing is lost.
 */
export class ChannelClosedError extends ChannelError {
  override name = "ChannelClosedError";
  /** The value whose send failed. */
  readonly value: unknown;
  constructor(value: unknown, options?: ErrorOptions) {
    super(
      "send on closed channel: the channel was closed before this value could be delivered " +
        "(close a channel only from the sending side, after the last send; the unsent value is in error.value)",
      options,
    );
    this.value = value;
  }
}

/** `close()` was called on a channel that is already closed (Go: "close of closed channel"). */
export class ChannelAlreadyClosedError extends ChannelError {
  override name = "ChannelAlreadyClosedError";
  constructor(options?: ErrorOptions) {
    super(
      "close of closed channel: a channel can be closed once; " +
        "let exactly one owner close it, or check `channel.closed` first",
      options,
    );
  }
}

/** A channel was created with a capacity its kind does not allow. */
export class InvalidCapacityError extends RangeError {
  override name = "InvalidCapacityError";
  /** The capacity that was rejected. */
  readonly capacity: unknown;
  constructor(message: string, capacity: unknown, options?: ErrorOptions) {
    super(message, options);
    this.capacity = capacity;
  }
}

/**
 * An operation was given a `signal` option that is not an AbortSignal: the
 * AbortController itself (pass `controller.signal`), `null`, a number, another
 * object. Raised before the operation touched any queue, so nothing was sent,
 * taken or queued; an operation that returns a promise rejects with it.
 */
export class InvalidSignalError extends TypeError {
  override name = "InvalidSignalError";
  /** The operation that rejected the signal, e.g. `"Channel.send"`. */
  readonly operation: string;
  /** The value given as `signal`. */
  readonly signal: unknown;
  constructor(message: string, operation: string, signal: unknown, options?: ErrorOptions) {
    super(message, options);
    this.operation = operation;
    this.signal = signal;
  }
}

/**
 * An options object given to a channel factory holds a member of the wrong
 * type — an `onDrop` that is not a function, say. Raised before the channel
 * exists, so nothing was created.
 */
export class InvalidOptionError extends TypeError {
  override name = "InvalidOptionError";
  /** The option that was rejected, e.g. `"Channel.ring(capacity, options).onDrop"`. */
  readonly option: string;
  /** The value given for it. */
  readonly value: unknown;
  constructor(message: string, option: string, value: unknown, options?: ErrorOptions) {
    super(message, options);
    this.option = option;
    this.value = value;
  }
}

/**
 * The function given to `map` or `filter` threw (or its promise rejected) on a
 * value. That value was taken from the input and not delivered: it is kept in
 * {@link TransformError.value}, and the function's error is the `cause`.
 */
export class TransformError extends ChannelError {
  override name = "TransformError";
  /** The value the function failed on. */
  readonly value: unknown;
  constructor(value: unknown, cause: unknown) {
    super(
      "the map/filter function failed on a value (its error is error.cause; the value, taken from the input " +
        "and not delivered, is error.value); the combinator stopped and did not close its output",
      { cause },
    );
    this.value = value;
  }
}

/** Whether `error` is any {@link ChannelError}. */
export function isChannelError(error: unknown): error is ChannelError {
  return (
    error instanceof ChannelError ||
    hasErrorName(error, "ChannelError") ||
    isChannelClosedError(error) ||
    isChannelAlreadyClosedError(error) ||
    isTransformError(error)
  );
}

/** Whether `error` is a {@link ChannelClosedError} (send on a closed channel). */
export function isChannelClosedError(error: unknown): error is ChannelClosedError {
  return error instanceof ChannelClosedError || hasErrorName(error, "ChannelClosedError");
}

/** Whether `error` is a {@link ChannelAlreadyClosedError} (close of a closed channel). */
export function isChannelAlreadyClosedError(error: unknown): error is ChannelAlreadyClosedError {
  return error instanceof ChannelAlreadyClosedError || hasErrorName(error, "ChannelAlreadyClosedError");
}

/** Whether `error` is a {@link TransformError} (a map/filter function failed). */
export function isTransformError(error: unknown): error is TransformError {
  return error instanceof TransformError || hasErrorName(error, "TransformError");
}

/** Whether `error` is an {@link InvalidCapacityError}. */
export function isInvalidCapacityError(error: unknown): error is InvalidCapacityError {
  return error instanceof InvalidCapacityError || hasErrorName(error, "InvalidCapacityError");
}

/** Whether `error` is an {@link InvalidSignalError} (a `signal` option that is not an AbortSignal). */
export function isInvalidSignalError(error: unknown): error is InvalidSignalError {
  return error instanceof InvalidSignalError || hasErrorName(error, "InvalidSignalError");
}

/** Whether `error` is an {@link InvalidOptionError} (a channel option of the wrong type). */
export function isInvalidOptionError(error: unknown): error is InvalidOptionError {
  return error instanceof InvalidOptionError || hasErrorName(error, "InvalidOptionError");
}
