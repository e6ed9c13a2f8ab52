/**
 * @csp-kit/timers — Go's timers for csp-kit: `after`, `Timer`, `Ticker`,
 * `sleep` and `done` channels, lazily armed and leak-free, on an injectable clock.
 * @packageDocumentation
 * @module @csp-kit/timers
 */

export { type Clock, type ClockHandle, type ClockOptions, realClock } from "./clock.js";
export { done } from "./done.js";
export {
  InvalidClockError,
  InvalidDurationError,
  isInvalidClockError,
  isInvalidDurationError,
  isReceiveOnlyError,
  ReceiveOnlyError,
} from "./errors.js";
export type { Receiver } from "./receiver.js";
export { type SleepOptions, sleep } from "./sleep.js";
export { Ticker } from "./ticker.js";
export { type TimeoutSignal, timeoutSignal } from "./timeout-signal.js";
export { after, Timer } from "./timer.js";
