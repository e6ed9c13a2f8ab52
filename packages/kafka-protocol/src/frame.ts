/**
 * Kafka framing: every request and response on a connection is an int32
 * big-endian size (not counting itself) followed by that many bytes. This
 * file splits a TCP byte stream into frames ({@link FrameSplitter}) and writes
 * the size prefix ({@link beginFrame} / {@link endFrame} in place in a
 * {@link Writer}, or {@link frame} around finished bytes).
 *
 * The splitter yields frame **bodies, without the 4-byte size prefix**:
 * what a header decoder reads first is the api key (requests) or the
 * correlation id (responses).
 *
 * Copying: a frame that lies whole inside one chunk is returned as a view of
 * that chunk (no copy). A frame split across chunks is kept as a list of
 * views of the chunks it spans and copied once, into a buffer of exactly its
 * size, when its last byte arrives: every byte is copied at most once, so a
 * frame that arrives one byte per chunk costs one copy, not one per chunk.
 * Nothing is allocated on the strength of a size prefix alone: memory grows
 * with the bytes that actually arrived.
 *
 * Invariants (of a FrameSplitter between calls):
 * - `#headerFill` is in [0, 4); when it is > 0, `#header[0..#headerFill)`
 *   holds the start of the next size prefix and `#need === -1`.
 * - `#need >= 0` iff a size prefix was read and its body is incomplete; then
 *   `#pieces` hold `#have < #need` body bytes, in order, and
 *   `#headerFill === 0`.
 * - `#failed !== null` ⇒ every later `push` throws; nothing else changes.
 */

import { ProtocolError } from "./errors.js";
import type { Writer } from "./writer.js";

/** Bytes of the size prefix before every frame. */
export const FRAME_PREFIX_BYTES = 4;

/** The default largest frame body accepted: 100 MiB, Kafka's `socket.request.max.bytes` default (104857600). */
export const DEFAULT_MAX_FRAME_BYTES = 104_857_600;

/** The "no size prefix read yet" value of `#need`. */
const NO_FRAME = -1;

/** Options of a {@link FrameSplitter}. */
export interface FrameSplitterOptions {
  /**
   * The largest frame body accepted, in bytes (default
   * {@link DEFAULT_MAX_FRAME_BYTES}); a size prefix above it fails with kind
   * `too-large` before any of the body is buffered. An integer in
   * [0, 2**31 - 1].
   */
  readonly maxFrameBytes?: number;
}

/**
 * Splits a byte stream (a TCP connection's `data` chunks) into Kafka frames.
 *
 * Ordering: frames come out in stream order; one `push` returns every frame
 * that its chunk completed, possibly none, possibly several.
 *
 * Gotchas: `push` takes the chunk over: do not write into a chunk after
 * pushing it (Node's sockets hand out a fresh Buffer per `data` event, so
 * this holds for them), since a returned frame, or a partial one held
 * for later, may be a view of it. A returned frame stays valid as long as
 * you keep it. After a `ProtocolError` the stream is out of sync (there is
 * no way to find the next frame): close the connection; the splitter
 * refuses all further input.
 *
 * @example
 * ```ts run
 * import { FrameSplitter, frame } from "@csp-kit/kafka-protocol";
 *
 * const splitter = new FrameSplitter({ maxFrameBytes: 1 << 20 });
 * const stream = new Uint8Array([...frame(new Uint8Array([1, 2])), ...frame(new Uint8Array([3]))]);
 * const bodies: number[][] = [];
 * for (const chunk of [stream.slice(0, 3), stream.slice(3)]) { // as a socket's "data" events cut it
 *   for (const body of splitter.push(chunk)) bodies.push([...body]);
 * }
 * splitter.end(); // on "end": throws if a frame was cut short
 * console.log(bodies); // → [[1, 2], [3]]
 * if (JSON.stringify(bodies) !== "[[1,2],[3]]") throw new Error(`got ${JSON.stringify(bodies)}`);
 * ```
 */
export class FrameSplitter {
  /** The size cap; set at construction. */
  readonly maxFrameBytes: number;
  /** The partial size prefix; see the invariants. */
  readonly #header = new Uint8Array(FRAME_PREFIX_BYTES);
  /** How many bytes of `#header` are filled. */
  #headerFill = 0;
  /** The current frame's body size, or {@link NO_FRAME} between frames. */
  #need = NO_FRAME;
  /** Views of the body bytes of the current frame received so far (chunks it spans, in order). */
  #pieces: Uint8Array[] = [];
  /** Total length of `#pieces`. */
  #have = 0;
  /** The error that ended this splitter, or null while it is usable. */
  #failed: ProtocolError | null = null;

