/**
 * Builds RecordBatch v2 bytes for tests: a real header (CRC-32C included)
 * and real records (varint lengths, null key, a value, no headers), so the
 * log's opaque checks see what a client would send.
 */

import { crc32c } from "@csp-kit/kafka-protocol";
import { BATCH_HEADER_SIZE, BatchField, LOG_OVERHEAD, viewOf } from "../../../src/internal/log/batch-view.js";

/** What a test batch carries; everything has a default. */
export interface BatchSpec {
  /** The record values; default one 8-byte value. */
  readonly values?: readonly Uint8Array[];
  /** The first record's timestamp; default 1_000. Record i is `baseTimestamp + i`. */
  readonly baseTimestamp?: number;
  /** Overrides the max timestamp written in the header; default the last record's timestamp. */
  readonly maxTimestamp?: number;
  readonly producerId?: bigint;
  readonly producerEpoch?: number;
  readonly baseSequence?: number;
  readonly attributes?: number;
}

function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

function pushVarint(out: number[], value: number): void {
  let v = zigzag(value);
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

function encodeRecord(offsetDelta: number, timestampDelta: number, value: Uint8Array): number[] {
  const body: number[] = [0];
  pushVarint(body, timestampDelta);
  pushVarint(body, offsetDelta);
  pushVarint(body, -1); // null key
  pushVarint(body, value.length);
  for (const b of value) body.push(b);
  pushVarint(body, 0); // no headers
  const out: number[] = [];
  pushVarint(out, body.length);
  return out.concat(body);
}

/** One batch as a client sends it: base offset 0, leader epoch -1... set by the broker. */
export function makeBatch(spec: BatchSpec = {}): Uint8Array {
  const values = spec.values ?? [new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])];
  const baseTimestamp = spec.baseTimestamp ?? 1_000;
  const records: number[] = [];
  values.forEach((v, i) => {
    for (const b of encodeRecord(i, i, v)) records.push(b);
  });
  const size = BATCH_HEADER_SIZE + records.length;
  const bytes = new Uint8Array(size);
  const view = viewOf(bytes);
  view.setBigInt64(BatchField.baseOffset, 0n);
  view.setInt32(BatchField.batchLength, size - LOG_OVERHEAD);
  view.setInt32(BatchField.partitionLeaderEpoch, -1);
  view.setInt8(BatchField.magic, 2);
  view.setInt16(BatchField.attributes, spec.attributes ?? 0);
  view.setInt32(BatchField.lastOffsetDelta, values.length - 1);
  view.setBigInt64(BatchField.baseTimestamp, BigInt(baseTimestamp));
  view.setBigInt64(BatchField.maxTimestamp, BigInt(spec.maxTimestamp ?? baseTimestamp + values.length - 1));
  view.setBigInt64(BatchField.producerId, spec.producerId ?? -1n);
  view.setInt16(BatchField.producerEpoch, spec.producerEpoch ?? -1);
  view.setInt32(BatchField.baseSequence, spec.baseSequence ?? -1);
  view.setInt32(BatchField.recordsCount, values.length);
  bytes.set(records, BATCH_HEADER_SIZE);
  resealCrc(bytes, 0);
  return bytes;
}

/** Recomputes the CRC of the batch at `pos` after a test edited its covered bytes. */
export function resealCrc(bytes: Uint8Array, pos: number): void {
  const view = viewOf(bytes);
  const size = LOG_OVERHEAD + view.getInt32(pos + BatchField.batchLength);
  view.setUint32(pos + BatchField.crc, crc32c(bytes.subarray(pos + BatchField.attributes, pos + size)));
}

/** `n` one-record batches with values 0..n-1 (one byte each), or the given values. */
export function valuesOf(...values: number[]): Uint8Array[] {
  return values.map((v) => new Uint8Array([v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff]));
}

/** Concatenates batches (the records field of one produce partition). */
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** The base offset written in the batch at `pos`. */
export function baseOffsetAt(bytes: Uint8Array, pos = 0): number {
  return Number(viewOf(bytes).getBigInt64(pos + BatchField.baseOffset));
}

/** Splits concatenated batches into one array per batch (views). */
export function splitBatches(bytes: Uint8Array): Uint8Array[] {
  const view = viewOf(bytes);
  const out: Uint8Array[] = [];
  let pos = 0;
  while (pos < bytes.byteLength) {
    const size = LOG_OVERHEAD + view.getInt32(pos + BatchField.batchLength);
    out.push(bytes.subarray(pos, pos + size));
    pos += size;
  }
  return out;
}
