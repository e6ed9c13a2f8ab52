/**
 * The errors @csp-kit/select throws. Each is a programmer error in how a select
 * was written; expected outcomes — "this case won", "nothing was ready",
 * "the channel is closed" — are values. A send case on a closed channel fails
 * with `ChannelClosedError` from `@csp-kit/channel` (Go panics there), not with
 * a class of this file. Every class has a stable `name` and an `is…Error` guard
 * that also recognises instances from another copy of the package (by `name`).
 */

import { hasErrorName } from "@csp-kit/channel/port";

/** Base class of every error thrown by @csp-kit/select. */
export class SelectError extends Error {
  override name = "SelectError";
}

/**
 * A case of a select is not a case made by `recv(…)` or `send(…)`, or `recv` /
 * `send` was given something that is neither a channel (anything with a port)
 * nor `null` / `undefined`. The most common cause is writing `{ msg: ch }`
 * instead of `{ msg: recv(ch) }`.
 */
export class InvalidSelectCaseError extends SelectError {
  override name = "InvalidSelectCaseError";
  /** The name of the offending case, when the error concerns a case of a select. */
  readonly caseName: string | undefined;
  constructor(message: string, caseName?: string, options?: ErrorOptions) {
    super(message, options);
    this.caseName = caseName;
  }
}

/**
 * `select({})` — a blocking select with no cases at all. Go's `select {}` blocks
 * forever; here it is almost always a bug (a case set built dynamically that
 * came out empty), so it fails loudly instead.
 */
export class EmptySelectError extends SelectError {
  override name = "EmptySelectError";
  constructor(options?: ErrorOptions) {
    super(
      "select(cases): no cases, so the select could never complete. Give at least one case " +
        "(a case on a null channel is never ready, and waits until { signal } aborts), " +
        "or use trySelect(cases), which returns undefined when nothing is ready",
      options,
    );
  }
}

/** Whether `error` is any {@link SelectError}. */
export function isSelectError(error: unknown): error is SelectError {
  return (
    error instanceof SelectError ||
    hasErrorName(error, "SelectError") ||
    isInvalidSelectCaseError(error) ||
    isEmptySelectError(error)
  );
}

/** Whether `error` is an {@link InvalidSelectCaseError}. */
export function isInvalidSelectCaseError(error: unknown): error is InvalidSelectCaseError {
  return error instanceof InvalidSelectCaseError || hasErrorName(error, "InvalidSelectCaseError");
}

/** Whether `error` is an {@link EmptySelectError}. */
export function isEmptySelectError(error: unknown): error is EmptySelectError {
  return error instanceof EmptySelectError || hasErrorName(error, "EmptySelectError");
}
