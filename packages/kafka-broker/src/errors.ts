/**
 * The errors @csp-kit/kafka-broker throws — the storage layer's and the
 * network side's. Each class has a stable `name` and
 * an `is…Error` guard that also recognises instances from another copy of the
 * package (by `name`).
 *
 * They are for misuse and for failures of the machine, never for what a
 * client may legitimately send: a corrupt batch, a sequence gap or a stale
 * producer epoch are answers (values carrying a Kafka error code), because
 * the broker must reply to them and carry on.
 */

import { hasErrorName } from "@csp-kit/channel/port";

/**
 * A log or store option outside its range: a segment size below one batch
 * header, a negative retention, a flush interval that is not a positive
 * number of milliseconds, an unknown flush policy. Thrown when the log or
 * store is opened; nothing has been created or changed.
 */
export class InvalidLogConfigError extends RangeError {
  override name = "InvalidLogConfigError";
  /** The option that was rejected, e.g. `"segmentBytes"`. */
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
 * An argument a log operation cannot take: `maxBytes` that is not a
 * non-negative integer, an offset outside the safe integer range, a
 * timestamp that is neither a non-negative number nor one of the specials
 * -1 (latest) and -2 (earliest), bytes that are not a `Uint8Array`. The log
 * is unchanged.
 */
export class InvalidLogArgumentError extends RangeError {
  override name = "InvalidLogArgumentError";
  /** The operation and argument that were rejected, e.g. `"PartitionLog.read(maxBytes)"`. */
  readonly argument: string;
  /** The value that was rejected. */
  readonly value: unknown;
  constructor(argument: string, value: unknown, requirement: string, options?: ErrorOptions) {
    super(`${argument}: ${requirement} (got ${describe(value)})`, options);
    this.argument = argument;
    this.value = value;
  }
}

/**
 * A file-system operation of a durable log failed (disk full, permissions, an
 * I/O error), with the original error as `cause`. After one, the log is
 * offline: every later append or read throws this error again, because what
 * is on disk may no longer match what the log holds in memory. Restart the
 * broker on the same directory: recovery truncates whatever was half written.
 */
export class LogStorageError extends Error {
  override name = "LogStorageError";
  /** The file or directory the failed operation used. */
  readonly path: string;
  constructor(message: string, path: string, options?: ErrorOptions) {
    super(message, options);
    this.path = path;
  }
}

/** An operation on a log or store that was already closed. Open it again to use it. */
export class LogClosedError extends Error {
  override name = "LogClosedError";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

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

/** Whether `error` is an {@link InvalidLogConfigError}. */
export function isInvalidLogConfigError(error: unknown): error is InvalidLogConfigError {
  return error instanceof InvalidLogConfigError || hasErrorName(error, "InvalidLogConfigError");
}

/** Whether `error` is an {@link InvalidLogArgumentError}. */
export function isInvalidLogArgumentError(error: unknown): error is InvalidLogArgumentError {
  return error instanceof InvalidLogArgumentError || hasErrorName(error, "InvalidLogArgumentError");
}

/** Whether `error` is a {@link LogStorageError}. */
export function isLogStorageError(error: unknown): error is LogStorageError {
  return error instanceof LogStorageError || hasErrorName(error, "LogStorageError");
}

/** Whether `error` is a {@link LogClosedError}. */
export function isLogClosedError(error: unknown): error is LogClosedError {
  return error instanceof LogClosedError || hasErrorName(error, "LogClosedError");
}

/** Whether `error` is an {@link InvalidBrokerConfigError}. */
export function isInvalidBrokerConfigError(error: unknown): error is InvalidBrokerConfigError {
  return error instanceof InvalidBrokerConfigError || hasErrorName(error, "InvalidBrokerConfigError");
}

/** Whether `error` is a {@link BrokerStartError}. */
export function isBrokerStartError(error: unknown): error is BrokerStartError {
  return error instanceof BrokerStartError || hasErrorName(error, "BrokerStartError");
}
