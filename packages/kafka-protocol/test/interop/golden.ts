/**
 * Golden-byte checks shared by the interop tier and the plain tier: pair the
 * frames a recording proxy captured into request/response exchanges, decode
 * each frame with this package's codec and re-encode it, and demand the very
 * bytes that were on the wire. Also the capture fixture format
 * (test/fixtures/captures/*.json).
 *
 * Invariants:
 * - every frame handled here includes its 4-byte size prefix (as recorded);
 * - an exchange's response is the response frame with the request's
 *   correlation id on the same connection (Kafka answers in request order, but
 *   pairing by id does not rely on it); a request with no response (Produce
 *   with acks = 0, or a connection cut short) has `response: null`;
 * - {@link checkExchange} throws an Error naming the first differing byte when
 *   a re-encoding differs, and lets a ProtocolError through when a frame does
 *   not decode: either way the capture is not byte-identical.
 */

import {
  ApiKey,
  apiName,
  type DecodedRequest,
  type DecodedResponse,
  decodeRecordBatches,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  type MessageApiKey,
  REQUEST_CODECS,
  type RecordBatch,
  type ResponseBodies,
  readBatchHeaders,
} from "../../src/index.js";

/** A recorded frame, as the testkit's recording proxy returns it. */
export interface Frame {
  readonly connection: number;
  readonly direction: "request" | "response";
  readonly bytes: Uint8Array;
}

/** One request and the response that answered it, as captured on the wire. */
export interface Exchange {
  /** Which client sent it: `"kcat"`, `"kafkajs"`. */
  readonly client: string;
  /** What the client was doing, e.g. `"kcat -P -z lz4"`. */
  readonly scenario: string;
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  /** The request frame, size prefix included. */
  readonly request: Uint8Array;
  /** The response frame, size prefix included, or null when there was none. */
  readonly response: Uint8Array | null;
}

/** An exchange decoded by this package's codec (and checked to re-encode byte for byte). */
export interface CheckedExchange {
  readonly request: DecodedRequest;
  readonly response: DecodedResponse<MessageApiKey> | null;
}

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * Pairs recorded frames into exchanges: per connection, each request with the
 * response carrying its correlation id. Frames from `from` onwards only.
 */
export function pairExchanges(frames: readonly Frame[], client: string, scenario: string, from = 0): Exchange[] {
  const exchanges: Exchange[] = [];
  const responses = new Map<string, Uint8Array>();
  for (const frame of frames.slice(from)) {
    if (frame.direction === "response" && frame.bytes.length >= 8) {
      responses.set(`${frame.connection}/${view(frame.bytes).getInt32(4)}`, frame.bytes);
    }
  }
  for (const frame of frames.slice(from)) {
    if (frame.direction !== "request" || frame.bytes.length < 12) continue;
    const v = view(frame.bytes);
    const correlationId = v.getInt32(8);
    exchanges.push({
      client,
      scenario,
      apiKey: v.getInt16(4),
      apiVersion: v.getInt16(6),
      correlationId,
      request: frame.bytes,
      response: responses.get(`${frame.connection}/${correlationId}`) ?? null,
    });
  }
  return exchanges;
}

/** Throws unless `actual` equals `expected`, naming the first differing byte and the bytes around it. */
export function assertSameBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  const n = Math.min(actual.length, expected.length);
  let at = 0;
  while (at < n && actual[at] === expected[at]) at++;
  if (at === n && actual.length === expected.length) return;
  const hex = (b: Uint8Array) => Buffer.from(b.subarray(Math.max(0, at - 8), at + 16)).toString("hex");
  throw new Error(
    `${what}: the re-encoding differs from the captured bytes at byte ${at} ` +
      `(re-encoded ${actual.length} bytes, captured ${expected.length}); ` +
      `around it: re-encoded ${hex(actual)}, captured ${hex(expected)}`,
  );
}

/** Whether this package has codecs for `apiKey` (the exchange can be checked at all). */
export function hasCodec(apiKey: number): apiKey is MessageApiKey {
  return Object.hasOwn(REQUEST_CODECS, apiKey);
}

/**
 * Decodes both frames of `exchange` with this package's codec and re-encodes
 * them: the request with `encodeRequest` from its decoded header and body, the
 * response with `encodeResponse` at the request's API key and version. Both
 * must give back the captured bytes.
 */
