/**
 * @csp-kit/kafka-client — the client side of the Kafka wire shared by
 * @csp-kit/kafka-producer and @csp-kit/kafka-consumer (sarama's `Client` and
 * `Broker`): one connection per broker with ApiVersions negotiation and
 * correlation ids, a pool that dials on first use and re-dials with backoff,
 * and a metadata cache with periodic refresh.
 *
 * Most users never import it: the producer and the consumer build their own
 * pool and cache from their configuration. It is public so that a tool can
 * talk to a cluster the same way (a Metadata or ListOffsets request) without
 * a producer or a consumer.
 * @packageDocumentation
 * @module @csp-kit/kafka-client
 */

export { BrokerConnection, CLIENT_VERSIONS, type ConnectionOptions, parseAddress } from "./connection.js";
export { BrokerConnectionError, isBrokerConnectionError, isMetadataError, MetadataError } from "./errors.js";
export { MetadataCache, type PartitionInfo, type TopicInfo } from "./metadata.js";
export {
  CLIENT_DEFAULTS,
  type ClientConfig,
  type ClientOptions,
  type ConfigChecks,
  type ConfigFailure,
  configChecks,
  type MetadataOptions,
  type NetOptions,
  validateClientOptions,
} from "./options.js";
export { BrokerPool, type PoolOptions } from "./pool.js";
