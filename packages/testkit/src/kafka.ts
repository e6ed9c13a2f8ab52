// @csp-kit/testkit/kafka: what interop tests use to reach the real Kafka broker of
// the interop tier (scripts/kafka starts it). This file only re-exports.
export { parseBootstrap } from "./kafka/bootstrap.js";
export {
  FrameSizeError,
  InvalidBootstrapError,
  isFrameSizeError,
  isInvalidBootstrapError,
  isProcessTimeoutError,
  isRawRequestError,
  ProcessTimeoutError,
  RawRequestError,
} from "./kafka/errors.js";
export { type KcatOptions, type KcatResult, kafkaBootstrap, kcat } from "./kafka/interop-support.js";
export {
  type RecordedFrame,
  type RecordingProxy,
  type RecordingProxyOptions,
  type ResponseRewriter,
  startRecordingProxy,
} from "./kafka/recording-proxy.js";
export {
  API_VERSIONS_KEY,
  type ApiVersionRange,
  type ApiVersionsV0Response,
  apiVersionsV0Request,
  FrameSplitter,
  parseApiVersionsV0Response,
  type RawRequestOptions,
  rawRequest,
  requestHeader,
  responseCorrelationId,
} from "./kafka/wire.js";
