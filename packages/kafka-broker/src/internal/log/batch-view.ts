/**
 * RecordBatch v2 as the log sees it (KAFKA.md §2.5): the field offsets, the
 * header of a stored or produced batch with offsets and timestamps as
 * numbers, the checks a produce partition passes before anything is stored,
 * and the in-place rewrite of `baseOffset` and `partitionLeaderEpoch`.
 *
 * Parsing, the CRC-32C and the rewrite are @csp-kit/kafka-protocol's
 * (`readBatchHeader`, `rewriteBatchHeader`); this file adapts them to the
 * log: a problem becomes a Kafka error code (append) or a reason string
 * (recovery) instead of a thrown ProtocolError, and Kafka's own checks on
 * top of the format (size limit, record count, a sequence with every
 * producer id) are added.
 *
 * Invariants:
 * - nothing here reads outside the batch it is given: the protocol reader
 *   is bounds-checked, and the few direct reads (batchLength) come after a
 *   length check;
 * - nothing here re-encodes a batch: the only writes are `baseOffset`
 *   (bytes 0..8) and `partitionLeaderEpoch` (bytes 12..16), which the CRC
 *   does not cover, so a rewritten batch still carries a valid CRC.
 */

import {
  isProtocolError,
  RECORD_BATCH_HEADER_BYTES,
  RECORD_BATCH_LOG_OVERHEAD,
  readBatchHeader,
  rewriteBatchHeader,
} from "@csp-kit/kafka-protocol";
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

/** Bytes of the fixed header (61); the records start here. */
export const BATCH_HEADER_SIZE: number = RECORD_BATCH_HEADER_BYTES;
/** Bytes before `batchLength` starts counting (12): baseOffset and batchLength. */
export const LOG_OVERHEAD: number = RECORD_BATCH_LOG_OVERHEAD;
/** The smallest `batchLength` a whole header can have (61 - 12). */
export const MIN_BATCH_LENGTH: number = BATCH_HEADER_SIZE - LOG_OVERHEAD;
/** `maxTimestamp` of a batch that carries no timestamp. */
export const NO_TIMESTAMP = -1;

/** The header fields of one batch the log uses, plus where it lies. */
export interface BatchHeader {
  /** Where the batch starts: in the produced bytes, or in its segment file. */
  readonly position: number;
  /** Its whole length in bytes: `LOG_OVERHEAD + batchLength`. */
  readonly size: number;
  readonly baseOffset: number;
  /** Records - 1; also the last sequence's distance from `baseSequence`. */
  readonly lastOffsetDelta: number;
  readonly recordsCount: number;
  /** The largest record timestamp, or {@link NO_TIMESTAMP}. */
  readonly maxTimestamp: number;
  /** -1 (any negative id) when the producer is not idempotent. */
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
}

/** A DataView over exactly the bytes of `bytes`. */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The header of the whole batch at `bytes[at..]`, or why it is not one: cut
 * short, a batchLength below the header's own size, a magic byte other than
 * 2, an unknown codec, a negative record count, or (with `verifyCrc`) a CRC
 * that does not match. `position` is reported as given (default `at`), for a
 * caller whose bytes are a window onto a file.
 */
export function headerAt(
  bytes: Uint8Array,
  at: number,
  verifyCrc: boolean,
  position: number = at,
): BatchHeader | { readonly problem: string } {
  try {
    const h = readBatchHeader(bytes, at, { verifyCrc });
    return {
      position,
      size: h.byteLength,
      baseOffset: Number(h.baseOffset),
      lastOffsetDelta: h.lastOffsetDelta,
      recordsCount: h.recordsCount,
      maxTimestamp: h.maxTimestamp,
      producerId: h.producerId,
      producerEpoch: h.producerEpoch,
      baseSequence: h.baseSequence,
    };
  } catch (error) {
    if (isProtocolError(error)) return { problem: error.message };
    throw error;
  }
}

/**
 * Writes the offset the log assigned and the partition leader epoch into the
 * batch at `at` (neither is covered by the CRC). Precondition: a whole batch
 * is there (`headerAt` said so) and `offset` is a safe integer.
 */
export function assignOffset(bytes: Uint8Array, at: number, offset: number, leaderEpoch: number): void {
  rewriteBatchHeader(bytes, at, { baseOffset: BigInt(offset), partitionLeaderEpoch: leaderEpoch });
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
 * Splits the records of one produce partition into batches and checks each,
 * in Kafka's order, before anything is appended: the size against
 * `maxBatchBytes` (MESSAGE_TOO_LARGE, 10); the frame, magic, codec and
 * CRC-32C (CORRUPT_MESSAGE, 2); a record count of at least one that agrees
 * with `lastOffsetDelta`, and a sequence for every batch that carries a
 * producer id (INVALID_RECORD, 87). Records are not decoded (the opaque
 * pass-through of KAFKA.md §2.5).
 *
 * The first failing batch fails the whole input: nothing of it may be
 * stored. Empty input fails too (INVALID_RECORD: Kafka wants a batch).
 */
export function parseBatches(bytes: Uint8Array, maxBatchBytes: number): ParsedBatches {
  if (bytes.byteLength === 0)
    return { ok: false, errorCode: LogErrorCode.INVALID_RECORD, message: "no record batch in the records" };
  const view = viewOf(bytes);
  const headers: BatchHeader[] = [];
  let pos = 0;
  while (pos < bytes.byteLength) {
    const where = `batch ${headers.length} (byte ${pos})`;
    if (bytes.byteLength - pos >= LOG_OVERHEAD) {
      const size = LOG_OVERHEAD + view.getInt32(pos + BatchField.batchLength);
      if (size > maxBatchBytes)
        return {
          ok: false,
          errorCode: LogErrorCode.MESSAGE_TOO_LARGE,
          message: `${where}: ${size} bytes, more than the log's maxBatchBytes ${maxBatchBytes}`,
        };
    }
    const header = headerAt(bytes, pos, true);
    if ("problem" in header)
      return { ok: false, errorCode: LogErrorCode.CORRUPT_MESSAGE, message: `${where}: ${header.problem}` };
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
    pos += header.size;
  }
  return { ok: true, headers };
}
