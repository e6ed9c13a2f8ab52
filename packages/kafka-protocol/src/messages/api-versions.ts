/**
 * ApiVersions (API key 18), versions 0–4, flexible from v3: the first request
 * on every connection; the broker answers with the version range of every API
 * it serves.
 *
 * Grammar (fields in wire order; `// vN+` marks the version that adds a field):
 *
 * ```
 * ApiVersionsRequest
 *   v0-2:  (empty body)
 *   v3-4:  client_software_name compact_string          // v3+
 *          client_software_version compact_string       // v3+
 *          _tagged_fields
 *
 * ApiVersionsResponse                                    (response header v0 at EVERY version)
 *   error_code int16
 *   api_keys [ApiVersion]                                (compact array at v3+)
 *     api_key int16, min_version int16, max_version int16, (v3+ _tagged_fields)
 *   throttle_time_ms int32                               // v1+
 *   v3+ tagged: 0 supported_features [SupportedFeatureKey name, min_version, max_version]
 *               1 finalized_features_epoch int64 (default -1)
 *               2 finalized_features [FinalizedFeatureKey name, max_version_level, min_version_level]
 *               3 zk_migration_ready bool (default false)
 *   _tagged_fields                                       // v3+
 * ```
 *
 * Error codes: `error_code` — 0 NONE, 35 UNSUPPORTED_VERSION (the request's
 * version is above the broker's: the body is then v0-shaped and `api_keys`
 * holds at least ApiVersions' own range, KIP-511), 42 INVALID_REQUEST (a v3+
 * client software name or version that is not `[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?`).
 *
 * Gotchas: a broker that cannot parse the request's version answers with
 * {@link apiVersionsFallback} encoded at v0 — librdkafka then retries at v0.
 * The response header is always v0 (no tagged fields), even at v3 and v4:
 * `encodeResponse` in request.ts does that.
 */

import { API_VERSIONS } from "../api-keys.js";
import { KafkaErrorCode } from "../error-codes.js";
import { defineMessage, type MessageCodec } from "../internal/schema/codec.js";
import type { MessageSchema } from "../internal/schema/types.js";

/** ApiVersions request body. v0–v2 have no fields: both names hold `""` there. */
export interface ApiVersionsRequest {
  /** The client's software name, e.g. `"librdkafka"` (v3+). */
  clientSoftwareName: string;
  /** The client's software version, e.g. `"2.0.2"` (v3+). */
  clientSoftwareVersion: string;
}

/** One API's supported version range. */
export interface ApiVersion {
  /** The API key. */
  apiKey: number;
  /** Lowest supported version, inclusive. */
  minVersion: number;
  /** Highest supported version, inclusive. */
  maxVersion: number;
}

/** A feature the broker supports (v3+, tagged). */
export interface SupportedFeatureKey {
  name: string;
  minVersion: number;
  maxVersion: number;
}

/** A cluster-wide finalized feature (v3+, tagged). */
export interface FinalizedFeatureKey {
  name: string;
  maxVersionLevel: number;
  minVersionLevel: number;
}

/** ApiVersions response body. */
export interface ApiVersionsResponse {
  /** 0, 35 UNSUPPORTED_VERSION or 42 INVALID_REQUEST. */
  errorCode: number;
  /** The APIs the broker supports and their version ranges. */
  apiKeys: ApiVersion[];
  /** Throttle time in ms (v1+; 0 before). */
  throttleTimeMs: number;
  /** Tag 0 (v3+): features the broker supports. */
  supportedFeatures: SupportedFeatureKey[];
  /** Tag 1 (v3+): epoch of the finalized features; -1 when unknown. */
  finalizedFeaturesEpoch: bigint;
  /** Tag 2 (v3+): the cluster's finalized features (valid when the epoch is >= 0). */
  finalizedFeatures: FinalizedFeatureKey[];
  /** Tag 3 (v3+): set by a KRaft controller ready for ZooKeeper migration. */
  zkMigrationReady: boolean;
}

/** The ApiVersions request schema, transcribed from Kafka's ApiVersionsRequest.json. */
export const apiVersionsRequestSchema = {
  name: "ApiVersionsRequest",
  apiKey: 18,
  type: "request",
  validVersions: "0-4",
  flexibleVersions: "3+",
  fields: [
    { name: "clientSoftwareName", type: "string", versions: "3+", ignorable: true }, // v3+
    { name: "clientSoftwareVersion", type: "string", versions: "3+", ignorable: true }, // v3+
  ],
} as const satisfies MessageSchema;

