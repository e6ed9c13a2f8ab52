/**
 * Metadata (API key 3), versions 0–12, flexible from v9: which brokers form the
 * cluster, and per topic its partitions, leaders and replicas.
 *
 * Grammar (fields in wire order; `// vN+` marks the version that adds a field;
 * from v9 strings and arrays are compact and every struct ends with tagged fields):
 *
 * ```
 * MetadataRequest
 *   topics [MetadataRequestTopic]               null (v1+) = all topics; [] = none (v1+) / all (v0)
 *     topic_id uuid                             // v10+
 *     name string                               nullable at v10+
 *   allow_auto_topic_creation bool              // v4+ (default true)
 *   include_cluster_authorized_operations bool  // v8-10
 *   include_topic_authorized_operations bool    // v8+
 *
 * MetadataResponse
 *   throttle_time_ms int32                      // v3+
 *   brokers [MetadataResponseBroker]
 *     node_id int32, host string, port int32
 *     rack nullable_string                      // v1+
 *   cluster_id nullable_string                  // v2+
 *   controller_id int32                         // v1+ (default -1)
 *   topics [MetadataResponseTopic]
 *     error_code int16
 *     name string                               nullable at v12+
 *     topic_id uuid                             // v10+
 *     is_internal bool                          // v1+
 *     partitions [MetadataResponsePartition]
 *       error_code int16, partition_index int32, leader_id int32
 *       leader_epoch int32                      // v7+ (default -1)
 *       replica_nodes [int32], isr_nodes [int32]
 *       offline_replicas [int32]                // v5+
 *     topic_authorized_operations int32         // v8+ (default INT32_MIN: not requested)
 *   cluster_authorized_operations int32         // v8-10 (default INT32_MIN)
 * ```
 *
 * Error codes: topic `error_code` — 3 UNKNOWN_TOPIC_OR_PARTITION, 5
 * LEADER_NOT_AVAILABLE (auto-creation under way), 17 INVALID_TOPIC_EXCEPTION,
 * 29 TOPIC_AUTHORIZATION_FAILED, 100 UNKNOWN_TOPIC_ID (v10+ by id); partition
 * `error_code` — 5 LEADER_NOT_AVAILABLE, 9 REPLICA_NOT_AVAILABLE, 6 NOT_LEADER_OR_FOLLOWER.
 *
 * Gotchas: `topics: null` is "all topics" only from v1; at v0 it is not
 * representable (send `[]`). `controllerId` must name a listed broker (kafkajs
 * sends InitProducerId to the controller).
 */

import { API_VERSIONS } from "../api-keys.js";
import { defineMessage, type MessageCodec } from "../internal/schema/codec.js";
import type { MessageSchema } from "../internal/schema/types.js";

/** One topic asked for. */
export interface MetadataRequestTopic {
  /** The topic id (v10+; all-zero `"AAAAAAAAAAAAAAAAAAAAAA"` when asking by name). */
  topicId: string;
  /** The topic name; null (v10+) when asking by id. */
  name: string | null;
}

/** Metadata request body. */
export interface MetadataRequest {
  /** The topics to describe; `null` (v1+) for all topics, `[]` for none (v1+) or all (v0). */
  topics: MetadataRequestTopic[] | null;
  /** May the broker auto-create the topics asked for (v4+; default true). */
  allowAutoTopicCreation: boolean;
  /** Ask for the cluster's authorized operations (v8–v10). */
  includeClusterAuthorizedOperations: boolean;
  /** Ask for each topic's authorized operations (v8+). */
  includeTopicAuthorizedOperations: boolean;
}

/** One broker of the cluster. */
export interface MetadataResponseBroker {
  nodeId: number;
  host: string;
  port: number;
  /** The broker's rack, or null (v1+). */
  rack: string | null;
}

/** One partition of a topic. */
export interface MetadataResponsePartition {
  /** 0, 5 LEADER_NOT_AVAILABLE, 9 REPLICA_NOT_AVAILABLE, … */
  errorCode: number;
  partitionIndex: number;
  /** The leader's node id (-1: none). */
  leaderId: number;
  /** The leader epoch (v7+; default -1). */
  leaderEpoch: number;
  replicaNodes: number[];
  isrNodes: number[];
  /** Offline replicas (v5+). */
  offlineReplicas: number[];
}

/** One topic of the answer. */
export interface MetadataResponseTopic {
  /** 0, 3 UNKNOWN_TOPIC_OR_PARTITION, 5 LEADER_NOT_AVAILABLE, 17, 29, 100 … */
  errorCode: number;
  /** The name; null (v12+) for an unknown topic asked for by id. */
  name: string | null;
  /** The topic id (v10+). */
  topicId: string;
  /** Whether the topic is internal (v1+). */
  isInternal: boolean;
  partitions: MetadataResponsePartition[];
  /** A bitfield of authorized operations (v8+; INT32_MIN when not requested). */
  topicAuthorizedOperations: number;
}

