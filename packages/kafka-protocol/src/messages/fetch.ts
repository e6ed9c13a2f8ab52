/**
 * Fetch (API key 1), versions 4–17, flexible from v12: read record batches
 * from partition leaders, long-polling for up to `max_wait_ms`.
 *
 * Grammar (fields in wire order; `// vN+` marks the version that adds a field,
 * `// vA-B` one that is dropped after B; from v12 strings, arrays and records
 * are compact and every struct ends with tagged fields):
 *
 * ```
 * FetchRequest
 *   v12+ tagged: 0 cluster_id nullable_string (default null)
 *   replica_id int32                            // v0-14 (default -1: a consumer)
 *   v15+ tagged: 1 replica_state {replica_id int32 = -1, replica_epoch int64 = -1}
 *   max_wait_ms int32, min_bytes int32
 *   max_bytes int32                             // v3+ (default 0x7fffffff)
 *   isolation_level int8                        // v4+ (0 read_uncommitted, 1 read_committed)
 *   session_id int32                            // v7+ (default 0)
 *   session_epoch int32                         // v7+ (default -1)
 *   topics [FetchTopic]
 *     topic string                              // v0-12
 *     topic_id uuid                             // v13+
 *     partitions [FetchPartition]
 *       partition int32
 *       current_leader_epoch int32              // v9+ (default -1)
 *       fetch_offset int64
 *       last_fetched_epoch int32                // v12+ (default -1)
 *       log_start_offset int64                  // v5+ (default -1)
 *       partition_max_bytes int32
 *       v17+ tagged: 0 replica_directory_id uuid
 *   forgotten_topics_data [ForgottenTopic]      // v7+
 *     topic string                              // v7-12
 *     topic_id uuid                             // v13+
 *     partitions [int32]
 *   rack_id string                              // v11+ (default "")
 *
 * FetchResponse
 *   throttle_time_ms int32                      // v1+
 *   error_code int16                            // v7+
 *   session_id int32                            // v7+ (default 0)
 *   responses [FetchableTopicResponse]
 *     topic string                              // v0-12
 *     topic_id uuid                             // v13+
 *     partitions [FetchPartitionData]
 *       partition_index int32, error_code int16, high_watermark int64
 *       last_stable_offset int64                // v4+ (default -1)
 *       log_start_offset int64                  // v5+ (default -1)
 *       v12+ tagged: 0 diverging_epoch {epoch int32 = -1, end_offset int64 = -1}
 *                    1 current_leader {leader_id int32 = -1, leader_epoch int32 = -1}
 *                    2 snapshot_id {end_offset int64 = -1, epoch int32 = -1}
 *       aborted_transactions nullable [AbortedTransaction]   // v4+
 *         producer_id int64, first_offset int64
 *       preferred_read_replica int32            // v11+ (default -1)
 *       records nullable records
 *   v16+ tagged: 0 node_endpoints [NodeEndpoint node_id, host, port, rack]
 * ```
 *
 * Error codes: top-level `error_code` (v7+) — 70 FETCH_SESSION_ID_NOT_FOUND,
 * 71 INVALID_FETCH_SESSION_EPOCH, 106 FETCH_SESSION_TOPIC_ID_ERROR; partition
 * `error_code` — 1 OFFSET_OUT_OF_RANGE, 2 CORRUPT_MESSAGE, 3
 * UNKNOWN_TOPIC_OR_PARTITION, 6 NOT_LEADER_OR_FOLLOWER, 9
 * REPLICA_NOT_AVAILABLE, 29 TOPIC_AUTHORIZATION_FAILED, 56
 * KAFKA_STORAGE_ERROR, 74 FENCED_LEADER_EPOCH, 75 UNKNOWN_LEADER_EPOCH, 76
 * UNSUPPORTED_COMPRESSION_TYPE (zstd below v10), 100 UNKNOWN_TOPIC_ID (v13+),
 * 103 INCONSISTENT_TOPIC_ID, 109 OFFSET_MOVED_TO_TIERED_STORAGE (v14+), -1
 * UNKNOWN_SERVER_ERROR.
 *
 * Gotchas: `records` is raw bytes (a view into the frame when decoded) and may
 * end in a partial batch (the broker cuts at max bytes); the record-batch
 * module reads what is inside. Versions 0–3 (legacy message sets) are not implemented.
 */

