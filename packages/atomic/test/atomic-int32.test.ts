import { describe, expect, it } from "vitest";
import {
  AtomicInt32,
  InvalidAtomicValueError,
  isInvalidAtomicLayoutError,
  isInvalidAtomicValueError,
} from "../src/index.js";

describe("AtomicInt32", () => {
  it("starts at zero, Go's zero value, or at the given initial value", () => {
    expect(new AtomicInt32().load()).toBe(0);
    expect(new AtomicInt32(-7).load()).toBe(-7);
  });

  it("store then load returns the stored value", () => {
    const a = new AtomicInt32();
    a.store(123);
    expect(a.load()).toBe(123);
  });

  it("add and sub return the NEW value, as Go's Add does", () => {
    const a = new AtomicInt32(10);
    expect(a.add(5)).toBe(15);
    expect(a.sub(20)).toBe(-5);
    expect(a.load()).toBe(-5);
  });

  it("add wraps around on overflow like Go's two's complement arithmetic", () => {
    const a = new AtomicInt32(2 ** 31 - 1);
    expect(a.add(1)).toBe(-(2 ** 31));
    expect(a.sub(1)).toBe(2 ** 31 - 1);
  });

  it("swap stores the new value and returns the old one", () => {
    const a = new AtomicInt32(1);
    expect(a.swap(2)).toBe(1);
    expect(a.load()).toBe(2);
  });

  it("compareAndSwap swaps only when the current value is the expected one", () => {
    const a = new AtomicInt32(1);
    expect(a.compareAndSwap(2, 3)).toBe(false);
    expect(a.load()).toBe(1);
    expect(a.compareAndSwap(1, 3)).toBe(true);
    expect(a.load()).toBe(3);
  });

  it("and and or return the OLD value, as Go 1.23's And and Or do", () => {
    const a = new AtomicInt32(0b1100);
    expect(a.and(0b1010)).toBe(0b1100);
    expect(a.load()).toBe(0b1000);
    expect(a.or(0b0001)).toBe(0b1000);
    expect(a.load()).toBe(0b1001);
  });

  it("rejects fractions, NaN, bigints and out-of-range numbers with InvalidAtomicValueError and changes nothing", () => {
    const a = new AtomicInt32(5);
    for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, -(2 ** 31) - 1, 1n, "1"]) {
      expect(() => a.store(bad as number)).toThrow(InvalidAtomicValueError);
      expect(() => a.add(bad as number)).toThrow(InvalidAtomicValueError);
    }
    expect(() => new AtomicInt32(0.5)).toThrow(/whole number in \[-2\*\*31, 2\*\*31 - 1\]/);
    let caught: unknown;
    try {
      a.compareAndSwap(5, 2 ** 32);
    } catch (error) {
      caught = error;
    }
    expect(isInvalidAtomicValueError(caught)).toBe(true);
    expect(caught).toMatchObject({ name: "InvalidAtomicValueError", operation: "AtomicInt32.compareAndSwap(next)" });
    expect(a.load()).toBe(5);
  });

  it("from binds to an existing slot without changing it, and both views share the value", () => {
    const a = new AtomicInt32(42);
    const b = AtomicInt32.from(a.buffer, a.byteOffset);
    expect(b.load()).toBe(42);
    b.add(1);
    expect(a.load()).toBe(43);
  });

  it("from accepts any 4-aligned offset in range and rejects the others", () => {
    const buffer = new SharedArrayBuffer(12);
    const third = AtomicInt32.from(buffer, 8);
    third.store(9);
    expect(new Int32Array(buffer)[2]).toBe(9);
    expect(third.byteOffset).toBe(8);
    for (const offset of [2, 12, -4, 1.5]) {
      let caught: unknown;
      try {
        AtomicInt32.from(buffer, offset);
      } catch (error) {
        caught = error;
      }
      expect(isInvalidAtomicLayoutError(caught)).toBe(true);
    }
  });

  it("from refuses a plain ArrayBuffer, which would be copied rather than shared", () => {
    expect(() => AtomicInt32.from(new ArrayBuffer(4) as unknown as SharedArrayBuffer)).toThrow(
      /must be a SharedArrayBuffer \(got ArrayBuffer\)/,
    );
  });
});
