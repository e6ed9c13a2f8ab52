/**
 * `Reader`: a bounds-checked cursor over one Kafka message's bytes.
 *
 * Every read checks that the bytes it needs are there and throws a
 * {@link ProtocolError} if they are not; nothing else is ever thrown. Lengths
 * and array counts are checked against what remains *before* anything is
 * allocated: an array that declares 2**31 elements in a 20-byte frame fails
 * with kind `truncated` at once. (franz-go's kbin reader is "sticky" instead —
 * it yields zero values after a short read and reports once at the end; in
 * JavaScript an exception gives the same single failure without a check at
 * every call site, and no decoder runs on with garbage.)
 *
 * Invariants:
 * - `start <= offset <= end <= bytes.length`, always; a failed read leaves
 *   `offset` where it was.
 * - Byte fields (`bytes`, `raw`, …) are views into the frame, not copies:
 *   they stay valid while the frame's buffer does. Copy them (`.slice()`) to
 *   keep them longer than the frame.
 * - Strings are UTF-8; invalid sequences decode to U+FFFD, as TextDecoder does.
 *
 * Null sentinels: classic nullable strings and bytes use length {@link NULL_LENGTH}
 * (-1); compact forms use 0 for null (length + 1 on the wire). Arrays alike.
 */

import { ProtocolError } from "./errors.js";

/** The length (or array count) that encodes `null` in the classic, non-compact forms: -1. */
export const NULL_LENGTH = -1;

const decoder = new TextDecoder("utf-8");
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A callback for one tagged field: its tag, and a reader bounded to exactly its bytes. */
export type TagHandler = (tag: number, field: Reader) => void;

/**
 * A cursor over `bytes[start, end)`.
 *
 * Ordering: reads consume bytes front to back; `offset` is public so a decoder
 * can remember a position (for a CRC, say) and `slice` what lies between.
 */
export class Reader {
  /** The buffer read from. */
  readonly bytes: Uint8Array;
  /** Where reading stops (exclusive). */
  readonly end: number;
  /** The next byte to read. Advances with every read; set it only to a position this reader returned. */
  offset: number;
  readonly #view: DataView;

