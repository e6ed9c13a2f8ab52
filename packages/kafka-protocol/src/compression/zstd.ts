/**
 * The zstd codec (id 4): standard Zstandard frames (`28 b5 2f fd`).
 *
 * Where `node:zlib` has zstd (Node >= 22.15 and 23.8) it is used and nothing
 * needs installing; on older Node (20 among them) the npm package
 * `@mongodb-js/zstd` 1.x is loaded on first use (napi-rs bindings to the
 * reference C library, prebuilt binaries from npm, no install script). The
 * package README says why it was chosen.
 *
 * Before decompressing, {@link zstdFrameBound} walks the frame and block
 * headers (no decompression) and bounds the output: per block its size for
 * raw and RLE blocks, 128 KiB (the format's block maximum) for a compressed
 * one, and the frame's declared content size when smaller. A bound over the
 * cap plus {@link ZSTD_BOUND_SLACK} (one block: a frame's short last block
 * is bounded by a whole one) fails with `too-large` before any output is
 * allocated; through `node:zlib` the output is also stopped at the cap exactly.
 *
 * Invariants:
 * - The walker reads only inside `data` and throws `invalid-value` on a
 *   malformed frame (bad magic, reserved bits, a reserved block type, a block
 *   running past the end).
 * - The output is checked against the cap after decompression: memory spent
 *   on a bomb is at most the cap plus one 128 KiB block.
 * - Kafka writes one frame per batch; concatenated and skippable frames are
 *   accepted as the format allows.
 */

import type * as Zlib from "node:zlib";
import { ProtocolError } from "../errors.js";
import { COMPRESSION, type CompressionCodec, corruptStream, decompressedTooLarge, lazyOptional } from "./codec.js";

/** The part of `@mongodb-js/zstd` this codec uses. */
interface MongoZstd {
  compress(data: Uint8Array, level?: number): Promise<Uint8Array>;
  decompress(data: Uint8Array): Promise<Uint8Array>;
}

/** The zstd functions of `node:zlib` (Node >= 22.15), typed here because @types/node 20 lacks them. */
interface ZlibZstd {
  zstdCompress(data: Uint8Array, options: object, cb: (error: Error | null, out: Uint8Array) => void): void;
  zstdDecompress(data: Uint8Array, options: object, cb: (error: Error | null, out: Uint8Array) => void): void;
  constants: { ZSTD_c_compressionLevel?: number };
}

const loadZlib = lazyOptional<typeof Zlib>("node:zlib", "zstd", () => import("node:zlib"));
const loadMongo = lazyOptional<MongoZstd>("@mongodb-js/zstd", "zstd", () => import("@mongodb-js/zstd"));

/** zstd from `node:zlib` when this Node has it, else null. */
async function builtin(): Promise<ZlibZstd | null> {
  try {
    const z = (await loadZlib()) as unknown as Partial<ZlibZstd>;
    return typeof z.zstdCompress === "function" && typeof z.zstdDecompress === "function" ? (z as ZlibZstd) : null;
  } catch {
    return null;
  }
}

/** A Node Buffer over the same bytes (no copy): native bindings ask for Buffers. */
function asBuffer(data: Uint8Array): Uint8Array {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function call(
  fn: (data: Uint8Array, options: object, cb: (error: Error | null, out: Uint8Array) => void) => void,
  data: Uint8Array,
  options: object,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    fn(data, options, (error, out) => (error === null ? resolve(out) : reject(error)));
  });
}

const ZSTD_MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
/** The largest a block decompresses to (Block_Maximum_Size never exceeds 128 KiB). */
const BLOCK_MAX = 128 * 1024;
const DICT_ID_BYTES = [0, 1, 2, 4] as const;

/** How far {@link zstdFrameBound} may exceed the cap before decompression is refused: one block. */
export const ZSTD_BOUND_SLACK: number = BLOCK_MAX;

function malformed(what: string): ProtocolError {
  return new ProtocolError("invalid-value", `zstd: malformed frame (${what})`);
}

