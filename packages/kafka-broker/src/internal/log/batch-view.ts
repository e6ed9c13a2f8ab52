/**
 * A header-only view of RecordBatch v2 bytes (KAFKA.md §2.5): the field
 * offsets, a reader of the 61-byte header, the checks a batch passes before it
 * is stored (framing, CRC-32C, record count, codec, size), and the two
 * in-place rewrites the broker makes.
 *
 * Invariants:
 * - nothing here reads outside `[pos, pos + size)` of the batch it is given,
 *   and `readBatchHeader` is called only after `frameProblem` said the header
 *   is whole;
 * - nothing here re-encodes a batch: the only writes are `baseOffset`
 *   (bytes 0..8) and `partitionLeaderEpoch` (bytes 12..16), which the CRC does
 *   not cover, so a rewritten batch still carries a valid CRC.
 *
 * A local stand-in until @csp-kit/kafka-protocol's record-batch module lands;
 * the CRC goes through `batchCrcMatches` only, so the switch to the package's
 * `crc32c` is one line.
 */

import { crc32c } from "./crc32c.js";
import { LogErrorCode } from "./error-codes.js";

/** Byte offsets of the RecordBatch v2 header fields, from the start of the batch. */
export const BatchField = {
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordsCount: 57,
} as const;

/** Bytes of the fixed header; the records start here. */
export const BATCH_HEADER_SIZE = 61;
/** Bytes before `batchLength` starts counting: baseOffset (8) and batchLength (4). */
export const LOG_OVERHEAD = 12;
/** The smallest `batchLength` a whole header can have (61 - 12). */
export const MIN_BATCH_LENGTH = BATCH_HEADER_SIZE - LOG_OVERHEAD;
/** The magic byte of RecordBatch v2, the only format this broker stores. */
export const MAGIC_V2 = 2;
/** The highest compression codec id (zstd); 0 none, 1 gzip, 2 snappy, 3 lz4. */
const MAX_CODEC = 4;
/** `producerId` of a batch from a producer that is not idempotent. */
export const NO_PRODUCER_ID = -1n;
/** `maxTimestamp` of a batch that carries no timestamp. */
export const NO_TIMESTAMP = -1;

/** The header fields of one batch, plus where it lies in the bytes it was read from. */
export interface BatchHeader {
  /** Where the batch starts in the bytes it was read from. */
  readonly position: number;
  /** Its whole length in bytes: `LOG_OVERHEAD + batchLength`. */
  readonly size: number;
  readonly baseOffset: number;
  readonly partitionLeaderEpoch: number;
  readonly magic: number;
  /** The stored CRC-32C, unsigned. */
  readonly crc: number;
  readonly attributes: number;
  /** Records - 1; also the last sequence's distance from `baseSequence`. */
  readonly lastOffsetDelta: number;
  readonly baseTimestamp: number;
  /** The largest record timestamp, or {@link NO_TIMESTAMP}. */
  readonly maxTimestamp: number;
  /** {@link NO_PRODUCER_ID} (or any negative id) when the producer is not idempotent. */
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly recordsCount: number;
}

/** A DataView over exactly the bytes of `bytes`. */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * An int64 field as a number: exact within ±2^53 (offsets, timestamps), the
 * nearest double beyond. Reads two int32 halves, so no bigint is allocated.
 */
function readInt64(view: DataView, at: number): number {
  return view.getInt32(at) * 4_294_967_296 + view.getUint32(at + 4);
}

/**
 * Why the batch starting at `pos` cannot be read as a whole v2 batch ending at
 * or before `end`, or `undefined` if its frame is sound: the header is cut
 * short, `batchLength` is below the header's own size, the batch runs past
 * `end`, or the magic byte is not 2. The CRC is checked separately
 * ({@link batchCrcMatches}), because recovery frames older segments without it.
 */
export function frameProblem(view: DataView, pos: number, end: number): string | undefined {
  if (end - pos < LOG_OVERHEAD) return `${end - pos} bytes left, fewer than a batch's length fields (12)`;
  const batchLength = view.getInt32(pos + BatchField.batchLength);
  if (batchLength < MIN_BATCH_LENGTH)
    return `batchLength ${batchLength} is below the header's own ${MIN_BATCH_LENGTH} bytes`;
  if (batchLength > end - pos - LOG_OVERHEAD)
    return `batchLength ${batchLength} runs past the end (${end - pos - LOG_OVERHEAD} bytes left)`;
  const magic = view.getInt8(pos + BatchField.magic);
  if (magic !== MAGIC_V2) return `magic byte ${magic} is not 2 (only RecordBatch v2 is stored)`;
  return undefined;
}

/**
 * Whether the CRC-32C stored in the batch at `pos` (of `size` bytes) matches
 * bytes 21..end. Precondition: `frameProblem` found the frame sound.
 */
export function batchCrcMatches(bytes: Uint8Array, view: DataView, pos: number, size: number): boolean {
  return crc32c(bytes, pos + BatchField.attributes, pos + size) === view.getUint32(pos + BatchField.crc);
}

/**
 * The header of the batch at `pos` of `view`. Precondition: `frameProblem(view,
 * pos, …)` is `undefined`. `position` is reported as given (default `pos`), for
 * a caller whose view is a window onto a larger file.
 */
