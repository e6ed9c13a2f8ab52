/**
 * ApiVersions (18): the ranges of versions.ts, at any served version; and
 * for a version above the broker's, the KIP-511 fallback — a v0-shaped body
 * with UNSUPPORTED_VERSION and ApiVersions' own range, after which
 * librdkafka retries at v0 and kafkajs at its next lower version.
 */

import {
  ApiKey,
  type ApiVersion,
  type ApiVersionsRequest,
  apiVersionsFallback,
  type RequestHeader,
} from "@csp-kit/kafka-protocol";
import { ADVERTISED_VERSIONS, advertisedRange } from "../server/versions.js";
import { respond } from "./context.js";

function advertised(): ApiVersion[] {
  return ADVERTISED_VERSIONS.map((v) => ({ apiKey: v.apiKey, minVersion: v.minVersion, maxVersion: v.maxVersion }));
}

/** The answer to a served ApiVersions request: every advertised range. */
export function handleApiVersions(header: RequestHeader, _body: ApiVersionsRequest): Uint8Array {
  return respond(ApiKey.ApiVersions, header.apiVersion, header.correlationId, {
    errorCode: 0,
    apiKeys: advertised(),
    throttleTimeMs: 0,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1n,
    finalizedFeatures: [],
    zkMigrationReady: false,
  });
}

/** The answer to an ApiVersions request above the served versions: encoded at v0, whatever was asked. */
export function apiVersionsFallbackFrame(correlationId: number): Uint8Array {
  const own = advertisedRange(ApiKey.ApiVersions)!;
  return respond(
    ApiKey.ApiVersions,
    0,
    correlationId,
    apiVersionsFallback([{ apiKey: own.apiKey, minVersion: own.minVersion, maxVersion: own.maxVersion }]),
  );
}
