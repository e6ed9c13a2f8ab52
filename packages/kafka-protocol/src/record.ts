/**
 * Records, the entries of a RecordBatch v2, and control records.
 *
 * A record on the wire (KAFKA.md §2.5), every integer a zigzag varint unless
 * said otherwise:
 *
 * ```
 * length          varint   bytes after this field
 * attributes      int8     unused by Kafka, 0
 * timestampDelta  varlong  timestamp - batch.baseTimestamp
 * offsetDelta     varint   offset - batch.baseOffset
 * keyLength       varint   -1 = null key
 * key             bytes
 * valueLength     varint   -1 = null value (a tombstone)
 * value           bytes
 * headersCount    varint
 * headers         [keyLength varint, key UTF-8, valueLength varint (-1 = null), value]
 * ```
 *
 * A control batch (attributes bit 5) holds control records: the key is
 * `version int16, type int16` (type 0 ABORT, 1 COMMIT, 2–6 KRaft's own);
 * an ABORT or COMMIT marker's value is `version int16, coordinatorEpoch int32`.
 *
 * Invariants:
 * - The encoder sizes every record before writing it and writes the whole
 *   records section into memory reserved once: no growth, no copy.
 * - The decoder never reads outside `[start, end)` of the section it is given
 *   and allocates nothing from a count the section cannot hold (each record
 *   takes at least {@link MIN_RECORD_BYTES}, each header at least 2 bytes).
 * - Decoded keys, values and header values are views into the section's
 *   buffer (the fetched frame, or the decompressed records): copy them to
 *   keep them past that buffer's life.
 */

import { ProtocolError } from "./errors.js";
import { NULL_LENGTH, Reader } from "./reader.js";
import { utf8Length, type Writer } from "./writer.js";

/** The fewest bytes a record can take: length, attributes, timestampDelta, offsetDelta, keyLength, valueLength, headersCount, one byte each. */
export const MIN_RECORD_BYTES = 7;

/** One record header: a UTF-8 key and a nullable value. */
export interface RecordHeader {
  /** The header's name (UTF-8 on the wire; never null). */
  readonly key: string;
  /** The header's value, or null. */
  readonly value: Uint8Array | null;
}

/**
 * A record as decoded: every wire field, deltas as they are (the absolute
 * offset is `batch.baseOffset + BigInt(offsetDelta)`, the timestamp
 * `batch.baseTimestamp + timestampDelta`).
 */
export interface KafkaRecord {
  /** The record's attributes byte (Kafka writes 0 and reads nothing from it). */
  readonly attributes: number;
  /** Milliseconds from the batch's baseTimestamp. */
  readonly timestampDelta: number;
  /** Offset from the batch's baseOffset. */
  readonly offsetDelta: number;
  /** The key, or null. A view; see the module invariants. */
  readonly key: Uint8Array | null;
  /** The value, or null (a tombstone). A view; see the module invariants. */
  readonly value: Uint8Array | null;
  /** The headers, in wire order (keys may repeat). */
  readonly headers: readonly RecordHeader[];
}

/**
 * A record to encode: everything but the payload has a default. A decoded
 * {@link KafkaRecord} is a valid `RecordInput` and encodes to the same bytes.
 */
export interface RecordInput {
  /** Default 0. */
  readonly attributes?: number;
  /** Default 0 (the batch's baseTimestamp). */
  readonly timestampDelta?: number;
  /** Default: the record's index in the batch. */
  readonly offsetDelta?: number;
  /** Default null. */
  readonly key?: Uint8Array | null;
  /** Default null (a tombstone). */
  readonly value?: Uint8Array | null;
  /** Default none. */
  readonly headers?: readonly RecordHeader[];
}

const NO_HEADERS: readonly RecordHeader[] = Object.freeze([]);
const textDecoder = new TextDecoder("utf-8");
const textEncoder = new TextEncoder();

// ---- encoding -----------------------------------------------------------------

/** Per-record body sizes of the batch being encoded; reused across calls (grown, never shrunk). */
let sizes = new Int32Array(1024);

/** The zigzag form of an int32 as an unsigned 32-bit value. */
function zigzag32(v: number): number {
  return ((v << 1) ^ (v >> 31)) >>> 0;
}

