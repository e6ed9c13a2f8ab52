/**
 * @csp-kit/timers/testing — a manual clock for deterministic tests of code
 * with timeouts, and `settle()` to let promise reactions run.
 * @packageDocumentation
 * @module @csp-kit/timers/testing
 */

export type { Clock } from "./clock.js";
export { InvalidLimitError, isInvalidLimitError, isRunawayTimersError, RunawayTimersError } from "./errors.js";
export { ManualClock, settle } from "./manual-clock.js";
