/**
 * The errors the Kafka lifecycle tooling (prepare, start, stop) throws. Each one
 * says what to do next; each class has a stable `name` and an `is…Error` guard that
 * also recognises an instance from another copy of this module (by `name`), since
 * vitest's global setup and the test workers load their own copies. The errors of
 * the test support (bootstrap, kcat, raw frames) live in packages/testkit.
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
