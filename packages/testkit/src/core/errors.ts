/**
 * The errors the core test support throws for bad input. Each one says what to
 * do; each class has a stable `name` and an `is…Error` guard that also recognises
 * an instance from another copy of this module (by `name`).
 */

function hasName(value: unknown, name: string): boolean {
  return value instanceof Error && value.name === name;
}

/**
 * `flush(turns)` was given a count that is not a non-negative integer.
 *
 * @see {@link isInvalidTurnsError}
 */
export class InvalidTurnsError extends Error {
  override name = "InvalidTurnsError";
  /** The value that was rejected. */
  readonly value: unknown;
  constructor(message: string, value: unknown) {
    super(message);
    this.value = value;
  }
}

/** True if `value` is an {@link InvalidTurnsError} (from any copy of this module). */
export function isInvalidTurnsError(value: unknown): value is InvalidTurnsError {
  return hasName(value, "InvalidTurnsError");
}

/**
 * `CSP_STRESS` is set to something that is not a positive number.
 *
 * @see {@link isInvalidStressScaleError}
 */
export class InvalidStressScaleError extends Error {
  override name = "InvalidStressScaleError";
  /** The environment variable's text. */
  readonly value: string;
  constructor(message: string, value: string) {
    super(message);
    this.value = value;
  }
}

/** True if `value` is an {@link InvalidStressScaleError} (from any copy of this module). */
export function isInvalidStressScaleError(value: unknown): value is InvalidStressScaleError {
  return hasName(value, "InvalidStressScaleError");
}
