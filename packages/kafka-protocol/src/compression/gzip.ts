/**
 * The gzip codec (id 1), built on `node:zlib`.
 *
 * Kafka's gzip is one standard gzip member (RFC 1952: `1f 8b 08 …`); several
 * concatenated members are accepted too, as zlib's gunzip reads them. The
 * module loads `node:zlib` lazily, on the first batch that needs it, so the
 * package stays importable where `node:zlib` does not exist.
 *
 * Invariants:
 * - Decompression passes `maxOutputLength` to zlib, which stops inflating at
 *   the cap: a bomb costs at most `maxOutputBytes` of memory before it fails
 *   with a `too-large` ProtocolError.
 */

import type * as Zlib from "node:zlib";
import { COMPRESSION, type CompressionCodec, corruptStream, decompressedTooLarge, lazyOptional } from "./codec.js";

/** `node:zlib`, imported once. */
const loadZlib = lazyOptional<typeof Zlib>("node:zlib", "gzip", () => import("node:zlib"));

function run(
  fn: (data: Uint8Array, options: Zlib.ZlibOptions, cb: (error: Error | null, out: Buffer) => void) => void,
  data: Uint8Array,
  options: Zlib.ZlibOptions,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    fn(data, options, (error, out) => (error === null ? resolve(out) : reject(error)));
  });
}

/** The gzip codec: `node:zlib`'s gzip, level 1–9 (default zlib's 6). */
export const gzipCodec: CompressionCodec = {
  id: COMPRESSION.gzip,
  name: "gzip",
  async compress(data, level) {
    const z = await loadZlib();
    return run(z.gzip, data, level === undefined ? {} : { level });
  },
  async decompress(data, maxOutputBytes) {
    const z = await loadZlib();
    try {
      return await run(z.gunzip, data, { maxOutputLength: Math.max(1, maxOutputBytes) });
    } catch (error) {
      if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
        throw decompressedTooLarge("gzip", `more than ${maxOutputBytes}`, maxOutputBytes);
      }
      throw corruptStream("gzip", error);
    }
  },
};
