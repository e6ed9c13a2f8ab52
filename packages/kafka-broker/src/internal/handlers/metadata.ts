/**
 * Metadata (3), v0–12: this broker as the only node (and the controller:
 * kafkajs sends InitProducerId to the controller), and the topics asked for
 * with this broker leading every partition.
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

/** Kafka's topic operations as a bitfield (READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS): all allowed, no authorizer. */
const TOPIC_OPERATIONS = (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 10) | (1 << 11);
/** Kafka's cluster operations as a bitfield (CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE). */
const CLUSTER_OPERATIONS = (1 << 5) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12);

/** Every partition led by this broker, one replica. */
function partitionsOf(ctx: BrokerContext, topic: Topic): MetadataResponsePartition[] {
  const nodes = [ctx.nodeId];
  return topic.partitions.map((p) => ({
    errorCode: 0,
    partitionIndex: p.index,
    leaderId: ctx.nodeId,
    leaderEpoch: 0,
    replicaNodes: nodes,
    isrNodes: nodes,
    offlineReplicas: [],
  }));
}

/** The answer to a Metadata request. */
export function handleMetadata(ctx: BrokerContext, header: RequestHeader, body: MetadataRequest): Uint8Array {
  const version = header.apiVersion;
  const topicOps = body.includeTopicAuthorizedOperations ? TOPIC_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED;
  const answer = (topic: Topic): MetadataResponseTopic => ({
    errorCode: 0,
    name: topic.name,
    topicId: topic.id,
    isInternal: false,
    partitions: partitionsOf(ctx, topic),
    topicAuthorizedOperations: topicOps,
  });
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
    brokers: [{ nodeId: ctx.nodeId, host: ctx.advertisedHost, port: ctx.advertisedPort(), rack: null }],
    clusterId: ctx.topics.clusterId,
    controllerId: ctx.nodeId,
    topics,
    clusterAuthorizedOperations: body.includeClusterAuthorizedOperations
      ? CLUSTER_OPERATIONS
      : AUTHORIZED_OPERATIONS_OMITTED,
  });
}
