/**
 * The errors @csp-kit/kafka-consumer produces.
 *
 * Two kinds, as STYLE item 13 asks:
 * - programmer errors, thrown at once: {@link InvalidConsumerConfigError}
 *   (one `validateConfig()` raises every configuration problem),
 *   {@link PartitionAlreadyConsumedError} (a second `consumePartition` of a
 *   partition) and {@link ConsumerClosedError} (using a closed consumer);
 * - outcomes, delivered as values on a partition consumer's `errors`
 *   channel (when `returnErrors` is on) and collected by `close()`: a
 *   {@link ConsumerError} names the topic and partition and carries the
 *   `cause` — a Kafka error code (`KafkaError` from kafka-protocol), an
 *   {@link OffsetOutOfRangeError}, a {@link MessageTooLargeError}, a
 *   decoding `ProtocolError`, or a transport error
 *   ({@link BrokerConnectionError}, {@link MetadataError}).
 *
 * Every class has a stable `name` and an `is…Error` guard that also
 * recognises instances from another copy of the package (by `name`). No
 * error object is a singleton.
 */

import { hasErrorName } from "@csp-kit/channel/port";

/**
 * A configuration value is out of range, of the wrong type, or conflicts
 * with another (`fetch.min` above `fetch.max`, …). Thrown by
 * `validateConfig()` and by the `Consumer` constructor, which calls it.
 *
 * @see {@link isInvalidConsumerConfigError}
 * @example
 * ```ts run
 * import { isInvalidConsumerConfigError, validateConfig } from "@csp-kit/kafka-consumer";
 *
 * let field = "";
 * try { validateConfig({ bootstrap: ["127.0.0.1:9092"], maxWaitTime: 0 }); }
 * catch (e) { if (isInvalidConsumerConfigError(e)) field = e.field; }
 * console.log(field); // → maxWaitTime
 * if (field !== "maxWaitTime") throw new Error(`field ${field}`);
 * ```
 */
export class InvalidConsumerConfigError extends Error {
  /** Always `"InvalidConsumerConfigError"`: what the guard checks. */
  override name = "InvalidConsumerConfigError";
  /** The option's path, dotted (`"fetch.default"`). */
  readonly field: string;
  /** The value that was refused. */
  readonly value: unknown;
  constructor(field: string, value: unknown, message: string, options?: ErrorOptions) {
    super(`consumer config: ${field} ${message}`, options);
    this.field = field;
    this.value = value;
  }
}

/** Whether `e` is an {@link InvalidConsumerConfigError} (from any copy of this package). */
export function isInvalidConsumerConfigError(e: unknown): e is InvalidConsumerConfigError {
  return hasErrorName(e, "InvalidConsumerConfigError");
}

/**
 * Something went wrong while consuming one partition — sarama's
 * `ConsumerError{Topic, Partition, Err}`. Delivered on the partition
 * consumer's `errors` (when `returnErrors` is on) and in the array its
 * `close()` resolves with. Most are transient (the consumer retries after
 * `retry.backoff`); an {@link OffsetOutOfRangeError} cause (without
 * `offsets.resetOnOutOfRange`) ends the partition consumer.
 *
 * @see {@link isConsumerError}
 * @example
 * ```ts run
 * import { startBroker } from "@csp-kit/kafka-broker";
 * import { Consumer } from "@csp-kit/kafka-consumer";
 *
 * const broker = await startBroker({ port: 0, logLevel: "silent", autoCreateTopics: false });
 * broker.createTopic("orders", { partitions: 1 });
 * const consumer = new Consumer({ bootstrap: [broker.bootstrap], returnErrors: true, maxWaitTime: 10, retry: { backoff: 10 } });
 * const pc = await consumer.consumePartition("orders", 0, "oldest");
 * await broker.deleteTopic("orders"); // the next fetch fails
 * let seen = "";
 * for await (const e of pc.errors) {
 *   console.error(e.topic, e.partition, e.cause); // → orders 0 MetadataError: … UNKNOWN_TOPIC_OR_PARTITION
 *   seen = `${e.topic} ${e.partition}`;
 *   break; // errors ends by itself only when the partition consumer closes
 * }
 * await consumer.close();
 * await broker.close();
 * if (seen !== "orders 0") throw new Error(`saw ${seen}`);
 * ```
 */
