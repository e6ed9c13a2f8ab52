/**
 * The compression codec contract of RecordBatch v2, the codec ids of the
 * attributes field, and the output limit every decompressor enforces.
 *
 * A batch's attributes carry its codec in bits 0–2: 0 none, 1 gzip,
 * 2 snappy, 3 lz4, 4 zstd; 5–7 are unassigned by Kafka (a broker rejects
 * them), but an application may register a codec under one of them for its
 * own closed system. Everything after a batch's 61-byte header (the records)
 * is one compressed stream; the header itself, and its recordsCount, stay
 * uncompressed.
 *
 * Invariants:
 * - A codec's `id` is an integer in 1..7 and never changes; 0 ("none") is
 *   not a codec and cannot be registered.
 * - `decompress(data, maxOutputBytes)` either returns at most
 *   `maxOutputBytes` bytes or rejects with a {@link ProtocolError} of kind
 *   `too-large`; the built-in codecs refuse *before* decompressing when the
 *   stream's headers bound its output above the cap (gzip: zlib stops at the
 *   cap; snappy: the length preamble; lz4, zstd: the frame and block headers,
 *   with one block of slack), so a bomb costs at most the cap plus one block.
 * - Codecs never throw anything but `ProtocolError`: a library's own error on
 *   corrupt input is wrapped (kind `invalid-value`, the library's error as `cause`).
 */

import { ProtocolError } from "../errors.js";

/** The codec ids Kafka assigns, by name, as written in bits 0–2 of a batch's attributes. */
export const COMPRESSION: Readonly<{
  readonly none: 0;
  readonly gzip: 1;
  readonly snappy: 2;
  readonly lz4: 3;
  readonly zstd: 4;
}> = Object.freeze({ none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const);

/** A codec Kafka names: `"none"`, `"gzip"`, `"snappy"`, `"lz4"` or `"zstd"`. */
export type CompressionName = keyof typeof COMPRESSION;

/** The highest codec id Kafka defines (zstd); ids above it exist only for registered custom codecs. */
export const MAX_KAFKA_CODEC_ID = 4;

/**
 * The default cap on one batch's decompressed records: 64 MiB. Kafka's
 * default `message.max.bytes` is about 1 MiB of *compressed* batch, and
 * typical record data compresses 2–10x, so honest batches stay far below it;
 * a "decompression bomb" (a few KiB that expand to gigabytes) stops here with
 * a `too-large` ProtocolError. Raise it per call with `maxDecompressedBytes`.
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES: number = 64 * 1024 * 1024;

/**
 * One compression codec: the transformation of a batch's records section.
 *
 * Gotchas: both methods are async so that native and worker-based
 * implementations fit; an implementation may still do its work synchronously.
 * Returned arrays may be views of larger buffers (a Node `Buffer` from a pool, say).
 *
 * @example
 * ```ts run
 * import { type CompressionCodec, CompressionRegistry } from "@csp-kit/kafka-protocol";
 *
 * const identity: CompressionCodec = {
 *   id: 7, name: "identity",
 *   compress: async (data) => data,
 *   decompress: async (data, max) => { if (data.length > max) throw new Error("too large"); return data; },
 * };
 * const codecs = new CompressionRegistry();
 * codecs.register(identity);
 * console.log(codecs.get(7)?.name); // → identity
 * if (codecs.get(7) !== identity) throw new Error("identity is not registered as id 7");
 * ```
 */
export interface CompressionCodec {
  /** The id written into the batch attributes (1..7; Kafka's own are 1..4, see {@link COMPRESSION}). */
  readonly id: number;
  /** A name for messages and lookups (`"gzip"`). */
  readonly name: string;
  /**
   * Compresses `data` (a batch's records section). `level` is the codec's
   * own level scale (gzip 1–9, zstd 1–22, lz4 ignores it); undefined means the
   * codec's default.
   */
  compress(data: Uint8Array, level?: number): Promise<Uint8Array>;
  /**
   * Decompresses `data`; must reject (preferably with a `too-large`
   * ProtocolError, before allocating) when the output would exceed `maxOutputBytes`.
   */
  decompress(data: Uint8Array, maxOutputBytes: number): Promise<Uint8Array>;
}

/** The `too-large` error a decompressor throws when the output would pass the cap. Precondition: `size > max`. */
export function decompressedTooLarge(codec: string, size: number | string, max: number): ProtocolError {
  return new ProtocolError(
    "too-large",
    `${codec}: the decompressed records would take ${size} bytes, more than the limit of ${max}; ` +
      "raise maxDecompressedBytes if the batch is legitimate",
  );
}

/** Wraps a codec library's own failure on corrupt input as an `invalid-value` ProtocolError. */
export function corruptStream(codec: string, cause: unknown): ProtocolError {
  if (cause instanceof ProtocolError) return cause;
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new ProtocolError("invalid-value", `${codec}: the compressed records are corrupt (${detail})`, -1, {
    cause,
  });
}

/**
 * Loads an optional codec package with a dynamic `import()` (so applications
 * that never meet that codec never load it), or fails with an
 * `unsupported-compression` ProtocolError that names the package to install.
 */
export async function loadOptional<T>(pkg: string, codec: string, load: () => Promise<unknown>): Promise<T> {
  let mod: unknown;
  try {
    mod = await load();
  } catch (cause) {
    throw new ProtocolError(
      "unsupported-compression",
      `${codec} compression needs the npm package "${pkg}", which could not be loaded: install it ` +
        `(npm install ${pkg}) or register your own ${codec} codec`,
      -1,
      { cause },
    );
  }
  // A CommonJS package imported from ESM puts module.exports on `default`.
  const m = mod as { default?: unknown };
  return (m.default !== undefined && typeof m.default === "object" ? m.default : mod) as T;
}

/**
 * A loader for an optional codec package that imports it once and shares
 * the promise; a failed import is forgotten, so installing the package and
 * trying again works without a restart.
 */
export function lazyOptional<T>(pkg: string, codec: string, load: () => Promise<unknown>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (pending === undefined) {
      const p = loadOptional<T>(pkg, codec, load);
      pending = p;
      p.catch(() => {
        if (pending === p) pending = undefined;
      });
    }
    return pending;
  };
}
