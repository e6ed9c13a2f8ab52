/**
 * InitProducerId (API key 22), versions 0–5, flexible from v2: get a producer
 * id and epoch for an idempotent (null transactional id) or transactional producer.
 *
 * Grammar (fields in wire order; `// vN+` marks the version that adds a field;
 * from v2 strings are compact and the body ends with tagged fields):
 *
 * ```
 * InitProducerIdRequest
 *   transactional_id nullable_string            null: idempotence only
 *   transaction_timeout_ms int32
 *   producer_id int64                           // v3+ (default -1)
 *   producer_epoch int16                        // v3+ (default -1)
 *
 * InitProducerIdResponse
 *   throttle_time_ms int32
 *   error_code int16
 *   producer_id int64                           (default -1)
 *   producer_epoch int16
 * ```
 *
 * Error codes: `error_code` — 15 COORDINATOR_NOT_AVAILABLE, 14
 * COORDINATOR_LOAD_IN_PROGRESS, 16 NOT_COORDINATOR, 31
 * CLUSTER_AUTHORIZATION_FAILED, 47 INVALID_PRODUCER_EPOCH (v0–v3), 50
 * INVALID_TRANSACTION_TIMEOUT, 51 CONCURRENT_TRANSACTIONS, 53
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED, 90 PRODUCER_FENCED (v4+), 120
 * TRANSACTION_ABORTABLE (v5+).
 */

import { API_VERSIONS } from "../api-keys.js";
import { defineMessage, type MessageCodec } from "../internal/schema/codec.js";
import type { MessageSchema } from "../internal/schema/types.js";

/** InitProducerId request body. */
export interface InitProducerIdRequest {
  /** The transactional id, or null for an idempotent producer. */
  transactionalId: string | null;
  /** Idle transactions are aborted after this many ms (transactional producers only). */
  transactionTimeoutMs: number;
  /** The current producer id, to bump its epoch (v3+; default -1). */
  producerId: bigint;
  /** The current epoch (v3+; default -1). */
  producerEpoch: number;
}

/** InitProducerId response body. */
export interface InitProducerIdResponse {
  throttleTimeMs: number;
  /** 0 or one of the codes in this file's header. */
  errorCode: number;
  /** The producer id (default -1). */
  producerId: bigint;
  producerEpoch: number;
}

/** The InitProducerId request schema, transcribed from Kafka's InitProducerIdRequest.json. */
export const initProducerIdRequestSchema = {
  name: "InitProducerIdRequest",
  apiKey: 22,
  type: "request",
  validVersions: "0-5",
  flexibleVersions: "2+",
  fields: [
    { name: "transactionalId", type: "string", versions: "0+", nullableVersions: "0+" },
    { name: "transactionTimeoutMs", type: "int32", versions: "0+" },
    { name: "producerId", type: "int64", versions: "3+", default: -1n }, // v3+
    { name: "producerEpoch", type: "int16", versions: "3+", default: -1 }, // v3+
  ],
} as const satisfies MessageSchema;

/** The InitProducerId response schema, transcribed from Kafka's InitProducerIdResponse.json. */
export const initProducerIdResponseSchema = {
  name: "InitProducerIdResponse",
  apiKey: 22,
  type: "response",
  validVersions: "0-5",
  flexibleVersions: "2+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "0+", ignorable: true },
    { name: "errorCode", type: "int16", versions: "0+" },
    { name: "producerId", type: "int64", versions: "0+", default: -1n },
    { name: "producerEpoch", type: "int16", versions: "0+" },
  ],
} as const satisfies MessageSchema;

/** Encodes and decodes InitProducerId requests, v0–v5. */
export const initProducerIdRequest: MessageCodec<InitProducerIdRequest> = defineMessage(
  initProducerIdRequestSchema,
  API_VERSIONS.InitProducerId,
);

/** Encodes and decodes InitProducerId responses, v0–v5. */
export const initProducerIdResponse: MessageCodec<InitProducerIdResponse> = defineMessage(
  initProducerIdResponseSchema,
  API_VERSIONS.InitProducerId,
);