/** The ApiVersions response schema, transcribed from Kafka's ApiVersionsResponse.json. */
export const apiVersionsResponseSchema = {
  name: "ApiVersionsResponse",
  apiKey: 18,
  type: "response",
  validVersions: "0-4",
  flexibleVersions: "3+",
  fields: [
    { name: "errorCode", type: "int16", versions: "0+" },
    {
      name: "apiKeys",
      type: "[]ApiVersion",
      versions: "0+",
      fields: [
        { name: "apiKey", type: "int16", versions: "0+" },
        { name: "minVersion", type: "int16", versions: "0+" },
        { name: "maxVersion", type: "int16", versions: "0+" },
      ],
    },
    { name: "throttleTimeMs", type: "int32", versions: "1+", ignorable: true }, // v1+
    {
      name: "supportedFeatures", // v3+, tag 0
      type: "[]SupportedFeatureKey",
      versions: "3+",
      tag: 0,
      taggedVersions: "3+",
      ignorable: true,
      fields: [
        { name: "name", type: "string", versions: "3+" },
        { name: "minVersion", type: "int16", versions: "3+" },
        { name: "maxVersion", type: "int16", versions: "3+" },
      ],
    },
    // v3+, tag 1
    {
      name: "finalizedFeaturesEpoch",
      type: "int64",
      versions: "3+",
      tag: 1,
      taggedVersions: "3+",
      default: -1n,
      ignorable: true,
    },
    {
      name: "finalizedFeatures", // v3+, tag 2
      type: "[]FinalizedFeatureKey",
      versions: "3+",
      tag: 2,
      taggedVersions: "3+",
      ignorable: true,
      fields: [
        { name: "name", type: "string", versions: "3+" },
        { name: "maxVersionLevel", type: "int16", versions: "3+" },
        { name: "minVersionLevel", type: "int16", versions: "3+" },
      ],
    },
    // v3+, tag 3
    {
      name: "zkMigrationReady",
      type: "bool",
      versions: "3+",
      tag: 3,
      taggedVersions: "3+",
      default: false,
      ignorable: true,
    },
  ],
} as const satisfies MessageSchema;

/** Encodes and decodes ApiVersions requests, v0–v4. */
export const apiVersionsRequest: MessageCodec<ApiVersionsRequest> = defineMessage(
  apiVersionsRequestSchema,
  API_VERSIONS.ApiVersions,
);

/** Encodes and decodes ApiVersions responses, v0–v4. */
export const apiVersionsResponse: MessageCodec<ApiVersionsResponse> = defineMessage(
  apiVersionsResponseSchema,
  API_VERSIONS.ApiVersions,
);

/**
 * The body a broker answers an ApiVersions request of a version it does not
 * implement with: error 35 (UNSUPPORTED_VERSION) and `apiKeys`, to be encoded
 * at **v0** whatever version was asked for (Kafka parses such a request as v0
 * and replies in v0; KIP-511 asks that `apiKeys` hold at least ApiVersions' range).
 *
 * Gotchas: encode it with `encodeResponse(ApiKey.ApiVersions, 0, correlationId, body)`
 * — the header is v0 anyway. librdkafka 2.0.2 reads it, fails to parse it as
 * v3, and falls back to v0 (KAFKA.md §2.7).
 *
 * @example
 * ```ts run
 * import { ApiKey, apiVersionsFallback, decodeResponse, encodeResponse, FrameSplitter } from "@csp-kit/kafka-protocol";
 *
 * const header = { correlationId: 3 }; // read by decodeRequestHeader from a request of an unsupported version
 * const frame = encodeResponse(ApiKey.ApiVersions, 0, header.correlationId,
 *   apiVersionsFallback([{ apiKey: 18, minVersion: 0, maxVersion: 4 }]));
 * const { body } = decodeResponse(ApiKey.ApiVersions, 0, new FrameSplitter().push(frame)[0] as Uint8Array);
 * console.log(body.errorCode, body.apiKeys); // → 35 [{ apiKey: 18, minVersion: 0, maxVersion: 4 }]
 * if (body.errorCode !== 35 || body.apiKeys[0]?.maxVersion !== 4) throw new Error(`got ${body.errorCode}`);
 * ```
 */
export function apiVersionsFallback(apiKeys: ApiVersion[]): ApiVersionsResponse {
  return {
    errorCode: KafkaErrorCode.UNSUPPORTED_VERSION,
    apiKeys,
    throttleTimeMs: 0,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1n,
    finalizedFeatures: [],
    zkMigrationReady: false,
  };
}
