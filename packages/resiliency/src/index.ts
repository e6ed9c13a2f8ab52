/**
 * @csp-kit/resiliency — eapache/go-resiliency for TypeScript: a circuit
 * breaker, a retrier with backoff, jitter and a classifier, a deadline that
 * hands the work an AbortSignal, and a batcher — all on the `@csp-kit/timers`
 * Clock, so a ManualClock tests them without sleeping.
 * @packageDocumentation
 * @module @csp-kit/resiliency
 */

export { constantBackoff, exponentialBackoff } from "./backoff.js";
export { Batcher, type BatcherOptions, type BatchRunOptions } from "./batcher.js";
export { type BreakerState, CircuitBreaker, type CircuitBreakerOptions } from "./circuit-breaker.js";
export {
  type AttemptOutcome,
  type Classifier,
  defaultClassifier,
  failWhen,
  type RetryAction,
  retryWhen,
} from "./classifier.js";
export { type DeadlineOptions, deadline } from "./deadline.js";
export {
  BreakerOpenError,
  DeadlineExceededError,
  InvalidOptionError,
  isBreakerOpenError,
  isDeadlineExceededError,
  isInvalidOptionError,
} from "./errors.js";
export { type Attempt, Retrier, type RetrierOptions, type RetryRunOptions } from "./retrier.js";
