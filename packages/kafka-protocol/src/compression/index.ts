// The compression codecs of RecordBatch v2. Re-exports only.
export {
  COMPRESSION,
  type CompressionCodec,
  type CompressionName,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  MAX_KAFKA_CODEC_ID,
} from "./codec.js";
export { gzipCodec } from "./gzip.js";
export { lz4Codec, lz4FrameBound } from "./lz4.js";
export { CompressionRegistry, defaultCompressionRegistry } from "./registry.js";
export { isXerialSnappy, snappyCodec, snappyDecompressedLength } from "./snappy.js";
export { zstdCodec, zstdFrameBound } from "./zstd.js";
