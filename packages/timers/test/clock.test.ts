import { afterEach, describe, expect, it, vi } from "vitest";
import { realClock } from "../src/index.js";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("realClock", () => {
  it("reads epoch milliseconds from a monotonic source", () => {
    const a = realClock.now();
    const b = realClock.now();
    expect(b).toBeGreaterThanOrEqual(a);
    // Epoch-based, like Date.now() (a generous bound: this is not a timing assertion).
    expect(Math.abs(a - Date.now())).toBeLessThan(60_000);
    expect(a).toBeCloseTo(performance.timeOrigin + performance.now(), -3);
  });

  it("rounds delays up to whole milliseconds and caps them at the host limit", () => {
    const spy = vi.spyOn(globalThis, "setTimeout");
    const clear = vi.spyOn(globalThis, "clearTimeout");
    const handles = [0.2, 10.5, -3, 2 ** 40].map((ms) => realClock.setTimeout(() => {}, ms));
    expect(spy.mock.calls.map((call) => call[1])).toEqual([1, 11, 0, 2_147_483_647]);
    for (const h of handles) realClock.clearTimeout(h);
    expect(clear).toHaveBeenCalledTimes(4);
  });
});
