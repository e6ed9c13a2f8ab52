/**
 * @csp-kit/kafka-broker: the public surface. This file only re-exports.
 * The broker (startBroker, its options and their validation, the slow-client
 * policies, the logger), the in-process cluster (startCluster), and the
 * storage layer's error classes. The fault injector is `./testing`.
 * @packageDocumentation
 * @module @csp-kit/kafka-broker
 */
export {
  type Broker,
  BrokerStartError,
  type BrokerStats,
  type CreateTopicOptions,
  isBrokerStartError,
  type PartitionStats,
  startBroker,
  type TopicStats,
} from "./broker.js";
export {
  type Cluster,
  type ClusterBroker,
  type ClusterBrokerStats,
  type ClusterOptions,
  type ClusterPartitionStats,
  type ClusterStats,
  type ClusterTopicStats,
  isUnknownBrokerError,
  isUnknownTopicError,
  MAX_CLUSTER_BROKERS,
  type PartitionLeader,
  startCluster,
  UnknownBrokerError,
  UnknownTopicError,
} from "./cluster.js";
export {
  type BrokerConfig,
  type BrokerOptions,
  DEFAULT_HOST,
  DEFAULT_KAFKA_PORT,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_MAX_IN_FLIGHT,
  DEFAULT_OUTBOX_PAUSE_BYTES,
  DEFAULT_RETENTION_CHECK_MS,
  DEFAULT_SLOW_CLIENT,
  InvalidBrokerConfigError,
  isInvalidBrokerConfigError,
  MAX_PARTITIONS,
  validateConfig,
} from "./config.js";
export {
  InvalidLogArgumentError,
  InvalidLogConfigError,
  isInvalidLogArgumentError,
  isInvalidLogConfigError,
  isLogClosedError,
  isLogStorageError,
  LogClosedError,
  LogStorageError,
} from "./errors.js";
export type { FlushPolicy } from "./internal/log/store.js";
export type { ConnectionStats } from "./internal/server/connection.js";
export {
  type BrokerLogger,
  consoleLogger,
  LOG_LEVELS,
  type LogDetails,
  type LogLevel,
  silentLogger,
} from "./internal/server/logger.js";
export {
  hardLimit,
  type SlowClientMonitor,
  type SlowClientPolicy,
  type SlowClientVerdict,
  softLimit,
  unlimited,
} from "./internal/server/slow-client.js";
