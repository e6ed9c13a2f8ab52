import { describe, expect, it } from "vitest";
import { AtomicBool, isInvalidAtomicValueError } from "../src/index.js";

describe("AtomicBool", () => {
  it("starts false, Go's zero value, or at the given value", () => {
    expect(new AtomicBool().load()).toBe(false);
    expect(new AtomicBool(true).load()).toBe(true);
  });

  it("store then load returns the stored value", () => {
    const flag = new AtomicBool();
    flag.store(true);
    expect(flag.load()).toBe(true);
    flag.store(false);
    expect(flag.load()).toBe(false);
  });

  it("swap returns the previous value, so !swap(true) elects exactly one first caller", () => {
    const flag = new AtomicBool();
    const winners = [0, 1, 2].filter(() => !flag.swap(true));
    expect(winners).toEqual([0]);
  });

  it("compareAndSwap swaps only from the expected value", () => {
    const flag = new AtomicBool();
    expect(flag.compareAndSwap(true, false)).toBe(false);
    expect(flag.compareAndSwap(false, true)).toBe(true);
    expect(flag.load()).toBe(true);
  });

  it("takes real booleans only", () => {
    const flag = new AtomicBool();
    for (const bad of [1, 0, "true", null, undefined]) {
      let caught: unknown;
      try {
        flag.store(bad as unknown as boolean);
      } catch (error) {
        caught = error;
      }
      expect(isInvalidAtomicValueError(caught)).toBe(true);
    }
    expect(() => new AtomicBool(1 as unknown as boolean)).toThrow(/must be a boolean \(got 1\)/);
    expect(flag.load()).toBe(false);
  });

  it("from binds to the same flag", () => {
    const flag = new AtomicBool();
    const other = AtomicBool.from(flag.buffer, flag.byteOffset);
    flag.store(true);
    expect(other.load()).toBe(true);
  });
});
