/**
 * @csp-kit/testkit/core: the helpers the core packages' tests share — promise
 * settling and tracking, the channel kinds, the stress multiplier, the
 * invalid-signal case table, the receive contract and the worker boot. It depends on no csp-kit
 * package (the tests pass their own classes and guards in), so every package can
 * use it without a cycle in the build graph. This file only re-exports.
 * @packageDocumentation
 * @module @csp-kit/testkit/core
 */

export {
  InvalidStressScaleError,
  InvalidTurnsError,
  isInvalidStressScaleError,
  isInvalidTurnsError,
} from "./core/errors.js";
export { flush } from "./core/flush.js";
export {
  type ExpectInvalidSignal,
  INVALID_SIGNALS,
  type InvalidSignalCase,
  type InvalidSignalCheck,
  invalidSignalCheck,
  rejection,
} from "./core/invalid-signal.js";
export {
  type ChannelConstructors,
  channelKinds,
  drops,
  type KindName,
  type KindSpec,
  type OnDrop,
  SMALL_CAPACITIES,
} from "./core/kinds.js";
export {
  type OptionView,
  type Receivable,
  type ReceiveContractOptions,
  type ReceiveSubject,
  receiveContract,
} from "./core/receive-contract.js";
export { stressScale } from "./core/stress.js";
export { type Outcome, type Tracked, track } from "./core/track.js";
export { nextMessage, startWorker, WORKER_BOOT } from "./core/worker.js";
