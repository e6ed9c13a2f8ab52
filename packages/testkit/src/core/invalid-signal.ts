/**
 * The invalid-signal case table: the values a caller might slip in where an
 * AbortSignal belongs, and the check that an operation refused one with the
 * package's typed error (csp-kit's `InvalidSignalError`, recognised by the guard
 * the test passes in, so this module depends on no csp-kit package).
 *
 * Every operation that takes `{ signal }` must reject (never throw
 * synchronously, unless it is a synchronous API such as `values()`), with an
 * error that names the operation, and — for the AbortController itself — tells
 * the caller to pass `controller.signal`.
 */

import { expect } from "vitest";

/** One value that is not an AbortSignal. */
export interface InvalidSignalCase {
  /** How a test title names it: `the AbortController`, `null`, `0`. */
  readonly label: string;
  /** The value itself, passed as `{ signal }`. */
  readonly signal: unknown;
  /** Text the error's message must contain for this value, when it has a specific remedy. */
  readonly hint?: string;
}

/** The AbortController itself, `null`, `0`, `"x"`, `true` and a plain object. */
export const INVALID_SIGNALS: readonly InvalidSignalCase[] = [
  { label: "the AbortController", signal: new AbortController(), hint: "pass controller.signal, not the controller" },
  { label: "null", signal: null },
  { label: "0", signal: 0 },
  { label: '"x"', signal: "x" },
  { label: "true", signal: true },
  { label: "a plain object", signal: {} },
];

/**
 * Runs `op`, which must not throw synchronously, and returns what its promise rejected with.
 *
 * @throws Error when `op` throws synchronously or its promise fulfils.
 */
export async function rejection(op: () => Promise<unknown>): Promise<unknown> {
  let promise: Promise<unknown>;
  try {
    promise = op();
  } catch (error) {
    throw new Error(`threw synchronously instead of rejecting: ${String(error)}`);
  }
  return promise.then(
    () => {
      throw new Error("resolved instead of rejecting");
    },
    (error: unknown) => error,
  );
}

/** What an invalid-signal error must carry. */
export interface InvalidSignalCheck {
  /** The package's guard, `isInvalidSignalError`. */
  readonly is: (error: unknown) => boolean;
  /** Also require the message to contain the operation's name (when one is given). */
  readonly messageNamesOperation?: boolean;
}

/** Asserts that `error` is the typed invalid-signal error for `given`, naming `operation` when given. */
export type ExpectInvalidSignal = (error: unknown, given: InvalidSignalCase, operation?: string) => void;

/**
 * Builds the assertion a package's invalid-signal test applies to every refusal.
 *
 * @example
 * ```ts
 * const expectInvalidSignal = invalidSignalCheck({ is: isInvalidSignalError });
 * describe.each(INVALID_SIGNALS)("given $label", (bad) => {
 *   it("recv rejects", async () => {
 *     expectInvalidSignal(await rejection(() => ch.recv({ signal: bad.signal as AbortSignal })), bad, "Channel.recv");
 *   });
 * });
 * ```
 */
export function invalidSignalCheck(check: InvalidSignalCheck): ExpectInvalidSignal {
  return (error, given, operation) => {
    expect(check.is(error)).toBe(true);
    if (operation !== undefined) {
      expect((error as { operation?: unknown }).operation).toBe(operation);
      if (check.messageNamesOperation === true) expect((error as Error).message).toContain(operation);
    }
    if (given.hint !== undefined) expect((error as Error).message).toContain(given.hint);
  };
}
