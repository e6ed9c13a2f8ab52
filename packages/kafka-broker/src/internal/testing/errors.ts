/**
 * The errors of the fault injector (`@csp-kit/kafka-broker/testing`), each
 * with a stable `name` and an `is…Error` guard that also recognises
 * instances from another copy of the package (by `name`). Unknown broker
 * ids and topics are the cluster's `UnknownBrokerError` and
 * `UnknownTopicError`.
 */

import { hasErrorName } from "@csp-kit/channel/port";

/**
 * A fault injector used wrongly: an argument out of range (a count below 1,
 * an error code that is not an int16 or a Kafka error name, a negative
 * latency), a second injector attached to the same cluster, an injector
 * used after `detach()`, a target that is not a cluster or broker of this
 * package. Nothing was changed.
 */
export class FaultInjectorError extends TypeError {
  /** Always `"FaultInjectorError"`. */
  override name = "FaultInjectorError";
}

/**
 * `history.waitFor` ran out of time: fewer requests than asked for matched
 * within `timeoutMs`. `seen` is how many did; the message lists the last
 * requests recorded, to show what the client sent instead.
 */
export class WaitForTimeoutError extends Error {
  /** Always `"WaitForTimeoutError"`. */
  override name = "WaitForTimeoutError";
  /** How many recorded requests matched when time ran out. */
  readonly seen: number;
  /** How many were waited for. */
  readonly wanted: number;
  constructor(message: string, seen: number, wanted: number) {
    super(message);
    this.seen = seen;
    this.wanted = wanted;
  }
}

/** Whether `error` is a {@link FaultInjectorError}. */
export function isFaultInjectorError(error: unknown): error is FaultInjectorError {
  return error instanceof FaultInjectorError || hasErrorName(error, "FaultInjectorError");
}

/** Whether `error` is a {@link WaitForTimeoutError}. */
export function isWaitForTimeoutError(error: unknown): error is WaitForTimeoutError {
  return error instanceof WaitForTimeoutError || hasErrorName(error, "WaitForTimeoutError");
}
