/**
 * The errors the Kafka interop tooling throws. Each one says what to do next; each
 * class has a stable `name` and an `is…Error` guard that also recognises an
 * instance from another copy of this module (by `name`), since vitest's global
 * setup and the test workers load their own copies.
 */

function hasName(value: unknown, name: string): boolean {
  return value instanceof Error && value.name === name;
}

/**
 * A tool the interop tier needs (java, mvn, kcat) is not on PATH, or is too old.
 *
 * @see {@link isMissingToolError}
 */
export class MissingToolError extends Error {
  override name = "MissingToolError";
  /** The executable that was looked for: `"java"`, `"mvn"` or `"kcat"`. */
  readonly tool: string;
  constructor(tool: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.tool = tool;
  }
}

/** True if `value` is a {@link MissingToolError} (from any copy of this module). */
export function isMissingToolError(value: unknown): value is MissingToolError {
  return hasName(value, "MissingToolError");
}

/**
 * Fetching Kafka's jars with Maven failed; the message carries Maven's output.
 *
 * @see {@link isKafkaPrepareError}
 */
export class KafkaPrepareError extends Error {
  override name = "KafkaPrepareError";
}

/** True if `value` is a {@link KafkaPrepareError} (from any copy of this module). */
export function isKafkaPrepareError(value: unknown): value is KafkaPrepareError {
  return hasName(value, "KafkaPrepareError");
}

/**
 * The broker did not come up: formatting its storage failed, the JVM exited, or it
 * did not answer ApiVersions within the bound. The message ends with the tail of the
 * broker's log; `logPath` names the whole log (kept on failure).
 *
 * @see {@link isKafkaStartError}
 */
export class KafkaStartError extends Error {
  override name = "KafkaStartError";
  /** The broker's stdout/stderr log, or `undefined` if it failed before one existed. */
  readonly logPath: string | undefined;
  constructor(message: string, logPath: string | undefined, options?: ErrorOptions) {
    super(message, options);
    this.logPath = logPath;
  }
}

/** True if `value` is a {@link KafkaStartError} (from any copy of this module). */
export function isKafkaStartError(value: unknown): value is KafkaStartError {
  return hasName(value, "KafkaStartError");
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
