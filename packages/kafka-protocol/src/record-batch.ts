/**
 * RecordBatch v2 (magic 2): encoding, decoding, and a header-only reader for brokers.
 *
 * The layout (KAFKA.md §2.5), big-endian, 61 bytes of header:
 *
 * ```
 *  0 baseOffset            int64   assigned by the broker; not under the CRC
 *  8 batchLength           int32   bytes from offset 12 to the end
 * 12 partitionLeaderEpoch  int32   set by the broker; not under the CRC
 * 16 magic                 int8    2
 * 17 crc                   uint32  CRC-32C of bytes 21..end
 * 21 attributes            int16   bits 0-2 codec, 3 timestamp type (1 = LogAppendTime),
 *                                  4 transactional, 5 control, 6 delete horizon; 7-15 unused
 * 23 lastOffsetDelta       int32
 * 27 baseTimestamp         int64   (the delete horizon when bit 6 is set)
 * 35 maxTimestamp          int64
 * 43 producerId            int64   -1 when not idempotent
 * 51 producerEpoch         int16
 * 53 baseSequence          int32
 * 57 recordsCount          int32   never compressed
 * 61 records               the records (record.ts), as one compressed stream when the codec is not 0
 * ```
 *
 * A `records` field (Produce, Fetch) holds batches back to back; a Fetch
 * response may end in a partial batch (the broker cuts at its byte limit),
 * which {@link decodeRecordBatches} returns as `incomplete` instead of failing.
 *
 * Invariants:
 * - Decoding reads nothing outside the batch it is on (`[start, start + 12 +
 *   batchLength)`), checks the CRC before looking at the records, and
 *   allocates nothing from a count the batch cannot hold. Only
 *   {@link ProtocolError} escapes.
 * - Encoding sizes the records section first and writes the batch into one
 *   buffer of exactly its size (uncompressed) or of header + compressed size;
 *   batchLength and the CRC are reserved and patched, never computed twice.
 * - decode ∘ encode is the identity on {@link RecordBatch} values (every
 *   field, every codec); the unused attribute bits 7–15 are not kept (every
 *   Kafka writer leaves them 0).
 */

import { type CompressionName, DEFAULT_MAX_DECOMPRESSED_BYTES, MAX_KAFKA_CODEC_ID } from "./compression/codec.js";
import { type CompressionRegistry, defaultCompressionRegistry } from "./compression/registry.js";
import { crc32c } from "./crc32c.js";
import { ProtocolError } from "./errors.js";
import { Reader } from "./reader.js";
import { type KafkaRecord, type RecordInput, readRecords, recordsSize, writeRecords } from "./record.js";
import { Writer } from "./writer.js";

/** The size of a RecordBatch v2 header, up to and including recordsCount. */
export const RECORD_BATCH_HEADER_BYTES = 61;
/** baseOffset and batchLength: the bytes a batch's length does not count. */
export const RECORD_BATCH_LOG_OVERHEAD = 12;
/** The magic byte of RecordBatch v2. */
export const RECORD_BATCH_MAGIC = 2;
/** Where the CRC-covered bytes start (attributes). */
const CRC_START = 21;
/** The smallest batchLength: a header with no records. */
const MIN_BATCH_LENGTH = RECORD_BATCH_HEADER_BYTES - RECORD_BATCH_LOG_OVERHEAD;

const ATTR_CODEC_MASK = 0x07;
const ATTR_LOG_APPEND_TIME = 0x08;
const ATTR_TRANSACTIONAL = 0x10;
const ATTR_CONTROL = 0x20;
const ATTR_DELETE_HORIZON = 0x40;

/** Which clock a batch's timestamps come from: the producer's (CreateTime) or the broker's (LogAppendTime). */
export type TimestampType = "create-time" | "log-append-time";