function uvarintBytes(u: number): number {
  return u < 0x80 ? 1 : u < 0x4000 ? 2 : u < 0x200000 ? 3 : u < 0x10000000 ? 4 : 5;
}

/** 2**52: from here on, the zigzag form of a safe integer (2|v| or 2|v| - 1) is no longer exact as a double. */
const ZIGZAG_EXACT = 4503599627370496;

/** The zigzag form of safe integer `v`, exactly, as a bigint. Precondition: `|v| >= 2**52` (the cold path). */
function zigzagBig(v: number): bigint {
  const b = BigInt(v);
  return b >= 0n ? b * 2n : -b * 2n - 1n;
}

/** Bytes a zigzag varlong takes. Precondition: `v` is a safe integer. */
function varlongBytes(v: number): number {
  if (v >= -0x40000000 && v < 0x40000000) return uvarintBytes(zigzag32(v));
  if (v >= ZIGZAG_EXACT || v < -ZIGZAG_EXACT) {
    let z = zigzagBig(v);
    let n = 1;
    while (z >= 128n) {
      z >>= 7n;
      n++;
    }
    return n;
  }
  let z = v >= 0 ? v * 2 : -v * 2 - 1;
  let n = 1;
  while (z >= 128) {
    z = Math.floor(z / 128);
    n++;
  }
  return n;
}

function invalid(message: string): ProtocolError {
  return new ProtocolError("invalid-value", message);
}

function checkBytes(b: unknown, what: string, index: number): Uint8Array | null {
  if (b === null || b === undefined) return null;
  if (b instanceof Uint8Array) return b;
  throw invalid(`record ${index}: ${what} must be a Uint8Array or null, got ${typeof b}`);
}

/**
 * The size of record `r`'s body (everything after its length varint).
 * Validates the record's fields; throws an `invalid-value` ProtocolError naming
 * the record and the field otherwise.
 */
function recordBodySize(r: RecordInput, index: number): number {
  if (r === null || typeof r !== "object") throw invalid(`record ${index} must be an object, got ${String(r)}`);
  const attributes = r.attributes ?? 0;
  const ts = r.timestampDelta ?? 0;
  const od = r.offsetDelta ?? index;
  if (!(Number.isInteger(attributes) && attributes >= -128 && attributes <= 127)) {
    throw invalid(`record ${index}: attributes must be an int8, got ${String(attributes)}`);
  }
  if (!Number.isSafeInteger(ts))
    throw invalid(`record ${index}: timestampDelta must be a safe integer, got ${String(ts)}`);
  if (!(Number.isInteger(od) && od >= -2147483648 && od <= 2147483647)) {
    throw invalid(`record ${index}: offsetDelta must be an int32, got ${String(od)}`);
  }
  const key = checkBytes(r.key, "key", index);
  const value = checkBytes(r.value, "value", index);
  let size = 1 + varlongBytes(ts) + uvarintBytes(zigzag32(od));
  size += key === null ? 1 : uvarintBytes(zigzag32(key.length)) + key.length;
  size += value === null ? 1 : uvarintBytes(zigzag32(value.length)) + value.length;
  const headers = r.headers ?? NO_HEADERS;
  if (!Array.isArray(headers)) throw invalid(`record ${index}: headers must be an array`);
  size += uvarintBytes(zigzag32(headers.length));
  for (let h = 0; h < headers.length; h++) {
    const header = headers[h] as RecordHeader;
    if (header === null || typeof header !== "object" || typeof header.key !== "string") {
      throw invalid(`record ${index}: header ${h} needs a string key`);
    }
    const kn = utf8Length(header.key);
    const hv = checkBytes(header.value, `header ${JSON.stringify(header.key)}'s value`, index);
    size += uvarintBytes(zigzag32(kn)) + kn;
    size += hv === null ? 1 : uvarintBytes(zigzag32(hv.length)) + hv.length;
  }
  if (size > 0x7fffffff - 5) throw invalid(`record ${index} is larger than 2 GiB`);
  return size;
}

