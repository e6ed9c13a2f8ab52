/**
 * @csp-kit/kafka-producer — sarama's AsyncProducer in TypeScript, built stage
 * by stage from csp-kit's channels, select, timers and sync.
 * @packageDocumentation
 * @module @csp-kit/kafka-producer
 */

export { AsyncProducer } from "./async-producer.js";
export {
  type Compression,
  DEFAULTS,
  type FlushOptions,
  type MetadataOptions,
  type NetOptions,
  type PartitionerName,
  type ProducerConfig,
  type ProducerOptions,
  type RequiredAcks,
  type RetryOptions,
  validateConfig,
} from "./config.js";
export {
  BrokerConnectionError,
  InvalidProducerConfigError,
  isBrokerConnectionError,
  isInvalidProducerConfigError,
  isMessageTooLargeError,
  isMetadataError,
  isPartitionerError,
  isProducerClosedError,
  isProducerError,
  isRetryBufferOverflowError,
  isShuttingDownError,
  MessageTooLargeError,
  MetadataError,
  PartitionerError,
  ProducerClosedError,
  ProducerError,
  RetryBufferOverflowError,
  ShuttingDownError,
} from "./errors.js";
export {
  type MessageHeader,
  messageByteSize,
  type Payload,
  type ProducedMessage,
  type ProducerMessage,
} from "./message.js";
export {
  customPartitioner,
  fnv1a32,
  hashPartitioner,
  manualPartitioner,
  murmur2,
  murmur2Partitioner,
  type Partitioner,
  type RandomOptions,
  randomPartitioner,
  roundRobinPartitioner,
} from "./partitioner.js";
export { SyncProducer } from "./sync-producer.js";