/** The semantic fields of a batch header (everything but sizes, magic and CRC). */
interface BatchFields {
  /** The offset of the first record (the broker assigns it; producers send 0). */
  readonly baseOffset: bigint;
  /** The leader epoch the broker stamped (producers send -1; librdkafka 0). */
  readonly partitionLeaderEpoch: number;
  /** The codec id (attributes bits 0–2): 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd. */
  readonly compression: number;
  /** Attributes bit 3. */
  readonly timestampType: TimestampType;
  /** Attributes bit 4: part of a transaction. */
  readonly transactional: boolean;
  /** Attributes bit 5: holds control records (transaction markers). */
  readonly control: boolean;
  /** Attributes bit 6: baseTimestamp is the delete horizon (set by the log cleaner). */
  readonly hasDeleteHorizon: boolean;
  /** The offset delta of the last record (n - 1 for n records, unless compaction removed some). */
  readonly lastOffsetDelta: number;
  /** Milliseconds; the first record's timestamp (or the delete horizon, see above). */
  readonly baseTimestamp: number;
  /** Milliseconds; the largest record timestamp (the append time under LogAppendTime). */
  readonly maxTimestamp: number;
  /** -1n when not idempotent. */
  readonly producerId: bigint;
  /** -1 when not idempotent (kafkajs sends 0). */
  readonly producerEpoch: number;
  /** The sequence number of the first record; -1 when not idempotent (kafkajs sends 0). */
  readonly baseSequence: number;
}

/**
 * A decoded batch: its header fields and its records. Also a complete
 * {@link RecordBatchInput}: re-encoding it with its own `compression` gives
 * a batch that decodes equal to it (and, uncompressed, the same bytes).
 */
export interface RecordBatch extends BatchFields {
  readonly records: readonly KafkaRecord[];
}

/** A batch to encode: records, plus any header field that should not take its default. */
export interface RecordBatchInput extends Partial<Omit<BatchFields, "compression">> {
  /** The records; an empty batch is legal on the wire but no producer sends one. */
  readonly records: readonly RecordInput[];
  /** Ignored by the encoder: the codec comes from {@link EncodeRecordBatchOptions.compression}. */
  readonly compression?: number;
}

/** A batch header as {@link readBatchHeader} reads it, with the raw sizes and CRC. */
export interface RecordBatchHeader extends BatchFields {
  /** Where the batch starts in the bytes it was read from. */
  readonly byteOffset: number;
  /** The whole batch's size: 12 + batchLength. */
  readonly byteLength: number;
  /** The batchLength field. */
  readonly batchLength: number;
  /** Always 2. */
  readonly magic: number;
  /** The CRC field (verified unless `verifyCrc: false`). */
  readonly crc: number;
  /** The raw attributes int16. */
  readonly attributes: number;
  /** The recordsCount field (not checked against the records: that needs decoding). */
  readonly recordsCount: number;
}

/** Options of {@link encodeRecordBatch}. */
export interface EncodeRecordBatchOptions {
  /** The codec: a name or id (default "none"). */
  readonly compression?: CompressionName | string | number | undefined;
  /** The codec's level (gzip 1–9, zstd 1–22; ignored by snappy and lz4). */
  readonly level?: number | undefined;
  /** Where codecs are looked up (default {@link defaultCompressionRegistry}). */
  readonly codecs?: CompressionRegistry | undefined;
}

/** Options of {@link readBatchHeader} and {@link readBatchHeaders}. */
export interface HeaderReadOptions {
  /** Whether to check the CRC-32C (default true). */
  readonly verifyCrc?: boolean | undefined;
  /** Codec ids 5–7 are accepted when registered here (default: only Kafka's 0–4). */
  readonly codecs?: CompressionRegistry | undefined;
}

/** Options of the decoders. */
export interface DecodeRecordBatchOptions {
  /** Where codecs are looked up (default {@link defaultCompressionRegistry}). */
  readonly codecs?: CompressionRegistry | undefined;
  /** The most bytes one batch may decompress to (default {@link DEFAULT_MAX_DECOMPRESSED_BYTES}). */
  readonly maxDecompressedBytes?: number | undefined;
  /** Whether to check each batch's CRC-32C (default true). */
  readonly verifyCrc?: boolean | undefined;
}

/** The result of {@link decodeRecordBatches}. */
export interface DecodedRecordBatches {
  /** The complete batches, in order. */
  readonly batches: RecordBatch[];
  /**
   * The bytes of a trailing partial batch (a Fetch response cut at the
   * broker's byte limit), or null when the input ended on a batch boundary.
   * A view of the input. In a Produce request a partial batch is corrupt.
   */
  readonly incomplete: Uint8Array | null;
}

