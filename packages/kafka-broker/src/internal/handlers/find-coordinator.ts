/**
 * FindCoordinator (10), v0–6: the lowest live broker of the cluster
 * coordinates every key (a single broker: itself). Advertised mainly because librdkafka 2.0.2 gates LZ4 on it
 * (KAFKA.md §2.8); the group and transaction APIs a coordinator would then
 * serve are not advertised, so clients that need them learn it from
 * ApiVersions. v0–3 ask for one key; v4+ for a batch (`coordinator_keys`).
 */

import { ApiKey, type FindCoordinatorRequest, type RequestHeader } from "@csp-kit/kafka-protocol";
import { type BrokerContext, respond } from "./context.js";

/** Answers with the coordinator for the key (v0–3) or for every key (v4+). */
export function handleFindCoordinator(
  ctx: BrokerContext,
  header: RequestHeader,
  body: FindCoordinatorRequest,
): Uint8Array {
  const nodeId = ctx.cluster.controllerId();
  const coordinator = ctx.cluster.brokers().find((b) => b.nodeId === nodeId);
  const host = coordinator?.host ?? ctx.advertisedHost;
  const port = coordinator?.port ?? ctx.advertisedPort();
  // v0-3 answer in the top-level fields, v4+ in `coordinators`: the other side holds its defaults.
  const batched = header.apiVersion >= 4;
  return respond(ApiKey.FindCoordinator, header.apiVersion, header.correlationId, {
    throttleTimeMs: 0,
    errorCode: 0,
    errorMessage: null,
    nodeId: batched ? 0 : nodeId,
    host: batched ? "" : host,
    port: batched ? 0 : port,
    coordinators: (batched ? body.coordinatorKeys : []).map((key) => ({
      key,
      nodeId,
      host,
      port,
      errorCode: 0,
      errorMessage: null,
    })),
  });
}
