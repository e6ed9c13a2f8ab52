/**
 * The request router: one function from a decoded request to its handler,
 * by API key. Every served API has a handler here; the reader has already
 * closed connections for anything else (versions.ts).
 */

import { ApiKey } from "@csp-kit/kafka-protocol";
import type { ConnectionContext, Dispatch, InboundRequest } from "../server/connection.js";
import type { PendingResponse } from "../server/outbox.js";
import { apiVersionsFallbackFrame, handleApiVersions } from "./api-versions.js";
import type { BrokerContext } from "./context.js";
import { handleCreateTopics } from "./create-topics.js";
import { handleDeleteTopics } from "./delete-topics.js";
import { handleFetch } from "./fetch.js";
import { handleFindCoordinator } from "./find-coordinator.js";
import { handleInitProducerId } from "./init-producer-id.js";
import { handleListOffsets } from "./list-offsets.js";
import { handleMetadata } from "./metadata.js";
import { handleProduce } from "./produce.js";

/** Makes the router of a broker. */
export function createDispatch(ctx: BrokerContext): Dispatch {
  return (inbound: InboundRequest, connection: ConnectionContext): PendingResponse => {
    if (inbound.kind === "api-versions-fallback") return apiVersionsFallbackFrame(inbound.correlationId);
    const request = inbound.request;
    switch (request.apiKey) {
      case ApiKey.Produce:
        return handleProduce(ctx, request.header, request.body);
      case ApiKey.Fetch:
        return handleFetch(ctx, connection, request.header, request.body);
      case ApiKey.ListOffsets:
        return handleListOffsets(ctx, request.header, request.body);
      case ApiKey.Metadata:
        return handleMetadata(ctx, request.header, request.body);
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
  };
}