export function checkExchange(exchange: Exchange): CheckedExchange {
  const name = `${exchange.scenario}: ${apiName(exchange.apiKey)} v${exchange.apiVersion} #${exchange.correlationId}`;
  if (!hasCodec(exchange.apiKey)) throw new Error(`${name}: this package has no codec for API key ${exchange.apiKey}`);
  const request = decodeRequest(exchange.request.subarray(4));
  assertSameBytes(encodeRequest(request.header, request.body as never), exchange.request, `${name} request`);
  if (exchange.response === null) return { request, response: null };
  const response = decodeResponse(exchange.apiKey, exchange.apiVersion, exchange.response.subarray(4));
  assertSameBytes(
    encodeResponse(exchange.apiKey, exchange.apiVersion, response.correlationId, response.body),
    exchange.response,
    `${name} response`,
  );
  return { request, response };
}

// ---- fixtures -------------------------------------------------------------------

/** One exchange in a capture fixture file (hex strings of whole frames). */
export interface FixtureExchange {
  readonly client: string;
  readonly scenario: string;
  readonly api: string;
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  /** For a Produce request or a Fetch response: the codec id of every record batch it carries, in order. */
  readonly batchCodecs?: readonly number[];
  readonly request: string;
  readonly response: string | null;
}

/** A capture fixture file. */
export interface CaptureFixture {
  readonly about: string;
  readonly recorded: string;
  readonly exchanges: readonly FixtureExchange[];
}

/** The exchange a fixture entry describes, with its frames as bytes. */
export function fromFixture(entry: FixtureExchange): Exchange {
  return {
    client: entry.client,
    scenario: entry.scenario,
    apiKey: entry.apiKey,
    apiVersion: entry.apiVersion,
    correlationId: entry.correlationId,
    request: new Uint8Array(Buffer.from(entry.request, "hex")),
    response: entry.response === null ? null : new Uint8Array(Buffer.from(entry.response, "hex")),
  };
}

/** A fixture entry for `exchange`. */
export function toFixture(exchange: Exchange, batchCodecs?: readonly number[]): FixtureExchange {
  return {
    client: exchange.client,
    scenario: exchange.scenario,
    api: apiName(exchange.apiKey),
    apiKey: exchange.apiKey,
    apiVersion: exchange.apiVersion,
    correlationId: exchange.correlationId,
    ...(batchCodecs === undefined ? {} : { batchCodecs }),
    request: Buffer.from(exchange.request).toString("hex"),
    response: exchange.response === null ? null : Buffer.from(exchange.response).toString("hex"),
  };
}

// ---- record batches inside an exchange -------------------------------------------

/**
 * The codec id of every record batch a checked exchange carries, in order: a
 * Produce request's batches, or a Fetch response's; `undefined` for other APIs.
 * Each batch's CRC-32C is verified on the way.
 */
export function batchCodecsOf(checked: CheckedExchange): number[] | undefined {
  const records = recordsOf(checked);
  if (records === undefined) return undefined;
  return records.flatMap((bytes) => readBatchHeaders(bytes).headers.map((h) => h.compression));
}

/** Every batch a checked exchange carries, decoded (decompressed, CRC verified); `[]` for other APIs. */
export async function batchesOf(checked: CheckedExchange): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  for (const bytes of recordsOf(checked) ?? []) {
    const { batches, incomplete } = await decodeRecordBatches(bytes);
    if (incomplete !== null)
      throw new Error(`a partial batch of ${incomplete.length} bytes at the end of a records field`);
    out.push(...batches);
  }
  return out;
}

/** The non-empty `records` fields of a Produce request or a Fetch response, in wire order. */
function recordsOf(checked: CheckedExchange): Uint8Array[] | undefined {
  const { request, response } = checked;
  if (request.apiKey === ApiKey.Produce) {
    return request.body.topicData.flatMap((t) => t.partitionData.map((p) => p.records)).filter(nonEmpty);
  }
  if (request.apiKey === ApiKey.Fetch && response !== null) {
    const body = response.body as ResponseBodies[1];
    return body.responses.flatMap((t) => t.partitions.map((p) => p.records)).filter(nonEmpty);
  }
  return undefined;
}

const nonEmpty = (r: Uint8Array | null): r is Uint8Array => r !== null && r.length > 0;