  /**
   * A splitter for one connection.
   *
   * @throws {@link ProtocolError} kind `invalid-value` when `maxFrameBytes` is
   *   not an integer in [0, 2**31 - 1].
   */
  constructor(options: FrameSplitterOptions = {}) {
    const max = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    if (!(Number.isInteger(max) && max >= 0 && max <= 0x7fffffff)) {
      throw new ProtocolError(
        "invalid-value",
        `maxFrameBytes must be an integer from 0 to 2147483647 (default ${DEFAULT_MAX_FRAME_BYTES}), got ${String(max)}`,
      );
    }
    this.maxFrameBytes = max;
  }

  /**
   * Takes the next chunk of the stream and returns every frame body it
   * completed, in order (an empty array when none).
   *
   * @throws {@link ProtocolError} kind `too-large` for a size prefix above
   *   `maxFrameBytes`, kind `invalid-value` for a negative one (the stream is
   *   then unusable), and kind `invalid-value` for any push after such an
   *   error, or for a chunk that is not a Uint8Array.
   */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.#failed !== null) {
      throw new ProtocolError(
        "invalid-value",
        `this FrameSplitter failed earlier (${this.#failed.message}) and takes no more input: close the connection`,
        -1,
        { cause: this.#failed },
      );
    }
    if (!(chunk instanceof Uint8Array)) {
      throw new ProtocolError(
        "invalid-value",
        `FrameSplitter.push needs a Uint8Array (or Buffer) chunk, got ${typeof chunk}`,
      );
    }
    const frames: Uint8Array[] = [];
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.#need === NO_FRAME) {
        // Fast path: a whole size prefix inside this chunk, and no partial prefix before it.
        if (this.#headerFill === 0 && n - i >= FRAME_PREFIX_BYTES) {
          const size =
            ((chunk[i] as number) << 24) |
            ((chunk[i + 1] as number) << 16) |
            ((chunk[i + 2] as number) << 8) |
            (chunk[i + 3] as number);
          i += FRAME_PREFIX_BYTES;
          this.#start(size, i);
          // Fast path: the whole body is here too: a view, no copy.
          if (n - i >= size) {
            frames.push(chunk.subarray(i, i + size));
            i += size;
            this.#need = NO_FRAME;
          }
          continue;
        }
        // Slow path: a size prefix split across chunks.
        const take = Math.min(FRAME_PREFIX_BYTES - this.#headerFill, n - i);
        this.#header.set(chunk.subarray(i, i + take), this.#headerFill);
        this.#headerFill += take;
        i += take;
        if (this.#headerFill < FRAME_PREFIX_BYTES) break;
        this.#headerFill = 0;
        const h = this.#header;
        const size = ((h[0] as number) << 24) | ((h[1] as number) << 16) | ((h[2] as number) << 8) | (h[3] as number);
        this.#start(size, i);
        if (size === 0) {
          frames.push(new Uint8Array(0));
          this.#need = NO_FRAME;
        }
        continue;
      }
      // Inside a body: take what this chunk has of it.
      const take = Math.min(this.#need - this.#have, n - i);
      this.#pieces.push(chunk.subarray(i, i + take));
      this.#have += take;
      i += take;
      if (this.#have === this.#need) frames.push(this.#assemble());
    }
    return frames;
  }

  /**
   * Says the stream ended (the peer closed its side). Fine between frames.
   *
   * @throws {@link ProtocolError} kind `truncated` when the stream ended
   *   inside a frame (a partial size prefix or body), and the splitter's
   *   earlier error, if any.
   */
  end(): void {
    if (this.#failed !== null) throw this.#failed;
    if (this.#headerFill > 0 || this.#need !== NO_FRAME) {
      const what =
        this.#need === NO_FRAME
          ? `${this.#headerFill} of the 4 bytes of a size prefix`
          : `${this.#have} of a ${this.#need}-byte frame`;
      this.#failed = new ProtocolError("truncated", `the stream ended inside a frame: got ${what}`);
      throw this.#failed;
    }
  }

  /** Bytes held for a frame not yet complete (a partial prefix counts too); 0 between frames. */
  get pending(): number {
    return this.#headerFill + this.#have;
  }

  /** Whether an earlier error ended this splitter. */
  get failed(): boolean {
    return this.#failed !== null;
  }

  /** Precondition: a size prefix was just read; `at` is the stream position after it (for the error offset). Validates `size` and opens the frame. */
  #start(size: number, at: number): void {
    if (size < 0) {
      this.#failed = new ProtocolError(
        "invalid-value",
        `a frame's size prefix is negative (${size}): the stream is not Kafka framing or is out of sync`,
        at - FRAME_PREFIX_BYTES,
      );
      throw this.#failed;
    }
    if (size > this.maxFrameBytes) {
      this.#failed = new ProtocolError(
        "too-large",
        `a frame of ${size} bytes is larger than maxFrameBytes (${this.maxFrameBytes}); raise maxFrameBytes if the peer is right`,
        at - FRAME_PREFIX_BYTES,
      );
      throw this.#failed;
    }
    this.#need = size;
    this.#have = 0;
  }

  /** Precondition: `#have === #need`. Copies the pieces into one buffer (or returns the only piece) and resets to "between frames". */
  #assemble(): Uint8Array {
    const pieces = this.#pieces;
    let body: Uint8Array;
    if (pieces.length === 1) {
      body = pieces[0] as Uint8Array;
    } else {
      body = new Uint8Array(this.#need);
      let o = 0;
      for (const p of pieces) {
        body.set(p, o);
        o += p.length;
      }
    }
    this.#pieces = [];
    this.#have = 0;
    this.#need = NO_FRAME;
    return body;
  }
}

