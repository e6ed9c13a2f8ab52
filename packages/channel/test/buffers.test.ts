/** The buffer policies, tested directly, without a channel (core.async style). */
import { describe, expect, it } from "vitest";
import type { ChannelBuffer } from "../src/internal/buffers/buffer.js";
import { UNBOUNDED } from "../src/internal/buffers/buffer.js";
import { BufferedPolicy } from "../src/internal/buffers/buffered.js";
import { InfinitePolicy } from "../src/internal/buffers/infinite.js";
import { OverflowingPolicy } from "../src/internal/buffers/overflowing.js";
import { RingPolicy } from "../src/internal/buffers/ring.js";
import { UnbufferedPolicy } from "../src/internal/buffers/unbuffered.js";

function fill(buffer: ChannelBuffer<number>, n: number): void {
  for (let i = 1; i <= n; i++) if (!buffer.full()) buffer.add(i);
}

function drain(buffer: ChannelBuffer<number>): number[] {
  const out: number[] = [];
  while (buffer.length > 0) out.push(buffer.remove());
  return out;
}

describe("UnbufferedPolicy (unbuffered)", () => {
  it("is always full and never stores a value", () => {
    const b = new UnbufferedPolicy<number>();
    expect([b.full(), b.length, b.capacity, b.kind]).toEqual([true, 0, 0, "unbuffered"]);
    expect(() => b.add(1)).toThrow(/internal/);
    expect(() => b.remove()).toThrow(/internal/);
  });
});

describe("BufferedPolicy (buffered)", () => {
  it("is full exactly at capacity and returns values oldest first", () => {
    const b = new BufferedPolicy<number>(3);
    fill(b, 5);
    expect(b.full()).toBe(true);
    expect(b.length).toBe(3);
    expect(drain(b)).toEqual([1, 2, 3]);
    expect(b.full()).toBe(false);
    expect(b.dropped).toBe(0);
  });
});

describe("InfinitePolicy (infinite)", () => {
  it("is never full", () => {
    const b = new InfinitePolicy<number>();
    fill(b, 1000);
    expect(b.full()).toBe(false);
    expect(b.capacity).toBe(UNBOUNDED);
    expect(drain(b)).toHaveLength(1000);
  });
});

describe("RingPolicy (ring)", () => {
  it("drops the oldest value when adding at capacity", () => {
    const b = new RingPolicy<number>(3);
    fill(b, 7);
    expect(b.full()).toBe(false);
    expect(b.dropped).toBe(4);
    expect(drain(b)).toEqual([5, 6, 7]);
  });
});

describe("OverflowingPolicy (overflowing)", () => {
  it("drops the new value when adding at capacity", () => {
    const b = new OverflowingPolicy<number>(3);
    fill(b, 7);
    expect(b.full()).toBe(false);
    expect(b.dropped).toBe(4);
    expect(drain(b)).toEqual([1, 2, 3]);
  });
});
