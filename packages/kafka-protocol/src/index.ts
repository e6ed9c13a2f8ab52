/**
 * @csp-kit/kafka-protocol: the public surface. This file only re-exports.
 * @packageDocumentation
 * @module @csp-kit/kafka-protocol
 */
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
  COMPRESSION,
  type CompressionCodec,
  type CompressionName,
  CompressionRegistry,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  defaultCompressionRegistry,
  gzipCodec,
  isXerialSnappy,
  lz4Codec,
  lz4FrameBound,
  MAX_KAFKA_CODEC_ID,
  snappyCodec,
  snappyDecompressedLength,
  zstdCodec,
  zstdFrameBound,
} from "./compression/index.js";
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
// ---- messages: the schema layer, one codec pair per API, whole frames ----
export { defineMessage, type MessageCodec, type VersionSpan } from "./internal/schema/codec.js";
export type {
  DefaultValue,
  FieldSchema,
  FieldValue,
  MessageSchema,
  PrimitiveType,
  PrimitiveValue,
  SchemaValue,
  StructValue,
  VersionRange,
} from "./internal/schema/types.js";
export { isKafkaError, KafkaError, type KafkaErrorOptions, kafkaErrorFor } from "./kafka-error.js";
export {
  type ApiVersion,
  type ApiVersionsRequest,
  type ApiVersionsResponse,
  apiVersionsFallback,
  apiVersionsRequest,
  apiVersionsRequestSchema,
  apiVersionsResponse,
  apiVersionsResponseSchema,
  type FinalizedFeatureKey,
  type SupportedFeatureKey,
} from "./messages/api-versions.js";
export {
  type CreatableReplicaAssignment,
  type CreatableTopic,
  type CreatableTopicConfig,
  type CreatableTopicConfigs,
  type CreatableTopicResult,
  type CreateTopicsRequest,
  type CreateTopicsResponse,
  createTopicsRequest,
  createTopicsRequestSchema,
  createTopicsResponse,
  createTopicsResponseSchema,
} from "./messages/create-topics.js";
export {
  type DeletableTopicResult,
  type DeleteTopicState,
  type DeleteTopicsRequest,
  type DeleteTopicsResponse,
  deleteTopicsRequest,
  deleteTopicsRequestSchema,
  deleteTopicsResponse,
  deleteTopicsResponseSchema,
} from "./messages/delete-topics.js";
export {
  type AbortedTransaction,
  type EpochEndOffset,
  type FetchableTopicResponse,
  type FetchPartition,
  type FetchPartitionData,
  type FetchRequest,
  type FetchResponse,
  type FetchTopic,
  type ForgottenTopic,
  fetchRequest,
  fetchRequestSchema,
  fetchResponse,
  fetchResponseSchema,
  type ReplicaState,
  type SnapshotId,
} from "./messages/fetch.js";
export {
  type Coordinator,
  type FindCoordinatorRequest,
  type FindCoordinatorResponse,
  findCoordinatorRequest,
  findCoordinatorRequestSchema,
  findCoordinatorResponse,
  findCoordinatorResponseSchema,
} from "./messages/find-coordinator.js";
export {
  type InitProducerIdRequest,
  type InitProducerIdResponse,
  initProducerIdRequest,
  initProducerIdRequestSchema,
  initProducerIdResponse,
  initProducerIdResponseSchema,
} from "./messages/init-producer-id.js";
export {
  type ListOffsetsPartition,
  type ListOffsetsPartitionResponse,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
  type ListOffsetsTopic,
  type ListOffsetsTopicResponse,
  listOffsetsRequest,
  listOffsetsRequestSchema,
  listOffsetsResponse,
  listOffsetsResponseSchema,
} from "./messages/list-offsets.js";
export {
  type MetadataRequest,
  type MetadataRequestTopic,
  type MetadataResponse,
  type MetadataResponseBroker,
  type MetadataResponsePartition,
  type MetadataResponseTopic,
  metadataRequest,
  metadataRequestSchema,
  metadataResponse,
  metadataResponseSchema,
} from "./messages/metadata.js";
export {
  type BatchIndexAndErrorMessage,
  type LeaderIdAndEpoch,
  type NodeEndpoint,
  type PartitionProduceData,
  type PartitionProduceResponse,
  type ProduceRequest,
  type ProduceResponse,
  produceRequest,
  produceRequestSchema,
  produceResponse,
  produceResponseSchema,
  type TopicProduceData,
  type TopicProduceResponse,
} from "./messages/produce.js";
export { NULL_LENGTH, Reader, type TagHandler, uuidFromString, uuidToString } from "./reader.js";
export {
  CONTROL_RECORD_TYPE,
  type ControlRecord,
  type ControlRecordKind,
  decodeControlRecord,
  endTransactionMarker,
  type KafkaRecord,
  MIN_RECORD_BYTES,
  type RecordHeader,
  type RecordInput,
} from "./record.js";
export {
  type BatchHeaderRewrite,
  type DecodedRecordBatches,
  type DecodeRecordBatchOptions,
  decodeRecordBatch,
  decodeRecordBatches,
  type EncodeRecordBatchOptions,
  encodeRecordBatch,
  encodeRecordBatchSync,
  type HeaderReadOptions,
  RECORD_BATCH_HEADER_BYTES,
  RECORD_BATCH_LOG_OVERHEAD,
  RECORD_BATCH_MAGIC,
  type RecordBatch,
  type RecordBatchHeader,
  type RecordBatchInput,
  readBatchHeader,
  readBatchHeaders,
  rewriteBatchHeader,
  type TimestampType,
} from "./record-batch.js";
export {
  type DecodedRequest,
  type DecodedResponse,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  type MessageApiKey,
  REQUEST_CODECS,
  RESPONSE_CODECS,
  type RequestBodies,
  type ResponseBodies,
} from "./request.js";
export { utf8Length, uvarintSize, varintSize, Writer } from "./writer.js";
