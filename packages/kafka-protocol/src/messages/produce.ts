/**
 * Produce (API key 0), versions 0–11, flexible from v9: write record batches
 * to partition leaders.
 *
 * Grammar (fields in wire order; `// vN+` marks the version that adds a field;
 * from v9 strings, arrays and records are compact and every struct ends with
 * tagged fields):
 *
 * ```
 * ProduceRequest
 *   transactional_id nullable_string            // v3+ (default null)
 *   acks int16                                  0, 1 or -1 (all)
 *   timeout_ms int32
 *   topic_data [TopicProduceData]
 *     name string
 *     partition_data [PartitionProduceData]
 *       index int32
 *       records nullable records                one or more RecordBatches (magic 2 from v3), as raw bytes
 *
 * ProduceResponse                               (no response at all when acks = 0)
 *   responses [TopicProduceResponse]
 *     name string
 *     partition_responses [PartitionProduceResponse]
 *       index int32, error_code int16, base_offset int64
 *       log_append_time_ms int64                // v2+ (default -1: CreateTime)
 *       log_start_offset int64                  // v5+ (default -1)
 *       record_errors [BatchIndexAndErrorMessage]            // v8+
 *         batch_index int32, batch_index_error_message nullable_string
 *       error_message nullable_string           // v8+ (default null)
 *       v10+ tagged: 0 current_leader {leader_id int32 = -1, leader_epoch int32 = -1}
 *   throttle_time_ms int32                      // v1+ (after the array)
 *   v10+ tagged: 0 node_endpoints [NodeEndpoint node_id, host, port, rack]
 * ```
 *
 * Error codes: partition `error_code` — 2 CORRUPT_MESSAGE, 3
 * UNKNOWN_TOPIC_OR_PARTITION, 6 NOT_LEADER_OR_FOLLOWER, 10 MESSAGE_TOO_LARGE,
 * 17 INVALID_TOPIC_EXCEPTION, 18 RECORD_LIST_TOO_LARGE, 19 NOT_ENOUGH_REPLICAS,
 * 20 NOT_ENOUGH_REPLICAS_AFTER_APPEND, 21 INVALID_REQUIRED_ACKS, 29
 * TOPIC_AUTHORIZATION_FAILED, 43 UNSUPPORTED_FOR_MESSAGE_FORMAT, 45
 * OUT_OF_ORDER_SEQUENCE_NUMBER, 46 DUPLICATE_SEQUENCE_NUMBER, 47
 * INVALID_PRODUCER_EPOCH, 48 INVALID_TXN_STATE, 49
 * INVALID_PRODUCER_ID_MAPPING, 53 TRANSACTIONAL_ID_AUTHORIZATION_FAILED, 56
 * KAFKA_STORAGE_ERROR (v4+), 76 UNSUPPORTED_COMPRESSION_TYPE (zstd below v7),
 * 87 INVALID_RECORD (with `record_errors`, v8+), 120 TRANSACTION_ABORTABLE (v11+).
 *
 * Gotchas: `records` is raw bytes here (a view into the frame when decoded);
 * the record-batch module reads and writes what is inside.
 */

import { API_VERSIONS } from "../api-keys.js";
import { defineMessage, type MessageCodec } from "../internal/schema/codec.js";
import type { MessageSchema } from "../internal/schema/types.js";

/** The records of one partition. */
export interface PartitionProduceData {
  /** The partition index. */
  index: number;
  /** One or more concatenated RecordBatches, as bytes; null is legal on the wire. */
  records: Uint8Array | null;
}

/** The partitions of one topic. */
export interface TopicProduceData {
  name: string;
  partitionData: PartitionProduceData[];
}

/** Produce request body. */
export interface ProduceRequest {
  /** The transactional id, or null (v3+). */
  transactionalId: string | null;
  /** 0 (no response), 1 (leader) or -1 (all in-sync replicas). */
  acks: number;
  /** How long the broker may wait for the acks, in ms. */
  timeoutMs: number;
  topicData: TopicProduceData[];
}

/** One record that made the broker drop its batch (v8+). */
export interface BatchIndexAndErrorMessage {
  /** The record's index in its batch. */
  batchIndex: number;
  batchIndexErrorMessage: string | null;
}

/** A partition's current leader, sent with NOT_LEADER_OR_FOLLOWER (tagged, Produce v10+ and Fetch v12+). */
export interface LeaderIdAndEpoch {
  /** The leader's node id, or -1 when unknown. */
  leaderId: number;
  /** The latest known leader epoch, or -1. */
  leaderEpoch: number;
}

