/**
 * @csp-kit/kafka-broker/testing: the fault injector for a cluster
 * (`startCluster`) or a single broker (`startBroker`), modelled on
 * librdkafka's MockCluster and sarama's MockBroker: push error codes per
 * API (sticky or for the next K requests, per partition or top-level), move
 * a partition leader, take a broker down and up on the same port, add
 * latency or stall responses, drop a connection before handling a request
 * or after its append, fail part of a Produce, and a request history that
 * tests query and wait on. This file only re-exports.
 *
 * @example
 * ```ts run
 * import { startCluster } from "@csp-kit/kafka-broker";
 * import { injectFaults } from "@csp-kit/kafka-broker/testing";
 * import { SyncProducer } from "@csp-kit/kafka-producer";
 *
 * const cluster = await startCluster({ brokers: 3, logLevel: "silent" });
 * const faults = injectFaults(cluster);
 * faults.pushErrors(0, ["NOT_LEADER_OR_FOLLOWER"]); // the next Produce
 * const producer = new SyncProducer({ bootstrap: [...cluster.bootstrapServers], retry: { backoff: 10 } }); // the client under test
 * await producer.send({ topic: "orders", value: "{}" }); // fails once, then is retried
 * await faults.history.waitFor({ apiKey: 0 }, { count: 2 });
 * await producer.close();
 * faults.detach();
 * await cluster.close();
 * ```
 * @packageDocumentation
 * @module @csp-kit/kafka-broker/testing
 */
export {
  isUnknownBrokerError,
  isUnknownTopicError,
  type PartitionLeader,
  UnknownBrokerError,
  UnknownTopicError,
} from "./cluster.js";
export {
  FaultInjectorError,
  isFaultInjectorError,
  isWaitForTimeoutError,
  WaitForTimeoutError,
} from "./internal/testing/errors.js";
export {
  type AppliedFault,
  type RecordedRequest,
  RequestHistory,
  type RequestMatcher,
  type RequestQuery,
  type TopicPartition,
  type WaitForOptions,
} from "./internal/testing/history.js";
export {
  type ApiFaultScope,
  type DropOptions,
  type ErrorCodeLike,
  type FailPartitionsOptions,
  type FaultHandle,
  FaultInjector,
  type FaultScope,
  type InjectFaultsOptions,
  injectFaults,
  type PartitionFailure,
  type PartitionRef,
  type StallHandle,
} from "./internal/testing/injector.js";
