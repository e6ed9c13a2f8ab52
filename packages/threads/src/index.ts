/**
 * `@csp-kit/threads` — channels and locks that worker threads share:
 * `SharedChannel`, a bounded multi-producer multi-consumer ring over a
 * SharedArrayBuffer with the close, abort, select and iteration semantics of
 * `Channel`; and `SharedMutex`, Go's `sync.Mutex` over one shared word.
 * @packageDocumentation
 * @module @csp-kit/threads
 */

export { InvalidAtomicLayoutError, isInvalidAtomicLayoutError } from "@csp-kit/atomic";
export {
  ChannelAlreadyClosedError,
  ChannelClosedError,
  InvalidCapacityError,
  isChannelAlreadyClosedError,
  isChannelClosedError,
  isInvalidCapacityError,
  None,
  type Option,
  Some,
  type WaitOptions,
} from "@csp-kit/channel";
export {
  InvalidSerializerResultError,
  InvalidSharedHandleError,
  InvalidTimeoutError,
  isInvalidSerializerResultError,
  isInvalidSharedHandleError,
  isInvalidTimeoutError,
  isSharedBlockingOnMainThreadError,
  isSharedChannelBrokenError,
  isSharedSerializationError,
  isSharedSerializerUnavailableError,
  isSharedValueTooLargeError,
  isUnlockOfUnlockedError,
  SharedBlockingOnMainThreadError,
  SharedChannelBrokenError,
  SharedSerializationError,
  SharedSerializerUnavailableError,
  SharedValueTooLargeError,
  UnlockOfUnlockedError,
} from "./errors.js";
export {
  type Serializer,
  SharedChannel,
  type SharedChannelAttachOptions,
  type SharedChannelHandle,
  type SharedChannelOptions,
  type SharedTryRecvResult,
  type SharedTrySendResult,
  type SyncWaitOptions,
} from "./shared-channel.js";
export { type Guard, SharedMutex } from "./shared-mutex.js";
