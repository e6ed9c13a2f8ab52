/**
 * `@csp-kit/channel/shared` — a channel that worker threads share: `SharedChannel`,
 * a bounded multi-producer multi-consumer ring over a SharedArrayBuffer, with the
 * close, abort and iteration semantics of `Channel`.
 * @packageDocumentation
 */

export { None, type Option, Some } from "ts-results-es";
export type { WaitOptions } from "./channel.js";
export {
  ChannelAlreadyClosedError,
  ChannelClosedError,
  InvalidCapacityError,
  isChannelAlreadyClosedError,
  isChannelClosedError,
  isInvalidCapacityError,
} from "./errors.js";
export {
  InvalidSharedHandleError,
  InvalidTimeoutError,
  isInvalidSharedHandleError,
  isInvalidTimeoutError,
  isSharedBlockingOnMainThreadError,
  isSharedSerializerUnavailableError,
  isSharedValueTooLargeError,
  SharedBlockingOnMainThreadError,
  SharedSerializerUnavailableError,
  SharedValueTooLargeError,
} from "./internal/shared/errors.js";
export {
  type Serializer,
  SharedChannel,
  type SharedChannelAttachOptions,
  type SharedChannelHandle,
  type SharedChannelOptions,
  type SharedTryRecvResult,
  type SharedTrySendResult,
  type SyncWaitOptions,
} from "./internal/shared/shared-channel.js";