// ---- encoding -----------------------------------------------------------------

function invalid(message: string): ProtocolError {
  return new ProtocolError("invalid-value", message);
}

function checkInt(v: number, min: number, max: number, what: string): number {
  if (!(Number.isInteger(v) && v >= min && v <= max)) {
    throw invalid(`a record batch's ${what} must be an integer in [${min}, ${max}], got ${String(v)}`);
  }
  return v;
}

/** The records of `batch`, which must be an object with a records array. */
function recordsOf(batch: RecordBatchInput): readonly RecordInput[] {
  if (batch === null || typeof batch !== "object" || !Array.isArray(batch.records)) {
    throw invalid("a record batch needs a records array");
  }
  return batch.records;
}

/**
 * Resolves the defaults and validates the header fields of `batch`; `codec`
 * is the resolved codec id. Precondition: the records passed {@link recordsSize}.
 */
function headerOf(batch: RecordBatchInput, codec: number): BatchFields {
  const records = batch.records;
  const n = records.length;
  const baseTimestamp = batch.baseTimestamp ?? Date.now();
  if (!Number.isSafeInteger(baseTimestamp))
    throw invalid(`baseTimestamp must be a safe integer, got ${String(baseTimestamp)}`);
  let maxTimestamp = batch.maxTimestamp;
  if (maxTimestamp === undefined) {
    let maxDelta = 0;
    for (let i = 0; i < n; i++) {
      const d = records[i]?.timestampDelta ?? 0;
      if (i === 0 || d > maxDelta) maxDelta = d;
    }
    maxTimestamp = baseTimestamp + maxDelta;
  }
  if (!Number.isSafeInteger(maxTimestamp))
    throw invalid(`maxTimestamp must be a safe integer, got ${String(maxTimestamp)}`);
  const lastOffsetDelta = batch.lastOffsetDelta ?? (n === 0 ? 0 : (records[n - 1]?.offsetDelta ?? n - 1));
  const timestampType = batch.timestampType ?? "create-time";
  if (timestampType !== "create-time" && timestampType !== "log-append-time") {
    throw invalid(`timestampType must be "create-time" or "log-append-time", got ${String(timestampType)}`);
  }
  const baseOffset = batch.baseOffset ?? 0n;
  const producerId = batch.producerId ?? -1n;
  if (typeof baseOffset !== "bigint") throw invalid(`baseOffset must be a bigint, got ${typeof baseOffset}`);
  if (typeof producerId !== "bigint") throw invalid(`producerId must be a bigint, got ${typeof producerId}`);
  return {
    baseOffset,
    partitionLeaderEpoch: checkInt(batch.partitionLeaderEpoch ?? -1, -2147483648, 2147483647, "partitionLeaderEpoch"),
    compression: codec,
    timestampType,
    transactional: batch.transactional === true,
    control: batch.control === true,
    hasDeleteHorizon: batch.hasDeleteHorizon === true,
    lastOffsetDelta: checkInt(lastOffsetDelta, -2147483648, 2147483647, "lastOffsetDelta"),
    baseTimestamp,
    maxTimestamp,
    producerId,
    producerEpoch: checkInt(batch.producerEpoch ?? -1, -32768, 32767, "producerEpoch"),
    baseSequence: checkInt(batch.baseSequence ?? -1, -2147483648, 2147483647, "baseSequence"),
  };
}

function attributesOf(h: BatchFields): number {
  return (
    h.compression |
    (h.timestampType === "log-append-time" ? ATTR_LOG_APPEND_TIME : 0) |
    (h.transactional ? ATTR_TRANSACTIONAL : 0) |
    (h.control ? ATTR_CONTROL : 0) |
    (h.hasDeleteHorizon ? ATTR_DELETE_HORIZON : 0)
  );
}

/**
 * Writes the 61-byte header into `w` with batchLength and CRC reserved;
 * returns the batch's start. Precondition: `w` has room for the header.
 */
