/**
 * What every request handler shares: the broker's configuration, its
 * topics, its clock, its logger, and the address it advertises; plus the
 * small helpers the handlers have in common (encoding a response frame,
 * turning a storage failure into an error code).
 *
 * A handler is a function of (context, connection, header, body) that
 * returns the response frame, `null` (no response), or a promise of one. It
 * must not throw for anything a client can send; a throw is an internal
 * error and closes that connection (connection.ts).
 */

import {
  encodeResponse,
  KafkaErrorCode,
  type MessageApiKey,
  type ResponseBodies,
  Writer,
} from "@csp-kit/kafka-protocol";
import type { Clock } from "@csp-kit/timers";
import type { BrokerConfig } from "../../config.js";
import { isLogClosedError, isLogStorageError } from "../../errors.js";
import type { ClusterView } from "../cluster/view.js";
import type { BrokerLogger } from "../server/logger.js";
import type { Partition } from "../topics/partition.js";
import type { TopicRegistry } from "../topics/topic-registry.js";
import type { RequestHooks } from "./hooks.js";

/** The broker as its handlers see it. */
export interface BrokerContext {
  readonly config: BrokerConfig;
  readonly topics: TopicRegistry;
  readonly clock: Clock;
  readonly logger: BrokerLogger;
  /** This broker's node id. */
  readonly nodeId: number;
  /** The host clients are told to connect to. */
  readonly advertisedHost: string;
  /** The port clients are told to connect to (known once the broker listens). */
  advertisedPort(): number;
  /** The brokers of the cluster this broker belongs to (itself alone, for `startBroker`). */
  readonly cluster: ClusterView;
  /**
   * The fault injector's hooks while one is attached (`./testing`), else
   * undefined. Written only by the injector's attach and detach.
   */
  hooks: RequestHooks | undefined;
}

/** The "no authorized operations asked for" value of Metadata (Kafka's INT32_MIN). */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

/** The id of no topic (16 zero bytes, as Kafka prints them). */
export const ZERO_UUID = "AAAAAAAAAAAAAAAAAAAAAA";

/** Encodes a response frame; `sizeHint` pre-sizes the buffer (large Fetch responses). */
export function respond<K extends MessageApiKey>(
  apiKey: K,
  version: number,
  correlationId: number,
  body: ResponseBodies[K],
  sizeHint = 256,
): Uint8Array {
  return encodeResponse(apiKey, version, correlationId, body, new Writer(sizeHint));
}

/**
 * The error code a failed log operation answers with: KAFKA_STORAGE_ERROR
 * for a disk failure, UNKNOWN_TOPIC_OR_PARTITION for a log closed under the
 * request (its topic was deleted, or the broker is closing); undefined for
 * anything else, which the caller rethrows (a bug).
 */
export function logFailureCode(error: unknown): number | undefined {
  if (isLogStorageError(error)) return KafkaErrorCode.KAFKA_STORAGE_ERROR;
  if (isLogClosedError(error)) return KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  return undefined;
}

/** The leader epoch a request carries when it names none (Kafka's -1: "do not check"). */
export const NO_LEADER_EPOCH = -1;

/**
 * Why this broker may not serve `partition` for a leader-only request
 * (Produce, Fetch, ListOffsets), or undefined when it may. Kafka's order:
 * the request's leader epoch first (older: FENCED_LEADER_EPOCH, newer:
 * UNKNOWN_LEADER_EPOCH; -1 is not checked), then leadership
 * (NOT_LEADER_OR_FOLLOWER). Every broker of a cluster shares one view, so a
 * follower knows the current epoch as well as the leader does.
 */
export function leadershipError(
  ctx: BrokerContext,
  partition: Partition,
  requestedEpoch: number = NO_LEADER_EPOCH,
): { readonly errorCode: number; readonly message: string } | undefined {
  const epoch = partition.leaderEpoch;
  if (requestedEpoch !== NO_LEADER_EPOCH && requestedEpoch !== epoch)
    return requestedEpoch < epoch
      ? {
          errorCode: KafkaErrorCode.FENCED_LEADER_EPOCH,
          message: `leader epoch ${requestedEpoch} of ${partition.topic}-${partition.index} is older than the current ${epoch}`,
        }
      : {
          errorCode: KafkaErrorCode.UNKNOWN_LEADER_EPOCH,
          message: `leader epoch ${requestedEpoch} of ${partition.topic}-${partition.index} is newer than the current ${epoch}`,
        };
  if (partition.leader !== ctx.nodeId)
    return {
      errorCode: KafkaErrorCode.NOT_LEADER_OR_FOLLOWER,
      message: `broker ${ctx.nodeId} does not lead ${partition.topic}-${partition.index}: broker ${partition.leader} does`,
    };
  return undefined;
}

/** The endpoints of the brokers named by `leaderIds` (KIP-951's `node_endpoints`), by node id. */
export function endpointsOf(
  ctx: BrokerContext,
  leaderIds: ReadonlySet<number>,
): { nodeId: number; host: string; port: number; rack: string | null }[] {
  if (leaderIds.size === 0) return [];
  return ctx.cluster
    .brokers()
    .filter((b) => leaderIds.has(b.nodeId))
    .map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: null }));
}
