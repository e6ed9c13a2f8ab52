/**
 * The lz4 codec (id 3): the LZ4 *frame* format (`04 22 4d 18`), as Kafka
 * 0.10+ and librdkafka write it for RecordBatch v2 (KAFKA.md §2.5).
 *
 * The work is done by the npm package `lz4-napi` (napi-rs bindings to the
 * Rust `lz4_flex` crate, prebuilt binaries from npm), loaded on first use.
 *
 * Before decompressing, {@link lz4FrameBound} walks the frame headers and
 * block headers (a few bytes each, no decompression) and bounds the output:
 * a frame's declared content size when it has one, else per block its size
 * when stored uncompressed, or `min(block maximum, 255 × compressed size +
 * 64)` when compressed (an LZ4 sequence expands at most 255-fold: one
 * extension byte adds 255 to a match length). A bound over the cap plus
 * {@link LZ4_BOUND_SLACK} fails with `too-large` before any output is
 * allocated. (The slack is one maximal block: a frame's last block is
 * usually short, but its bound is a whole block, so an honest batch just under
 * the cap can have a bound just over it.)
 *
 * Invariants:
 * - The walker reads only inside `data` and throws `invalid-value` on a
 *   malformed frame (bad magic, bad version bits, a block running past the end).
 * - The library's output is checked against the cap after decompression
 *   (a lying content-size field cannot get past it): memory spent on a bomb
 *   is at most the cap plus one block.
 */

import { ProtocolError } from "../errors.js";
import { COMPRESSION, type CompressionCodec, corruptStream, decompressedTooLarge, lazyOptional } from "./codec.js";

/** The part of the `lz4-napi` package this codec uses. */
interface Lz4Module {
  compressFrame(data: Uint8Array): Promise<Uint8Array>;
  decompressFrame(data: Uint8Array): Promise<Uint8Array>;
}

const loadLz4 = lazyOptional<Lz4Module>("lz4-napi", "lz4", () => import("lz4-napi"));

/** How far {@link lz4FrameBound} may exceed the cap before decompression is refused: one 4 MiB block. */
export const LZ4_BOUND_SLACK: number = 4 * 1024 * 1024;

const FRAME_MAGIC = 0x184d2204;
/** Skippable frames use magics 0x184D2A50..0x184D2A5F. */
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
/** Block maximum sizes by the BD byte's bits 4–6 (values 4..7). */
const BLOCK_MAX = [0, 0, 0, 0, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024] as const;

function malformed(what: string): ProtocolError {
  return new ProtocolError("invalid-value", `lz4: malformed frame (${what})`);
}

/**
 * An upper bound on the decompressed size of the LZ4 frames in `data`
 * (concatenated frames and skippable frames included), read from the frame
 * and block headers without decompressing. Throws an `invalid-value`
 * ProtocolError for a malformed frame.
 */
export function lz4FrameBound(data: Uint8Array): number {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const n = data.length;
  let o = 0;
  let total = 0;
  if (n === 0) throw malformed("empty input");
  while (o < n) {
    if (o + 4 > n) throw malformed("a frame magic is cut short");
    const magic = view.getUint32(o, true);
    o += 4;
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      if (o + 4 > n) throw malformed("a skippable frame's size is cut short");
      const size = view.getUint32(o, true);
      o += 4 + size;
      if (o > n) throw malformed("a skippable frame runs past the end");
      continue;
    }
    if (magic !== FRAME_MAGIC) throw malformed(`magic 0x${magic.toString(16)} is not 0x184d2204`);
    if (o + 3 > n) throw malformed("the frame descriptor is cut short");
    const flg = data[o]!;
    const bd = data[o + 1]!;
    o += 2;
    if (flg >> 6 !== 1) throw malformed(`version bits ${flg >> 6} (must be 01)`);
    const blockChecksum = (flg & 0x10) !== 0;
    const hasContentSize = (flg & 0x08) !== 0;
    const contentChecksum = (flg & 0x04) !== 0;
    const hasDictId = (flg & 0x01) !== 0;
    const blockMax = BLOCK_MAX[(bd >> 4) & 7]!;
    if (blockMax === 0) throw malformed(`block maximum size code ${(bd >> 4) & 7}`);
    let declared = -1;
    if (hasContentSize) {
      if (o + 8 > n) throw malformed("the content size is cut short");
      const lo = view.getUint32(o, true);
      const hi = view.getUint32(o + 4, true);
      declared = hi * 4294967296 + lo;
      o += 8;
    }
    if (hasDictId) o += 4;
    o += 1; // header checksum
    if (o > n) throw malformed("the frame descriptor is cut short");
    let blocks = 0;
    for (;;) {
      if (o + 4 > n) throw malformed("a block size is cut short");
      const word = view.getUint32(o, true);
      o += 4;
      if (word === 0) break; // EndMark
      const stored = (word & 0x80000000) !== 0;
      const size = word & 0x7fffffff;
      if (size > blockMax) throw malformed(`a block of ${size} bytes exceeds the frame's ${blockMax}-byte maximum`);
      o += size + (blockChecksum ? 4 : 0);
      if (o > n) throw malformed("a block runs past the end");
      blocks += stored ? size : Math.min(blockMax, size * 255 + 64);
    }
    if (contentChecksum) o += 4;
    if (o > n) throw malformed("the content checksum is cut short");
    total += declared >= 0 ? Math.min(declared, blocks) : blocks;
  }
  return total;
}

/** The lz4 codec (LZ4 frame format; level is ignored). */
export const lz4Codec: CompressionCodec = {
  id: COMPRESSION.lz4,
  name: "lz4",
  async compress(data) {
    const lib = await loadLz4();
    try {
      return await lib.compressFrame(data);
    } catch (error) {
      throw corruptStream("lz4", error);
    }
  },
  async decompress(data, maxOutputBytes) {
    const bound = lz4FrameBound(data);
    if (bound > maxOutputBytes + LZ4_BOUND_SLACK) {
      throw decompressedTooLarge("lz4", `up to ${bound}`, maxOutputBytes);
    }
    const lib = await loadLz4();
    let out: Uint8Array;
    try {
      out = await lib.decompressFrame(data);
    } catch (error) {
      throw corruptStream("lz4", error);
    }
    if (out.length > maxOutputBytes) throw decompressedTooLarge("lz4", out.length, maxOutputBytes);
    return out;
  },
};
