/**
 * A CPU-bound task for the worker pools: count the primes in [from, to) by
 * trial division. Deliberately naive — it is the work, not the point.
 */

/** One task: a half-open range of whole numbers. */
export interface PrimeRange {
  readonly from: number;
  readonly to: number;
}

/**
 * Counts the primes `p` with `from <= p < to`.
 * @throws {RangeError} if the bounds are not whole numbers with `0 <= from <= to`.
 */
export function work({ from, to }: PrimeRange): number {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || from > to) {
    throw new RangeError(`count-primes: bad range [${from}, ${to})`);
  }
  let count = 0;
  for (let n = Math.max(from, 2); n < to; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}
