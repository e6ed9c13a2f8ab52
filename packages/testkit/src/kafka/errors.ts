/**
 * The errors the interop test support throws (bootstrap addresses, kcat runs, raw
 * frames). Each one says what to do next; each class has a stable `name` and an
 * `is…Error` guard that also recognises an instance from another copy of this
 * module (by `name`), since vitest's global setup and the test workers load their
 * own copies.
 */

function hasName(value: unknown, name: string): boolean {
  return value instanceof Error && value.name === name;
}

/**
 * A bootstrap address was not `host:port` with a port in 1..65535, or the interop
 * tests ran without one (outside `pnpm test:interop`).
 *
 * @see {@link isInvalidBootstrapError}
 */
export class InvalidBootstrapError extends Error {
  override name = "InvalidBootstrapError";
  /** The value that was rejected (`undefined` when there was none). */
  readonly value: string | undefined;
  constructor(message: string, value: string | undefined, options?: ErrorOptions) {
    super(message, options);
    this.value = value;
  }
}

/** True if `value` is an {@link InvalidBootstrapError} (from any copy of this module). */
export function isInvalidBootstrapError(value: unknown): value is InvalidBootstrapError {
  return hasName(value, "InvalidBootstrapError");
}

/**
 * A raw request got no complete response frame: the peer closed the connection
 * first (`reason: "closed"`), the connection failed (`"connect"`), or the bound
 * ran out (`"timeout"`).
 *
 * @see {@link isRawRequestError}
 */
export class RawRequestError extends Error {
  override name = "RawRequestError";
  /** Why no response frame arrived. */
  readonly reason: "closed" | "connect" | "timeout";
  constructor(reason: "closed" | "connect" | "timeout", message: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}

/** True if `value` is a {@link RawRequestError} (from any copy of this module). */
export function isRawRequestError(value: unknown): value is RawRequestError {
  return hasName(value, "RawRequestError");
}

/**
 * A child process (kcat) ran past its bound and was killed. `stderr` holds what it
 * had written by then.
 *
 * @see {@link isProcessTimeoutError}
 */
export class ProcessTimeoutError extends Error {
  override name = "ProcessTimeoutError";
  /** What the process had written to stderr before it was killed. */
  readonly stderr: string;
  constructor(message: string, stderr: string, options?: ErrorOptions) {
    super(message, options);
    this.stderr = stderr;
  }
}

/** True if `value` is a {@link ProcessTimeoutError} (from any copy of this module). */
export function isProcessTimeoutError(value: unknown): value is ProcessTimeoutError {
  return hasName(value, "ProcessTimeoutError");
}

/**
 * A Kafka frame announced a negative size: the stream is not Kafka's protocol (or
 * is out of step), so it cannot be split into frames.
 *
 * @see {@link isFrameSizeError}
 */
export class FrameSizeError extends Error {
  override name = "FrameSizeError";
  /** The size field as read. */
  readonly size: number;
  constructor(size: number, options?: ErrorOptions) {
    super(
      `a Kafka frame announced size ${size}; sizes are non-negative int32 values ` +
        "(is the other side speaking Kafka's protocol on this port?)",
      options,
    );
    this.size = size;
  }
}

/** True if `value` is a {@link FrameSizeError} (from any copy of this module). */
export function isFrameSizeError(value: unknown): value is FrameSizeError {
  return hasName(value, "FrameSizeError");
}