import { API_VERSIONS } from "../api-keys.js";
import { defineMessage, type MessageCodec } from "../internal/schema/codec.js";
import type { MessageSchema } from "../internal/schema/types.js";
import type { LeaderIdAndEpoch, NodeEndpoint } from "./produce.js";

/** A follower's identity (v15+, tagged); consumers leave the defaults. */
export interface ReplicaState {
  /** The follower's replica id, or -1 for a consumer. */
  replicaId: number;
  /** The follower's epoch, or -1. */
  replicaEpoch: bigint;
}

/** One partition to fetch. */
export interface FetchPartition {
  partition: number;
  /** The leader epoch the client knows (v9+; default -1). */
  currentLeaderEpoch: number;
  /** The offset to read from. */
  fetchOffset: bigint;
  /** The epoch of the last fetched record (v12+; default -1). */
  lastFetchedEpoch: number;
  /** A follower's log start offset (v5+; default -1). */
  logStartOffset: bigint;
  /** At most this many bytes from this partition (KIP-74: the first batch is returned whole anyway). */
  partitionMaxBytes: number;
  /** Tag 0 (v17+): the follower's log directory id. */
  replicaDirectoryId: string;
}

/** One topic to fetch. */
export interface FetchTopic {
  /** The topic name (v0–v12). */
  topic: string;
  /** The topic id (v13+). */
  topicId: string;
  partitions: FetchPartition[];
}

/** Partitions to drop from an incremental fetch session (v7+). */
export interface ForgottenTopic {
  /** The topic name (v7–v12). */
  topic: string;
  /** The topic id (v13+). */
  topicId: string;
  partitions: number[];
}

/** Fetch request body. */
export interface FetchRequest {
  /** Tag 0 (v12+): the cluster id, if known. */
  clusterId: string | null;
  /** The follower's broker id, or -1 for a consumer (v0–v14). */
  replicaId: number;
  /** Tag 1 (v15+): the follower's identity. */
  replicaState: ReplicaState;
  /** How long to wait for `minBytes`, in ms. */
  maxWaitMs: number;
  /** Answer once this many bytes are available (or at `maxWaitMs`). */
  minBytes: number;
  /** At most this many bytes in all (v3+; default 0x7fffffff). */
  maxBytes: number;
  /** 0 read_uncommitted, 1 read_committed (v4+). */
  isolationLevel: number;
  /** The fetch session id, 0 for none (v7+). */
  sessionId: number;
  /** The fetch session epoch, -1 for a full fetch without a session (v7+). */
  sessionEpoch: number;
  topics: FetchTopic[];
  /** Partitions to remove from the session (v7+). */
  forgottenTopicsData: ForgottenTopic[];
  /** The consumer's rack (v11+; default ""). */
  rackId: string;
}

/** Where a follower's log diverges from the leader's (v12+, tagged). */
export interface EpochEndOffset {
  epoch: number;
  endOffset: bigint;
}

/** The snapshot to fetch instead, below the log start offset (v12+, tagged). */
export interface SnapshotId {
  endOffset: bigint;
  epoch: number;
}

/** A transaction aborted within the returned records (read_committed, v4+). */
export interface AbortedTransaction {
  producerId: bigint;
  firstOffset: bigint;
}

/** The answer for one partition (Kafka: PartitionData). */
export interface FetchPartitionData {
  partitionIndex: number;
  /** 0 or one of the codes in this file's header. */
  errorCode: number;
  highWatermark: bigint;
  /** The last stable offset (v4+; default -1). */
  lastStableOffset: bigint;
  /** The log start offset (v5+; default -1). */
  logStartOffset: bigint;
  /** Tag 0 (v12+). */
  divergingEpoch: EpochEndOffset;
  /** Tag 1 (v12+). */
  currentLeader: LeaderIdAndEpoch;
  /** Tag 2 (v12+). */
  snapshotId: SnapshotId;
  /** Aborted transactions in range (v4+; null when none were asked for). */
  abortedTransactions: AbortedTransaction[] | null;
  /** The replica to fetch from next, or -1 (v11+). */
  preferredReadReplica: number;
  /** The record batches, as bytes. */
  records: Uint8Array | null;
}

