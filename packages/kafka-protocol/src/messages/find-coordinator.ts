/**
 * FindCoordinator (API key 10), versions 0–6, flexible from v3: which broker
 * coordinates a consumer group, a transactional id or a share group.
 *
 * Grammar (fields in wire order; `// vN+` marks the version that adds a field,
 * `// vA-B` one dropped after B; from v3 strings and arrays are compact and
 * every struct ends with tagged fields):
 *
 * ```
 * FindCoordinatorRequest
 *   key string                                  // v0-3
 *   key_type int8                               // v1+ (0 group, 1 transaction, 2 share group v6+)
 *   coordinator_keys [string]                   // v4+ (batched, KIP-699)
 *
 * FindCoordinatorResponse
 *   throttle_time_ms int32                      // v1+
 *   error_code int16                            // v0-3
 *   error_message nullable_string               // v1-3
 *   node_id int32, host string, port int32      // v0-3
 *   coordinators [Coordinator]                  // v4+
 *     key string, node_id int32, host string, port int32
 *     error_code int16, error_message nullable_string
 * ```
 *
 * Error codes: `error_code` (per coordinator from v4) — 14
 * COORDINATOR_LOAD_IN_PROGRESS, 15 COORDINATOR_NOT_AVAILABLE, 30
 * GROUP_AUTHORIZATION_FAILED, 42 INVALID_REQUEST, 53
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED, 120 TRANSACTION_ABORTABLE (v5+).
 */

import { API_VERSIONS } from "../api-keys.js";
import { defineMessage, type MessageCodec } from "../internal/schema/codec.js";
import type { MessageSchema } from "../internal/schema/types.js";

/** FindCoordinator request body. */
export interface FindCoordinatorRequest {
  /** The group id or transactional id (v0–v3). */
  key: string;
  /** 0 group, 1 transaction, 2 share group (v1+). */
  keyType: number;
  /** The keys, batched (v4+). */
  coordinatorKeys: string[];
}

/** One key's coordinator (v4+). */
export interface Coordinator {
  key: string;
  nodeId: number;
  host: string;
  port: number;
  /** 0 or one of the codes in this file's header. */
  errorCode: number;
  errorMessage: string | null;
}

/** FindCoordinator response body. */
export interface FindCoordinatorResponse {
  /** Throttle time in ms (v1+). */
  throttleTimeMs: number;
  /** The error (v0–v3). */
  errorCode: number;
  /** The error message (v1–v3). */
  errorMessage: string | null;
  /** The coordinator's node id (v0–v3). */
  nodeId: number;
  /** The coordinator's host (v0–v3). */
  host: string;
  /** The coordinator's port (v0–v3). */
  port: number;
  /** Each key's coordinator (v4+). */
  coordinators: Coordinator[];
}

/** The FindCoordinator request schema, transcribed from Kafka's FindCoordinatorRequest.json. */
export const findCoordinatorRequestSchema = {
  name: "FindCoordinatorRequest",
  apiKey: 10,
  type: "request",
  validVersions: "0-6",
  flexibleVersions: "3+",
  fields: [
    { name: "key", type: "string", versions: "0-3" }, // v0-3
    { name: "keyType", type: "int8", versions: "1+", default: 0, ignorable: false }, // v1+
    { name: "coordinatorKeys", type: "[]string", versions: "4+" }, // v4+
  ],
} as const satisfies MessageSchema;

/** The FindCoordinator response schema, transcribed from Kafka's FindCoordinatorResponse.json. */
export const findCoordinatorResponseSchema = {
  name: "FindCoordinatorResponse",
  apiKey: 10,
  type: "response",
  validVersions: "0-6",
  flexibleVersions: "3+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "1+", ignorable: true }, // v1+
    { name: "errorCode", type: "int16", versions: "0-3" }, // v0-3
    { name: "errorMessage", type: "string", versions: "1-3", nullableVersions: "1-3", ignorable: true }, // v1-3
    { name: "nodeId", type: "int32", versions: "0-3" }, // v0-3
    { name: "host", type: "string", versions: "0-3" }, // v0-3
    { name: "port", type: "int32", versions: "0-3" }, // v0-3
    {
      name: "coordinators", // v4+
      type: "[]Coordinator",
      versions: "4+",
      fields: [
        { name: "key", type: "string", versions: "4+" },
        { name: "nodeId", type: "int32", versions: "4+" },
        { name: "host", type: "string", versions: "4+" },
        { name: "port", type: "int32", versions: "4+" },
        { name: "errorCode", type: "int16", versions: "4+" },
        { name: "errorMessage", type: "string", versions: "4+", nullableVersions: "4+", ignorable: true },
      ],
    },
  ],
} as const satisfies MessageSchema;

/** Encodes and decodes FindCoordinator requests, v0–v6. */
export const findCoordinatorRequest: MessageCodec<FindCoordinatorRequest> = defineMessage(
  findCoordinatorRequestSchema,
  API_VERSIONS.FindCoordinator,
);

/** Encodes and decodes FindCoordinator responses, v0–v6. */
export const findCoordinatorResponse: MessageCodec<FindCoordinatorResponse> = defineMessage(
  findCoordinatorResponseSchema,
  API_VERSIONS.FindCoordinator,
);