function writeHeader(w: Writer, h: BatchFields, count: number): number {
  const start = w.offset;
  w.int64(h.baseOffset);
  w.reserve32(); // batchLength
  w.int32(h.partitionLeaderEpoch);
  w.int8(RECORD_BATCH_MAGIC);
  w.reserve32(); // crc
  w.int16(attributesOf(h));
  w.int32(h.lastOffsetDelta);
  w.int64Number(h.baseTimestamp);
  w.int64Number(h.maxTimestamp);
  w.int64(h.producerId);
  w.int16(h.producerEpoch);
  w.int32(h.baseSequence);
  w.int32(count);
  return start;
}

/** Fills batchLength and CRC of the batch that starts at `start` and ends at `w.offset`. */
function sealBatch(w: Writer, start: number): void {
  w.patchInt32(start + 8, w.offset - start - RECORD_BATCH_LOG_OVERHEAD);
  w.patchUint32(start + 17, crc32c(w.buffer.subarray(start + CRC_START, w.offset)));
}

/**
 * Encodes one uncompressed batch, synchronously, into a buffer of exactly
 * its size. The batch's `compression` field is ignored (the result says 0).
 * Throws an `invalid-value` ProtocolError for a field the wire cannot carry
 * (the message names the record and field).
 *
 * @see {@link encodeRecordBatch} for compression.
 */
export function encodeRecordBatchSync(batch: RecordBatchInput): Uint8Array {
  const size = recordsSize(recordsOf(batch));
  const h = headerOf(batch, 0);
  const w = new Writer(RECORD_BATCH_HEADER_BYTES + size);
  const start = writeHeader(w, h, batch.records.length);
  writeRecords(w, batch.records, size);
  sealBatch(w, start);
  return w.finish();
}

/**
 * Encodes one batch, compressing its records with `options.compression`.
 *
 * Defaults for absent fields: baseOffset 0n, partitionLeaderEpoch -1,
 * CreateTime, not transactional or control, lastOffsetDelta = the last
 * record's offsetDelta, baseTimestamp = now, maxTimestamp = baseTimestamp +
 * the largest timestampDelta, producerId -1n, producerEpoch -1, baseSequence
 * -1 (what the Java client and librdkafka send when not idempotent);
 * records' offsetDelta defaults to their index.
 *
 * Gotchas: a failing codec (its package missing, say) rejects with an
 * `unsupported-compression` ProtocolError naming the package to install.
 *
 * @example
 * ```ts run
 * import { decodeRecordBatch, encodeRecordBatch } from "@csp-kit/kafka-protocol";
 *
 * const bytes = await encodeRecordBatch(
 *   { baseTimestamp: Date.now(), records: [{ key: null, value: new TextEncoder().encode("hello") }] },
 *   { compression: "gzip" },
 * );
 * const batch = await decodeRecordBatch(bytes);
 * const value = new TextDecoder().decode(batch.records[0]?.value ?? undefined);
 * console.log(batch.compression, value); // → 1 hello
 * if (batch.compression !== 1 || value !== "hello") throw new Error(`got ${batch.compression} ${value}`);
 * ```
 */
export async function encodeRecordBatch(
  batch: RecordBatchInput,
  options: EncodeRecordBatchOptions = {},
): Promise<Uint8Array> {
  const codecs = options.codecs ?? defaultCompressionRegistry;
  const codec = codecs.resolve(options.compression ?? 0);
  if (codec === 0) return encodeRecordBatchSync(batch);
  const size = recordsSize(recordsOf(batch));
  const h = headerOf(batch, codec);
  const body = new Writer(size);
  writeRecords(body, batch.records, size);
  const compressed = await codecs.compress(codec, body.finish(), options.level);
  const w = new Writer(RECORD_BATCH_HEADER_BYTES + compressed.length);
  const start = writeHeader(w, h, batch.records.length);
  w.raw(compressed);
  sealBatch(w, start);
  return w.finish();
}

// ---- the header reader --------------------------------------------------------------

/**
 * Reads and validates the header of the batch at `bytes[at..]` without
 * touching its records: the batch must be complete in `bytes`, its
 * batchLength at least 49, magic 2, the CRC-32C right (unless `verifyCrc`
 * is false), and the codec one Kafka defines (0–4), or one registered in
 * `options.codecs` when given. What a broker needs to
 * accept a produced batch as opaque bytes.
 *
 * Throws a {@link ProtocolError}: `truncated` (fewer bytes than the batch
 * declares), `invalid-value` (a batchLength too small for a header, a
 * negative recordsCount), `bad-magic`, `bad-crc`, `unsupported-compression`.
 */
