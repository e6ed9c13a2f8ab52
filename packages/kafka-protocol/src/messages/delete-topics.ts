/**
 * DeleteTopics (API key 20), versions 0–6, flexible from v4: delete topics by
 * name (or, from v6, by topic id).
 *
 * Grammar (fields in wire order; `// vN+` marks the version that adds a field,
 * `// vA-B` one dropped after B; from v4 strings and arrays are compact and
 * every struct ends with tagged fields):
 *
 * ```
 * DeleteTopicsRequest
 *   topics [DeleteTopicState]                   // v6+
 *     name nullable_string (default null), topic_id uuid
 *   topic_names [string]                        // v0-5
 *   timeout_ms int32
 *
 * DeleteTopicsResponse
 *   throttle_time_ms int32                      // v1+
 *   responses [DeletableTopicResult]
 *     name string                               nullable at v6+
 *     topic_id uuid                             // v6+
 *     error_code int16
 *     error_message nullable_string             // v5+ (default null)
 * ```
 *
 * Error codes: topic `error_code` — 3 UNKNOWN_TOPIC_OR_PARTITION, 7
 * REQUEST_TIMED_OUT, 17 INVALID_TOPIC_EXCEPTION, 29
 * TOPIC_AUTHORIZATION_FAILED, 35 UNSUPPORTED_VERSION (by id on an old
 * cluster), 41 NOT_CONTROLLER, 42 INVALID_REQUEST, 73 TOPIC_DELETION_DISABLED
 * (v3+), 89 THROTTLING_QUOTA_EXCEEDED (v5+), 100 UNKNOWN_TOPIC_ID (v6+).
 */

import { API_VERSIONS } from "../api-keys.js";
import { defineMessage, type MessageCodec } from "../internal/schema/codec.js";
import type { MessageSchema } from "../internal/schema/types.js";

/** One topic to delete, by name or by id (v6+). */
export interface DeleteTopicState {
  /** The name, or null to delete by id. */
  name: string | null;
  /** The topic id (all-zero when deleting by name). */
  topicId: string;
}

/** DeleteTopics request body. */
export interface DeleteTopicsRequest {
  /** The topics (v6+). */
  topics: DeleteTopicState[];
  /** The topics, by name (v0–v5). */
  topicNames: string[];
  /** How long to wait for the deletion, in ms. */
  timeoutMs: number;
}

/** The result for one topic. */
export interface DeletableTopicResult {
  /** The name; null (v6+) for a topic deleted by id. */
  name: string | null;
  /** The topic id (v6+). */
  topicId: string;
  /** 0 or one of the codes in this file's header. */
  errorCode: number;
  /** The error message, or null (v5+). */
  errorMessage: string | null;
}

/** DeleteTopics response body. */
export interface DeleteTopicsResponse {
  /** Throttle time in ms (v1+). */
  throttleTimeMs: number;
  responses: DeletableTopicResult[];
}

/** The DeleteTopics request schema, transcribed from Kafka's DeleteTopicsRequest.json. */
export const deleteTopicsRequestSchema = {
  name: "DeleteTopicsRequest",
  apiKey: 20,
  type: "request",
  validVersions: "0-6",
  flexibleVersions: "4+",
  fields: [
    {
      name: "topics", // v6+
      type: "[]DeleteTopicState",
      versions: "6+",
      fields: [
        { name: "name", type: "string", versions: "6+", nullableVersions: "6+", default: null },
        { name: "topicId", type: "uuid", versions: "6+" },
      ],
    },
    { name: "topicNames", type: "[]string", versions: "0-5", ignorable: true }, // v0-5
    { name: "timeoutMs", type: "int32", versions: "0+" },
  ],
} as const satisfies MessageSchema;

/** The DeleteTopics response schema, transcribed from Kafka's DeleteTopicsResponse.json. */
export const deleteTopicsResponseSchema = {
  name: "DeleteTopicsResponse",
  apiKey: 20,
  type: "response",
  validVersions: "0-6",
  flexibleVersions: "4+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "1+", ignorable: true }, // v1+
    {
      name: "responses",
      type: "[]DeletableTopicResult",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+", nullableVersions: "6+" },
        { name: "topicId", type: "uuid", versions: "6+", ignorable: true }, // v6+
        { name: "errorCode", type: "int16", versions: "0+" },
        {
          name: "errorMessage",
          type: "string",
          versions: "5+",
          nullableVersions: "5+",
          ignorable: true,
          default: null,
        }, // v5+
      ],
    },
  ],
} as const satisfies MessageSchema;

/** Encodes and decodes DeleteTopics requests, v0–v6. */
export const deleteTopicsRequest: MessageCodec<DeleteTopicsRequest> = defineMessage(
  deleteTopicsRequestSchema,
  API_VERSIONS.DeleteTopics,
);

/** Encodes and decodes DeleteTopics responses, v0–v6. */
export const deleteTopicsResponse: MessageCodec<DeleteTopicsResponse> = defineMessage(
  deleteTopicsResponseSchema,
  API_VERSIONS.DeleteTopics,
);
