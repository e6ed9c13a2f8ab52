/**
 * `CompressionRegistry`: which {@link CompressionCodec} handles which codec id.
 *
 * A registry starts with Kafka's four codecs: gzip (built in, `node:zlib`),
 * snappy, lz4 and zstd (their npm packages are optional peer dependencies,
 * imported the first time a batch needs them; a missing one fails that batch
 * with an `unsupported-compression` ProtocolError naming the package).
 * `register` replaces one of them (another snappy library, say) or adds a
 * custom codec under an unassigned id (5–7).
 *
 * Invariants:
 * - Id 0 ("none") is never in the registry: it is not a codec.
 * - Every registered codec's `id` is an integer in 1..7; its name is unique
 *   in the registry (registering a codec under an id replaces the previous
 *   codec of that id and forgets its name).
 * - `decompress` through the registry never returns more than the cap, even
 *   for a custom codec that ignores it.
 */

import { ProtocolError } from "../errors.js";
import {
  COMPRESSION,
  type CompressionCodec,
  type CompressionName,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  decompressedTooLarge,
} from "./codec.js";
import { gzipCodec } from "./gzip.js";
import { lz4Codec } from "./lz4.js";
import { snappyCodec } from "./snappy.js";
import { zstdCodec } from "./zstd.js";

/** The codecs a new registry starts with. */
const BUILT_IN: readonly CompressionCodec[] = [gzipCodec, snappyCodec, lz4Codec, zstdCodec];

/**
 * A table from codec id (and name) to codec.
 *
 * Gotchas: the encoder and decoder use {@link defaultCompressionRegistry}
 * unless given another in their options; registering into the default
 * registry changes every later call in the process.
 *
 * @example
 * ```ts run
 * import { COMPRESSION, CompressionRegistry, decodeRecordBatch, encodeRecordBatch, snappyCodec } from "@csp-kit/kafka-protocol";
 *
 * const snappyFromMyLibrary = { compress: snappyCodec.compress, decompress: snappyCodec.decompress }; // any snappy binding
 * const codecs = new CompressionRegistry();
 * codecs.register({ ...snappyFromMyLibrary, id: COMPRESSION.snappy, name: "snappy" });
 * const batch = { records: [{ key: null, value: new TextEncoder().encode("hi") }] };
 * const bytes = await encodeRecordBatch(batch, { compression: "snappy", codecs });
 * const back = await decodeRecordBatch(bytes, { codecs });
 * console.log(back.compression, back.records.length); // → 2 1
 * if (back.compression !== COMPRESSION.snappy || back.records.length !== 1) throw new Error(`got ${back.compression}`);
 * ```
 */
export class CompressionRegistry {
  /** Codecs by id, 1..7; index 0 stays empty. */
  readonly #byId: Array<CompressionCodec | undefined> = new Array(8).fill(undefined);

  /** A registry holding gzip, snappy, lz4 and zstd. */
  constructor() {
    for (const codec of BUILT_IN) this.#byId[codec.id] = codec;
  }

  /**
   * Adds `codec` under its id, replacing the codec registered there. Throws
   * an `invalid-value` ProtocolError for an id outside 1..7 or a codec
   * without `compress` / `decompress` functions.
   */
  register(codec: CompressionCodec): void {
    const id = codec?.id;
    if (!(Number.isInteger(id) && id >= 1 && id <= 7)) {
      throw new ProtocolError(
        "invalid-value",
        `a compression codec's id must be an integer in 1..7 (0 is "none"), got ${String(id)}`,
      );
    }
    if (typeof codec.compress !== "function" || typeof codec.decompress !== "function" || !codec.name) {
      throw new ProtocolError("invalid-value", "a compression codec needs a name and compress/decompress functions");
    }
    for (let i = 1; i < 8; i++) if (i !== id && this.#byId[i]?.name === codec.name) this.#byId[i] = undefined;
    this.#byId[id] = codec;
  }

  /** The codec registered under `id`, or undefined (always for 0, "none"). */
  get(id: number): CompressionCodec | undefined {
    return this.#byId[id];
  }

  /**
   * The codec id for a name or id given in options: `"none"` and 0 give 0;
   * otherwise the registered codec's id. Throws an `unsupported-compression`
   * ProtocolError for a name or id nothing is registered under.
   */
  resolve(compression: CompressionName | string | number): number {
    if (compression === "none" || compression === 0) return 0;
    if (typeof compression === "number") {
      if (this.#byId[compression] !== undefined) return compression;
    } else {
      const known = (COMPRESSION as Record<string, number>)[compression];
      if (known !== undefined && this.#byId[known]?.name === compression) return known;
      for (let i = 1; i < 8; i++) if (this.#byId[i]?.name === compression) return i;
    }
    throw unsupported(compression);
  }

  /** Compresses with the codec registered under `id` (>= 1). */
  compress(id: number, data: Uint8Array, level?: number): Promise<Uint8Array> {
    const codec = this.#byId[id];
    if (codec === undefined) return Promise.reject(unsupported(id));
    return codec.compress(data, level);
  }

  /**
   * Decompresses with the codec registered under `id` (>= 1), capped at
   * `maxOutputBytes` (default {@link DEFAULT_MAX_DECOMPRESSED_BYTES}).
   */
  async decompress(
    id: number,
    data: Uint8Array,
    maxOutputBytes: number = DEFAULT_MAX_DECOMPRESSED_BYTES,
  ): Promise<Uint8Array> {
    const codec = this.#byId[id];
    if (codec === undefined) throw unsupported(id);
    const out = await codec.decompress(data, maxOutputBytes);
    if (out.length > maxOutputBytes) throw decompressedTooLarge(codec.name, out.length, maxOutputBytes);
    return out;
  }
}

function unsupported(compression: string | number): ProtocolError {
  const which = typeof compression === "number" ? `codec id ${compression}` : JSON.stringify(compression);
  return new ProtocolError(
    "unsupported-compression",
    `no compression codec is registered for ${which}: Kafka's are none, gzip, snappy, lz4 and zstd (ids 0–4); ` +
      "register a codec for any other",
  );
}

/** The registry the record-batch encoder and decoder use unless their options name another. */
export const defaultCompressionRegistry: CompressionRegistry = new CompressionRegistry();
