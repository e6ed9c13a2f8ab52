/**
 * @csp-kit/channel — Go channels for TypeScript.
 * @packageDocumentation
 * @module @csp-kit/channel
 */

export { None, type Option, Some } from "ts-results-es";
export {
  Channel,
  type ChannelKind,
  type ChannelOptions,
  CLOSED,
  type DroppingChannelOptions,
  type DropReason,
  ResizableChannel,
  type TryRecvResult,
  type TrySendResult,
  UNBOUNDED,
  type WaitOptions,
  WOULD_BLOCK,
} from "./channel.js";
export { type CombinatorOptions, distribute, filter, map, merge, pipe, tee } from "./combinators.js";
export type { Receiver, Sender, ValuesIterator } from "./directions.js";
export {
  ChannelAlreadyClosedError,
  ChannelClosedError,
  ChannelError,
  InvalidCapacityError,
  InvalidOptionError,
  InvalidSignalError,
  isChannelAlreadyClosedError,
  isChannelClosedError,
  isChannelError,
  isInvalidCapacityError,
  isInvalidOptionError,
  isInvalidSignalError,
  isTransformError,
  TransformError,
} from "./errors.js";
