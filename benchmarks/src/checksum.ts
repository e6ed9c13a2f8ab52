/**
 * The checksum every run verifies: the count, sum and xor of the values
 * received. Producers send each value of 0..n-1 exactly once; a lost,
 * duplicated or corrupted value changes at least one of the three, so the run
 * fails instead of producing a number.
 *
 * Invariants:
 * - `count`, `sum` and `xor` only grow through `add` (never reset: one
 *   checksum per run).
 * - `sum` stays an exact integer: n <= 2^26 keeps n(n-1)/2 below 2^53.
 */
export class Checksum {
  /** Values received so far. */
  count = 0;
  /** Sum of the values received so far. */
  sum = 0;
  /** Xor of the values received so far (catches a swap of equal sums). */
  xor = 0;

  /** Records one received value. A non-number (e.g. a "closed" marker) poisons `sum` with NaN. */
  add(value: number): void {
    this.count++;
    this.sum += value;
    this.xor ^= value;
  }

  /**
   * Throws unless this checksum is exactly that of 0..n-1 — each value once.
   * @param what - names the run in the error message.
   */
  verify(n: number, what: string): void {
    const want = expected(n);
    if (this.count !== want.count || this.sum !== want.sum || this.xor !== want.xor) {
      throw new ChecksumError(
        `${what}: checksum mismatch — received count=${this.count} sum=${this.sum} xor=${this.xor}, ` +
          `expected count=${want.count} sum=${want.sum} xor=${want.xor} (a value was lost, duplicated or corrupted)`,
      );
    }
  }
}

/** The checksum of the values 0..n-1. */
export function expected(n: number): { count: number; sum: number; xor: number } {
  if (!Number.isSafeInteger(n) || n < 0 || n > 2 ** 26)
    throw new RangeError(`n must be a whole number in 0..2^26 (got ${n})`);
  return { count: n, sum: (n * (n - 1)) / 2, xor: xorUpTo(n - 1) };
}

/** 0 ^ 1 ^ … ^ m, in closed form; 0 for m < 0. */
function xorUpTo(m: number): number {
  if (m < 0) return 0;
  switch (m % 4) {
    case 0:
      return m;
    case 1:
      return 1;
    case 2:
      return m + 1;
    default:
      return 0;
  }
}

/** A run received something other than each of 0..n-1 exactly once. */
export class ChecksumError extends Error {
  override name = "ChecksumError";
}
