/**
 * Metadata (3), v0–12: every broker of the cluster (a single broker: only
 * itself), up or down, with the lowest live one as the controller (kafkajs
 * sends InitProducerId to the controller); and the topics asked for, each
 * partition with its leader and leader epoch from the shared view. One
 * replica per partition: the leader (the log belongs to the partition, so
 * there is nothing to replicate). Every broker gives the same answer.
 *
 * Which topics (KAFKA.md §2.4):
 * - v0: `[]` means every topic; v1+: `null` means every topic, `[]` none;
 * - v10+: a topic may be named by id (name null);
 * - an unknown topic is created when the request allows it (v4+:
 *   `allow_auto_topic_creation`; before v4: always) and the broker's
 *   `autoCreateTopics` is on — never for an "every topic" request; it is
 *   answered at once with its partitions, not LEADER_NOT_AVAILABLE first;
 * - otherwise UNKNOWN_TOPIC_OR_PARTITION (3), or UNKNOWN_TOPIC_ID (100) by
 *   id; an illegal name gets INVALID_TOPIC_EXCEPTION (17).
 *
 * Invariants: every broker id the answer names (leaders, replicas, the
 * controller) is in its broker list; each requested topic is answered once.
 */

import {
  ApiKey,
  KafkaErrorCode,
  type MetadataRequest,
  type MetadataResponsePartition,
  type MetadataResponseTopic,
  type RequestHeader,
} from "@csp-kit/kafka-protocol";
import { topicNameProblem } from "../topics/topic-config.js";
import type { Topic } from "../topics/topic-registry.js";
import { AUTHORIZED_OPERATIONS_OMITTED, type BrokerContext, respond, ZERO_UUID } from "./context.js";
import type { PartitionFaults } from "./hooks.js";

/** Kafka's topic operations as a bitfield (READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS): all allowed, no authorizer. */
const TOPIC_OPERATIONS = (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 10) | (1 << 11);
/** Kafka's cluster operations as a bitfield (CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE). */
const CLUSTER_OPERATIONS = (1 << 5) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12);

/** Every partition with its leader, the one replica. */
function partitionsOf(topic: Topic): MetadataResponsePartition[] {
  return topic.partitions.map((p) => {
    const nodes = [p.leader];
    return {
      errorCode: 0,
      partitionIndex: p.index,
      leaderId: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: nodes,
      isrNodes: nodes,
      offlineReplicas: [],
    };
  });
}

/**
 * The answer to a Metadata request. `faults` (a fault injector's plan),
 * asked with partition -1, names topics to answer with an error code and no
 * partitions.
 */
export function handleMetadata(
  ctx: BrokerContext,
  header: RequestHeader,
  body: MetadataRequest,
  faults?: PartitionFaults,
): Uint8Array {
  const version = header.apiVersion;
  const topicOps = body.includeTopicAuthorizedOperations ? TOPIC_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED;
  const answer = (topic: Topic): MetadataResponseTopic => {
    const injected = faults?.(topic.name, -1);
    if (injected !== undefined) return failed(injected, topic.name, topic.id);
    return {
      errorCode: 0,
      name: topic.name,
      topicId: topic.id,
      isInternal: false,
      partitions: partitionsOf(topic),
      topicAuthorizedOperations: topicOps,
    };
  };
  const failed = (errorCode: number, name: string | null, topicId = ZERO_UUID): MetadataResponseTopic => ({
    errorCode,
    name,
    topicId,
    isInternal: false,
    partitions: [],
    topicAuthorizedOperations: topicOps,
  });

  const all = body.topics === null || (version === 0 && body.topics.length === 0);
  const topics: MetadataResponseTopic[] = [];
  if (all) {
    for (const topic of ctx.topics.topics()) topics.push(answer(topic));
  } else {
    const allowCreate = ctx.config.autoCreateTopics && (version < 4 || body.allowAutoTopicCreation);
    const seen = new Set<string>();
    for (const requested of body.topics ?? []) {
      if (requested.name === null) {
        const key = `id:${requested.topicId}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const topic = ctx.topics.getById(requested.topicId);
        topics.push(
          topic === undefined ? failed(KafkaErrorCode.UNKNOWN_TOPIC_ID, null, requested.topicId) : answer(topic),
        );
        continue;
      }
      const name = requested.name;
      if (seen.has(name)) continue;
      seen.add(name);
      const existing = ctx.topics.get(name);
      if (existing !== undefined) {
        topics.push(answer(existing));
      } else if (topicNameProblem(name) !== undefined) {
        topics.push(failed(KafkaErrorCode.INVALID_TOPIC_EXCEPTION, name));
      } else if (!allowCreate) {
        topics.push(failed(KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name));
      } else {
        try {
          topics.push(answer(ctx.topics.create(name, ctx.config.defaultPartitions, {})));
        } catch (error) {
          ctx.logger.error("automatic topic creation failed", { topic: name, error: String(error) });
          topics.push(failed(KafkaErrorCode.UNKNOWN_SERVER_ERROR, name));
        }
      }
    }
  }

  return respond(ApiKey.Metadata, version, header.correlationId, {
    throttleTimeMs: 0,
    brokers: ctx.cluster.brokers().map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: null })),
    clusterId: ctx.topics.clusterId,
    controllerId: ctx.cluster.controllerId(),
    topics,
    clusterAuthorizedOperations: body.includeClusterAuthorizedOperations
      ? CLUSTER_OPERATIONS
      : AUTHORIZED_OPERATIONS_OMITTED,
  });
}
