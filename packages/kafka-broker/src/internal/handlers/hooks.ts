/**
 * The broker's one injection point for tests: the request hooks the
 * dispatcher calls before it routes a request, when (and only when) a
 * fault injector is attached (`@csp-kit/kafka-broker/testing`). With none
 * attached the dispatcher reads one field, finds `undefined`, and routes as
 * before: no other cost.
 *
 * A hook sees each decoded request once, in request order, synchronously,
 * before the request is handled, and answers with a plan (or nothing, for
 * "handle it normally"). The plan is carried out by the dispatcher and by the
 * handlers of the partitioned APIs:
 *
 * | plan field       | who carries it out            | effect                                                        |
 * |------------------|-------------------------------|---------------------------------------------------------------|
 * | `drop`: before   | dispatch                      | the connection closes now; the request is not handled         |
 * | `partitionError` | Produce, Fetch, ListOffsets, Metadata | a partition (Metadata: a topic) with a code is answered with it and not touched (no append, no read); the others are served |
 * | `topLevelError`  | dispatch (error-response.ts)  | APIs with a top-level error code are answered with it, unhandled |
 * | `drop`: after    | dispatch                      | the request is handled (a Produce's appends are made), then the connection closes before its response is written |
 * | `hold`           | dispatch                      | the response is written once `hold` settles (latency, a stall) |
 *
 * Invariants: a hook never throws for what a client sends (the dispatcher
 * treats a throw as an internal error, as for any handler); the handling
 * of a connection's requests stays in request order whatever the plans say
 * (a hold delays a response, never the handling of the next request).
 */

import type { DecodedRequest } from "@csp-kit/kafka-protocol";
import type { ConnectionContext } from "../server/connection.js";
import type { BrokerContext } from "./context.js";

/**
 * The error code to answer a partition with, or undefined to serve it.
 * Metadata asks with partition -1 for a topic.
 */
export type PartitionFaults = (topic: string, partition: number) => number | undefined;

/** What to do with one request; every field is optional (see the file header). */
export interface RequestPlan {
  /** Partitions (Metadata: topics, partition -1) to fail, each with its error code. */
  readonly partitionError?: PartitionFaults | undefined;
  /** Answer with this top-level error code instead of handling (APIs that have one). */
  readonly topLevelError?: number | undefined;
  /** Close the connection before handling the request, or after handling it instead of responding. */
  readonly drop?: "before-handling" | "after-handling" | undefined;
  /** Write the response only once this settles; it must settle when `connection.signal` aborts. */
  readonly hold?: Promise<void> | undefined;
}

/** The hooks a fault injector attaches to a broker (`BrokerContext.hooks`). */
export interface RequestHooks {
  /** One call per decoded request, before it is handled, in request order. Synchronous. */
  onRequest(request: DecodedRequest, connection: ConnectionContext, broker: BrokerContext): RequestPlan | undefined;
}
