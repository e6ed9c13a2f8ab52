/**
 * `Writer`: an append-only, growable byte buffer for encoding Kafka messages.
 *
 * Every method appends at `offset`. Fields whose value depends on what
 * follows — a frame's size, a record batch's length and CRC — are reserved
 * first and filled in afterwards (`reserve32` / `patchInt32` /
 * `patchUint32`), as sarama's push/pop encoders do, so nothing is encoded twice.
 *
 * Invariants:
 * - `0 <= offset <= buffer.length`; bytes `[0, offset)` are the message so far.
 * - Growth doubles the capacity and copies once; a reserved position stays
 *   valid across growth (positions are offsets, never views).
 * - `finish()` returns a view of `[0, offset)` over the writer's own buffer: the
 *   writer must not be reused while that view is in use (call `reset()` only
 *   after the bytes were written out).
 *
 * Values the wire cannot carry — a string over 32,767 UTF-8 bytes in a
 * classic string, an int32 field given 2**31, a fraction in an integer field —
 * throw a {@link ProtocolError} of kind `invalid-value`; nothing is appended.
 */

import { ProtocolError } from "./errors.js";
import { uuidFromString } from "./reader.js";

const encoder = new TextEncoder();

/** The number of bytes `s` takes in UTF-8 (lone surrogates count as U+FFFD, as TextEncoder writes them). */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 2; // 4 bytes for 2 UTF-16 units
        i++;
      } else n += 2;
    } else n += 2;
  }
  return n;
}

/** How many bytes `n` takes as an unsigned varint. Precondition: `0 <= n < 2**32`. */
export function uvarintSize(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  return 5;
}

/** How many bytes `n` takes as a zigzag varint. Precondition: `n` is an int32. */
export function varintSize(n: number): number {
  return uvarintSize(((n << 1) ^ (n >> 31)) >>> 0);
}

/** An append-only byte buffer; see the module comment. */
export class Writer {
  /** The backing buffer; replaced when it grows. Bytes `[0, offset)` are written. */
  buffer: Uint8Array;
  /** The number of bytes written so far; the next byte goes here. */
  offset = 0;
  #view: DataView;

  /** A writer with room for `initialCapacity` bytes before its first growth. */
  constructor(initialCapacity = 256) {
    this.buffer = new Uint8Array(Math.max(16, initialCapacity | 0));
    this.#view = new DataView(this.buffer.buffer);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.offset + n > this.buffer.length) this.#grow(n);
  }

  /** The bytes written so far, as a view of this writer's buffer (see the module comment). */
  finish(): Uint8Array {
    return this.buffer.subarray(0, this.offset);
  }

  /** Starts over, keeping the buffer. */
  reset(): void {
    this.offset = 0;
  }

  // ---- fixed-width integers ------------------------------------------------

  int8(v: number): void {
    checkInt(v, -128, 127, "int8");
    if (this.offset + 1 > this.buffer.length) this.#grow(1);
    this.#view.setInt8(this.offset++, v);
  }

  uint8(v: number): void {
    checkInt(v, 0, 255, "uint8");
    if (this.offset + 1 > this.buffer.length) this.#grow(1);
    this.buffer[this.offset++] = v;
  }

  bool(v: boolean): void {
    if (typeof v !== "boolean") throw invalid(`a boolean field needs true or false, got ${describe(v)}`);
    if (this.offset + 1 > this.buffer.length) this.#grow(1);
    this.buffer[this.offset++] = v ? 1 : 0;
  }

  int16(v: number): void {
    checkInt(v, -32768, 32767, "int16");
    if (this.offset + 2 > this.buffer.length) this.#grow(2);
    this.#view.setInt16(this.offset, v);
    this.offset += 2;
  }

  uint16(v: number): void {
    checkInt(v, 0, 65535, "uint16");
    if (this.offset + 2 > this.buffer.length) this.#grow(2);
    this.#view.setUint16(this.offset, v);
    this.offset += 2;
  }

  int32(v: number): void {
    checkInt(v, -2147483648, 2147483647, "int32");
    if (this.offset + 4 > this.buffer.length) this.#grow(4);
    this.#view.setInt32(this.offset, v);
    this.offset += 4;
  }

  uint32(v: number): void {
    checkInt(v, 0, 4294967295, "uint32");
    if (this.offset + 4 > this.buffer.length) this.#grow(4);
    this.#view.setUint32(this.offset, v);
    this.offset += 4;
  }