/** The answer for one topic (Kafka: FetchableTopicResponse). */
export interface FetchableTopicResponse {
  /** The topic name (v0–v12). */
  topic: string;
  /** The topic id (v13+). */
  topicId: string;
  partitions: FetchPartitionData[];
}

/** Fetch response body. */
export interface FetchResponse {
  /** Throttle time in ms (v1+). */
  throttleTimeMs: number;
  /** The top-level error (v7+): fetch session errors. */
  errorCode: number;
  /** The fetch session id, or 0 (v7+). */
  sessionId: number;
  responses: FetchableTopicResponse[];
  /** Tag 0 (v16+): endpoints of the leaders named in `currentLeader`. */
  nodeEndpoints: NodeEndpoint[];
}

/** The Fetch request schema, transcribed from Kafka's FetchRequest.json. */
export const fetchRequestSchema = {
  name: "FetchRequest",
  apiKey: 1,
  type: "request",
  validVersions: "0-17",
  flexibleVersions: "12+",
  fields: [
    // v12+, tag 0
    {
      name: "clusterId",
      type: "string",
      versions: "12+",
      nullableVersions: "12+",
      default: null,
      tag: 0,
      taggedVersions: "12+",
      ignorable: true,
    },
    { name: "replicaId", type: "int32", versions: "0-14", default: -1 }, // v0-14
    {
      name: "replicaState", // v15+, tag 1
      type: "ReplicaState",
      versions: "15+",
      tag: 1,
      taggedVersions: "15+",
      fields: [
        { name: "replicaId", type: "int32", versions: "15+", default: -1 },
        { name: "replicaEpoch", type: "int64", versions: "15+", default: -1n },
      ],
    },
    { name: "maxWaitMs", type: "int32", versions: "0+" },
    { name: "minBytes", type: "int32", versions: "0+" },
    { name: "maxBytes", type: "int32", versions: "3+", default: 0x7fffffff, ignorable: true }, // v3+
    { name: "isolationLevel", type: "int8", versions: "4+", default: 0, ignorable: true }, // v4+
    { name: "sessionId", type: "int32", versions: "7+", default: 0, ignorable: true }, // v7+
    { name: "sessionEpoch", type: "int32", versions: "7+", default: -1, ignorable: true }, // v7+
    {
      name: "topics",
      type: "[]FetchTopic",
      versions: "0+",
      fields: [
        { name: "topic", type: "string", versions: "0-12", ignorable: true }, // v0-12
        { name: "topicId", type: "uuid", versions: "13+", ignorable: true }, // v13+
        {
          name: "partitions",
          type: "[]FetchPartition",
          versions: "0+",
          fields: [
            { name: "partition", type: "int32", versions: "0+" },
            { name: "currentLeaderEpoch", type: "int32", versions: "9+", default: -1, ignorable: true }, // v9+
            { name: "fetchOffset", type: "int64", versions: "0+" },
            { name: "lastFetchedEpoch", type: "int32", versions: "12+", default: -1 }, // v12+
            { name: "logStartOffset", type: "int64", versions: "5+", default: -1n, ignorable: true }, // v5+
            { name: "partitionMaxBytes", type: "int32", versions: "0+" },
            // v17+, tag 0
            {
              name: "replicaDirectoryId",
              type: "uuid",
              versions: "17+",
              tag: 0,
              taggedVersions: "17+",
              ignorable: true,
            },
          ],
        },
      ],
    },
    {
      name: "forgottenTopicsData", // v7+
      type: "[]ForgottenTopic",
      versions: "7+",
      fields: [
        { name: "topic", type: "string", versions: "7-12", ignorable: true }, // v7-12
        { name: "topicId", type: "uuid", versions: "13+", ignorable: true }, // v13+
        { name: "partitions", type: "[]int32", versions: "7+" },
      ],
    },
    { name: "rackId", type: "string", versions: "11+", default: "", ignorable: true }, // v11+
  ],
} as const satisfies MessageSchema;