/** A broker's address, for the leaders named in {@link LeaderIdAndEpoch} (tagged, Produce v10+ and Fetch v16+). */
export interface NodeEndpoint {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

/** The result for one partition. */
export interface PartitionProduceResponse {
  index: number;
  /** 0 or one of the codes in this file's header. */
  errorCode: number;
  /** The offset given to the first record. */
  baseOffset: bigint;
  /** The broker's append time under LogAppendTime, or -1 (v2+). */
  logAppendTimeMs: bigint;
  /** The partition's log start offset (v5+; default -1). */
  logStartOffset: bigint;
  /** The records that caused the batch to be dropped (v8+). */
  recordErrors: BatchIndexAndErrorMessage[];
  /** A summary of why the batch was dropped (v8+). */
  errorMessage: string | null;
  /** Tag 0 (v10+): the current leader, with NOT_LEADER_OR_FOLLOWER. */
  currentLeader: LeaderIdAndEpoch;
}

/** The results for one topic. */
export interface TopicProduceResponse {
  name: string;
  partitionResponses: PartitionProduceResponse[];
}

/** Produce response body. */
export interface ProduceResponse {
  responses: TopicProduceResponse[];
  /** Throttle time in ms (v1+). */
  throttleTimeMs: number;
  /** Tag 0 (v10+): endpoints of the leaders named in `currentLeader`. */
  nodeEndpoints: NodeEndpoint[];
}

/** The Produce request schema, transcribed from Kafka's ProduceRequest.json. */
export const produceRequestSchema = {
  name: "ProduceRequest",
  apiKey: 0,
  type: "request",
  validVersions: "0-11",
  flexibleVersions: "9+",
  fields: [
    { name: "transactionalId", type: "string", versions: "3+", nullableVersions: "3+", default: null }, // v3+
    { name: "acks", type: "int16", versions: "0+" },
    { name: "timeoutMs", type: "int32", versions: "0+" },
    {
      name: "topicData",
      type: "[]TopicProduceData",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        {
          name: "partitionData",
          type: "[]PartitionProduceData",
          versions: "0+",
          fields: [
            { name: "index", type: "int32", versions: "0+" },
            { name: "records", type: "records", versions: "0+", nullableVersions: "0+" },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema;

/** The Produce response schema, transcribed from Kafka's ProduceResponse.json. */
export const produceResponseSchema = {
  name: "ProduceResponse",
  apiKey: 0,
  type: "response",
  validVersions: "0-11",
  flexibleVersions: "9+",
  fields: [
    {
      name: "responses",
      type: "[]TopicProduceResponse",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        {
          name: "partitionResponses",
          type: "[]PartitionProduceResponse",
          versions: "0+",
          fields: [
            { name: "index", type: "int32", versions: "0+" },
            { name: "errorCode", type: "int16", versions: "0+" },
            { name: "baseOffset", type: "int64", versions: "0+" },
            { name: "logAppendTimeMs", type: "int64", versions: "2+", default: -1n, ignorable: true }, // v2+
            { name: "logStartOffset", type: "int64", versions: "5+", default: -1n, ignorable: true }, // v5+
            {
              name: "recordErrors", // v8+
              type: "[]BatchIndexAndErrorMessage",
              versions: "8+",
              ignorable: true,
              fields: [
                { name: "batchIndex", type: "int32", versions: "8+" },
                {
                  name: "batchIndexErrorMessage",
                  type: "string",
                  versions: "8+",
                  nullableVersions: "8+",
                  default: null,
                },
              ],
            },
            {
              name: "errorMessage",
              type: "string",
              versions: "8+",
              nullableVersions: "8+",
              default: null,
              ignorable: true,
            }, // v8+
            {
              name: "currentLeader", // v10+, tag 0
              type: "LeaderIdAndEpoch",
              versions: "10+",
              tag: 0,
              taggedVersions: "10+",
              fields: [
                { name: "leaderId", type: "int32", versions: "10+", default: -1 },
                { name: "leaderEpoch", type: "int32", versions: "10+", default: -1 },
              ],
            },
          ],
        },
      ],
    },
    { name: "throttleTimeMs", type: "int32", versions: "1+", ignorable: true, default: 0 }, // v1+
    {
      name: "nodeEndpoints", // v10+, tag 0
      type: "[]NodeEndpoint",
      versions: "10+",
      tag: 0,
      taggedVersions: "10+",
      fields: [
        { name: "nodeId", type: "int32", versions: "10+" },
        { name: "host", type: "string", versions: "10+" },
        { name: "port", type: "int32", versions: "10+" },
        { name: "rack", type: "string", versions: "10+", nullableVersions: "10+", default: null },
      ],
    },
  ],
} as const satisfies MessageSchema;

/** Encodes and decodes Produce requests, v0–v11. */
export const produceRequest: MessageCodec<ProduceRequest> = defineMessage(produceRequestSchema, API_VERSIONS.Produce);

/** Encodes and decodes Produce responses, v0–v11. */
export const produceResponse: MessageCodec<ProduceResponse> = defineMessage(
  produceResponseSchema,
  API_VERSIONS.Produce,
);