  /** Reads `bytes[start, end)`; `end` defaults to the end of `bytes`. */
  constructor(bytes: Uint8Array, start = 0, end: number = bytes.length) {
    if (!(bytes instanceof Uint8Array)) {
      throw new ProtocolError("invalid-value", `Reader needs a Uint8Array (or Buffer), got ${typeof bytes}`);
    }
    if (!(start >= 0 && start <= end && end <= bytes.length)) {
      throw new ProtocolError(
        "invalid-value",
        `Reader range [${start}, ${end}) is outside a ${bytes.length}-byte buffer`,
      );
    }
    this.bytes = bytes;
    this.offset = start;
    this.end = end;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** How many bytes are left to read. */
  remaining(): number {
    return this.end - this.offset;
  }

  /** Throws a `truncated` ProtocolError unless `n` more bytes are there. Precondition: `n >= 0`. */
  need(n: number, what: string): void {
    if (this.end - this.offset < n) throw this.#truncated(n, what);
  }

  /** Throws an `invalid-value` ProtocolError unless every byte was read (a message with trailing bytes is malformed). */
  complete(what: string): void {
    if (this.offset !== this.end) {
      throw new ProtocolError(
        "invalid-value",
        `${what}: ${this.end - this.offset} unexpected trailing byte(s) after the message`,
        this.offset,
      );
    }
  }

  // ---- fixed-width integers ------------------------------------------------

  int8(): number {
    if (this.offset + 1 > this.end) throw this.#truncated(1, "int8");
    return this.#view.getInt8(this.offset++);
  }

  uint8(): number {
    if (this.offset + 1 > this.end) throw this.#truncated(1, "uint8");
    return this.bytes[this.offset++]!;
  }

  /** A boolean: one byte, 0 is false, anything else true (as Kafka reads it). */
  bool(): boolean {
    return this.uint8() !== 0;
  }

  int16(): number {
    const o = this.offset;
    if (o + 2 > this.end) throw this.#truncated(2, "int16");
    this.offset = o + 2;
    return this.#view.getInt16(o);
  }

  uint16(): number {
    const o = this.offset;
    if (o + 2 > this.end) throw this.#truncated(2, "uint16");
    this.offset = o + 2;
    return this.#view.getUint16(o);
  }

  int32(): number {
    const o = this.offset;
    if (o + 4 > this.end) throw this.#truncated(4, "int32");
    this.offset = o + 4;
    return this.#view.getInt32(o);
  }

  uint32(): number {
    const o = this.offset;
    if (o + 4 > this.end) throw this.#truncated(4, "uint32");
    this.offset = o + 4;
    return this.#view.getUint32(o);
  }

  /** An int64, exactly, as a bigint. */
  int64(): bigint {
    const o = this.offset;
    if (o + 8 > this.end) throw this.#truncated(8, "int64");
    this.offset = o + 8;
    return this.#view.getBigInt64(o);
  }

  /**
   * An int64 as a number, for fields whose values stay within ±(2**53 - 1)
   * in practice (record-batch timestamps, say). Throws a `bad-varint`-free
   * `invalid-value` ProtocolError for a value outside that range rather than
   * rounding it.
   */
  int64Number(): number {
    const o = this.offset;
    if (o + 8 > this.end) throw this.#truncated(8, "int64");
    const hi = this.#view.getInt32(o);
    const lo = this.#view.getUint32(o + 4);
    // Safe when the high word is within ±2**21 (|value| < 2**53).
    if (hi > 0x1fffff || hi < -0x200000) throw this.#unsafe(o, this.#view.getBigInt64(o));
    this.offset = o + 8;
    return hi * 4294967296 + lo;
  }

  float64(): number {
    const o = this.offset;
    if (o + 8 > this.end) throw this.#truncated(8, "float64");
    this.offset = o + 8;
    return this.#view.getFloat64(o);
  }

  // ---- varints --------------------------------------------------------------

  /** An unsigned varint of at most 32 bits (compact lengths, tag numbers, tag counts). */
  uvarint(): number {
    const bytes = this.bytes;
    let o = this.offset;
    const end = this.end;
    if (o < end) {
      const b = bytes[o]!;
      if (b < 0x80) {
        this.offset = o + 1;
        return b;
      }
    }
    let result = 0;
    let shift = 0;
    for (;;) {
      if (o >= end) throw this.#truncated(1, "unsigned varint");
      const b = bytes[o++]!;
      if (shift === 28) {
        if (b > 0x0f) throw this.#badVarint("unsigned varint longer than 32 bits");
        result += b * 268435456; // b << 28, kept non-negative
        break;
      }
      result |= (b & 0x7f) << shift;
      if (b < 0x80) break;
      shift += 7;
    }
    this.offset = o;
    return result >>> 0;
  }

  /** A zigzag-encoded signed varint of at most 32 bits (record lengths, offset deltas, key/value lengths). */
  varint(): number {
    const u = this.uvarint();
    return (u >>> 1) ^ -(u & 1);
  }

  /**
   * A zigzag-encoded signed varlong as a number (record timestamp deltas).
   * Throws a `bad-varint` ProtocolError when the value is outside
   * ±(2**53 - 1) instead of rounding it; use {@link Reader.varlongBig} for the full range.
   */
  varlong(): number {
    const bytes = this.bytes;
    let o = this.offset;
    const end = this.end;
    if (o < end) {
      const b = bytes[o]!;
      if (b < 0x80) {
        this.offset = o + 1;
        return (b >>> 1) ^ -(b & 1);
      }
    }
    const start = o;
    // Fast path while the value fits 53 bits: accumulate by multiplication.
    let value = 0;
    let scale = 1;
    for (let i = 0; ; i++) {
      if (o >= end) throw this.#truncated(1, "varlong");
      const b = bytes[o++]!;
      if (i === 7 && b >= 0x80) {
        // More than 56 bits: take the exact path.
        this.offset = start;
        const big = this.varlongBig();
        if (big < MIN_SAFE || big > MAX_SAFE) {
          this.offset = start;
          throw this.#badVarint(`varlong ${big} is outside the safe integer range`);
        }
        return Number(big);
      }
      value += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) break;
    }
    if (value > Number.MAX_SAFE_INTEGER) {
      this.offset = start;
      const big = this.varlongBig();
      if (big < MIN_SAFE || big > MAX_SAFE) {
        this.offset = start;
        throw this.#badVarint(`varlong ${big} is outside the safe integer range`);
      }
      return Number(big);
    }
    this.offset = o;
    // Zigzag decode: even → value / 2, odd → -(value + 1) / 2.
    return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
  }

