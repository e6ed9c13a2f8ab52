/**
 * The errors of the broker's network side (the storage layer's are in
 * src/errors.ts). Each has a stable `name` and an `is…Error` guard that also
 * recognises an instance from another copy of the package (by `name`).
 *
 * As in the storage layer, these are for misuse and for failures of the
 * machine. What a client sends, however wrong, is answered (an error code)
 * or ends that client's connection with a logged reason; it never throws
 * out of the broker.
 */

/**
 * A broker option outside its range: a port that is not 0–65535, a partition
 * count below 1, a flush policy that is not "always", "never" or a number of
 * milliseconds, an unknown log level. Thrown by `validateConfig` (and so by
 * `startBroker` and the CLI) before anything listens or is written.
 */
export class InvalidBrokerConfigError extends RangeError {
  /** Always `"InvalidBrokerConfigError"`. */
  override name = "InvalidBrokerConfigError";
  /** The option that was rejected, e.g. `"port"`. */
  readonly option: string;
  /** The value that was rejected. */
  readonly value: unknown;
  constructor(option: string, value: unknown, requirement: string, options?: ErrorOptions) {
    super(`${option}: ${requirement} (got ${describe(value)})`, options);
    this.option = option;
    this.value = value;
  }
}

/**
 * The broker could not start: the port is taken, the address is not this
 * machine's, the data directory cannot be read. `cause` holds the original
 * error; nothing is left listening.
 */
export class BrokerStartError extends Error {
  /** Always `"BrokerStartError"`. */
  override name = "BrokerStartError";
}

function describe(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null || value === undefined) return String(value);
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

function hasName(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

/** Whether `error` is an {@link InvalidBrokerConfigError}. */
export function isInvalidBrokerConfigError(error: unknown): error is InvalidBrokerConfigError {
  return error instanceof InvalidBrokerConfigError || hasName(error, "InvalidBrokerConfigError");
}

/** Whether `error` is a {@link BrokerStartError}. */
export function isBrokerStartError(error: unknown): error is BrokerStartError {
  return error instanceof BrokerStartError || hasName(error, "BrokerStartError");
}
