// @csp-kit/kafka-protocol: the public surface. This file only re-exports.
export {
  API_VERSIONS,
  ApiKey,
  type ApiName,
  type ApiVersionRange,
  apiName,
  apiVersionRange,
  FLEXIBLE_FROM,
  type ImplementedApi,
  isFlexibleVersion,
  isKnownApiKey,
  isSupportedVersion,
  NEVER_FLEXIBLE,
} from "./api-keys.js";
export {
  crc32c,
  crc32cImplementation,
  crc32cJs,
  enableNativeCrc32c,
  NATIVE_MIN_BYTES,
  type NativeCrc32c,
  setNativeCrc32c,
} from "./crc32c.js";
export {
  errorByCode,
  errorByName,
  KAFKA_ERRORS,
  KafkaErrorCode,
  type KafkaErrorInfo,
  type KafkaErrorName,
} from "./error-codes.js";
export { isProtocolError, ProtocolError, type ProtocolErrorKind } from "./errors.js";
export {
  beginFrame,
  DEFAULT_MAX_FRAME_BYTES,
  endFrame,
  FRAME_PREFIX_BYTES,
  FrameSplitter,
  type FrameSplitterOptions,
  frame,
} from "./frame.js";
export {
  decodeRequestHeader,
  decodeResponseHeader,
  encodeRequestHeader,
  encodeResponseHeader,
  peekCorrelationId,
  type RequestHeader,
  type RequestHeaderVersion,
  type ResponseHeader,
  type ResponseHeaderVersion,
  requestHeaderVersion,
  responseHeaderVersion,
} from "./header.js";
export { isKafkaError, KafkaError, type KafkaErrorOptions, kafkaErrorFor } from "./kafka-error.js";
export { NULL_LENGTH, Reader, type TagHandler, uuidFromString, uuidToString } from "./reader.js";
export { utf8Length, uvarintSize, varintSize, Writer } from "./writer.js";