  /** A zigzag-encoded signed varlong, exactly, as a bigint. */
  varlongBig(): bigint {
    const bytes = this.bytes;
    let o = this.offset;
    const end = this.end;
    let result = 0n;
    let shift = 0n;
    for (let i = 0; ; i++) {
      if (o >= end) throw this.#truncated(1, "varlong");
      const b = bytes[o++]!;
      if (i === 9 && b > 0x01) throw this.#badVarint("varlong longer than 64 bits");
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) break;
      shift += 7n;
    }
    this.offset = o;
    return (result >> 1n) ^ -(result & 1n);
  }

  // ---- strings ----------------------------------------------------------------

  /** A classic string: int16 length, then UTF-8. Null (-1) is an error here: use {@link Reader.nullableString}. */
  string(): string {
    const at = this.offset;
    const s = this.nullableString();
    if (s === null) throw new ProtocolError("invalid-value", "a non-nullable string was null", at);
    return s;
  }

  /** A classic nullable string: int16 length (-1 = null), then UTF-8. */
  nullableString(): string | null {
    const at = this.offset;
    const n = this.int16();
    if (n === NULL_LENGTH) return null;
    if (n < 0) {
      this.offset = at;
      throw new ProtocolError("invalid-value", `string length ${n} is negative`, at);
    }
    return this.#utf8(n, at);
  }

  /** A compact string: unsigned varint length + 1, then UTF-8. Null (0) is an error here. */
  compactString(): string {
    const at = this.offset;
    const s = this.compactNullableString();
    if (s === null) throw new ProtocolError("invalid-value", "a non-nullable compact string was null", at);
    return s;
  }

  /** A compact nullable string: unsigned varint length + 1 (0 = null), then UTF-8. */
  compactNullableString(): string | null {
    const at = this.offset;
    const n = this.uvarint();
    if (n === 0) return null;
    return this.#utf8(n - 1, at);
  }

  // ---- bytes ------------------------------------------------------------------

  /** `n` raw bytes, as a view into the frame. */
  raw(n: number): Uint8Array {
    const o = this.offset;
    if (n < 0 || o + n > this.end) throw this.#truncated(n, "bytes");
    this.offset = o + n;
    return this.bytes.subarray(o, o + n);
  }

  /** Classic bytes: int32 length, then the bytes (a view). Null (-1) is an error here. */
  bytesField(): Uint8Array {
    const at = this.offset;
    const b = this.nullableBytes();
    if (b === null) throw new ProtocolError("invalid-value", "a non-nullable bytes field was null", at);
    return b;
  }

  /** Classic nullable bytes: int32 length (-1 = null), then the bytes (a view). */
  nullableBytes(): Uint8Array | null {
    const at = this.offset;
    const n = this.int32();
    if (n === NULL_LENGTH) return null;
    if (n < 0) {
      this.offset = at;
      throw new ProtocolError("invalid-value", `bytes length ${n} is negative`, at);
    }
    return this.#rawAt(n, at, "bytes");
  }

  /** Compact bytes: unsigned varint length + 1, then the bytes (a view). Null (0) is an error here. */
  compactBytes(): Uint8Array {
    const at = this.offset;
    const b = this.compactNullableBytes();
    if (b === null) throw new ProtocolError("invalid-value", "a non-nullable compact bytes field was null", at);
    return b;
  }

  /** Compact nullable bytes: unsigned varint length + 1 (0 = null), then the bytes (a view). */
  compactNullableBytes(): Uint8Array | null {
    const at = this.offset;
    const n = this.uvarint();
    if (n === 0) return null;
    return this.#rawAt(n - 1, at, "compact bytes");
  }

  /** A UUID (16 bytes), as Kafka prints it: URL-safe base64 without padding (22 characters). */
  uuid(): string {
    const b = this.raw(16);
    return uuidToString(b);
  }

  // ---- arrays -----------------------------------------------------------------

  /**
   * A classic array count: int32, -1 = null. Each element takes at least
   * `minElementBytes` bytes (>= 1 for everything but empty structs), so a count
   * the remaining bytes cannot hold throws `truncated` before anything is allocated.
   */
  arrayLength(minElementBytes: number): number | null {
    const at = this.offset;
    const n = this.int32();
    if (n === NULL_LENGTH) return null;
    return this.#checkCount(n, minElementBytes, at);
  }

  /** A compact array count: unsigned varint count + 1 (0 = null), checked as {@link Reader.arrayLength}. */
  compactArrayLength(minElementBytes: number): number | null {
    const at = this.offset;
    const n = this.uvarint();
    if (n === 0) return null;
    return this.#checkCount(n - 1, minElementBytes, at);
  }

  // ---- tagged fields ---------------------------------------------------------

  /**
   * A tagged-field section: a count, then per field its tag, its size and its
   * bytes, in ascending tag order. Each known tag is handed to `onTag` with a
   * reader bounded to its bytes (which must read them all); unknown tags — and
   * every tag when `onTag` is absent — are skipped, as the protocol requires.
   */
  taggedFields(onTag?: TagHandler): void {
    const count = this.uvarint();
    if (count === 0) return;
    const at = this.offset;
    // Each tagged field needs at least 2 bytes (tag and size).
    if (count > (this.end - at) / 2) {
      this.offset = at;
      throw this.#truncated(count * 2, `${count} tagged fields`);
    }
    let last = -1;
    for (let i = 0; i < count; i++) {
      const fieldAt = this.offset;
      const tag = this.uvarint();
      if (tag <= last) {
        throw new ProtocolError("invalid-value", `tagged field ${tag} follows tag ${last}: tags must ascend`, fieldAt);
      }
      last = tag;
      const size = this.uvarint();
      const o = this.offset;
      if (o + size > this.end) throw this.#truncated(size, `tagged field ${tag}`);
      this.offset = o + size;
      if (onTag !== undefined) {
        const field = new Reader(this.bytes, o, o + size);
        onTag(tag, field);
        field.complete(`tagged field ${tag}`);
      }
    }
  }

  /** A reader over the next `n` bytes (which this reader skips): for length-delimited structures. */
  sub(n: number, what: string): Reader {
    const o = this.offset;
    if (n < 0 || o + n > this.end) throw this.#truncated(n, what);
    this.offset = o + n;
    return new Reader(this.bytes, o, o + n);
  }

  // ---- cold paths ------------------------------------------------------------

  #utf8(n: number, at: number): string {
    const o = this.offset;
    if (o + n > this.end) {
      this.offset = at;
      throw this.#truncated(n, "string");
    }
    this.offset = o + n;
    const bytes = this.bytes;
    // Short ASCII strings (topic names, client ids) are the common case: build them directly.
    if (n <= 32) {
      let s = "";
      for (let i = o; i < o + n; i++) {
        const c = bytes[i]!;
        if (c >= 0x80) return decoder.decode(bytes.subarray(o, o + n));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return decoder.decode(bytes.subarray(o, o + n));
  }

  #rawAt(n: number, at: number, what: string): Uint8Array {
    const o = this.offset;
    if (o + n > this.end) {
      this.offset = at;
      throw this.#truncated(n, what);
    }
    this.offset = o + n;
    return this.bytes.subarray(o, o + n);
  }

  #checkCount(n: number, minElementBytes: number, at: number): number {
    if (n < 0) {
      this.offset = at;
      throw new ProtocolError("invalid-value", `array count ${n} is negative`, at);
    }
    if (n * minElementBytes > this.end - this.offset) {
      const remaining = this.end - this.offset;
      this.offset = at;
      throw new ProtocolError(
        "truncated",
        `an array declares ${n} elements of at least ${minElementBytes} byte(s) but only ${remaining} byte(s) remain`,
        at,
      );
    }
    return n;
  }

  #truncated(n: number, what: string): ProtocolError {
    return new ProtocolError(
      "truncated",
      `${what} needs ${n} byte(s) at offset ${this.offset} but only ${this.end - this.offset} remain`,
      this.offset,
    );
  }

  #badVarint(message: string): ProtocolError {
    return new ProtocolError("bad-varint", message, this.offset);
  }

  #unsafe(at: number, value: bigint): ProtocolError {
    return new ProtocolError("invalid-value", `int64 ${value} is outside the safe integer range`, at);
  }
}

