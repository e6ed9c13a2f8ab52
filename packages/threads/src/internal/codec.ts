/**
 * The slot codec of SharedChannel: how one value is written into one fixed-size
 * slot of the shared ring and read back on another thread.
 *
 * A slot is `slotBytes` bytes at byte offset `base` (a multiple of 8):
 *
 * ```
 *   base + 0   Int32  sequence number   (owned by ring.ts, never touched here)
 *   base + 4   Int32  header = tag | byteOrUnitCount << 4
 *   base + 8   payload, at most maxValueBytes = slotBytes - 8 bytes, 8-aligned
 * ```
 *
 * | tag | value | payload |
 * |---|---|---|
 * | NUMBER | any number (NaN, -0 and ±Infinity included) | float64 |
 * | LATIN1 | a string whose code units are all < 0x100 | one byte per code unit |
 * | UTF16 | any other string | its UTF-16 code units, two bytes each |
 * | UNDEFINED, NULL, TRUE, FALSE | the constant | none |
 * | SERIALIZED | anything else structured-clonable | the serializer's bytes |
 *
 * Why Latin-1/UTF-16 and not UTF-8: a JavaScript string is a sequence of UTF-16
 * code units and may hold lone surrogates; structured clone keeps them, UTF-8
 * cannot. Copying code units keeps every string exactly, and short ASCII strings
 * (the common case) still cost one byte per character.
 *
 * Encoding is split in two so that nothing can fail after a slot is claimed:
 * {@link SlotCodec.prepare} runs before the claim and does everything that may
 * throw (size checks, serialization); {@link SlotCodec.write} runs after it and
 * cannot throw. Likewise {@link SlotCodec.read} only copies bytes out of the slot
 * (so the slot can be released at once); {@link SlotCodec.finish} deserializes
 * afterwards.
 *
 * Invariants:
 * - `prepare(v)` returns either `v` itself (number, boolean, null, undefined, or
 *   a string that fits) or a {@link Serialized} whose `bytes.byteLength <=
 *   maxValueBytes`; for any such result, `write` fits in the slot.
 * - `finish(read(base))` after `write(base, prepare(v))` is a structured clone
 *   of `v` (for the fast-path types: `Object.is`-equal to `v`).
 */

import {
  InvalidSerializerResultError,
  SharedSerializationError,
  SharedSerializerUnavailableError,
  SharedValueTooLargeError,
} from "../errors.js";

/**
 * Turns values that have no fast path into bytes and back, for a SharedChannel.
 * The default is `node:v8`'s `serialize`/`deserialize` (structured clone).
 *
 * Gotchas: every thread of one channel must use the same serializer; a value
 * whose bytes cannot be decoded on the receiving side is lost (the receive
 * rejects with the decoder's error).
 *
 * @example
 * ```ts
 * const json: Serializer = {
 *   serialize: (v) => new TextEncoder().encode(JSON.stringify(v)),
 *   deserialize: (b) => JSON.parse(new TextDecoder().decode(b)),
 * };
 * const ch = new SharedChannel<Msg>(64, { serializer: json });
 * ```
 */
export interface Serializer {
  /**
   * Encodes a value as a Uint8Array (checked: anything else is refused with
   * `InvalidSerializerResultError`). May throw; the send then fails with
   * `SharedSerializationError` (its cause is what was thrown) and nothing is sent.
   */
  serialize(value: unknown): Uint8Array;
  /** Decodes bytes produced by {@link Serializer.serialize} (the array is a private copy). */
  deserialize(bytes: Uint8Array): unknown;
}

const TAG_NUMBER = 1;
const TAG_LATIN1 = 2;
const TAG_UTF16 = 3;
const TAG_UNDEFINED = 4;
const TAG_NULL = 5;
const TAG_TRUE = 6;
const TAG_FALSE = 7;
const TAG_SERIALIZED = 8;
const TAG_BITS = 4;
const TAG_MASK = (1 << TAG_BITS) - 1;

/** Bytes of a slot before its payload: the sequence number and the header. */
export const SLOT_HEADER_BYTES = 8;
/** Largest payload a slot may be configured with: the header keeps the length in 27 bits. */
export const MAX_VALUE_BYTES_LIMIT = 1 << 26;

