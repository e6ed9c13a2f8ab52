/**
 * Whole frames: a request or response body with its header and its 4-byte
 * size, dispatched by API key to the message codecs of `messages/`.
 *
 * ```
 * request frame   size int32 | api_key int16, api_version int16, correlation_id int32,
 *                              client_id nullable_string (always int16-length),
 *                              [tagged fields: header v2, flexible versions] | body
 * response frame  size int32 | correlation_id int32, [tagged fields: header v1,
 *                              flexible versions except ApiVersions] | body
 * ```
 *
 * Invariants:
 * - `encode*` return a complete frame: the size prefix is reserved first and
 *   filled in place once the body is written (nothing is copied).
 * - `decode*` take a frame *without* its size prefix (what a frame splitter
 *   hands over) and read all of it: trailing bytes are an `invalid-value`
 *   error, as are an unknown API key and a body that does not parse; a version
 *   outside the implemented range is `unsupported-version`. Nothing but a
 *   `ProtocolError` is thrown.
 * - The header version follows the API version: request header v2 and
 *   response header v1 from the API's first flexible version, v1 and v0
 *   before — except ApiVersions responses, whose header is v0 at every
 *   version (a client must read it before it knows what the broker speaks).
 */

import { ProtocolError } from "./errors.js";
import { beginFrame, endFrame } from "./frame.js";
import {
  decodeRequestHeader,
  decodeResponseHeader,
  encodeRequestHeader,
  encodeResponseHeader,
  type RequestHeader,
  responseHeaderVersion,
} from "./header.js";
import type { MessageCodec } from "./internal/schema/codec.js";
import {
  type ApiVersionsRequest,
  type ApiVersionsResponse,
  apiVersionsRequest,
  apiVersionsResponse,
} from "./messages/api-versions.js";
import {
  type CreateTopicsRequest,
  type CreateTopicsResponse,
  createTopicsRequest,
  createTopicsResponse,
} from "./messages/create-topics.js";
import {
  type DeleteTopicsRequest,
  type DeleteTopicsResponse,
  deleteTopicsRequest,
  deleteTopicsResponse,
} from "./messages/delete-topics.js";
import { type FetchRequest, type FetchResponse, fetchRequest, fetchResponse } from "./messages/fetch.js";
import {
  type FindCoordinatorRequest,
  type FindCoordinatorResponse,
  findCoordinatorRequest,
  findCoordinatorResponse,
} from "./messages/find-coordinator.js";
import {
  type InitProducerIdRequest,
  type InitProducerIdResponse,
  initProducerIdRequest,
  initProducerIdResponse,
} from "./messages/init-producer-id.js";
import {
  type ListOffsetsRequest,
  type ListOffsetsResponse,
  listOffsetsRequest,
  listOffsetsResponse,
} from "./messages/list-offsets.js";
import { type MetadataRequest, type MetadataResponse, metadataRequest, metadataResponse } from "./messages/metadata.js";
import { type ProduceRequest, type ProduceResponse, produceRequest, produceResponse } from "./messages/produce.js";
import { Reader } from "./reader.js";
import { Writer } from "./writer.js";

/** The request body type of every implemented API, by API key. */
export interface RequestBodies {
  0: ProduceRequest;
  1: FetchRequest;
  2: ListOffsetsRequest;
  3: MetadataRequest;
  10: FindCoordinatorRequest;
  18: ApiVersionsRequest;
  19: CreateTopicsRequest;
  20: DeleteTopicsRequest;
  22: InitProducerIdRequest;
}

/** The response body type of every implemented API, by API key. */
export interface ResponseBodies {
  0: ProduceResponse;
  1: FetchResponse;
  2: ListOffsetsResponse;
  3: MetadataResponse;
  10: FindCoordinatorResponse;
  18: ApiVersionsResponse;
  19: CreateTopicsResponse;
  20: DeleteTopicsResponse;
  22: InitProducerIdResponse;
}

/** An API key this package has message codecs for. */
export type MessageApiKey = keyof RequestBodies & keyof ResponseBodies;

/** The request codec of every implemented API, by API key. */
export const REQUEST_CODECS: { readonly [K in MessageApiKey]: MessageCodec<RequestBodies[K]> } = Object.freeze({
  0: produceRequest,
  1: fetchRequest,
  2: listOffsetsRequest,
  3: metadataRequest,
  10: findCoordinatorRequest,
  18: apiVersionsRequest,
  19: createTopicsRequest,
  20: deleteTopicsRequest,
  22: initProducerIdRequest,
});

