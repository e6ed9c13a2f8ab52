/**
 * The snappy codec (id 2): raw snappy out, raw or xerial-framed snappy in.
 *
 * Two snappy dialects travel in Kafka batches (KAFKA.md §2.5): librdkafka and
 * this package write *raw* snappy (a uvarint of the decompressed length, then
 * the compressed elements); the Java client writes the *xerial* framing of
 * snappy-java — the 16-byte header `82 'SNAPPY' 00`, version int32,
 * compatible-version int32, then chunks of `int32 length, raw snappy`. Both
 * decode here; the Java client reads raw snappy too, so raw is what we write.
 *
 * The work is done by the npm package `snappy` (napi-rs bindings to the Rust
 * `snap` crate, prebuilt binaries from npm), loaded on first use; see the
 * package README for why it was chosen over the pure-JavaScript `snappyjs`.
 *
 * Invariants:
 * - Before any decompression, the decompressed size is read from each raw
 *   stream's length preamble and summed: a total over the cap fails with
 *   `too-large` and nothing is allocated for it.
 * - A decompressed chunk whose length differs from its preamble is corrupt.
 */

import { ProtocolError } from "../errors.js";
import { COMPRESSION, type CompressionCodec, corruptStream, decompressedTooLarge, lazyOptional } from "./codec.js";

/** The part of the `snappy` package this codec uses. */
interface SnappyModule {
  compress(input: Uint8Array): Promise<Uint8Array>;
  uncompress(input: Uint8Array, options: { asBuffer: true }): Promise<Uint8Array>;
}

const loadSnappy = lazyOptional<SnappyModule>("snappy", "snappy", () => import("snappy"));

/** The 8-byte magic that opens a xerial (snappy-java) framed stream. */
const XERIAL_MAGIC = [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00] as const;
/** Magic, version int32, compatible-version int32. */
const XERIAL_HEADER_BYTES = 16;

/** Whether `data` opens with the xerial header. */
export function isXerialSnappy(data: Uint8Array): boolean {
  if (data.length < XERIAL_HEADER_BYTES) return false;
  for (let i = 0; i < XERIAL_MAGIC.length; i++) if (data[i] !== XERIAL_MAGIC[i]) return false;
  return true;
}

/**
 * The decompressed length a raw snappy stream declares in its uvarint
 * preamble. Throws an `invalid-value` ProtocolError when the preamble is cut
 * short or longer than 32 bits.
 */
export function snappyDecompressedLength(data: Uint8Array, start: number = 0, end: number = data.length): number {
  let result = 0;
  let scale = 1;
  for (let i = start; i < end && i < start + 5; i++) {
    const b = data[i]!;
    result += (b & 0x7f) * scale;
    if (b < 0x80) {
      if (result > 0xffffffff) break;
      return result;
    }
    scale *= 128;
  }
  throw new ProtocolError("invalid-value", "snappy: the stream's length preamble is missing or malformed");
}

/** The `[start, end)` ranges of the raw snappy chunks of a xerial stream, checked against the bytes. */
function xerialChunks(data: Uint8Array): Array<[number, number]> {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const chunks: Array<[number, number]> = [];
  let o = XERIAL_HEADER_BYTES;
  while (o < data.length) {
    if (o + 4 > data.length) {
      throw new ProtocolError("invalid-value", "snappy: a xerial chunk's length is cut short");
    }
    const n = view.getInt32(o);
    o += 4;
    if (n < 0 || o + n > data.length) {
      throw new ProtocolError(
        "invalid-value",
        `snappy: a xerial chunk declares ${n} bytes but ${data.length - o} remain`,
      );
    }
    chunks.push([o, o + n]);
    o += n;
  }
  return chunks;
}

async function uncompressRaw(lib: SnappyModule, data: Uint8Array, expected: number): Promise<Uint8Array> {
  let out: Uint8Array;
  try {
    out = await lib.uncompress(data, { asBuffer: true });
  } catch (error) {
    throw corruptStream("snappy", error);
  }
  if (out.length !== expected) {
    throw new ProtocolError(
      "invalid-value",
      `snappy: a chunk decompressed to ${out.length} bytes but its preamble says ${expected}`,
    );
  }
  return out;
}

/** The snappy codec; compresses to raw snappy (level is ignored), decompresses raw and xerial-framed snappy. */
export const snappyCodec: CompressionCodec = {
  id: COMPRESSION.snappy,
  name: "snappy",
  async compress(data) {
    const lib = await loadSnappy();
    try {
      return await lib.compress(data);
    } catch (error) {
      throw corruptStream("snappy", error);
    }
  },
  async decompress(data, maxOutputBytes) {
    if (!isXerialSnappy(data)) {
      const size = snappyDecompressedLength(data);
      if (size > maxOutputBytes) throw decompressedTooLarge("snappy", size, maxOutputBytes);
      return uncompressRaw(await loadSnappy(), data, size);
    }
    const chunks = xerialChunks(data);
    let total = 0;
    const sizes: number[] = [];
    for (const [start, end] of chunks) {
      const size = snappyDecompressedLength(data, start, end);
      total += size;
      if (total > maxOutputBytes) throw decompressedTooLarge("snappy", `at least ${total}`, maxOutputBytes);
      sizes.push(size);
    }
    const lib = await loadSnappy();
    const out = new Uint8Array(total);
    let o = 0;
    for (let i = 0; i < chunks.length; i++) {
      const [start, end] = chunks[i]!;
      const part = await uncompressRaw(lib, data.subarray(start, end), sizes[i]!);
      out.set(part, o);
      o += part.length;
    }
    return out;
  },
};
