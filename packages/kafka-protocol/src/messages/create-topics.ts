/**
 * CreateTopics (API key 19), versions 0–7, flexible from v5: create topics,
 * with a partition count and replication factor or a manual assignment.
 *
 * Grammar (fields in wire order; `// vN+` marks the version that adds a field;
 * from v5 strings and arrays are compact and every struct ends with tagged fields):
 *
 * ```
 * CreateTopicsRequest
 *   topics [CreatableTopic]
 *     name string
 *     num_partitions int32                      -1: default (v4+) or manual assignment
 *     replication_factor int16                  -1: default (v4+) or manual assignment
 *     assignments [CreatableReplicaAssignment]
 *       partition_index int32, broker_ids [int32]
 *     configs [CreatableTopicConfig]
 *       name string, value nullable_string
 *   timeout_ms int32                            (default 60000)
 *   validate_only bool                          // v1+
 *
 * CreateTopicsResponse
 *   throttle_time_ms int32                      // v2+
 *   topics [CreatableTopicResult]
 *     name string
 *     topic_id uuid                             // v7+
 *     error_code int16
 *     error_message nullable_string             // v1+
 *     v5+ tagged: 0 topic_config_error_code int16
 *     num_partitions int32                      // v5+ (default -1)
 *     replication_factor int16                  // v5+ (default -1)
 *     configs nullable [CreatableTopicConfigs]  // v5+
 *       name string, value nullable_string, read_only bool,
 *       config_source int8 (default -1), is_sensitive bool
 * ```
 *
 * Error codes: topic `error_code` — 7 REQUEST_TIMED_OUT, 17
 * INVALID_TOPIC_EXCEPTION, 29 TOPIC_AUTHORIZATION_FAILED, 36
 * TOPIC_ALREADY_EXISTS, 37 INVALID_PARTITIONS, 38 INVALID_REPLICATION_FACTOR,
 * 39 INVALID_REPLICA_ASSIGNMENT, 40 INVALID_CONFIG, 41 NOT_CONTROLLER, 42
 * INVALID_REQUEST, 44 POLICY_VIOLATION, 89 THROTTLING_QUOTA_EXCEEDED (v6+);
 * `topic_config_error_code` — the error that kept `configs` from being returned.
 */

import { API_VERSIONS } from "../api-keys.js";
import { defineMessage, type MessageCodec } from "../internal/schema/codec.js";
import type { MessageSchema } from "../internal/schema/types.js";

/** A manual placement of one partition. */
export interface CreatableReplicaAssignment {
  partitionIndex: number;
  brokerIds: number[];
}

/** A topic configuration to set. */
export interface CreatableTopicConfig {
  name: string;
  value: string | null;
}

/** One topic to create. */
export interface CreatableTopic {
  name: string;
  /** The partition count, or -1 (default count, v4+, or a manual assignment). */
  numPartitions: number;
  /** The replication factor, or -1 (default, v4+, or a manual assignment). */
  replicationFactor: number;
  /** The manual assignment, or `[]`. */
  assignments: CreatableReplicaAssignment[];
  configs: CreatableTopicConfig[];
}

/** CreateTopics request body. */
export interface CreateTopicsRequest {
  topics: CreatableTopic[];
  /** How long to wait for the creation, in ms (default 60000). */
  timeoutMs: number;
  /** Check only, create nothing (v1+). */
  validateOnly: boolean;
}

/** A configuration of a created topic (v5+). */
export interface CreatableTopicConfigs {
  name: string;
  value: string | null;
  readOnly: boolean;
  /** Where the value comes from (default -1). */
  configSource: number;
  isSensitive: boolean;
}

