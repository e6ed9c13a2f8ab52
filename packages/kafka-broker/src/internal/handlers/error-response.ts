/**
 * Answers built from a top-level error code, without handling the request:
 * what a fault injector's `topLevelError` plan sends (hooks.ts). One per API
 * whose response has no partitions: ApiVersions, FindCoordinator and
 * InitProducerId carry a top-level error code; CreateTopics and
 * DeleteTopics carry one per topic, and every topic of the request gets it.
 * The partitioned APIs (Produce, Fetch, ListOffsets, Metadata) take their
 * injected errors per partition or topic in their own handlers instead, so
 * that part of a request can fail while the rest is served.
 *
 * Invariants: each answer is a well-formed response of the request's API
 * and version, listing what the request named in its order.
 */

import { ApiKey, type DecodedRequest } from "@csp-kit/kafka-protocol";
import { advertisedRange } from "../server/versions.js";
import { respond, ZERO_UUID } from "./context.js";

const INJECTED = "injected by a fault injector";

/**
 * The response to `request` carrying `errorCode`, or undefined when the API
 * has no top-level error (the partitioned APIs: the caller serves those
 * through their handlers' partition faults).
 */
export function topLevelErrorFrame(request: DecodedRequest, errorCode: number): Uint8Array | undefined {
  const { correlationId, apiVersion: version } = request.header;
  switch (request.apiKey) {
    case ApiKey.ApiVersions: {
      const own = advertisedRange(ApiKey.ApiVersions)!;
      return respond(ApiKey.ApiVersions, version, correlationId, {
        errorCode,
        apiKeys: [{ apiKey: own.apiKey, minVersion: own.minVersion, maxVersion: own.maxVersion }],
        throttleTimeMs: 0,
        supportedFeatures: [],
        finalizedFeaturesEpoch: -1n,
        finalizedFeatures: [],
        zkMigrationReady: false,
      });
    }
    case ApiKey.FindCoordinator: {
      const batched = version >= 4;
      return respond(ApiKey.FindCoordinator, version, correlationId, {
        throttleTimeMs: 0,
        errorCode: batched ? 0 : errorCode,
        errorMessage: batched ? null : INJECTED,
        nodeId: batched ? 0 : -1,
        host: "",
        port: batched ? 0 : -1,
        coordinators: (batched ? request.body.coordinatorKeys : []).map((key) => ({
          key,
          nodeId: -1,
          host: "",
          port: -1,
          errorCode,
          errorMessage: INJECTED,
        })),
      });
    }
    case ApiKey.InitProducerId:
      return respond(ApiKey.InitProducerId, version, correlationId, {
        throttleTimeMs: 0,
        errorCode,
        producerId: -1n,
        producerEpoch: -1,
      });
    case ApiKey.CreateTopics:
      return respond(ApiKey.CreateTopics, version, correlationId, {
        throttleTimeMs: 0,
        topics: request.body.topics.map((t) => ({
          name: t.name,
          topicId: ZERO_UUID,
          errorCode,
          errorMessage: INJECTED,
          topicConfigErrorCode: 0,
          numPartitions: -1,
          replicationFactor: -1,
          configs: null,
        })),
      });
    case ApiKey.DeleteTopics: {
      const named =
        version >= 6
          ? request.body.topics.map((t) => ({ name: t.name, topicId: t.topicId }))
          : request.body.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
      return respond(ApiKey.DeleteTopics, version, correlationId, {
        throttleTimeMs: 0,
        responses: named.map(({ name, topicId }) => ({ name, topicId, errorCode, errorMessage: INJECTED })),
      });
    }
    default:
      return undefined;
  }
}
