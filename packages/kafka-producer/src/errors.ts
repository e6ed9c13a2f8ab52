/**
 * The errors @csp-kit/kafka-producer produces.
 *
 * Two kinds, as STYLE item 13 asks:
 * - programmer errors, thrown at once: {@link InvalidProducerConfigError}
 *   (one `validateConfig()` raises every configuration problem) and
 *   {@link ProducerClosedError} (sending after `close()`);
 * - outcomes, delivered as values on the `errors` channel and collected by
 *   `close()`: a {@link ProducerError} carries the user's message and its
 *   `cause` — a Kafka error code (`KafkaError` from kafka-protocol), a
 *   {@link MessageTooLargeError}, a {@link RetryBufferOverflowError}, a
 *   {@link ShuttingDownError}, a {@link PartitionerError} or a transport
 *   error ({@link BrokerConnectionError}).
 *
 * Every class has a stable `name` and an `is…Error` guard that also recognises
 * instances from another copy of the package (by `name`). No error object is a
 * singleton (sarama's `ErrShuttingDown` is a shared value; a JavaScript error
 * carries a stack, so each refusal gets its own).
 */

import type { ProducerMessage } from "./message.js";

function hasName(e: unknown, name: string): boolean {
  return e instanceof Error && e.name === name;
}

/**
 * A configuration value is out of range, of the wrong type, or conflicts with
 * another (idempotence without acks -1, `flush.maxMessages` below
 * `flush.messages`, …). Thrown by `validateConfig()` and by the producers'
 * constructors, which call it.
 *
 * @see {@link isInvalidProducerConfigError}
 * @example
 * ```ts run
 * import { isInvalidProducerConfigError, validateConfig } from "@csp-kit/kafka-producer";
 *
 * let field = "";
 * try { validateConfig({ bootstrap: ["127.0.0.1:9092"], requiredAcks: 2 as never }); }
 * catch (e) { if (isInvalidProducerConfigError(e)) field = e.field; }
 * console.log(field); // → requiredAcks
 * if (field !== "requiredAcks") throw new Error(`field ${field}`);
 * ```
 */
export class InvalidProducerConfigError extends Error {
  override name = "InvalidProducerConfigError";
  /** The option's path, dotted (`"flush.maxMessages"`). */
  readonly field: string;
  /** The value that was refused. */
  readonly value: unknown;
  constructor(field: string, value: unknown, message: string, options?: ErrorOptions) {
    super(`producer config: ${field} ${message}`, options);
    this.field = field;
    this.value = value;
  }
}

/** Whether `e` is an {@link InvalidProducerConfigError} (from any copy of this package). */
export function isInvalidProducerConfigError(e: unknown): e is InvalidProducerConfigError {
  return hasName(e, "InvalidProducerConfigError");
}

/**
 * A message did not make it: the producer gives it back with the reason —
 * sarama's `ProducerError{Msg, Err}`. Delivered on `errors` (when
 * `returnErrors` is on) and in the array `close()` resolves with.
 *
 * @see {@link isProducerError}
 * @example
 * ```ts run
 * import { startBroker } from "@csp-kit/kafka-broker";
 * import { AsyncProducer, isMessageTooLargeError } from "@csp-kit/kafka-producer";
 *
 * const broker = await startBroker({ port: 0, logLevel: "silent" });
 * const producer = new AsyncProducer({ bootstrap: [broker.bootstrap], maxMessageBytes: 100 });
 * await producer.input.send({ topic: "orders", value: "x".repeat(1000) });
 * let failed = "";
 * for await (const e of producer.errors) {
 *   console.error(e.producerMessage.topic, e.cause); // → orders MessageTooLargeError …
 *   if (isMessageTooLargeError(e.cause)) failed = e.producerMessage.topic;
 *   break; // the loop ends by itself only when the producer has closed
 * }
 * await producer.close();
 * await broker.close();
 * if (failed !== "orders") throw new Error("no MessageTooLargeError on errors");
 * ```
 */