/** A value's serialization, made before the slot is claimed; also what `read` returns for such a value. */
export class Serialized {
  constructor(readonly bytes: Uint8Array) {}
}

/** Whether `v` is a Uint8Array (a Buffer included), also one made in another realm. */
function isUint8Array(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array || Object.prototype.toString.call(v) === "[object Uint8Array]";
}

/** Matches a string whose code units are all below 0x100. */
const LATIN1 = /^[\0-\xff]*$/;

/** The serializer used when the options name none: `node:v8`'s, when this runtime has it. Resolved once. */
let defaultSerializer: Serializer | null | undefined;

/** `node:v8`'s serialize/deserialize (structured clone), or `undefined` in runtimes without it (browsers). */
export function getDefaultSerializer(): Serializer | undefined {
  if (defaultSerializer === undefined) {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const v8 = proc?.getBuiltinModule?.("node:v8") as Serializer | undefined;
    defaultSerializer =
      v8 === undefined
        ? null
        : { serialize: (value) => v8.serialize(value), deserialize: (bytes) => v8.deserialize(bytes) };
  }
  return defaultSerializer ?? undefined;
}

/**
 * Reads and writes slots of one shared buffer. One per SharedChannel instance
 * (per thread); it holds only views and configuration, no mutable state.
 */
export class SlotCodec {
  /** Views over the whole buffer; slot offsets index into them directly. */
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly u8: Uint8Array;
  private readonly u16: Uint16Array;

  /**
   * @param buffer - the channel's buffer (its length a multiple of 8).
   * @param maxValueBytes - payload bytes per slot.
   * @param serializer - for values without a fast path; `undefined` means none available.
   */
  constructor(
    buffer: SharedArrayBuffer,
    readonly maxValueBytes: number,
    private readonly serializer: Serializer | undefined,
  ) {
    this.i32 = new Int32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.u8 = new Uint8Array(buffer);
    this.u16 = new Uint16Array(buffer);
  }

  /**
   * Everything about encoding `value` that can fail, done before a slot is claimed.
   * Returns what {@link SlotCodec.write} takes.
   *
   * @throws {@link SharedValueTooLargeError} when the value does not fit in a slot.
   * @throws {@link SharedSerializerUnavailableError} for a value without a fast
   *   path when there is no serializer; {@link SharedSerializationError} when the
   *   serializer throws (its error is the cause: "could not be cloned" for a
   *   function or a symbol); {@link InvalidSerializerResultError} when it
   *   returns anything but a Uint8Array.
   */
  prepare(value: unknown): unknown {
    switch (typeof value) {
      case "number":
      case "boolean":
      case "undefined":
        return value;
      case "string": {
        const max = this.maxValueBytes;
        const n = value.length;
        if (n * 2 <= max) return value;
        const latin1 = LATIN1.test(value);
        if (latin1 && n <= max) return value;
        throw new SharedValueTooLargeError(latin1 ? n : n * 2, max);
      }
      default: {
        if (value === null) return value;
        const serializer = this.serializer;
        if (serializer === undefined) throw new SharedSerializerUnavailableError();
        let bytes: unknown;
        try {
          bytes = serializer.serialize(value);
        } catch (error) {
          throw new SharedSerializationError(error);
        }
        // Checked here, not trusted: `write` copies exactly `byteLength` bytes of a Uint8Array into
        // the claimed slot, and anything else (a number[], an ArrayBuffer) would write garbage or
        // nothing under a header that claims bytes, or throw after the slot was claimed.
        if (!isUint8Array(bytes)) throw new InvalidSerializerResultError(bytes);
        if (bytes.byteLength > this.maxValueBytes)
          throw new SharedValueTooLargeError(bytes.byteLength, this.maxValueBytes);
        return new Serialized(bytes);
      }
    }
  }