/**
 * Reserves the size prefix of a frame at the writer's current position and
 * returns where it is, for {@link endFrame}: the encoder then writes the
 * header and body right after it, and no copy is made to frame them.
 *
 * @example
 * ```ts run
 * import { beginFrame, endFrame, Writer } from "@csp-kit/kafka-protocol";
 *
 * const w = new Writer();
 * const at = beginFrame(w);
 * w.int32(42); // ...header and body
 * endFrame(w, at);
 * const bytes = w.finish(); // what goes to socket.write
 * console.log([...bytes]); // → [0, 0, 0, 4, 0, 0, 0, 42]
 * if (bytes.join() !== "0,0,0,4,0,0,0,42") throw new Error(`got ${bytes.join()}`);
 * ```
 */
export function beginFrame(w: Writer): number {
  return w.reserve32();
}

/**
 * Fills the size prefix reserved by {@link beginFrame} with the number of
 * bytes written since. Precondition: `at` came from `beginFrame(w)` and
 * nothing was written before it since.
 *
 * @throws {@link ProtocolError} kind `too-large` when the frame body passed
 *   2**31 - 1 bytes.
 */
export function endFrame(w: Writer, at: number): void {
  const size = w.offset - at - FRAME_PREFIX_BYTES;
  if (size > 0x7fffffff) {
    throw new ProtocolError("too-large", `a frame body of ${size} bytes does not fit an int32 size prefix`);
  }
  w.patchInt32(at, size);
}

/**
 * A new buffer holding `body` behind its size prefix (one copy of `body`).
 * Encoders that can write in place should use {@link beginFrame} /
 * {@link endFrame} instead.
 *
 * @throws {@link ProtocolError} kind `invalid-value` when `body` is not a
 *   Uint8Array, `too-large` when it is 2**31 bytes or more.
 */
export function frame(body: Uint8Array): Uint8Array {
  if (!(body instanceof Uint8Array)) {
    throw new ProtocolError("invalid-value", `frame needs a Uint8Array (or Buffer) body, got ${typeof body}`);
  }
  if (body.length > 0x7fffffff) {
    throw new ProtocolError("too-large", `a frame body of ${body.length} bytes does not fit an int32 size prefix`);
  }
  const out = new Uint8Array(FRAME_PREFIX_BYTES + body.length);
  const n = body.length;
  out[0] = n >>> 24;
  out[1] = (n >>> 16) & 255;
  out[2] = (n >>> 8) & 255;
  out[3] = n & 255;
  out.set(body, FRAME_PREFIX_BYTES);
  return out;
}