/** Metadata response body. */
export interface MetadataResponse {
  /** Throttle time in ms (v3+). */
  throttleTimeMs: number;
  brokers: MetadataResponseBroker[];
  /** The cluster id (v2+). */
  clusterId: string | null;
  /** The controller's node id (v1+; default -1). */
  controllerId: number;
  topics: MetadataResponseTopic[];
  /** A bitfield of the cluster's authorized operations (v8–v10; INT32_MIN when not requested). */
  clusterAuthorizedOperations: number;
}

/** The Metadata request schema, transcribed from Kafka's MetadataRequest.json. */
export const metadataRequestSchema = {
  name: "MetadataRequest",
  apiKey: 3,
  type: "request",
  validVersions: "0-12",
  flexibleVersions: "9+",
  fields: [
    {
      name: "topics",
      type: "[]MetadataRequestTopic",
      versions: "0+",
      nullableVersions: "1+", // null = all topics from v1
      fields: [
        { name: "topicId", type: "uuid", versions: "10+", ignorable: true }, // v10+
        { name: "name", type: "string", versions: "0+", nullableVersions: "10+" },
      ],
    },
    { name: "allowAutoTopicCreation", type: "bool", versions: "4+", default: true }, // v4+
    { name: "includeClusterAuthorizedOperations", type: "bool", versions: "8-10" }, // v8-10
    { name: "includeTopicAuthorizedOperations", type: "bool", versions: "8+" }, // v8+
  ],
} as const satisfies MessageSchema;

/** The Metadata response schema, transcribed from Kafka's MetadataResponse.json. */
export const metadataResponseSchema = {
  name: "MetadataResponse",
  apiKey: 3,
  type: "response",
  validVersions: "0-12",
  flexibleVersions: "9+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "3+", ignorable: true }, // v3+
    {
      name: "brokers",
      type: "[]MetadataResponseBroker",
      versions: "0+",
      fields: [
        { name: "nodeId", type: "int32", versions: "0+" },
        { name: "host", type: "string", versions: "0+" },
        { name: "port", type: "int32", versions: "0+" },
        { name: "rack", type: "string", versions: "1+", nullableVersions: "1+", ignorable: true, default: null }, // v1+
      ],
    },
    { name: "clusterId", type: "string", versions: "2+", nullableVersions: "2+", ignorable: true, default: null }, // v2+
    { name: "controllerId", type: "int32", versions: "1+", default: -1, ignorable: true }, // v1+
    {
      name: "topics",
      type: "[]MetadataResponseTopic",
      versions: "0+",
      fields: [
        { name: "errorCode", type: "int16", versions: "0+" },
        { name: "name", type: "string", versions: "0+", nullableVersions: "12+" },
        { name: "topicId", type: "uuid", versions: "10+", ignorable: true }, // v10+
        { name: "isInternal", type: "bool", versions: "1+", default: false, ignorable: true }, // v1+
        {
          name: "partitions",
          type: "[]MetadataResponsePartition",
          versions: "0+",
          fields: [
            { name: "errorCode", type: "int16", versions: "0+" },
            { name: "partitionIndex", type: "int32", versions: "0+" },
            { name: "leaderId", type: "int32", versions: "0+" },
            { name: "leaderEpoch", type: "int32", versions: "7+", default: -1, ignorable: true }, // v7+
            { name: "replicaNodes", type: "[]int32", versions: "0+" },
            { name: "isrNodes", type: "[]int32", versions: "0+" },
            { name: "offlineReplicas", type: "[]int32", versions: "5+", ignorable: true }, // v5+
          ],
        },
        { name: "topicAuthorizedOperations", type: "int32", versions: "8+", default: -2147483648 }, // v8+
      ],
    },
    { name: "clusterAuthorizedOperations", type: "int32", versions: "8-10", default: -2147483648 }, // v8-10
  ],
} as const satisfies MessageSchema;

/** Encodes and decodes Metadata requests, v0–v12. */
export const metadataRequest: MessageCodec<MetadataRequest> = defineMessage(
  metadataRequestSchema,
  API_VERSIONS.Metadata,
);

/** Encodes and decodes Metadata responses, v0–v12. */
export const metadataResponse: MessageCodec<MetadataResponse> = defineMessage(
  metadataResponseSchema,
  API_VERSIONS.Metadata,
);
