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
 * Encoding is split in three so that nothing can fail, and nothing can stop a
 * thread, after a slot is claimed: {@link SlotCodec.prepare} runs when the send
 * starts and does everything that may throw (size checks, serialization);
 * {@link SlotCodec.stage} runs just before the claim and leaves the payload
 * ready to copy (a number in `stagedNumber`, the bytes or code units of
 * anything else in `stagedBytes` / `stagedUnits`); the ring then copies it into
 * the claimed slot with one typed-array store or one `set` — no function call
 * of ours and no loop, so a `worker.terminate()`, which takes effect only at a
 * function entry or a loop back-edge, cannot stop a sender half-way through
 * (see the failure model in ring.ts). Likewise {@link SlotCodec.read} only
 * copies bytes out of a slot; {@link SlotCodec.finish} deserializes.
 *
 * Invariants:
 * - `prepare(v)` returns either `v` itself (number, boolean, null, undefined, or
 *   a string that fits) or a {@link Serialized} whose `bytes.byteLength <=
 *   maxValueBytes`; for any such result, the staged payload fits in the slot.
 * - after `stage(p)` returned `header`: if `header` is the number tag,
 *   `stagedNumber === p`; otherwise at most one of `stagedBytes` (a Uint8Array)
 *   and `stagedUnits` (a Uint16Array) is set and holds exactly the payload.
 *   The staged fields are valid until the next `stage` on this thread.
 * - `finish(read(base))` after staging `prepare(v)` and copying it at `base` is
 *   a structured clone of `v` (for the fast-path types: `Object.is`-equal to `v`).
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
 * ```ts run
 * import { type Serializer, SharedChannel } from "@csp-kit/threads";
 *
 * interface Msg { id: number; text: string }
 * const json: Serializer = {
 *   serialize: (v) => new TextEncoder().encode(JSON.stringify(v)),
 *   deserialize: (b) => JSON.parse(new TextDecoder().decode(b)),
 * };
 * const ch = new SharedChannel<Msg>(64, { serializer: json });
 * await ch.send({ id: 1, text: "hi" });
 * const msg = (await ch.recv()).unwrap();
 * console.log(msg); // → { id: 1, text: "hi" }
 * if (msg.id !== 1 || msg.text !== "hi") throw new Error(JSON.stringify(msg));
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
/** The header of a number (its payload is one float64): the ring tests it to pick the store. */
export const NUMBER_HEADER: 1 = TAG_NUMBER;
/** Largest payload a slot may be configured with: the header keeps the length in 27 bits. */
export const MAX_VALUE_BYTES_LIMIT: number = 1 << 26;

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
  /** Views over the whole buffer; slot offsets index into them directly. The ring writes payloads through them. */
  private readonly i32: Int32Array;
  readonly f64: Float64Array;
  readonly u8: Uint8Array;
  readonly u16: Uint16Array;
  /** Private (not shared) room for one string's payload, encoded by `stage` before the claim. */
  private readonly scratch: ArrayBuffer;
  private readonly scratchU8: Uint8Array;
  private readonly scratchU16: Uint16Array;
  /** Set by `stage`: the number to store, when the header is the number tag. */
  stagedNumber = 0;
  /** Set by `stage`: the payload bytes to copy (Latin-1 code units or a serialization), or undefined. */
  stagedBytes: Uint8Array | undefined = undefined;
  /** Set by `stage`: the UTF-16 code units to copy, or undefined. */
  stagedUnits: Uint16Array | undefined = undefined;

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
    this.scratch = new ArrayBuffer(Math.ceil(maxValueBytes / 8) * 8);
    this.scratchU8 = new Uint8Array(this.scratch);
    this.scratchU16 = new Uint16Array(this.scratch);
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

  /**
   * Makes the prepared value `p` ready to copy into a slot and returns the slot
   * header for it. Runs before the claim (it loops over a string's code units
   * and allocates a view); the copy after the claim is then one store or one
   * `set` (see the file notes). Precondition: `p` came from `prepare`. Never throws.
   */
  stage(p: unknown): number {
    this.stagedBytes = undefined;
    this.stagedUnits = undefined;
    if (typeof p === "number") {
      this.stagedNumber = p;
      return TAG_NUMBER;
    }
    if (typeof p === "string") return this.stageString(p);
    if (p === undefined) return TAG_UNDEFINED;
    if (p === null) return TAG_NULL;
    if (p === true) return TAG_TRUE;
    if (p === false) return TAG_FALSE;
    const bytes = (p as Serialized).bytes;
    this.stagedBytes = bytes;
    return TAG_SERIALIZED | (bytes.byteLength << TAG_BITS);
  }

  /**
   * Encodes `s` into the scratch buffer; returns the slot header. Precondition:
   * `s` passed `prepare` (so it fits as Latin-1, or as UTF-16 when
   * `2 * length <= max`). Tries Latin-1 first and restarts as UTF-16 at the
   * first wide code unit.
   */
  private stageString(s: string): number {
    const n = s.length;
    const u8 = this.scratchU8;
    for (let k = 0; k < n; k++) {
      const c = s.charCodeAt(k);
      if (c > 0xff) return this.stageUtf16(s);
      u8[k] = c;
    }
    if (n > 0) this.stagedBytes = new Uint8Array(this.scratch, 0, n);
    return TAG_LATIN1 | (n << TAG_BITS);
  }

  /** Precondition: `2 * s.length <= maxValueBytes` (prepare guarantees it for non-Latin-1 strings). */
  private stageUtf16(s: string): number {
    const n = s.length;
    const u16 = this.scratchU16;
    for (let k = 0; k < n; k++) u16[k] = s.charCodeAt(k);
    this.stagedUnits = new Uint16Array(this.scratch, 0, n);
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
