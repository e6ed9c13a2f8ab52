/**
 * `KafkaError`: an error code a broker returned, as a JavaScript error that
 * carries its table entry (name, retriable) and where it came from (API,
 * topic, partition, the broker's own message).
 *
 * A `KafkaError` is not a protocol failure: the response parsed fine and
 * said "no". (Bytes that do not parse are a `ProtocolError`.)
 *
 * Invariants: `code`, `kafkaName` and `retriable` always agree with
 * `errorByCode(code)`; `code` is never 0 (NONE is not an error).
 */

import { apiName } from "./api-keys.js";
import { errorByCode } from "./error-codes.js";
import { ProtocolError } from "./errors.js";

/** Where a {@link KafkaError} came from, and what the broker said. All optional. */
export interface KafkaErrorOptions {
  /** The API key of the request it answered (see `ApiKey`). */
  readonly apiKey?: number;
  /** The topic it concerns. */
  readonly topic?: string;
  /** The partition it concerns. */
  readonly partition?: number;
  /** The response's `error_message` field, when it had one (null/"" count as none). */
  readonly brokerMessage?: string | null;
  /** What caused it, passed on to `Error.cause`. */
  readonly cause?: unknown;
}

/**
 * An error code returned by a broker, with Kafka's name for it and whether a
 * retry may succeed.
 *
 * The message reads `NAME (code) in <Api> for <topic>-<partition>: <text>`,
 * where the text is the broker's message when it sent one and Kafka's default
 * message otherwise.
 *
 * Gotchas: decide retries from `retriable` (Kafka's own classification); an
 * unknown code (newer broker) is kept with a synthetic name and is not
 * retriable.
 *
 * @example
 * ```ts run
 * import { ApiKey, KafkaError } from "@csp-kit/kafka-protocol";
 *
 * const err = new KafkaError(6, { apiKey: ApiKey.Produce, topic: "t", partition: 0 });
 * console.log(err.kafkaName, err.retriable); // → NOT_LEADER_OR_FOLLOWER true
 * if (err.kafkaName !== "NOT_LEADER_OR_FOLLOWER" || !err.retriable) throw new Error(`got ${err.kafkaName}`);
 * ```
 */
export class KafkaError extends Error {
  override name = "KafkaError";
  /** The wire error code. */
  readonly code: number;
  /** Kafka's UPPER_SNAKE name for the code (`UNKNOWN_ERROR_CODE_<n>` if the table lacks it). */
  readonly kafkaName: string;
  /** Whether a retry may succeed, from the error-code table. */
  readonly retriable: boolean;
  /** The API key of the request, when given. */
  readonly apiKey: number | undefined;
  /** The API's name (`"Produce"`), when `apiKey` was given. */
  readonly api: string | undefined;
  /** The topic, when given. */
  readonly topic: string | undefined;
  /** The partition, when given. */
  readonly partition: number | undefined;
  /** The broker's own message, when the response carried a non-empty one. */
  readonly brokerMessage: string | undefined;

  /**
   * An error for `code`, with its context.
   *
   * @throws {@link ProtocolError} kind `invalid-value` when `code` is 0 (NONE
   *   is success, not an error) or not an int16.
   */
  constructor(code: number, options: KafkaErrorOptions = {}) {
    if (!(Number.isInteger(code) && code >= -32768 && code <= 32767) || code === 0) {
      throw new ProtocolError(
        "invalid-value",
        `KafkaError needs a non-zero int16 error code (0 is NONE, success), got ${String(code)}`,
      );
    }
    const info = errorByCode(code);
    const api = options.apiKey === undefined ? undefined : apiName(options.apiKey);
    const brokerMessage =
      options.brokerMessage === null || options.brokerMessage === undefined || options.brokerMessage === ""
        ? undefined
        : options.brokerMessage;
    let where = api === undefined ? "" : ` in ${api}`;
    if (options.topic !== undefined) {
      where += ` for ${options.topic}${options.partition === undefined ? "" : `-${options.partition}`}`;
    } else if (options.partition !== undefined) {
      where += ` for partition ${options.partition}`;
    }
    super(
      `${info.name} (${code})${where}: ${brokerMessage ?? info.message}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = code;
    this.kafkaName = info.name;
    this.retriable = info.retriable;
    this.apiKey = options.apiKey;
    this.api = api;
    this.topic = options.topic;
    this.partition = options.partition;
    this.brokerMessage = brokerMessage;
  }
}

/** Whether `error` is a {@link KafkaError} (also one from another copy of this package, by `name`). */
export function isKafkaError(error: unknown): error is KafkaError {
  return error instanceof KafkaError || (error instanceof Error && error.name === "KafkaError");
}

/**
 * A {@link KafkaError} for `code`, or null when `code` is 0 (NONE): the
 * one-liner for a response field, `const err = kafkaErrorFor(p.errorCode, {...}); if (err) ...`.
 *
 * @throws {@link ProtocolError} kind `invalid-value` when `code` is not an int16.
 */
export function kafkaErrorFor(code: number, options: KafkaErrorOptions = {}): KafkaError | null {
  return code === 0 ? null : new KafkaError(code, options);
}