  /** Writes a prepared value into the slot at `base`. Precondition: the caller owns the slot; `p` came from `prepare`. Never throws. */
  write(base: number, p: unknown): void {
    const header = (base >> 2) + 1;
    const off = base + SLOT_HEADER_BYTES;
    if (typeof p === "number") {
      this.f64[off >> 3] = p;
      this.i32[header] = TAG_NUMBER;
    } else if (typeof p === "string") {
      this.i32[header] = this.writeString(off, p);
    } else if (p === undefined) {
      this.i32[header] = TAG_UNDEFINED;
    } else if (p === null) {
      this.i32[header] = TAG_NULL;
    } else if (p === true) {
      this.i32[header] = TAG_TRUE;
    } else if (p === false) {
      this.i32[header] = TAG_FALSE;
    } else {
      const bytes = (p as Serialized).bytes;
      this.u8.set(bytes, off);
      this.i32[header] = TAG_SERIALIZED | (bytes.byteLength << TAG_BITS);
    }
  }

  /**
   * Writes `s` at byte offset `off`; returns the slot header. Precondition: `s`
   * passed `prepare` (so it fits as Latin-1, or as UTF-16 when `2 * length <= max`).
   * Tries Latin-1 first and restarts as UTF-16 at the first wide code unit.
   */
  private writeString(off: number, s: string): number {
    const n = s.length;
    const u8 = this.u8;
    for (let k = 0; k < n; k++) {
      const c = s.charCodeAt(k);
      if (c > 0xff) return this.writeUtf16(off, s);
      u8[off + k] = c;
    }
    return TAG_LATIN1 | (n << TAG_BITS);
  }

  /** Precondition: `2 * s.length <= maxValueBytes` (prepare guarantees it for non-Latin-1 strings). */
  private writeUtf16(off: number, s: string): number {
    const n = s.length;
    const u16 = this.u16;
    const at = off >> 1;
    for (let k = 0; k < n; k++) u16[at + k] = s.charCodeAt(k);
    return TAG_UTF16 | (n << TAG_BITS);
  }

  /**
   * Reads the value in the slot at `base`, copying everything it needs out of
   * shared memory, so the caller may release the slot as soon as this returns.
   * A serialized value comes back as a {@link Serialized} for {@link SlotCodec.finish}.
   * Precondition: the caller owns the slot and it holds a written value.
   */
  read(base: number): unknown {
    const header = this.i32[(base >> 2) + 1]!;
    const off = base + SLOT_HEADER_BYTES;
    switch (header & TAG_MASK) {
      case TAG_NUMBER:
        return this.f64[off >> 3];
      case TAG_LATIN1:
        return decodeUnits(this.u8, off, header >>> TAG_BITS);
      case TAG_UTF16:
        return decodeUnits(this.u16, off >> 1, header >>> TAG_BITS);
      case TAG_UNDEFINED:
        return undefined;
      case TAG_NULL:
        return null;
      case TAG_TRUE:
        return true;
      case TAG_FALSE:
        return false;
      default:
        return new Serialized(this.u8.slice(off, off + (header >>> TAG_BITS)));
    }
  }

  /** Completes a value returned by `read`: deserializes a {@link Serialized}, passes anything else through. */
  finish(raw: unknown): unknown {
    // `read` returns an object only for a Serialized: the typeof test is the cheap way to pass the rest through.
    if (typeof raw !== "object" || raw === null) return raw;
    const serializer = this.serializer;
    if (serializer === undefined) throw new SharedSerializerUnavailableError();
    return serializer.deserialize((raw as Serialized).bytes);
  }
}

/** Largest number of code units passed to one `String.fromCharCode.apply` (engines cap argument counts). */
const CHUNK = 4096;

/** Builds a string from `n` code units of `units` starting at index `at` (which may be a view of shared memory). */
function decodeUnits(units: Uint8Array | Uint16Array, at: number, n: number): string {
  if (n <= 64) {
    // Short strings (the common case): a plain array and one call beat building substrings.
    const codes: number[] = new Array(n);
    for (let k = 0; k < n; k++) codes[k] = units[at + k]!;
    return String.fromCharCode.apply(null, codes);
  }
  let s = "";
  for (let k = 0; k < n; k += CHUNK) {
    const part = units.subarray(at + k, at + Math.min(n, k + CHUNK));
    s += String.fromCharCode.apply(null, part as unknown as number[]);
  }
  return s;
}
