/**
 * @csp-kit/kafka-consumer — sarama's partition consumer in TypeScript: per
 * partition a dispatcher and a response feeder, per broker a subscription
 * manager and one fetch loop, built from csp-kit's channels, select, timers
 * and sync. No consumer groups.
 * @packageDocumentation
 * @module @csp-kit/kafka-consumer
 */

export {
  type ConsumerConfig,
  type ConsumerOptions,
  type ConsumerRetryOptions,
  DEFAULTS,
  type FetchOptions,
  type IsolationLevel,
  type MetadataOptions,
  type NetOptions,
  type OffsetPosition,
  type OffsetsOptions,
  validateConfig,
} from "./config.js";
export { Consumer, type StartOffset } from "./consumer.js";
export {
  BrokerConnectionError,
  ConsumerClosedError,
  ConsumerError,
  InvalidConsumerConfigError,
  isBrokerConnectionError,
  isConsumerClosedError,
  isConsumerError,
  isInvalidConsumerConfigError,
  isMessageTooLargeError,
  isMetadataError,
  isOffsetOutOfRangeError,
  isPartitionAlreadyConsumedError,
  isUnknownPartitionError,
  MessageTooLargeError,
  MetadataError,
  OffsetOutOfRangeError,
  PartitionAlreadyConsumedError,
  UnknownPartitionError,
} from "./errors.js";
export type { ConsumerMessage, MessageHeader } from "./message.js";
export { PartitionConsumer } from "./partition-consumer.js";