const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** A 16-byte UUID as Kafka prints it (URL-safe base64, no padding). Precondition: `b.length === 16`. */
export function uuidToString(b: Uint8Array): string {
  let s = "";
  let i = 0;
  for (; i + 3 <= 15; i += 3) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
    s += B64URL[n >> 18]! + B64URL[(n >> 12) & 63]! + B64URL[(n >> 6) & 63]! + B64URL[n & 63]!;
  }
  const last = b[15]!;
  return s + B64URL[last >> 2]! + B64URL[(last & 3) << 4]!;
}

/** The 16 bytes of a UUID string as {@link uuidToString} prints it; throws an `invalid-value` ProtocolError otherwise. */
export function uuidFromString(s: string): Uint8Array {
  if (typeof s !== "string" || s.length !== 22) {
    throw new ProtocolError("invalid-value", `a UUID is 22 URL-safe base64 characters, got ${JSON.stringify(s)}`);
  }
  const out = new Uint8Array(16);
  const value = (i: number): number => {
    const v = B64URL.indexOf(s[i]!);
    if (v < 0) throw new ProtocolError("invalid-value", `a UUID is URL-safe base64, got ${JSON.stringify(s)}`);
    return v;
  };
  let o = 0;
  for (let i = 0; i < 20; i += 4) {
    const n = (value(i) << 18) | (value(i + 1) << 12) | (value(i + 2) << 6) | value(i + 3);
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 255;
    out[o++] = n & 255;
  }
  const a = value(20);
  const b = value(21);
  if ((b & 15) !== 0) throw new ProtocolError("invalid-value", `a UUID's last character carries stray bits: ${s}`);
  out[15] = (a << 2) | (b >> 4);
  return out;
}