export function readBatchHeader(bytes: Uint8Array, at = 0, options: HeaderReadOptions = {}): RecordBatchHeader {
  const r = new Reader(bytes, at);
  if (r.remaining() < RECORD_BATCH_LOG_OVERHEAD) {
    throw new ProtocolError(
      "truncated",
      `a record batch needs 12 bytes to say its length, ${r.remaining()} remain`,
      at,
    );
  }
  const baseOffset = r.int64();
  const batchLength = r.int32();
  if (batchLength < MIN_BATCH_LENGTH) {
    throw new ProtocolError(
      "invalid-value",
      `a record batch's batchLength is ${batchLength}, less than the ${MIN_BATCH_LENGTH} bytes of its header`,
      at + 8,
    );
  }
  const byteLength = RECORD_BATCH_LOG_OVERHEAD + batchLength;
  if (bytes.length - at < byteLength) {
    throw new ProtocolError(
      "truncated",
      `a record batch declares ${byteLength} bytes but ${bytes.length - at} remain`,
      at,
    );
  }
  return headerAt(bytes, at, baseOffset, batchLength, options.verifyCrc !== false, options.codecs);
}

/**
 * The rest of {@link readBatchHeader}. Precondition: `bytes[at, at + 12 +
 * batchLength)` exists and batchLength >= 49.
 */
function headerAt(
  bytes: Uint8Array,
  at: number,
  baseOffset: bigint,
  batchLength: number,
  verifyCrc: boolean,
  codecs: CompressionRegistry | undefined,
): RecordBatchHeader {
  const end = at + RECORD_BATCH_LOG_OVERHEAD + batchLength;
  const r = new Reader(bytes, at + 12, end);
  const partitionLeaderEpoch = r.int32();
  const magic = r.int8();
  if (magic !== RECORD_BATCH_MAGIC) {
    throw new ProtocolError(
      "bad-magic",
      `a record batch has magic ${magic}; only RecordBatch v2 (magic 2) is supported`,
      at + 16,
    );
  }
  const crc = r.uint32();
  if (verifyCrc) {
    const actual = crc32c(bytes.subarray(at + CRC_START, end));
    if (actual !== crc) {
      throw new ProtocolError(
        "bad-crc",
        `a record batch's CRC-32C is 0x${crc.toString(16).padStart(8, "0")} but its bytes give ` +
          `0x${actual.toString(16).padStart(8, "0")}: the batch is corrupt`,
        at + 17,
      );
    }
  }
  const attributes = r.int16();
  const compression = attributes & ATTR_CODEC_MASK;
  if (compression > MAX_KAFKA_CODEC_ID && codecs?.get(compression) === undefined) {
    throw new ProtocolError(
      "unsupported-compression",
      `a record batch uses codec id ${compression}; Kafka defines 0 (none) to 4 (zstd)` +
        (codecs === undefined ? "" : " and no codec is registered for it"),
      at + CRC_START,
    );
  }
  const lastOffsetDelta = r.int32();
  const baseTimestamp = r.int64Number();
  const maxTimestamp = r.int64Number();
  const producerId = r.int64();
  const producerEpoch = r.int16();
  const baseSequence = r.int32();
  const countAt = r.offset;
  const recordsCount = r.int32();
  if (recordsCount < 0)
    throw new ProtocolError("invalid-value", `a record batch declares ${recordsCount} records`, countAt);
  return {
    byteOffset: at,
    byteLength: end - at,
    baseOffset,
    batchLength,
    partitionLeaderEpoch,
    magic,
    crc,
    attributes,
    compression,
    timestampType: attributes & ATTR_LOG_APPEND_TIME ? "log-append-time" : "create-time",
    transactional: (attributes & ATTR_TRANSACTIONAL) !== 0,
    control: (attributes & ATTR_CONTROL) !== 0,
    hasDeleteHorizon: (attributes & ATTR_DELETE_HORIZON) !== 0,
    lastOffsetDelta,
    baseTimestamp,
    maxTimestamp,
    producerId,
    producerEpoch,
    baseSequence,
    recordsCount,
  };
}