export class ProducerError<M = unknown> extends Error {
  override name = "ProducerError";
  /** The message as the user sent it (with `metadata` passed through). */
  readonly producerMessage: ProducerMessage<M>;
  /** The partition it was routed to, or -1 when it failed before partitioning. */
  readonly partition: number;
  /** The reason (always set). */
  declare readonly cause: unknown;
  constructor(producerMessage: ProducerMessage<M>, partition: number, cause: unknown) {
    super(
      `kafka producer: a message to topic "${producerMessage.topic}" failed: ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { cause },
    );
    this.producerMessage = producerMessage;
    this.partition = partition;
  }
}

/** Whether `e` is a {@link ProducerError} (from any copy of this package). */
export function isProducerError(e: unknown): e is ProducerError {
  return hasName(e, "ProducerError");
}

/**
 * A message is larger than `maxMessageBytes` — sarama's
 * `ErrMessageSizeTooLarge`, checked by the dispatcher before the message
 * enters the pipeline. The `cause` of a {@link ProducerError}.
 *
 * @see {@link isMessageTooLargeError}
 */
export class MessageTooLargeError extends Error {
  override name = "MessageTooLargeError";
  /** The message's size as a record (key, value, headers and framing), in bytes. */
  readonly size: number;
  /** The configured `maxMessageBytes`. */
  readonly limit: number;
  constructor(size: number, limit: number) {
    super(
      `the message is ${size} bytes as a record, over maxMessageBytes (${limit}): ` +
        "send a smaller value, or raise maxMessageBytes (and the topic's max.message.bytes)",
    );
    this.size = size;
    this.limit = limit;
  }
}

/** Whether `e` is a {@link MessageTooLargeError}. */
export function isMessageTooLargeError(e: unknown): e is MessageTooLargeError {
  return hasName(e, "MessageTooLargeError");
}

/**
 * The retry buffer was over `retry.maxBufferLength` or `retry.maxBufferBytes`
 * and this, its oldest message, was dropped — sarama's
 * `ErrProducerRetryBufferOverflow`. The `cause` of a {@link ProducerError}.
 *
 * @see {@link isRetryBufferOverflowError}
 */
export class RetryBufferOverflowError extends Error {
  override name = "RetryBufferOverflowError";
  constructor(length: number, bytes: number) {
    super(
      `the retry buffer held ${length} messages (${bytes} bytes), over retry.maxBufferLength or ` +
        "retry.maxBufferBytes, so its oldest message was dropped: the cluster is failing faster than it recovers; " +
        "raise the limits (0 is unlimited) or slow the input",
    );
  }
}

/** Whether `e` is a {@link RetryBufferOverflowError}. */
export function isRetryBufferOverflowError(e: unknown): e is RetryBufferOverflowError {
  return hasName(e, "RetryBufferOverflowError");
}

/**
 * The message arrived after `asyncClose()` or `close()` began — sarama's
 * `ErrShuttingDown`. The `cause` of a {@link ProducerError}.
 *
 * @see {@link isShuttingDownError}
 */
export class ShuttingDownError extends Error {
  override name = "ShuttingDownError";
  constructor() {
    super("the producer is shutting down and takes no new messages: send before calling close()");
  }
}

/** Whether `e` is a {@link ShuttingDownError}. */
export function isShuttingDownError(e: unknown): e is ShuttingDownError {
  return hasName(e, "ShuttingDownError");
}

/**
 * Sending on a producer whose input is closed (after `close()` returned, or
 * `SyncProducer.send` after `close()`). A programmer error: it is thrown (or
 * rejects), not delivered on `errors`.
 *
 * @see {@link isProducerClosedError}
 */
export class ProducerClosedError extends Error {
  override name = "ProducerClosedError";
  constructor(what: string) {
    super(`${what}: the producer is closed; create a new one to send more`);
  }
}

/** Whether `e` is a {@link ProducerClosedError}. */
export function isProducerClosedError(e: unknown): e is ProducerClosedError {
  return hasName(e, "ProducerClosedError");
}

/**
 * The partitioner failed or returned a partition that does not exist (sarama's
 * `ErrInvalidPartition`), or the manual partitioner got a message without a
 * valid `partition`. The `cause` of a {@link ProducerError}.
 *
 * @see {@link isPartitionerError}
 */
export class PartitionerError extends Error {
  override name = "PartitionerError";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** Whether `e` is a {@link PartitionerError}. */
export function isPartitionerError(e: unknown): e is PartitionerError {
  return hasName(e, "PartitionerError");
}

export {
  BrokerConnectionError,
  isBrokerConnectionError,
  isMetadataError,
  MetadataError,
} from "@csp-kit/kafka-client";
