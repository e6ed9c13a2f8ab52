import { describe, expect, it } from "vitest";
import { isInvalidStressScaleError } from "../../src/core/errors.js";
import { stressScale } from "../../src/core/stress.js";

describe("stressScale", () => {
  it("is 1 when CSP_STRESS is unset or empty", () => {
    expect(stressScale({})).toBe(1);
    expect(stressScale({ CSP_STRESS: "" })).toBe(1);
  });

  it("reads a positive number", () => {
    expect(stressScale({ CSP_STRESS: "10" })).toBe(10);
    expect(stressScale({ CSP_STRESS: "0.5" })).toBe(0.5);
  });

  it("refuses anything else with a typed error that says what to set", () => {
    for (const bad of ["0", "-2", "lots", "Infinity"]) {
      let error: unknown;
      try {
        stressScale({ CSP_STRESS: bad });
      } catch (e) {
        error = e;
      }
      expect(isInvalidStressScaleError(error)).toBe(true);
      expect((error as Error).message).toContain("positive number");
    }
  });
});