/** How the bytes at `at` relate to a batch: complete (its header), or a trailing partial batch. */
function nextBatch(
  bytes: Uint8Array,
  at: number,
  verifyCrc: boolean,
  codecs: CompressionRegistry | undefined,
): RecordBatchHeader | "incomplete" {
  const remaining = bytes.length - at;
  if (remaining < RECORD_BATCH_LOG_OVERHEAD) return "incomplete";
  const r = new Reader(bytes, at);
  const baseOffset = r.int64();
  const batchLength = r.int32();
  if (batchLength < MIN_BATCH_LENGTH) {
    throw new ProtocolError(
      "invalid-value",
      `a record batch's batchLength is ${batchLength}, less than the ${MIN_BATCH_LENGTH} bytes of its header`,
      at + 8,
    );
  }
  if (remaining > 16 && bytes[at + 16] !== RECORD_BATCH_MAGIC) {
    throw new ProtocolError(
      "bad-magic",
      `a record batch has magic ${(bytes[at + 16]! << 24) >> 24}; only RecordBatch v2 (magic 2) is supported`,
      at + 16,
    );
  }
  if (remaining < RECORD_BATCH_LOG_OVERHEAD + batchLength) return "incomplete";
  return headerAt(bytes, at, baseOffset, batchLength, verifyCrc, codecs);
}

/**
 * The headers of every complete batch in a records field, read with
 * {@link readBatchHeader}'s checks, and the trailing partial batch if any:
 * how a broker validates a Produce request's records without decompressing
 * (a Produce request with `incomplete !== null` is corrupt).
 */
export function readBatchHeaders(
  bytes: Uint8Array,
  options: HeaderReadOptions = {},
): { headers: RecordBatchHeader[]; incomplete: Uint8Array | null } {
  if (!(bytes instanceof Uint8Array)) throw invalid(`record batches are read from a Uint8Array, got ${typeof bytes}`);
  const verifyCrc = options.verifyCrc !== false;
  const headers: RecordBatchHeader[] = [];
  let at = 0;
  while (at < bytes.length) {
    const h = nextBatch(bytes, at, verifyCrc, options.codecs);
    if (h === "incomplete") return { headers, incomplete: bytes.subarray(at) };
    headers.push(h);
    at += h.byteLength;
  }
  return { headers, incomplete: null };
}

/** Changes a broker makes to a stored batch; see {@link rewriteBatchHeader}. */
export interface BatchHeaderRewrite {
  /** The offset the broker assigned to the first record. Not under the CRC. */
  readonly baseOffset?: bigint;
  /** The leader epoch. Not under the CRC. */
  readonly partitionLeaderEpoch?: number;
  /**
   * A LogAppendTime topic's append time (ms): sets the timestamp-type bit and
   * maxTimestamp, and recomputes the CRC (both are under it).
   */
  readonly logAppendTime?: number;
}

/**
 * Rewrites header fields of the batch at `bytes[at..]` in place, as a broker
 * does when it appends a produced batch. Precondition: {@link readBatchHeader}
 * accepted the batch at `at` (this re-checks its length and magic only).
 */
export function rewriteBatchHeader(bytes: Uint8Array, at: number, changes: BatchHeaderRewrite): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!(Number.isInteger(at) && at >= 0 && bytes.length - at >= RECORD_BATCH_HEADER_BYTES)) {
    throw new ProtocolError("truncated", `no record batch header at offset ${at}`, at);
  }
  const end = at + RECORD_BATCH_LOG_OVERHEAD + view.getInt32(at + 8);
  if (end > bytes.length || end < at + RECORD_BATCH_HEADER_BYTES || bytes[at + 16] !== RECORD_BATCH_MAGIC) {
    throw new ProtocolError("invalid-value", `the bytes at offset ${at} are not a complete RecordBatch v2`, at);
  }
  if (changes.baseOffset !== undefined) {
    const v = changes.baseOffset;
    if (typeof v !== "bigint" || v < -(2n ** 63n) || v >= 2n ** 63n)
      throw invalid("baseOffset must be an int64 bigint");
    view.setBigInt64(at, v);
  }
  if (changes.partitionLeaderEpoch !== undefined) {
    view.setInt32(at + 12, checkInt(changes.partitionLeaderEpoch, -2147483648, 2147483647, "partitionLeaderEpoch"));
  }
  if (changes.logAppendTime !== undefined) {
    const t = changes.logAppendTime;
    if (!Number.isSafeInteger(t)) throw invalid(`logAppendTime must be a safe integer, got ${String(t)}`);
    view.setInt16(at + CRC_START, view.getInt16(at + CRC_START) | ATTR_LOG_APPEND_TIME);
    const hi = Math.floor(t / 4294967296);
    view.setInt32(at + 35, hi);
    view.setUint32(at + 39, t - hi * 4294967296);
    view.setUint32(at + 17, crc32c(bytes.subarray(at + CRC_START, end)));
  }
}

