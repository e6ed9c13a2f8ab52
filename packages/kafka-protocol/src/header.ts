/**
 * Request and response headers: what comes first in every frame body, and
 * which header version an API version uses.
 *
 * Grammar (apache/kafka `RequestHeader.json`, `ResponseHeader.json`):
 *
 * ```
 * RequestHeader v0  => api_key INT16 api_version INT16 correlation_id INT32
 *                      (only ControlledShutdown v0 uses it)
 * RequestHeader v1  => api_key INT16 api_version INT16 correlation_id INT32
 *                      client_id NULLABLE_STRING
 * RequestHeader v2  => v1, then TAG_BUFFER             (flexible API versions)
 *                      client_id stays a classic int16-length string, so a
 *                      broker of any age can read an ApiVersions header.
 * ResponseHeader v0 => correlation_id INT32
 * ResponseHeader v1 => correlation_id INT32 TAG_BUFFER (flexible API versions)
 * ```
 *
 * Which version: a request uses header v2 from its API's first flexible
 * version, v1 before (v0 for ControlledShutdown v0); a response uses v1 from
 * the first flexible version, v0 before, **except ApiVersions, whose
 * responses always use v0**, so a client can read the answer even when it
 * asked with a version the broker does not know (KIP-511). Header tag
 * sections carry no field this package knows; unknown tags are skipped.
 *
 * Invariants: `encodeX` then `decodeX` on the same header version gives back
 * the same fields; a decoder consumes exactly the header and leaves the
 * reader at the first body byte.
 */

import { ApiKey, apiName, isFlexibleVersion, isKnownApiKey } from "./api-keys.js";
import { ProtocolError } from "./errors.js";
import type { Reader } from "./reader.js";
import type { Writer } from "./writer.js";

/** A request header version. */
export type RequestHeaderVersion = 0 | 1 | 2;

/** A response header version. */
export type ResponseHeaderVersion = 0 | 1;

/** The fields of a request header (every version; `clientId` is absent on the wire in v0 and decodes as null). */
export interface RequestHeader {
  /** Which API (see {@link ApiKey}). */
  readonly apiKey: number;
  /** Which version of that API the body is. */
  readonly apiVersion: number;
  /** Chosen by the client; the response carries it back. */
  readonly correlationId: number;
  /** The client's name for logs and quotas, or null. */
  readonly clientId: string | null;
}

/** The fields of a response header. */
export interface ResponseHeader {
  /** The correlation id of the request this answers. */
  readonly correlationId: number;
}

/**
 * The request header version for `apiVersion` of `apiKey`: 2 for flexible
 * versions, 1 otherwise, 0 for ControlledShutdown v0.
 *
 * @throws {@link ProtocolError} kind `invalid-value` for an API key Kafka
 *   does not define (its header version is unknowable).
 */
export function requestHeaderVersion(apiKey: number, apiVersion: number): RequestHeaderVersion {
  checkKey(apiKey, apiVersion);
  if (apiKey === ApiKey.ControlledShutdown && apiVersion === 0) return 0;
  return isFlexibleVersion(apiKey, apiVersion) ? 2 : 1;
}

/**
 * The response header version for `apiVersion` of `apiKey`: 1 for flexible
 * versions, 0 otherwise, and always 0 for ApiVersions.
 *
 * @throws {@link ProtocolError} kind `invalid-value` for an API key Kafka
 *   does not define.
 */
export function responseHeaderVersion(apiKey: number, apiVersion: number): ResponseHeaderVersion {
  checkKey(apiKey, apiVersion);
  if (apiKey === ApiKey.ApiVersions) return 0;
  return isFlexibleVersion(apiKey, apiVersion) ? 1 : 0;
}

/**
 * Writes `header` in the header version its API version calls for
 * ({@link requestHeaderVersion}); the body follows.
 *
 * @throws {@link ProtocolError} kind `invalid-value` for an unknown API key
 *   or a field out of its wire range (int16, int32, a client id over 32,767
 *   UTF-8 bytes).
 *
 * @example
 * ```ts run
 * import { ApiKey, decodeRequestHeader, encodeRequestHeader, Reader, Writer } from "@csp-kit/kafka-protocol";
 *
 * const w = new Writer();
 * encodeRequestHeader(w, { apiKey: ApiKey.ApiVersions, apiVersion: 3, correlationId: 1, clientId: "rdkafka" });
 * const back = decodeRequestHeader(new Reader(w.finish()));
 * console.log(back.correlationId, back.clientId); // → 1 rdkafka
 * if (back.correlationId !== 1 || back.clientId !== "rdkafka") throw new Error(`got ${back.correlationId} ${back.clientId}`);
 * ```
 */
