/**
 * Validation of the `signal` option every blocking operation of csp-kit takes,
 * and the value descriptions error messages use.
 *
 * Why it exists: an operation that queues a waiter and only then finds that
 * its `signal` cannot be watched (the AbortController itself, `null`, a number)
 * leaves a waiter on the queue that nobody will ever resolve — the next value
 * sent to it is lost. So every operation calls {@link checkSignal} first,
 * before it looks at any queue, and a bad signal changes nothing.
 *
 * Invariants:
 * - `checkSignal` returns `undefined` iff its argument is `undefined`;
 *   otherwise it returns its argument, which is then an object with a boolean
 *   `aborted` and an `addEventListener` method, or it throws
 *   {@link InvalidSignalError}.
 * - it never calls user code beyond reading `aborted` and `addEventListener`
 *   (and `signal` / `abort`, to recognise an AbortController), and never
 *   passes a non-object to a WeakMap.
 */

import { InvalidSignalError } from "../errors.js";

/**
 * A short, grammatical description of a value for an error message: `undefined`,
 * `null`, `the number 1.5`, `the string "x"`, `a function`, `an object (Foo)`.
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case "undefined":
      return "undefined";
    case "number":
      return `the number ${String(value)}`;
    case "bigint":
      return `the bigint ${String(value)}n`;
    case "boolean":
      return `the boolean ${String(value)}`;
    case "string":
      return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case "symbol":
      return `the symbol ${value.description === undefined ? "(no description)" : value.description}`;
    case "function":
      return "a function";
    default: {
      if (value === null) return "null";
      const ctor = (value as { constructor?: unknown }).constructor;
      const name = typeof ctor === "function" && ctor.name !== "" ? ctor.name : "no class";
      return `an object (${name})`;
    }
  }
}

function isSignalLike(value: object): value is AbortSignal {
  const v = value as { aborted?: unknown; addEventListener?: unknown };
  return typeof v.aborted === "boolean" && typeof v.addEventListener === "function";
}

function isControllerLike(value: object): boolean {
  if (typeof AbortController !== "undefined" && value instanceof AbortController) return true;
  const v = value as { signal?: unknown; abort?: unknown };
  return typeof v.abort === "function" && typeof v.signal === "object" && v.signal !== null && isSignalLike(v.signal);
}

/**
 * Validates the `signal` option of `operation` (a name such as `"Channel.send"`).
 * Returns `undefined` for `undefined` and the signal for an AbortSignal (any
 * object with a boolean `aborted` and an `addEventListener` method, so
 * signals from another realm or a polyfill are accepted); throws
 * {@link InvalidSignalError} for anything else — an AbortController ("pass
 * controller.signal, not the controller"), `null`, a primitive, another object.
 *
 * Call it first, before touching any queue; an operation documented to reject
 * turns the throw into a rejected promise. O(1); never calls user code other
 * than property reads.
 *
 * @example
 * ```ts run
 * import { isInvalidSignalError } from "@csp-kit/channel";
 * import { checkSignal } from "@csp-kit/channel/port";
 *
 * const options: { signal?: unknown } = { signal: new AbortController().signal };
 * const signal = checkSignal(options?.signal, "MyPort.recv"); // the AbortSignal, or undefined
 * let error: unknown;
 * try {
 *   checkSignal("soon", "MyPort.recv");
 * } catch (e) {
 *   error = e;
 * }
 * if (!(signal instanceof AbortSignal) || !isInvalidSignalError(error)) throw new Error("expected a signal, then an InvalidSignalError");
 * ```
 */
export function checkSignal(signal: unknown, operation: string): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  const fault = signalFault(signal, operation);
  if (fault !== undefined) throw fault;
  return signal as AbortSignal;
}

/**
 * The error {@link checkSignal} would throw for `signal`, or `undefined` when
 * `signal` is valid (an AbortSignal, or `undefined`). For operations that
 * return a promise: `if (fault) return Promise.reject(fault)`.
 */
export function signalFault(signal: unknown, operation: string): InvalidSignalError | undefined {
  if (signal === undefined) return undefined;
  if (typeof signal === "object" && signal !== null) {
    if (isSignalLike(signal)) return undefined;
    if (isControllerLike(signal)) {
      return new InvalidSignalError(
        `${operation}: options.signal is an AbortController; pass controller.signal, not the controller`,
        operation,
        signal,
      );
    }
  }
  return new InvalidSignalError(
    `${operation}: options.signal must be an AbortSignal (for example controller.signal or ` +
      `AbortSignal.timeout(ms)) or undefined for no cancellation (got ${describeValue(signal)})`,
    operation,
    signal,
  );
}
