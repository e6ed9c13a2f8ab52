import { describe, expect, it } from "vitest";
import { sieve } from "./sieve.js";

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

describe("prime sieve example", () => {
  it("finds the first 200 primes in order and stops every task", async () => {
    const result = await sieve(200);
    expect(result.primes).toHaveLength(200);
    expect(result.primes.slice(0, 10)).toEqual([2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
    expect(result.primes.every(isPrime)).toBe(true);
    expect(result.primes.every((p, i) => i === 0 || p > (result.primes[i - 1] as number))).toBe(true);
    expect(result.filters).toBe(199);
  });

  it("rejects a count that is not a whole number >= 1", async () => {
    await expect(sieve(0)).rejects.toThrow(/whole number >= 1/);
  });
});