  /** An int64 from a bigint (exact). */
  int64(v: bigint): void {
    if (typeof v !== "bigint" || v < -0x8000000000000000n || v > 0x7fffffffffffffffn) {
      throw invalid(`an int64 field needs a bigint in [-2**63, 2**63), got ${describe(v)}`);
    }
    if (this.offset + 8 > this.buffer.length) this.#grow(8);
    this.#view.setBigInt64(this.offset, v);
    this.offset += 8;
  }

  /** An int64 from a safe-integer number (record-batch timestamps, say). */
  int64Number(v: number): void {
    if (!Number.isSafeInteger(v)) throw invalid(`an int64 number needs a safe integer, got ${describe(v)}`);
    if (this.offset + 8 > this.buffer.length) this.#grow(8);
    const hi = Math.floor(v / 4294967296);
    this.#view.setInt32(this.offset, hi);
    this.#view.setUint32(this.offset + 4, v - hi * 4294967296);
    this.offset += 8;
  }

  float64(v: number): void {
    if (typeof v !== "number") throw invalid(`a float64 field needs a number, got ${describe(v)}`);
    if (this.offset + 8 > this.buffer.length) this.#grow(8);
    this.#view.setFloat64(this.offset, v);
    this.offset += 8;
  }

  // ---- varints --------------------------------------------------------------