/** The response codec of every implemented API, by API key. */
export const RESPONSE_CODECS: { readonly [K in MessageApiKey]: MessageCodec<ResponseBodies[K]> } = Object.freeze({
  0: produceResponse,
  1: fetchResponse,
  2: listOffsetsResponse,
  3: metadataResponse,
  10: findCoordinatorResponse,
  18: apiVersionsResponse,
  19: createTopicsResponse,
  20: deleteTopicsResponse,
  22: initProducerIdResponse,
});

/** A decoded request: its header and body, discriminated on `apiKey` (narrow on it to get the body's type). */
export type DecodedRequest = {
  [K in MessageApiKey]: {
    /** The API key, repeated from the header so that `switch (req.apiKey)` narrows `body`. */
    readonly apiKey: K;
    readonly header: RequestHeader & { readonly apiKey: K };
    readonly body: RequestBodies[K];
  };
}[MessageApiKey];

/** A decoded response: the correlation id from its header, and its body. */
export interface DecodedResponse<K extends MessageApiKey> {
  readonly correlationId: number;
  readonly body: ResponseBodies[K];
}

function requestCodec(apiKey: number, at: number): MessageCodec<unknown> {
  const codec = (REQUEST_CODECS as Record<number, MessageCodec<unknown> | undefined>)[apiKey];
  if (codec === undefined) {
    throw new ProtocolError("invalid-value", `API key ${apiKey} has no message codec in this package`, at);
  }
  return codec;
}

function responseCodec(apiKey: number): MessageCodec<unknown> {
  const codec = (RESPONSE_CODECS as Record<number, MessageCodec<unknown> | undefined>)[apiKey];
  if (codec === undefined) {
    throw new ProtocolError("invalid-value", `API key ${apiKey} has no message codec in this package`);
  }
  return codec;
}

function checkVersion(codec: MessageCodec<unknown>, version: number, at = -1): void {
  if (!(Number.isInteger(version) && version >= codec.minVersion && version <= codec.maxVersion)) {
    throw new ProtocolError(
      "unsupported-version",
      `${codec.name} v${version} is not supported: this package implements v${codec.minVersion} to v${codec.maxVersion}`,
      at,
    );
  }
}

/**
 * Encodes a request as a complete frame: size, header (v1, or v2 at flexible
 * versions), body.
 *
 * Throws a `ProtocolError`: `invalid-value` for an API key without a codec or
 * a body the version cannot carry; `unsupported-version` for a version outside
 * the implemented range.
 *
 * Gotchas: the result is a view of `w`'s buffer when a writer is passed (the
 * frame is appended at its offset): write it out before reusing the writer.
 *
 * @example
 * ```ts run
 * import { ApiKey, decodeRequest, encodeRequest, FrameSplitter } from "@csp-kit/kafka-protocol";
 *
 * const frame = encodeRequest(
 *   { apiKey: ApiKey.Metadata, apiVersion: 4, correlationId: 2, clientId: "rdkafka" },
 *   { topics: [{ topicId: "AAAAAAAAAAAAAAAAAAAAAA", name: "h" }], allowAutoTopicCreation: true,
 *     includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false },
 * );
 * // socket.write(frame); the broker's side splits and decodes it:
 * const [body] = new FrameSplitter().push(frame);
 * const req = decodeRequest(body as Uint8Array);
 * console.log(req.header.correlationId, req.apiKey === ApiKey.Metadata && req.body.topics?.[0]?.name); // → 2 h
 * if (req.apiKey !== ApiKey.Metadata || req.body.topics?.[0]?.name !== "h") throw new Error("not the Metadata request sent");
 * ```
 */
export function encodeRequest<K extends MessageApiKey>(
  header: RequestHeader & { readonly apiKey: K },
  body: RequestBodies[K],
  w: Writer = new Writer(),
): Uint8Array {
  const codec = requestCodec(header.apiKey, -1);
  checkVersion(codec, header.apiVersion);
  const start = w.offset;
  try {
    const at = beginFrame(w);
    encodeRequestHeader(w, header);
    codec.encode(w, header.apiVersion, body);
    endFrame(w, at);
  } catch (e) {
    w.offset = start;
    throw e;
  }
  return w.buffer.subarray(start, w.offset);
}

