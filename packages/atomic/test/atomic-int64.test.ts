import { describe, expect, it } from "vitest";
import { AtomicInt64, AtomicUint64, InvalidAtomicValueError } from "../src/index.js";

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

describe("AtomicInt64", () => {
  it("holds bigints beyond 2**53 exactly", () => {
    const a = new AtomicInt64(2n ** 60n + 1n);
    expect(a.load()).toBe(2n ** 60n + 1n);
    expect(a.add(1n)).toBe(2n ** 60n + 2n);
  });

  it("add and sub return the new value and wrap around like Go", () => {
    const a = new AtomicInt64(INT64_MAX);
    expect(a.add(1n)).toBe(INT64_MIN);
    expect(a.sub(1n)).toBe(INT64_MAX);
  });

  it("swap, compareAndSwap, and and or behave like Go's", () => {
    const a = new AtomicInt64(-1n);
    expect(a.swap(12n)).toBe(-1n);
    expect(a.compareAndSwap(11n, 0n)).toBe(false);
    expect(a.compareAndSwap(12n, 10n)).toBe(true);
    expect(a.and(6n)).toBe(10n);
    expect(a.load()).toBe(2n);
    expect(a.or(1n)).toBe(2n);
    expect(a.load()).toBe(3n);
  });

  it("rejects numbers (write 1n) and bigints outside the int64 range", () => {
    const a = new AtomicInt64(0n);
    expect(() => a.add(1 as unknown as bigint)).toThrow(/write a bigint literal such as 1n/);
    expect(() => a.store(INT64_MAX + 1n)).toThrow(InvalidAtomicValueError);
    expect(() => a.store(INT64_MIN - 1n)).toThrow(InvalidAtomicValueError);
    expect(() => new AtomicInt64(0 as unknown as bigint)).toThrow(InvalidAtomicValueError);
    expect(a.load()).toBe(0n);
  });

  it("from needs an 8-aligned offset", () => {
    const buffer = new SharedArrayBuffer(16);
    expect(AtomicInt64.from(buffer, 8).byteOffset).toBe(8);
    expect(() => AtomicInt64.from(buffer, 4)).toThrow(/multiple of 8/);
  });
});

describe("AtomicUint64", () => {
  it("wraps modulo 2n**64n and never goes negative", () => {
    const a = new AtomicUint64();
    expect(a.sub(1n)).toBe(2n ** 64n - 1n);
    expect(a.add(2n)).toBe(1n);
  });

  it("rejects negative bigints and numbers", () => {
    const a = new AtomicUint64();
    expect(() => a.store(-1n)).toThrow(InvalidAtomicValueError);
    expect(() => a.store(2n ** 64n)).toThrow(InvalidAtomicValueError);
    expect(() => a.add(1 as unknown as bigint)).toThrow(InvalidAtomicValueError);
  });

  it("swap, compareAndSwap, and and or keep values unsigned", () => {
    const a = new AtomicUint64(2n ** 63n);
    expect(a.swap(2n ** 64n - 1n)).toBe(2n ** 63n);
    expect(a.compareAndSwap(2n ** 64n - 1n, 0xf0n)).toBe(true);
    expect(a.and(0x30n)).toBe(0xf0n);
    expect(a.or(0x1n)).toBe(0x30n);
    expect(a.load()).toBe(0x31n);
  });
});
