// @csp-kit/kafka-protocol: the public surface. This file only re-exports.
export { isProtocolError, ProtocolError, type ProtocolErrorKind } from "./errors.js";
export { NULL_LENGTH, Reader, type TagHandler, uuidFromString, uuidToString } from "./reader.js";
export { utf8Length, uvarintSize, varintSize, Writer } from "./writer.js";
