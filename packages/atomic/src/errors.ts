/**
 * The errors @csp-kit/atomic throws. Both are programmer errors: a value the
 * atomic cannot hold, or a place in memory where it cannot live. Each class has
 * a stable `name` and an `is…Error` guard that also recognises instances from
 * another copy of the package (by `name`). Nothing changes when one is thrown.
 */

/**
 * A value or operand an atomic cannot take: the wrong type (a number for an
 * AtomicInt64, a bigint for an AtomicInt32, a non-boolean for an AtomicBool), a
 * fraction, NaN or Infinity, or a value outside the type's range (e.g. 2**31 for
 * an AtomicInt32, -1 for an AtomicUint32).
 */
export class InvalidAtomicValueError extends RangeError {
  override name = "InvalidAtomicValueError";
  /** The operation that rejected the value, e.g. `"AtomicInt32.add(delta)"`. */
  readonly operation: string;
  /** The value that was rejected. */
  readonly value: unknown;
  constructor(operation: string, value: unknown, requirement: string, options?: ErrorOptions) {
    super(`${operation}: ${requirement} (got ${describe(value)})`, options);
    this.operation = operation;
    this.value = value;
  }
}

/**
 * An atomic cannot live where it was asked to: the buffer is not a
 * SharedArrayBuffer, the byte offset is misaligned or out of range, or an
 * {@link AtomicLayout} schema names an unknown kind.
 */
export class InvalidAtomicLayoutError extends RangeError {
  override name = "InvalidAtomicLayoutError";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** A value for an error message: numbers, bigints and booleans as themselves, the rest grammatically. */
function describe(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null || value === undefined) return String(value);
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === "object") {
    const ctor = (value as { constructor?: unknown }).constructor;
    return `an object (${typeof ctor === "function" && ctor.name !== "" ? ctor.name : "no class"})`;
  }
  return `a ${typeof value}`; // "a symbol", "a function"
}

function hasName(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

/** Whether `error` is an {@link InvalidAtomicValueError}. */
export function isInvalidAtomicValueError(error: unknown): error is InvalidAtomicValueError {
  return error instanceof InvalidAtomicValueError || hasName(error, "InvalidAtomicValueError");
}

/** Whether `error` is an {@link InvalidAtomicLayoutError}. */
export function isInvalidAtomicLayoutError(error: unknown): error is InvalidAtomicLayoutError {
  return error instanceof InvalidAtomicLayoutError || hasName(error, "InvalidAtomicLayoutError");
}