export function readBatchHeader(view: DataView, pos: number, position: number = pos): BatchHeader {
  return {
    position,
    size: LOG_OVERHEAD + view.getInt32(pos + BatchField.batchLength),
    baseOffset: readInt64(view, pos + BatchField.baseOffset),
    partitionLeaderEpoch: view.getInt32(pos + BatchField.partitionLeaderEpoch),
    magic: view.getInt8(pos + BatchField.magic),
    crc: view.getUint32(pos + BatchField.crc),
    attributes: view.getInt16(pos + BatchField.attributes),
    lastOffsetDelta: view.getInt32(pos + BatchField.lastOffsetDelta),
    baseTimestamp: readInt64(view, pos + BatchField.baseTimestamp),
    maxTimestamp: readInt64(view, pos + BatchField.maxTimestamp),
    producerId: view.getBigInt64(pos + BatchField.producerId),
    producerEpoch: view.getInt16(pos + BatchField.producerEpoch),
    baseSequence: view.getInt32(pos + BatchField.baseSequence),
    recordsCount: view.getInt32(pos + BatchField.recordsCount),
  };
}

/** Writes `offset` (a safe integer) into the batch's baseOffset field; not covered by the CRC. */
export function writeBaseOffset(view: DataView, pos: number, offset: number): void {
  view.setInt32(pos + BatchField.baseOffset, Math.floor(offset / 4_294_967_296));
  view.setUint32(pos + BatchField.baseOffset + 4, offset >>> 0);
}

/** Writes the partition leader epoch into the batch; not covered by the CRC. */
export function writePartitionLeaderEpoch(view: DataView, pos: number, epoch: number): void {
  view.setInt32(pos + BatchField.partitionLeaderEpoch, epoch);
}

/** The outcome of {@link parseBatches}: the batches' headers, or the Kafka error for the whole input. */
export type ParsedBatches =
  | { readonly ok: true; readonly headers: readonly BatchHeader[] }
  | {
      readonly ok: false;
      readonly errorCode:
        | typeof LogErrorCode.CORRUPT_MESSAGE
        | typeof LogErrorCode.MESSAGE_TOO_LARGE
        | typeof LogErrorCode.INVALID_RECORD;
      readonly message: string;
    };

/**
 * Splits the records of one produce partition into batches and checks each as
 * Kafka does before anything is appended: the frame (CORRUPT_MESSAGE, 2), the
 * size against `maxBatchBytes` (MESSAGE_TOO_LARGE, 10), the CRC-32C
 * (CORRUPT_MESSAGE), a known codec (CORRUPT_MESSAGE), a record count of at
 * least one that agrees with `lastOffsetDelta` (INVALID_RECORD, 87), and a
 * sequence for every batch that carries a producer id (INVALID_RECORD).
 * Records themselves are not decoded (the opaque pass-through of KAFKA.md §2.5).
 *
 * The first failing batch fails the whole input: nothing of it may be stored.
 * Empty input fails too (INVALID_RECORD: Kafka wants at least one batch).
 */
export function parseBatches(bytes: Uint8Array, maxBatchBytes: number): ParsedBatches {
  if (bytes.byteLength === 0)
    return { ok: false, errorCode: LogErrorCode.INVALID_RECORD, message: "no record batch in the records" };
  const view = viewOf(bytes);
  const headers: BatchHeader[] = [];
  let pos = 0;
  while (pos < bytes.byteLength) {
    const where = `batch ${headers.length} (byte ${pos})`;
    const problem = frameProblem(view, pos, bytes.byteLength);
    if (problem !== undefined)
      return { ok: false, errorCode: LogErrorCode.CORRUPT_MESSAGE, message: `${where}: ${problem}` };
    const size = LOG_OVERHEAD + view.getInt32(pos + BatchField.batchLength);
    if (size > maxBatchBytes)
      return {
        ok: false,
        errorCode: LogErrorCode.MESSAGE_TOO_LARGE,
        message: `${where}: ${size} bytes, more than the log's maxBatchBytes ${maxBatchBytes}`,
      };
    if (!batchCrcMatches(bytes, view, pos, size))
      return { ok: false, errorCode: LogErrorCode.CORRUPT_MESSAGE, message: `${where}: CRC-32C does not match` };
    const header = readBatchHeader(view, pos);
    const codec = header.attributes & 0x07;
    if (codec > MAX_CODEC)
      return {
        ok: false,
        errorCode: LogErrorCode.CORRUPT_MESSAGE,
        message: `${where}: unknown compression codec ${codec}`,
      };
    if (header.recordsCount < 1 || header.recordsCount !== header.lastOffsetDelta + 1)
      return {
        ok: false,
        errorCode: LogErrorCode.INVALID_RECORD,
        message: `${where}: recordsCount ${header.recordsCount} does not match lastOffsetDelta ${header.lastOffsetDelta} + 1`,
      };
    if (header.producerId >= 0n && header.baseSequence < 0)
      return {
        ok: false,
        errorCode: LogErrorCode.INVALID_RECORD,
        message: `${where}: producer id ${header.producerId} with baseSequence ${header.baseSequence}`,
      };
    headers.push(header);
    pos += size;
  }
  return { ok: true, headers };
}
