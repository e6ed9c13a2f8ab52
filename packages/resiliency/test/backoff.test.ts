import { InvalidDurationError } from "@csp-kit/timers";
import { describe, expect, it } from "vitest";
import { constantBackoff, exponentialBackoff, InvalidOptionError } from "../src/index.js";

describe("backoff schedules", () => {
  it("constantBackoff(n, ms) is n copies of ms", () => {
    expect(constantBackoff(3, 100)).toEqual([100, 100, 100]);
    expect(constantBackoff(0, 100)).toEqual([]);
    expect(constantBackoff(2, 0)).toEqual([0, 0]);
  });

  it("exponentialBackoff(n, ms) doubles each wait; limitMs caps them (Go's LimitedExponentialBackoff)", () => {
    expect(exponentialBackoff(5, 100)).toEqual([100, 200, 400, 800, 1600]);
    expect(exponentialBackoff(5, 100, 500)).toEqual([100, 200, 400, 500, 500]);
    expect(exponentialBackoff(3, 100, 50)).toEqual([50, 50, 50]);
    expect(exponentialBackoff(0, 100)).toEqual([]);
  });

  it("every schedule is a new frozen array", () => {
    const a = constantBackoff(2, 1);
    const b = exponentialBackoff(2, 1);
    expect(Object.isFrozen(a) && Object.isFrozen(b)).toBe(true);
    expect(constantBackoff(2, 1)).not.toBe(a);
  });

  it("rejects counts that are not whole numbers >= 0 and waits that are not finite numbers >= 0", () => {
    expect(() => constantBackoff(-1, 1)).toThrow(InvalidOptionError);
    expect(() => constantBackoff(1.5, 1)).toThrow(/n must be a whole number >= 0/);
    expect(() => constantBackoff(1, -5)).toThrow(InvalidDurationError);
    expect(() => exponentialBackoff(1, Number.NaN)).toThrow(/initialMs must be a finite number/);
    expect(() => exponentialBackoff(1, 1, -1)).toThrow(/limitMs/);
    // 2^1100 ms is not a finite wait: a long schedule needs a limit.
    expect(() => exponentialBackoff(1_100, 1)).toThrow(/pass limitMs to cap it/);
    expect(exponentialBackoff(1_100, 1, 60_000).at(-1)).toBe(60_000);
  });
});