export class ConsumerError extends Error {
  /** Always `"ConsumerError"`: what the guard checks. */
  override name = "ConsumerError";
  /** The topic of the partition consumer that met it. */
  readonly topic: string;
  /** The partition of the partition consumer that met it. */
  readonly partition: number;
  /** The reason (always set). */
  declare readonly cause: unknown;
  constructor(topic: string, partition: number, cause: unknown) {
    super(
      `kafka consumer: topic "${topic}" partition ${partition}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.topic = topic;
    this.partition = partition;
  }
}

/** Whether `e` is a {@link ConsumerError} (from any copy of this package). */
export function isConsumerError(e: unknown): e is ConsumerError {
  return hasErrorName(e, "ConsumerError");
}

/**
 * The offset asked for is not in the partition's log — below its oldest
 * offset (deleted by retention) or above its newest — sarama's
 * `ErrOffsetOutOfRange`. Thrown by `consumePartition` for a start offset
 * outside `[oldest, newest]`; the `cause` of a {@link ConsumerError} when a
 * fetch answers OFFSET_OUT_OF_RANGE (the partition consumer then closes,
 * unless `offsets.resetOnOutOfRange` says where to go instead).
 *
 * @see {@link isOffsetOutOfRangeError}
 */
export class OffsetOutOfRangeError extends Error {
  /** Always `"OffsetOutOfRangeError"`: what the guard checks. */
  override name = "OffsetOutOfRangeError";
  /** The topic asked for. */
  readonly topic: string;
  /** The partition asked for. */
  readonly partition: number;
  /** The offset that was asked for. */
  readonly offset: bigint;
  /** The log's oldest offset, or -1n when the broker did not say. */
  readonly oldest: bigint;
  /** The log's newest offset (the high watermark), or -1n when the broker did not say. */
  readonly newest: bigint;
  constructor(topic: string, partition: number, offset: bigint, oldest: bigint, newest: bigint) {
    const range = oldest >= 0n && newest >= 0n ? `[${oldest}, ${newest}]` : "the log";
    super(
      `offset ${offset} of topic "${topic}" partition ${partition} is outside ${range}: ` +
        'start from "oldest", "newest" or an offset inside the range, or set offsets.resetOnOutOfRange',
    );
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.oldest = oldest;
    this.newest = newest;
  }
}

/** Whether `e` is an {@link OffsetOutOfRangeError}. */
export function isOffsetOutOfRangeError(e: unknown): e is OffsetOutOfRangeError {
  return hasErrorName(e, "OffsetOutOfRangeError");
}

/**
 * A fetch returned only part of a record batch and `fetch.max` forbids
 * asking for more — sarama's `ErrMessageTooLarge`. The batch is skipped
 * (its offset passed over) so the partition goes on. The `cause` of a
 * {@link ConsumerError}.
 *
 * @see {@link isMessageTooLargeError}
 */
export class MessageTooLargeError extends Error {
  /** Always `"MessageTooLargeError"`: what the guard checks. */
  override name = "MessageTooLargeError";
  /** The offset that was skipped. */
  readonly offset: bigint;
  constructor(offset: bigint, fetchMax: number) {
    super(
      `the record batch at offset ${offset} is larger than fetch.max (${fetchMax} bytes) and was skipped: ` +
        "raise fetch.max (0 is unlimited)",
    );
    this.offset = offset;
  }
}

/** Whether `e` is a {@link MessageTooLargeError}. */
export function isMessageTooLargeError(e: unknown): e is MessageTooLargeError {
  return hasErrorName(e, "MessageTooLargeError");
}

/**
 * `consumePartition` was called for a partition this consumer already
 * consumes — sarama's "That topic/partition is already being consumed".
 * Close the first partition consumer before consuming the partition again.
 *
 * @see {@link isPartitionAlreadyConsumedError}
 */
export class PartitionAlreadyConsumedError extends Error {
  /** Always `"PartitionAlreadyConsumedError"`: what the guard checks. */
  override name = "PartitionAlreadyConsumedError";
  /** The topic already consumed. */
  readonly topic: string;
  /** The partition already consumed. */
  readonly partition: number;
  constructor(topic: string, partition: number) {
    super(
      `topic "${topic}" partition ${partition} is already being consumed by this consumer: ` +
        "close that partition consumer first, or use a second Consumer",
    );
    this.topic = topic;
    this.partition = partition;
  }
}

/** Whether `e` is a {@link PartitionAlreadyConsumedError}. */
export function isPartitionAlreadyConsumedError(e: unknown): e is PartitionAlreadyConsumedError {
  return hasErrorName(e, "PartitionAlreadyConsumedError");
}

/**
 * The consumer is closed (or closing): `consumePartition`, `partitions` and
 * `getOffset` refuse. Create a new `Consumer`.
 *
 * @see {@link isConsumerClosedError}
 */
export class ConsumerClosedError extends Error {
  /** Always `"ConsumerClosedError"`: what the guard checks. */
  override name = "ConsumerClosedError";
  constructor(what: string) {
    super(`${what}: the consumer is closed; create a new one`);
  }
}

/** Whether `e` is a {@link ConsumerClosedError}. */
export function isConsumerClosedError(e: unknown): e is ConsumerClosedError {
  return hasErrorName(e, "ConsumerClosedError");
}

/**
 * The topic, or the partition of it, does not exist on the cluster (the
 * metadata does not list it). Thrown by `partitions(topic)` and
 * `consumePartition`.
 *
 * @see {@link isUnknownPartitionError}
 */
export class UnknownPartitionError extends Error {
  /** Always `"UnknownPartitionError"`: what the guard checks. */
  override name = "UnknownPartitionError";
  /** The topic asked for. */
  readonly topic: string;
  /** The partition asked for, or -1 when the whole topic is unknown. */
  readonly partition: number;
  constructor(topic: string, partition: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.topic = topic;
    this.partition = partition;
  }
}

/** Whether `e` is an {@link UnknownPartitionError}. */
export function isUnknownPartitionError(e: unknown): e is UnknownPartitionError {
  return hasErrorName(e, "UnknownPartitionError");
}

export {
  BrokerConnectionError,
  isBrokerConnectionError,
  isMetadataError,
  MetadataError,
} from "@csp-kit/kafka-client";