/** The result for one topic. */
export interface CreatableTopicResult {
  name: string;
  /** The new topic's id (v7+). */
  topicId: string;
  /** 0 or one of the codes in this file's header. */
  errorCode: number;
  /** The error message, or null (v1+; `""` before). */
  errorMessage: string | null;
  /** Tag 0 (v5+): why `configs` is missing. */
  topicConfigErrorCode: number;
  /** The partition count (v5+; default -1). */
  numPartitions: number;
  /** The replication factor (v5+; default -1). */
  replicationFactor: number;
  /** The topic's configuration (v5+). */
  configs: CreatableTopicConfigs[] | null;
}

/** CreateTopics response body. */
export interface CreateTopicsResponse {
  /** Throttle time in ms (v2+). */
  throttleTimeMs: number;
  topics: CreatableTopicResult[];
}

/** The CreateTopics request schema, transcribed from Kafka's CreateTopicsRequest.json. */
export const createTopicsRequestSchema = {
  name: "CreateTopicsRequest",
  apiKey: 19,
  type: "request",
  validVersions: "0-7",
  flexibleVersions: "5+",
  fields: [
    {
      name: "topics",
      type: "[]CreatableTopic",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        { name: "numPartitions", type: "int32", versions: "0+" },
        { name: "replicationFactor", type: "int16", versions: "0+" },
        {
          name: "assignments",
          type: "[]CreatableReplicaAssignment",
          versions: "0+",
          fields: [
            { name: "partitionIndex", type: "int32", versions: "0+" },
            { name: "brokerIds", type: "[]int32", versions: "0+" },
          ],
        },
        {
          name: "configs",
          type: "[]CreatableTopicConfig",
          versions: "0+",
          fields: [
            { name: "name", type: "string", versions: "0+" },
            { name: "value", type: "string", versions: "0+", nullableVersions: "0+" },
          ],
        },
      ],
    },
    { name: "timeoutMs", type: "int32", versions: "0+", default: 60000 },
    { name: "validateOnly", type: "bool", versions: "1+", default: false, ignorable: false }, // v1+
  ],
} as const satisfies MessageSchema;

/** The CreateTopics response schema, transcribed from Kafka's CreateTopicsResponse.json. */
export const createTopicsResponseSchema = {
  name: "CreateTopicsResponse",
  apiKey: 19,
  type: "response",
  validVersions: "0-7",
  flexibleVersions: "5+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "2+", ignorable: true }, // v2+
    {
      name: "topics",
      type: "[]CreatableTopicResult",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        { name: "topicId", type: "uuid", versions: "7+", ignorable: true }, // v7+
        { name: "errorCode", type: "int16", versions: "0+" },
        { name: "errorMessage", type: "string", versions: "1+", nullableVersions: "0+", ignorable: true }, // v1+
        // v5+, tag 0
        { name: "topicConfigErrorCode", type: "int16", versions: "5+", tag: 0, taggedVersions: "5+", ignorable: true },
        { name: "numPartitions", type: "int32", versions: "5+", default: -1, ignorable: true }, // v5+
        { name: "replicationFactor", type: "int16", versions: "5+", default: -1, ignorable: true }, // v5+
        {
          name: "configs", // v5+
          type: "[]CreatableTopicConfigs",
          versions: "5+",
          nullableVersions: "5+",
          ignorable: true,
          fields: [
            { name: "name", type: "string", versions: "5+" },
            { name: "value", type: "string", versions: "5+", nullableVersions: "5+" },
            { name: "readOnly", type: "bool", versions: "5+" },
            { name: "configSource", type: "int8", versions: "5+", default: -1, ignorable: true },
            { name: "isSensitive", type: "bool", versions: "5+" },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema;

/** Encodes and decodes CreateTopics requests, v0–v7. */
export const createTopicsRequest: MessageCodec<CreateTopicsRequest> = defineMessage(
  createTopicsRequestSchema,
  API_VERSIONS.CreateTopics,
);

/** Encodes and decodes CreateTopics responses, v0–v7. */
export const createTopicsResponse: MessageCodec<CreateTopicsResponse> = defineMessage(
  createTopicsResponseSchema,
  API_VERSIONS.CreateTopics,
);