/** Writes `u` (an unsigned 32-bit value) as a varint at `o`; returns the next position. Precondition: room for 5 bytes. */
function putUvarint(b: Uint8Array, o: number, u: number): number {
  while (u >= 0x80) {
    b[o++] = (u & 0x7f) | 0x80;
    u >>>= 7;
  }
  b[o++] = u;
  return o;
}

/** Writes a zigzag varlong of safe integer `v` at `o`. */
function putVarlong(b: Uint8Array, o: number, v: number): number {
  if (v >= -0x40000000 && v < 0x40000000) return putUvarint(b, o, zigzag32(v));
  if (v >= ZIGZAG_EXACT || v < -ZIGZAG_EXACT) {
    let z = zigzagBig(v);
    while (z >= 0x80n) {
      b[o++] = Number(z & 0x7fn) | 0x80;
      z >>= 7n;
    }
    b[o++] = Number(z);
    return o;
  }
  let z = v >= 0 ? v * 2 : -v * 2 - 1;
  while (z >= 0x80) {
    b[o++] = (z % 128) | 0x80;
    z = Math.floor(z / 128);
  }
  b[o++] = z;
  return o;
}

function putBytes(b: Uint8Array, o: number, bytes: Uint8Array | null): number {
  if (bytes === null) {
    b[o] = 1; // zigzag(-1)
    return o + 1;
  }
  o = putUvarint(b, o, zigzag32(bytes.length));
  const n = bytes.length;
  if (n < 16) for (let i = 0; i < n; i++) b[o + i] = bytes[i]!;
  else b.set(bytes, o);
  return o + n;
}

function putString(b: Uint8Array, o: number, s: string): number {
  const n = utf8Length(s);
  o = putUvarint(b, o, zigzag32(n));
  if (n === s.length) {
    for (let i = 0; i < n; i++) b[o + i] = s.charCodeAt(i);
    return o + n;
  }
  return o + textEncoder.encodeInto(s, b.subarray(o, o + n)).written;
}

/**
 * The number of bytes {@link writeRecords} will append for `records`, which
 * it also validates (an `invalid-value` ProtocolError names the bad record).
 * Leaves the per-record sizes for the next `writeRecords` call on the same array.
 */
export function recordsSize(records: readonly RecordInput[]): number {
  const n = records.length;
  if (sizes.length < n) sizes = new Int32Array(Math.max(n, sizes.length * 2));
  let total = 0;
  for (let i = 0; i < n; i++) {
    const size = recordBodySize(records[i] as RecordInput, i);
    sizes[i] = size;
    total += uvarintBytes(zigzag32(size)) + size;
  }
  return total;
}

/**
 * Appends the records section for `records` to `w` (no count: the batch
 * header carries it). Precondition: {@link recordsSize} was just called on
 * the same array, with no other encoding in between; it sized and validated
 * everything, so this pass only writes.
 */
export function writeRecords(w: Writer, records: readonly RecordInput[], total: number): void {
  w.ensure(total);
  const b = w.buffer;
  let o = w.offset;
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as RecordInput;
    o = putUvarint(b, o, zigzag32(sizes[i]!));
    b[o++] = (r.attributes ?? 0) & 0xff;
    o = putVarlong(b, o, r.timestampDelta ?? 0);
    o = putUvarint(b, o, zigzag32(r.offsetDelta ?? i));
    o = putBytes(b, o, r.key ?? null);
    o = putBytes(b, o, r.value ?? null);
    const headers = r.headers ?? NO_HEADERS;
    o = putUvarint(b, o, zigzag32(headers.length));
    for (let h = 0; h < headers.length; h++) {
      const header = headers[h]!;
      o = putString(b, o, header.key);
      o = putBytes(b, o, header.value ?? null);
    }
  }
  w.offset = o;
}

// ---- decoding -----------------------------------------------------------------

/** A varint length field: -1 for null, otherwise a length; anything below -1 is malformed. */
function lengthField(r: Reader, what: string): number {
  const at = r.offset;
  const n = r.varint();
  if (n < NULL_LENGTH) throw new ProtocolError("invalid-value", `${what} length ${n} is negative`, at);
  return n;
}