export function encodeRequestHeader(w: Writer, header: RequestHeader): void {
  const version = requestHeaderVersion(header.apiKey, header.apiVersion);
  w.int16(header.apiKey);
  w.int16(header.apiVersion);
  w.int32(header.correlationId);
  if (version >= 1) w.nullableString(header.clientId);
  if (version === 2) w.emptyTaggedFields();
}

/**
 * Reads a request header: the api key and version first, then the rest in
 * the header version they call for. Leaves `r` at the first body byte.
 *
 * Gotchas: the API version is not checked against what this package
 * supports (a broker must still answer an ApiVersions request of a version
 * it does not know; check with `isSupportedVersion`).
 *
 * @throws {@link ProtocolError} kind `truncated` when the bytes end inside
 *   the header, `invalid-value` for an API key Kafka does not define or a
 *   negative API version.
 */
export function decodeRequestHeader(r: Reader): RequestHeader {
  const apiKey = r.int16();
  const apiVersion = r.int16();
  if (!isKnownApiKey(apiKey)) {
    throw new ProtocolError(
      "invalid-value",
      `request header names API key ${apiKey}, which Kafka does not define (version ${apiVersion}); close the connection`,
      r.offset - 4,
    );
  }
  if (apiVersion < 0) {
    throw new ProtocolError(
      "invalid-value",
      `request header names ${apiName(apiKey)} version ${apiVersion}; versions are never negative`,
      r.offset - 2,
    );
  }
  const version = requestHeaderVersion(apiKey, apiVersion);
  const correlationId = r.int32();
  const clientId = version >= 1 ? r.nullableString() : null;
  if (version === 2) r.taggedFields();
  return { apiKey, apiVersion, correlationId, clientId };
}

/**
 * Writes a response header of version `headerVersion` (from
 * {@link responseHeaderVersion}); the body follows.
 *
 * @throws {@link ProtocolError} kind `invalid-value` when `correlationId` is
 *   not an int32 or `headerVersion` is not 0 or 1.
 */
export function encodeResponseHeader(w: Writer, correlationId: number, headerVersion: ResponseHeaderVersion): void {
  checkResponseVersion(headerVersion);
  w.int32(correlationId);
  if (headerVersion === 1) w.emptyTaggedFields();
}

/**
 * Reads a response header of version `headerVersion`. Leaves `r` at the first
 * body byte.
 *
 * Gotchas: a client learns which request a response answers from its
 * correlation id, which is the same 4 bytes in both header versions: read it
 * with {@link peekCorrelationId}, look up the request, then call this with
 * `responseHeaderVersion(request.apiKey, request.apiVersion)`.
 *
 * @throws {@link ProtocolError} kind `truncated` when the bytes end inside
 *   the header, `invalid-value` for a `headerVersion` other than 0 or 1.
 */
export function decodeResponseHeader(r: Reader, headerVersion: ResponseHeaderVersion): ResponseHeader {
  checkResponseVersion(headerVersion);
  const correlationId = r.int32();
  if (headerVersion === 1) r.taggedFields();
  return { correlationId };
}

/**
 * The correlation id of a response frame body (its first 4 bytes), without
 * decoding anything else.
 *
 * @throws {@link ProtocolError} kind `truncated` when `body` is shorter than 4 bytes.
 */
export function peekCorrelationId(body: Uint8Array): number {
  if (!(body instanceof Uint8Array)) {
    throw new ProtocolError("invalid-value", `peekCorrelationId needs a Uint8Array (or Buffer), got ${typeof body}`);
  }
  if (body.length < 4) {
    throw new ProtocolError("truncated", `a response needs 4 bytes of correlation id; this one has ${body.length}`, 0);
  }
  return ((body[0] as number) << 24) | ((body[1] as number) << 16) | ((body[2] as number) << 8) | (body[3] as number);
}

function checkKey(apiKey: number, apiVersion: number): void {
  if (!isKnownApiKey(apiKey)) {
    throw new ProtocolError(
      "invalid-value",
      `API key ${String(apiKey)} is not one Kafka defines (0-87), so its header version (for version ${String(apiVersion)}) is unknown`,
    );
  }
}

function checkResponseVersion(v: number): void {
  if (v !== 0 && v !== 1) {
    throw new ProtocolError(
      "invalid-value",
      `a response header version is 0 or 1 (use responseHeaderVersion(apiKey, apiVersion)), got ${String(v)}`,
    );
  }
}