// ---- decoding ---------------------------------------------------------------------

async function decodeOne(
  bytes: Uint8Array,
  h: RecordBatchHeader,
  options: DecodeRecordBatchOptions,
): Promise<RecordBatch> {
  const start = h.byteOffset + RECORD_BATCH_HEADER_BYTES;
  const end = h.byteOffset + h.byteLength;
  let records: KafkaRecord[];
  if (h.compression === 0) {
    records = readRecords(bytes, start, end, h.recordsCount);
  } else {
    const codecs = options.codecs ?? defaultCompressionRegistry;
    const max = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
    const plain = await codecs.decompress(h.compression, bytes.subarray(start, end), max);
    records = readRecords(plain, 0, plain.length, h.recordsCount);
  }
  return {
    baseOffset: h.baseOffset,
    partitionLeaderEpoch: h.partitionLeaderEpoch,
    compression: h.compression,
    timestampType: h.timestampType,
    transactional: h.transactional,
    control: h.control,
    hasDeleteHorizon: h.hasDeleteHorizon,
    lastOffsetDelta: h.lastOffsetDelta,
    baseTimestamp: h.baseTimestamp,
    maxTimestamp: h.maxTimestamp,
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    baseSequence: h.baseSequence,
    records,
  };
}

/**
 * Decodes every batch of a records field (Fetch, Produce): checks each one's
 * header as {@link readBatchHeader} does, decompresses its records (capped at
 * `maxDecompressedBytes`), and decodes them. A trailing partial batch is
 * returned as `incomplete`.
 *
 * Throws (rejects with) only {@link ProtocolError}: `truncated`,
 * `invalid-value`, `bad-magic`, `bad-crc`, `bad-varint`, `too-large`,
 * `unsupported-compression` (a codec whose package is not installed: the
 * message names it).
 *
 * Gotchas: keys and values are views of `bytes` (uncompressed batches) or of
 * the decompressed buffer; the batches may start before the offset a
 * consumer asked for (skip records below it).
 */
export async function decodeRecordBatches(
  bytes: Uint8Array,
  options: DecodeRecordBatchOptions = {},
): Promise<DecodedRecordBatches> {
  const codecs = options.codecs ?? defaultCompressionRegistry;
  const { headers, incomplete } = readBatchHeaders(bytes, { verifyCrc: options.verifyCrc !== false, codecs });
  const batches: RecordBatch[] = new Array(headers.length);
  for (let i = 0; i < headers.length; i++) batches[i] = await decodeOne(bytes, headers[i]!, options);
  return { batches, incomplete };
}

/**
 * Decodes exactly one batch that fills `bytes`. Throws as
 * {@link decodeRecordBatches}, and `truncated` / `invalid-value` when `bytes`
 * holds less or more than one batch.
 */
export async function decodeRecordBatch(
  bytes: Uint8Array,
  options: DecodeRecordBatchOptions = {},
): Promise<RecordBatch> {
  const codecs = options.codecs ?? defaultCompressionRegistry;
  const h = readBatchHeader(bytes, 0, { verifyCrc: options.verifyCrc !== false, codecs });
  if (h.byteLength !== bytes.length) {
    throw new ProtocolError(
      "invalid-value",
      `${bytes.length - h.byteLength} byte(s) follow the record batch; use decodeRecordBatches for several`,
      h.byteLength,
    );
  }
  return decodeOne(bytes, h, options);
}