function utf8(bytes: Uint8Array): string {
  const n = bytes.length;
  if (n <= 64) {
    let s = "";
    for (let i = 0; i < n; i++) {
      const c = bytes[i]!;
      if (c >= 0x80) return textDecoder.decode(bytes);
      s += String.fromCharCode(c);
    }
    return s;
  }
  return textDecoder.decode(bytes);
}

/**
 * Decodes `count` records from `bytes[start, end)`, which must hold exactly
 * them. Throws a {@link ProtocolError}: `truncated` when the section cannot
 * hold `count` records or a record runs past its length or the section;
 * `invalid-value` for a negative length, a record whose fields do not fill
 * its declared length exactly, or bytes left after the last record.
 */
export function readRecords(bytes: Uint8Array, start: number, end: number, count: number): KafkaRecord[] {
  if (count < 0) throw new ProtocolError("invalid-value", `a batch declares ${count} records`, start);
  if (count * MIN_RECORD_BYTES > end - start) {
    throw new ProtocolError(
      "truncated",
      `a batch declares ${count} records but its ${end - start} bytes of records can hold at most ` +
        `${Math.floor((end - start) / MIN_RECORD_BYTES)}`,
      start,
    );
  }
  const r = new Reader(bytes, start, end);
  const records: KafkaRecord[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const lengthAt = r.offset;
    const length = r.varint();
    const bodyAt = r.offset;
    if (length < MIN_RECORD_BYTES - 1) {
      throw new ProtocolError(
        "invalid-value",
        `record ${i} declares ${length} bytes, fewer than a record takes`,
        lengthAt,
      );
    }
    if (length > end - bodyAt) {
      throw new ProtocolError("truncated", `record ${i} declares ${length} bytes but ${end - bodyAt} remain`, lengthAt);
    }
    const recordEnd = bodyAt + length;
    const attributes = r.int8();
    const timestampDelta = r.varlong();
    const offsetDelta = r.varint();
    const keyLength = lengthField(r, "key");
    const key = keyLength === NULL_LENGTH ? null : r.raw(keyLength);
    const valueLength = lengthField(r, "value");
    const value = valueLength === NULL_LENGTH ? null : r.raw(valueLength);
    const headersAt = r.offset;
    const headerCount = r.varint();
    let headers: readonly RecordHeader[] = NO_HEADERS;
    if (headerCount !== 0) {
      if (headerCount < 0 || headerCount * 2 > recordEnd - r.offset) {
        throw new ProtocolError(
          headerCount < 0 ? "invalid-value" : "truncated",
          `record ${i} declares ${headerCount} headers in ${recordEnd - r.offset} bytes`,
          headersAt,
        );
      }
      const list: RecordHeader[] = new Array(headerCount);
      for (let h = 0; h < headerCount; h++) {
        const keyAt = r.offset;
        const hk = lengthField(r, "header key");
        if (hk === NULL_LENGTH)
          throw new ProtocolError("invalid-value", `record ${i}: header ${h} has a null key`, keyAt);
        const name = utf8(r.raw(hk));
        const hv = lengthField(r, "header value");
        list[h] = { key: name, value: hv === NULL_LENGTH ? null : r.raw(hv) };
      }
      headers = list;
    }
    if (r.offset !== recordEnd) {
      throw new ProtocolError(
        "invalid-value",
        `record ${i} declares ${length} bytes but its fields take ${r.offset - bodyAt}`,
        lengthAt,
      );
    }
    records[i] = { attributes, timestampDelta, offsetDelta, key, value, headers };
  }
  r.complete("the records of a batch");
  return records;
}

// ---- control records ------------------------------------------------------------

/** The control record types Kafka defines (the `type` int16 of a control record's key). */
export const CONTROL_RECORD_TYPE: Readonly<{
  readonly abort: 0;
  readonly commit: 1;
  readonly "leader-change": 2;
  readonly "snapshot-header": 3;
  readonly "snapshot-footer": 4;
  readonly "kraft-version": 5;
  readonly "kraft-voters": 6;
}> = Object.freeze({
  abort: 0,
  commit: 1,
  "leader-change": 2,
  "snapshot-header": 3,
  "snapshot-footer": 4,
  "kraft-version": 5,
  "kraft-voters": 6,
} as const);