/** The Fetch response schema, transcribed from Kafka's FetchResponse.json. */
export const fetchResponseSchema = {
  name: "FetchResponse",
  apiKey: 1,
  type: "response",
  validVersions: "0-17",
  flexibleVersions: "12+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "1+", ignorable: true }, // v1+
    { name: "errorCode", type: "int16", versions: "7+", ignorable: true }, // v7+
    { name: "sessionId", type: "int32", versions: "7+", default: 0 }, // v7+
    {
      name: "responses",
      type: "[]FetchableTopicResponse",
      versions: "0+",
      fields: [
        { name: "topic", type: "string", versions: "0-12", ignorable: true }, // v0-12
        { name: "topicId", type: "uuid", versions: "13+", ignorable: true }, // v13+
        {
          name: "partitions",
          type: "[]PartitionData",
          versions: "0+",
          fields: [
            { name: "partitionIndex", type: "int32", versions: "0+" },
            { name: "errorCode", type: "int16", versions: "0+" },
            { name: "highWatermark", type: "int64", versions: "0+" },
            { name: "lastStableOffset", type: "int64", versions: "4+", default: -1n, ignorable: true }, // v4+
            { name: "logStartOffset", type: "int64", versions: "5+", default: -1n, ignorable: true }, // v5+
            {
              name: "divergingEpoch", // v12+, tag 0
              type: "EpochEndOffset",
              versions: "12+",
              tag: 0,
              taggedVersions: "12+",
              fields: [
                { name: "epoch", type: "int32", versions: "12+", default: -1 },
                { name: "endOffset", type: "int64", versions: "12+", default: -1n },
              ],
            },
            {
              name: "currentLeader", // v12+, tag 1
              type: "LeaderIdAndEpoch",
              versions: "12+",
              tag: 1,
              taggedVersions: "12+",
              fields: [
                { name: "leaderId", type: "int32", versions: "12+", default: -1 },
                { name: "leaderEpoch", type: "int32", versions: "12+", default: -1 },
              ],
            },
            {
              name: "snapshotId", // v12+, tag 2
              type: "SnapshotId",
              versions: "12+",
              tag: 2,
              taggedVersions: "12+",
              fields: [
                { name: "endOffset", type: "int64", versions: "0+", default: -1n },
                { name: "epoch", type: "int32", versions: "0+", default: -1 },
              ],
            },
            {
              name: "abortedTransactions", // v4+
              type: "[]AbortedTransaction",
              versions: "4+",
              nullableVersions: "4+",
              ignorable: true,
              fields: [
                { name: "producerId", type: "int64", versions: "4+" },
                { name: "firstOffset", type: "int64", versions: "4+" },
              ],
            },
            { name: "preferredReadReplica", type: "int32", versions: "11+", default: -1 }, // v11+
            { name: "records", type: "records", versions: "0+", nullableVersions: "0+" },
          ],
        },
      ],
    },
    {
      name: "nodeEndpoints", // v16+, tag 0
      type: "[]NodeEndpoint",
      versions: "16+",
      tag: 0,
      taggedVersions: "16+",
      fields: [
        { name: "nodeId", type: "int32", versions: "16+" },
        { name: "host", type: "string", versions: "16+" },
        { name: "port", type: "int32", versions: "16+" },
        { name: "rack", type: "string", versions: "16+", nullableVersions: "16+", default: null },
      ],
    },
  ],
} as const satisfies MessageSchema;

/** Encodes and decodes Fetch requests, v4–v17. */
export const fetchRequest: MessageCodec<FetchRequest> = defineMessage(fetchRequestSchema, API_VERSIONS.Fetch);

/** Encodes and decodes Fetch responses, v4–v17. */
export const fetchResponse: MessageCodec<FetchResponse> = defineMessage(fetchResponseSchema, API_VERSIONS.Fetch);
