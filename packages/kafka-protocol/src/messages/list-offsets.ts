/**
 * ListOffsets (API key 2), versions 0–10, flexible from v6: the offset of a
 * partition at a timestamp — earliest (-2), latest (-1), max timestamp (-3,
 * v7+), local log start (-4, v8+), last tiered (-5, v9+), or the first offset
 * whose timestamp is at least the one given.
 *
 * Grammar (fields in wire order; `// vN+` marks the version that adds a field;
 * from v6 strings and arrays are compact and every struct ends with tagged fields):
 *
 * ```
 * ListOffsetsRequest
 *   replica_id int32                            -1 for a consumer
 *   isolation_level int8                        // v2+ (0 read_uncommitted, 1 read_committed)
 *   topics [ListOffsetsTopic]
 *     name string
 *     partitions [ListOffsetsPartition]
 *       partition_index int32
 *       current_leader_epoch int32              // v4+ (default -1)
 *       timestamp int64
 *       max_num_offsets int32                   // v0 only (default 1)
 *   timeout_ms int32                            // v10+
 *
 * ListOffsetsResponse
 *   throttle_time_ms int32                      // v2+
 *   topics [ListOffsetsTopicResponse]
 *     name string
 *     partitions [ListOffsetsPartitionResponse]
 *       partition_index int32, error_code int16
 *       old_style_offsets [int64]               // v0 only
 *       timestamp int64                         // v1+ (default -1)
 *       offset int64                            // v1+ (default -1)
 *       leader_epoch int32                      // v4+ (default -1)
 * ```
 *
 * Error codes: partition `error_code` — 3 UNKNOWN_TOPIC_OR_PARTITION, 5
 * LEADER_NOT_AVAILABLE (v4), 6 NOT_LEADER_OR_FOLLOWER, 9
 * REPLICA_NOT_AVAILABLE, 29 TOPIC_AUTHORIZATION_FAILED, 43
 * UNSUPPORTED_FOR_MESSAGE_FORMAT, 56 KAFKA_STORAGE_ERROR, 74
 * FENCED_LEADER_EPOCH, 75 UNKNOWN_LEADER_EPOCH, 78 OFFSET_NOT_AVAILABLE (v5+),
 * -1 UNKNOWN_SERVER_ERROR.
 */

import { API_VERSIONS } from "../api-keys.js";
import { defineMessage, type MessageCodec } from "../internal/schema/codec.js";
import type { MessageSchema } from "../internal/schema/types.js";

/** One partition asked about. */
export interface ListOffsetsPartition {
  partitionIndex: number;
  /** The leader epoch the client knows (v4+; default -1). */
  currentLeaderEpoch: number;
  /** The target timestamp, or -2 earliest, -1 latest, -3 max timestamp (v7+). */
  timestamp: bigint;
  /** How many offsets to return (v0 only; default 1). */
  maxNumOffsets: number;
}

/** One topic asked about. */
export interface ListOffsetsTopic {
  name: string;
  partitions: ListOffsetsPartition[];
}

/** ListOffsets request body. */
export interface ListOffsetsRequest {
  /** The requesting broker's id, or -1 for a consumer. */
  replicaId: number;
  /** 0 read_uncommitted, 1 read_committed (v2+). */
  isolationLevel: number;
  topics: ListOffsetsTopic[];
  /** How long to wait for tiered storage, in ms (v10+). */
  timeoutMs: number;
}

/** The answer for one partition. */
export interface ListOffsetsPartitionResponse {
  partitionIndex: number;
  /** 0 or one of the codes in this file's header. */
  errorCode: number;
  /** The offsets found (v0 only). */
  oldStyleOffsets: bigint[];
  /** The timestamp of the offset found, or -1 (v1+). */
  timestamp: bigint;
  /** The offset found, or -1 (v1+). */
  offset: bigint;
  /** The leader epoch of the offset found (v4+; default -1). */
  leaderEpoch: number;
}

/** The answer for one topic. */
export interface ListOffsetsTopicResponse {
  name: string;
  partitions: ListOffsetsPartitionResponse[];
}

/** ListOffsets response body. */
export interface ListOffsetsResponse {
  /** Throttle time in ms (v2+). */
  throttleTimeMs: number;
  topics: ListOffsetsTopicResponse[];
}

/** The ListOffsets request schema, transcribed from Kafka's ListOffsetsRequest.json. */
export const listOffsetsRequestSchema = {
  name: "ListOffsetsRequest",
  apiKey: 2,
  type: "request",
  validVersions: "0-10",
  flexibleVersions: "6+",
  fields: [
    { name: "replicaId", type: "int32", versions: "0+" },
    { name: "isolationLevel", type: "int8", versions: "2+" }, // v2+
    {
      name: "topics",
      type: "[]ListOffsetsTopic",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        {
          name: "partitions",
          type: "[]ListOffsetsPartition",
          versions: "0+",
          fields: [
            { name: "partitionIndex", type: "int32", versions: "0+" },
            { name: "currentLeaderEpoch", type: "int32", versions: "4+", default: -1, ignorable: true }, // v4+
            { name: "timestamp", type: "int64", versions: "0+" },
            { name: "maxNumOffsets", type: "int32", versions: "0", default: 1 }, // v0 only
          ],
        },
      ],
    },
    { name: "timeoutMs", type: "int32", versions: "10+", ignorable: true }, // v10+
  ],
} as const satisfies MessageSchema;

/** The ListOffsets response schema, transcribed from Kafka's ListOffsetsResponse.json. */
export const listOffsetsResponseSchema = {
  name: "ListOffsetsResponse",
  apiKey: 2,
  type: "response",
  validVersions: "0-10",
  flexibleVersions: "6+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "2+", ignorable: true }, // v2+
    {
      name: "topics",
      type: "[]ListOffsetsTopicResponse",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        {
          name: "partitions",
          type: "[]ListOffsetsPartitionResponse",
          versions: "0+",
          fields: [
            { name: "partitionIndex", type: "int32", versions: "0+" },
            { name: "errorCode", type: "int16", versions: "0+" },
            { name: "oldStyleOffsets", type: "[]int64", versions: "0", ignorable: false }, // v0 only
            { name: "timestamp", type: "int64", versions: "1+", default: -1n, ignorable: false }, // v1+
            { name: "offset", type: "int64", versions: "1+", default: -1n, ignorable: false }, // v1+
            { name: "leaderEpoch", type: "int32", versions: "4+", default: -1 }, // v4+
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema;

/** Encodes and decodes ListOffsets requests, v0–v10. */
export const listOffsetsRequest: MessageCodec<ListOffsetsRequest> = defineMessage(
  listOffsetsRequestSchema,
  API_VERSIONS.ListOffsets,
);

/** Encodes and decodes ListOffsets responses, v0–v10. */
export const listOffsetsResponse: MessageCodec<ListOffsetsResponse> = defineMessage(
  listOffsetsResponseSchema,
  API_VERSIONS.ListOffsets,
);