/**
 * An upper bound on the decompressed size of the zstd frames in `data`, read
 * from the frame and block headers without decompressing. Throws an
 * `invalid-value` ProtocolError for a malformed frame.
 */
export function zstdFrameBound(data: Uint8Array): number {
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
      o += 4 + view.getUint32(o, true);
      if (o > n) throw malformed("a skippable frame runs past the end");
      continue;
    }
    if (magic !== ZSTD_MAGIC) throw malformed(`magic 0x${magic.toString(16)} is not 0xfd2fb528`);
    if (o + 1 > n) throw malformed("the frame header is cut short");
    const fhd = data[o++]!;
    if ((fhd & 0x08) !== 0) throw malformed("the reserved bit of the frame header is set");
    const fcsFlag = fhd >> 6;
    const singleSegment = (fhd & 0x20) !== 0;
    const checksum = (fhd & 0x04) !== 0;
    const fcsBytes = fcsFlag === 0 ? (singleSegment ? 1 : 0) : fcsFlag === 1 ? 2 : fcsFlag === 2 ? 4 : 8;
    o += (singleSegment ? 0 : 1) + DICT_ID_BYTES[fhd & 3]!;
    let declared = -1;
    if (o + fcsBytes > n) throw malformed("the frame header is cut short");
    if (fcsBytes === 1) declared = data[o]!;
    else if (fcsBytes === 2) declared = view.getUint16(o, true) + 256;
    else if (fcsBytes === 4) declared = view.getUint32(o, true);
    else if (fcsBytes === 8) declared = view.getUint32(o + 4, true) * 4294967296 + view.getUint32(o, true);
    o += fcsBytes;
    let blocks = 0;
    for (;;) {
      if (o + 3 > n) throw malformed("a block header is cut short");
      const header = data[o]! | (data[o + 1]! << 8) | (data[o + 2]! << 16);
      o += 3;
      const last = (header & 1) !== 0;
      const type = (header >> 1) & 3;
      const size = header >>> 3;
      if (type === 3) throw malformed("a block of the reserved type 3");
      if (size > BLOCK_MAX) throw malformed(`a block of ${size} bytes exceeds 128 KiB`);
      if (type === 1) {
        // RLE: one byte repeated `size` times.
        o += 1;
        blocks += size;
      } else {
        o += size;
        blocks += type === 0 ? size : BLOCK_MAX;
      }
      if (o > n) throw malformed("a block runs past the end");
      if (last) break;
    }
    if (checksum) o += 4;
    if (o > n) throw malformed("the content checksum is cut short");
    total += declared >= 0 ? Math.min(declared, blocks) : blocks;
  }
  return total;
}

/** The zstd codec: level 1–22 (default 3, zstd's own default). */
export const zstdCodec: CompressionCodec = {
  id: COMPRESSION.zstd,
  name: "zstd",
  async compress(data, level = 3) {
    const z = await builtin();
    try {
      if (z !== null) {
        const param = z.constants.ZSTD_c_compressionLevel ?? 100;
        return await call(z.zstdCompress, data, { params: { [param]: level } });
      }
      return await (await loadMongo()).compress(asBuffer(data), level);
    } catch (error) {
      throw corruptStream("zstd", error);
    }
  },
  async decompress(data, maxOutputBytes) {
    const bound = zstdFrameBound(data);
    if (bound > maxOutputBytes + ZSTD_BOUND_SLACK) {
      throw decompressedTooLarge("zstd", `up to ${bound}`, maxOutputBytes);
    }
    const z = await builtin();
    let out: Uint8Array;
    try {
      out =
        z !== null
          ? await call(z.zstdDecompress, data, { maxOutputLength: Math.max(1, maxOutputBytes) })
          : await (await loadMongo()).decompress(asBuffer(data));
    } catch (error) {
      throw corruptStream("zstd", error);
    }
    if (out.length > maxOutputBytes) throw decompressedTooLarge("zstd", out.length, maxOutputBytes);
    return out;
  },
};
