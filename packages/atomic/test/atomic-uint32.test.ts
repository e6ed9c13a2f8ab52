import { describe, expect, it } from "vitest";
import { AtomicUint32, InvalidAtomicValueError } from "../src/index.js";

describe("AtomicUint32", () => {
  it("holds values up to 2**32 - 1 and reads them back unsigned", () => {
    const a = new AtomicUint32(2 ** 32 - 1);
    expect(a.load()).toBe(4_294_967_295);
  });

  it("add wraps around modulo 2**32 and returns the new value", () => {
    const a = new AtomicUint32(2 ** 32 - 2);
    expect(a.add(3)).toBe(1);
    expect(a.load()).toBe(1);
  });

  it("sub below zero wraps to the top of the range, never to a negative number", () => {
    const a = new AtomicUint32(0);
    expect(a.sub(1)).toBe(2 ** 32 - 1);
    expect(a.load()).toBe(2 ** 32 - 1);
  });

  it("swap, compareAndSwap, and and or keep values unsigned", () => {
    const a = new AtomicUint32(0x8000_0000);
    expect(a.swap(0xffff_ffff)).toBe(0x8000_0000);
    expect(a.compareAndSwap(0xffff_ffff, 0xf0f0_f0f0)).toBe(true);
    expect(a.and(0xff00_ff00)).toBe(0xf0f0_f0f0);
    expect(a.load()).toBe(0xf000_f000);
    expect(a.or(0x0f00_0000)).toBe(0xf000_f000);
    expect(a.load()).toBe(0xff00_f000);
  });

  it("rejects negative numbers, values above 2**32 - 1, fractions and bigints", () => {
    const a = new AtomicUint32(1);
    for (const bad of [-1, 2 ** 32, 0.5, 1n]) {
      expect(() => a.store(bad as number)).toThrow(InvalidAtomicValueError);
      expect(() => a.sub(bad as number)).toThrow(/whole number in \[0, 2\*\*32 - 1\]/);
    }
    expect(a.load()).toBe(1);
  });

  it("from binds to the same value", () => {
    const a = new AtomicUint32(7);
    expect(AtomicUint32.from(a.buffer).load()).toBe(7);
  });
});
