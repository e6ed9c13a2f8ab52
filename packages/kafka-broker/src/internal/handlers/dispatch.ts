/**
 * The request router: one function from a decoded request to its handler,
 * by API key. Every served API has a handler here; the reader has already
 * closed connections for anything else (versions.ts).
 *
 * With a fault injector attached (`ctx.hooks`, see hooks.ts) the request
 * goes through `planned` instead: the hook's plan is asked for first and
 * carried out around the same handlers. Without one, the router reads that
 * one field and nothing else changes.
 */

import { ApiKey, type DecodedRequest } from "@csp-kit/kafka-protocol";
import type { ConnectionContext, Dispatch, InboundRequest } from "../server/connection.js";
import type { PendingResponse } from "../server/outbox.js";
import { apiVersionsFallbackFrame, handleApiVersions } from "./api-versions.js";
import type { BrokerContext } from "./context.js";
import { handleCreateTopics } from "./create-topics.js";
import { handleDeleteTopics } from "./delete-topics.js";
import { topLevelErrorFrame } from "./error-response.js";
import { handleFetch } from "./fetch.js";
import { handleFindCoordinator } from "./find-coordinator.js";
import type { PartitionFaults, RequestHooks, RequestPlan } from "./hooks.js";
import { handleInitProducerId } from "./init-producer-id.js";
import { handleListOffsets } from "./list-offsets.js";
import { handleMetadata } from "./metadata.js";
import { handleProduce } from "./produce.js";

/** Makes the router of a broker. */
export function createDispatch(ctx: BrokerContext): Dispatch {
  return (inbound: InboundRequest, connection: ConnectionContext): PendingResponse => {
    if (inbound.kind === "api-versions-fallback") return apiVersionsFallbackFrame(inbound.correlationId);
    const hooks = ctx.hooks;
    if (hooks !== undefined) return planned(ctx, hooks, inbound.request, connection);
    return route(ctx, inbound.request, connection, undefined);
  };
}

/** Starts the handler of `request`; `faults` goes to the handlers that answer per partition. */
function route(
  ctx: BrokerContext,
  request: DecodedRequest,
  connection: ConnectionContext,
  faults: PartitionFaults | undefined,
): PendingResponse {
  switch (request.apiKey) {
    case ApiKey.Produce:
      return handleProduce(ctx, request.header, request.body, faults);
    case ApiKey.Fetch:
      return handleFetch(ctx, connection, request.header, request.body, faults);
    case ApiKey.ListOffsets:
      return handleListOffsets(ctx, request.header, request.body, faults);
    case ApiKey.Metadata:
      return handleMetadata(ctx, request.header, request.body, faults);
    case ApiKey.FindCoordinator:
      return handleFindCoordinator(ctx, request.header, request.body);
    case ApiKey.ApiVersions:
      return handleApiVersions(request.header, request.body);
    case ApiKey.CreateTopics:
      return handleCreateTopics(ctx, request.header, request.body);
    case ApiKey.DeleteTopics:
      return handleDeleteTopics(ctx, request.header, request.body);
    case ApiKey.InitProducerId:
      return handleInitProducerId(ctx, request.header, request.body);
  }
}

/** Carries out a fault injector's plan for one request (the table in hooks.ts), in that order. */
function planned(
  ctx: BrokerContext,
  hooks: RequestHooks,
  request: DecodedRequest,
  connection: ConnectionContext,
): PendingResponse {
  const plan: RequestPlan | undefined = hooks.onRequest(request, connection, ctx);
  if (plan === undefined) return route(ctx, request, connection, undefined);
  if (plan.drop === "before-handling") {
    connection.close(`fault injection: connection dropped before handling ${request.header.correlationId}`, "debug");
    return null;
  }
  const errorFrame = plan.topLevelError === undefined ? undefined : topLevelErrorFrame(request, plan.topLevelError);
  const pending = errorFrame ?? route(ctx, request, connection, plan.partitionError);
  if (plan.drop === "after-handling") {
    // The handler has started (a Produce's appends are made synchronously); its answer is lost with the connection.
    if (pending instanceof Promise) pending.catch(() => {});
    connection.close(
      `fault injection: connection dropped after handling ${request.header.correlationId}, before its response`,
      "debug",
    );
    return null;
  }
  const hold = plan.hold;
  if (hold === undefined) return pending;
  if (pending instanceof Promise) pending.catch(() => {}); // handled by the chain below, once the hold ends
  return hold.then(() => pending);
}