  /** An unsigned varint. Precondition checked: `0 <= v < 2**32`, an integer. */
  uvarint(v: number): void {
    checkInt(v, 0, 4294967295, "unsigned varint");
    if (this.offset + 5 > this.buffer.length) this.#grow(5);
    const b = this.buffer;
    let o = this.offset;
    while (v >= 0x80) {
      b[o++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    b[o++] = v;
    this.offset = o;
  }

  /** A zigzag varint. Precondition checked: `v` is an int32. */
  varint(v: number): void {
    checkInt(v, -2147483648, 2147483647, "varint");
    this.uvarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  /** A zigzag varlong from a safe-integer number. */
  varlong(v: number): void {
    if (!Number.isSafeInteger(v)) throw invalid(`a varlong number needs a safe integer, got ${describe(v)}`);
    // The zigzag form of |v| >= 2**52 exceeds 2**53 and is not exact as a double: take the bigint path.
    if (v >= 4503599627370496 || v < -4503599627370496) {
      this.varlongBig(BigInt(v));
      return;
    }
    let z = v >= 0 ? v * 2 : -v * 2 - 1;
    if (this.offset + 10 > this.buffer.length) this.#grow(10);
    const b = this.buffer;
    let o = this.offset;
    while (z >= 0x80) {
      b[o++] = (z % 128) | 0x80;
      z = Math.floor(z / 128);
    }
    b[o++] = z;
    this.offset = o;
  }

  /** A zigzag varlong from a bigint (exact, full int64 range). */
  varlongBig(v: bigint): void {
    if (typeof v !== "bigint" || v < -0x8000000000000000n || v > 0x7fffffffffffffffn) {
      throw invalid(`a varlong needs a bigint in [-2**63, 2**63), got ${describe(v)}`);
    }
    let z = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    if (this.offset + 10 > this.buffer.length) this.#grow(10);
    const b = this.buffer;
    let o = this.offset;
    while (z >= 0x80n) {
      b[o++] = Number(z & 0x7fn) | 0x80;
      z >>= 7n;
    }
    b[o++] = Number(z);
    this.offset = o;
  }

  // ---- strings ----------------------------------------------------------------

  /** A classic string: int16 length, then UTF-8. */
  string(s: string): void {
    if (typeof s !== "string") throw invalid(`a string field needs a string, got ${describe(s)}`);
    const n = utf8Length(s);
    if (n > 32767) throw invalid(`a classic string holds at most 32,767 UTF-8 bytes, got ${n}`);
    this.int16(n);
    this.#utf8(s, n);
  }

  /** A classic nullable string: int16 length (-1 for null), then UTF-8. */
  nullableString(s: string | null): void {
    if (s === null) this.int16(-1);
    else this.string(s);
  }

  /** A compact string: unsigned varint length + 1, then UTF-8. */
  compactString(s: string): void {
    if (typeof s !== "string") throw invalid(`a string field needs a string, got ${describe(s)}`);
    const n = utf8Length(s);
    this.uvarint(n + 1);
    this.#utf8(s, n);
  }

  /** A compact nullable string: unsigned varint length + 1 (0 for null), then UTF-8. */
  compactNullableString(s: string | null): void {
    if (s === null) this.uvarint(0);
    else this.compactString(s);
  }

  // ---- bytes ------------------------------------------------------------------

  /** Raw bytes, no length. */
  raw(b: Uint8Array): void {
    if (!(b instanceof Uint8Array)) throw invalid(`a bytes field needs a Uint8Array, got ${describe(b)}`);
    const n = b.length;
    if (this.offset + n > this.buffer.length) this.#grow(n);
    this.buffer.set(b, this.offset);
    this.offset += n;
  }

  /** Classic bytes: int32 length, then the bytes. */
  bytesField(b: Uint8Array): void {
    if (!(b instanceof Uint8Array)) throw invalid(`a bytes field needs a Uint8Array, got ${describe(b)}`);
    this.int32(b.length);
    this.raw(b);
  }

  /** Classic nullable bytes: int32 length (-1 for null), then the bytes. */
  nullableBytes(b: Uint8Array | null): void {
    if (b === null) this.int32(-1);
    else this.bytesField(b);
  }

  /** Compact bytes: unsigned varint length + 1, then the bytes. */
  compactBytes(b: Uint8Array): void {
    if (!(b instanceof Uint8Array)) throw invalid(`a bytes field needs a Uint8Array, got ${describe(b)}`);
    this.uvarint(b.length + 1);
    this.raw(b);
  }

  /** Compact nullable bytes: unsigned varint length + 1 (0 for null), then the bytes. */
  compactNullableBytes(b: Uint8Array | null): void {
    if (b === null) this.uvarint(0);
    else this.compactBytes(b);
  }

  /** A UUID given as Kafka prints it (22 URL-safe base64 characters). */
  uuid(s: string): void {
    this.raw(uuidFromString(s));
  }

  // ---- arrays -----------------------------------------------------------------

  /** A classic array count: int32 (-1 for null). */
  arrayLength(n: number | null): void {
    this.int32(n === null ? -1 : n);
  }

  /** A compact array count: unsigned varint count + 1 (0 for null). */
  compactArrayLength(n: number | null): void {
    this.uvarint(n === null ? 0 : n + 1);
  }

  /** An empty tagged-field section (one zero byte). */
  emptyTaggedFields(): void {
    if (this.offset + 1 > this.buffer.length) this.#grow(1);
    this.buffer[this.offset++] = 0;
  }

  // ---- reserved fields --------------------------------------------------------

  /** Reserves 4 bytes (for a length or a CRC) and returns their position, for {@link Writer.patchInt32}. */
  reserve32(): number {
    if (this.offset + 4 > this.buffer.length) this.#grow(4);
    const at = this.offset;
    this.offset += 4;
    return at;
  }

  /** Fills a reserved int32. Precondition: `at` came from {@link Writer.reserve32}. */
  patchInt32(at: number, v: number): void {
    checkInt(v, -2147483648, 2147483647, "int32");
    this.#view.setInt32(at, v);
  }

  /** Fills a reserved uint32 (a CRC). Precondition: `at` came from {@link Writer.reserve32}. */
  patchUint32(at: number, v: number): void {
    checkInt(v, 0, 4294967295, "uint32");
    this.#view.setUint32(at, v);
  }

  /** Overwrites an int64 written earlier at `at` (a batch's base offset). Precondition: `at + 8 <= offset`. */
  patchInt64(at: number, v: bigint): void {
    this.#view.setBigInt64(at, v);
  }

  // ---- cold paths ------------------------------------------------------------

  #utf8(s: string, n: number): void {
    if (this.offset + n > this.buffer.length) this.#grow(n);
    const b = this.buffer;
    let o = this.offset;
    if (n === s.length) {
      // ASCII: one byte per UTF-16 unit.
      for (let i = 0; i < n; i++) b[o++] = s.charCodeAt(i);
      this.offset = o;
      return;
    }
    const { written } = encoder.encodeInto(s, b.subarray(o, o + n));
    this.offset = o + written;
  }

  #grow(n: number): void {
    let capacity = this.buffer.length * 2;
    while (capacity < this.offset + n) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buffer.subarray(0, this.offset));
    this.buffer = next;
    this.#view = new DataView(next.buffer);
  }
}

function checkInt(v: number, min: number, max: number, what: string): void {
  // Written so that NaN, non-numbers and fractions all fail the one comparison chain.
  if (!(typeof v === "number" && v >= min && v <= max && Math.floor(v) === v)) {
    throw invalid(`an ${what} field needs an integer in [${min}, ${max}], got ${describe(v)}`);
  }
}

function invalid(message: string): ProtocolError {
  return new ProtocolError("invalid-value", message);
}

function describe(v: unknown): string {
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (v === null || typeof v !== "object") return String(v);
  return `an object (${(v as object).constructor?.name ?? "Object"})`;
}