/**
 * Decodes a request frame (without its size prefix): header, then body.
 *
 * Throws a `ProtocolError` (and nothing else): `invalid-value` for an unknown
 * API key, trailing bytes or a malformed body; `truncated` for a frame cut
 * short; `unsupported-version` for a version outside the implemented range.
 *
 * Gotchas: byte fields of the body (`records`) are views into `frame`. A
 * broker that gets `unsupported-version` for ApiVersions must still answer
 * (with `apiVersionsFallback` at v0): `decodeRequestHeader` reads the
 * header of any version, correlation id included.
 *
 * @example
 * ```ts run
 * import { ApiKey, decodeRequest, encodeRequest, FrameSplitter } from "@csp-kit/kafka-protocol";
 *
 * const wire = encodeRequest(
 *   { apiKey: ApiKey.Metadata, apiVersion: 4, correlationId: 7, clientId: "app" },
 *   { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false,
 *     includeTopicAuthorizedOperations: false },
 * );
 * const [frame] = new FrameSplitter().push(wire); // a frame body, without its size prefix
 * const req = decodeRequest(frame as Uint8Array);
 * let handled = "";
 * switch (req.apiKey) {
 *   case ApiKey.Produce: handled = `produce acks=${req.body.acks}`; break; // body: ProduceRequest
 *   case ApiKey.Metadata: handled = `metadata topics=${String(req.body.topics)}`; break; // body: MetadataRequest
 * }
 * console.log(handled); // → metadata topics=null
 * if (handled !== "metadata topics=null") throw new Error(`handled ${handled}`);
 * ```
 */
export function decodeRequest(frame: Uint8Array): DecodedRequest {
  const r = new Reader(frame);
  const header = decodeRequestHeader(r);
  const codec = requestCodec(header.apiKey, 0);
  checkVersion(codec, header.apiVersion, 2);
  const body = codec.decode(r, header.apiVersion);
  r.complete(`${codec.name} v${header.apiVersion}`);
  return { apiKey: header.apiKey, header, body } as DecodedRequest;
}

/**
 * Encodes a response as a complete frame: size, header (v0, or v1 at flexible
 * versions except for ApiVersions), body.
 *
 * Throws a `ProtocolError` as {@link encodeRequest} does.
 *
 * Gotchas: Produce with acks = 0 gets no response at all — do not send one.
 *
 * @example
 * ```ts run
 * import { ApiKey, decodeResponse, encodeResponse, FrameSplitter } from "@csp-kit/kafka-protocol";
 *
 * const header = { correlationId: 5 }; // from decodeRequest
 * const wire = encodeResponse(ApiKey.InitProducerId, 4, header.correlationId,
 *   { throttleTimeMs: 0, errorCode: 0, producerId: 1000n, producerEpoch: 0 });
 * // socket.write(wire); the client's side:
 * const [frame] = new FrameSplitter().push(wire);
 * const { correlationId, body } = decodeResponse(ApiKey.InitProducerId, 4, frame as Uint8Array);
 * console.log(correlationId, body.producerId); // → 5 1000n
 * if (correlationId !== 5 || body.producerId !== 1000n) throw new Error(`got ${correlationId} ${body.producerId}`);
 * ```
 */
export function encodeResponse<K extends MessageApiKey>(
  apiKey: K,
  version: number,
  correlationId: number,
  body: ResponseBodies[K],
  w: Writer = new Writer(),
): Uint8Array {
  const codec = responseCodec(apiKey);
  checkVersion(codec, version);
  const start = w.offset;
  try {
    const at = beginFrame(w);
    encodeResponseHeader(w, correlationId, responseHeaderVersion(apiKey, version));
    codec.encode(w, version, body);
    endFrame(w, at);
  } catch (e) {
    w.offset = start;
    throw e;
  }
  return w.buffer.subarray(start, w.offset);
}

/**
 * Decodes a response frame (without its size prefix) to an API and version
 * the caller knows (from its request with this correlation id).
 *
 * Throws a `ProtocolError` (and nothing else), as {@link decodeRequest} does.
 *
 * @example
 * ```ts run
 * import { ApiKey, decodeResponse, encodeResponse, FrameSplitter } from "@csp-kit/kafka-protocol";
 *
 * const wire = encodeResponse(ApiKey.Metadata, 4, 2, { throttleTimeMs: 0, brokers: [], clusterId: "c1", controllerId: 1, topics: [],
 *   clusterAuthorizedOperations: -2147483648 });
 * const [frame] = new FrameSplitter().push(wire); // the size prefix removed
 * const { correlationId, body } = decodeResponse(ApiKey.Metadata, 4, frame as Uint8Array);
 * console.log(correlationId, body.clusterId); // → 2 c1
 * if (correlationId !== 2 || body.clusterId !== "c1") throw new Error(`got ${correlationId} ${body.clusterId}`);
 * ```
 */
export function decodeResponse<K extends MessageApiKey>(
  apiKey: K,
  version: number,
  frame: Uint8Array,
): DecodedResponse<K> {
  const codec = responseCodec(apiKey);
  checkVersion(codec, version);
  const r = new Reader(frame);
  const { correlationId } = decodeResponseHeader(r, responseHeaderVersion(apiKey, version));
  const body = codec.decode(r, version) as ResponseBodies[K];
  r.complete(`${codec.name} v${version}`);
  return { correlationId, body };
}