/** A control record type's name, or `"unknown"` for a type this package does not know (clients ignore those). */
export type ControlRecordKind = keyof typeof CONTROL_RECORD_TYPE | "unknown";

/** A decoded control record key (and, for transaction markers, value). */
export interface ControlRecord {
  /** The key's schema version (0 today). */
  readonly version: number;
  /** The type number from the key. */
  readonly type: number;
  /** The type's name. */
  readonly kind: ControlRecordKind;
  /** For `abort` / `commit` markers: the transaction coordinator's epoch; otherwise null. */
  readonly coordinatorEpoch: number | null;
}

const KIND_BY_TYPE: readonly ControlRecordKind[] = Object.keys(CONTROL_RECORD_TYPE) as ControlRecordKind[];

/**
 * Decodes a control record (a record of a batch whose `control` flag is
 * set): its key's version and type and, for an ABORT or COMMIT marker, the
 * coordinator epoch from its value. Throws an `invalid-value` ProtocolError
 * for a key shorter than 4 bytes, a negative version, or a marker whose value
 * is missing or shorter than 6 bytes.
 *
 * @example
 * ```ts run
 * import { decodeControlRecord, decodeRecordBatches, encodeRecordBatchSync, endTransactionMarker } from "@csp-kit/kafka-protocol";
 *
 * const log = encodeRecordBatchSync({ producerId: 9n, control: true, transactional: true, records: [endTransactionMarker("abort", 0)] });
 * const { batches } = await decodeRecordBatches(log);
 * const aborted: bigint[] = [];
 * for (const batch of batches) if (batch.control) {
 *   const marker = decodeControlRecord(batch.records[0]!);
 *   if (marker.kind === "abort") aborted.push(batch.producerId); // drop that producer's open transaction
 * }
 * console.log(aborted); // → [9n]
 * if (aborted.join() !== "9") throw new Error(`aborted ${aborted.join()}`);
 * ```
 */
export function decodeControlRecord(record: Pick<KafkaRecord, "key" | "value">): ControlRecord {
  const key = record.key;
  if (key === null || key.length < 4) {
    throw new ProtocolError("invalid-value", "a control record's key must hold version int16 and type int16");
  }
  const k = new Reader(key);
  const version = k.int16();
  const type = k.int16();
  if (version < 0) throw new ProtocolError("invalid-value", `a control record key has version ${version}`);
  const kind = type >= 0 && type < KIND_BY_TYPE.length ? KIND_BY_TYPE[type]! : "unknown";
  let coordinatorEpoch: number | null = null;
  if (kind === "abort" || kind === "commit") {
    const value = record.value;
    if (value === null || value.length < 6) {
      throw new ProtocolError(
        "invalid-value",
        `a ${kind} marker's value must hold version int16 and coordinatorEpoch int32`,
      );
    }
    const v = new Reader(value);
    if (v.int16() < 0) throw new ProtocolError("invalid-value", `a ${kind} marker's value has a negative version`);
    coordinatorEpoch = v.int32();
  }
  return { version, type, kind, coordinatorEpoch };
}

/**
 * The record of a transaction marker (the single record of a control batch
 * that ends a transaction): key `0, 0|1`, value `0, coordinatorEpoch`. Put
 * it in a batch with `control: true, transactional: true`.
 */
export function endTransactionMarker(kind: "abort" | "commit", coordinatorEpoch: number): RecordInput {
  if (kind !== "abort" && kind !== "commit")
    throw invalid(`a transaction marker is "abort" or "commit", got ${String(kind)}`);
  if (!(Number.isInteger(coordinatorEpoch) && coordinatorEpoch >= -2147483648 && coordinatorEpoch <= 2147483647)) {
    throw invalid(`coordinatorEpoch must be an int32, got ${String(coordinatorEpoch)}`);
  }
  const key = new Uint8Array(4);
  key[3] = CONTROL_RECORD_TYPE[kind];
  const value = new Uint8Array(6);
  new DataView(value.buffer).setInt32(2, coordinatorEpoch);
  return { key, value };
}
