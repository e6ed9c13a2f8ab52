import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Deque } from "../src/internal/deque.js";

describe("Deque", () => {
  it("allocates nothing until the first push", () => {
    expect(new Deque<number>().allocated).toBe(0);
  });

  it("gives its backing store back when drained, keeping at most 1024 slots (8 KiB)", () => {
    const d = new Deque<number>();
    for (let i = 0; i < 100_000; i++) d.push(i);
    expect(d.allocated).toBeGreaterThanOrEqual(100_000);
    for (let i = 0; i < 100_000; i++) expect(d.shift()).toBe(i);
    expect(d.allocated).toBeLessThanOrEqual(1024);
  });

  it("shrinks as it drains so memory follows the length beyond 1024 slots", () => {
    const d = new Deque<number>();
    for (let i = 0; i < 100_000; i++) d.push(i);
    for (let i = 0; i < 90_000; i++) d.shift();
    expect(d.length).toBe(10_000);
    expect(d.allocated).toBeLessThanOrEqual(4 * 10_000);
    for (let i = 0; i < 9_990; i++) d.shift();
    expect(d.allocated).toBeLessThanOrEqual(1024);
  });

  it("keeps a small backing array across fill-and-drain cycles instead of reallocating", () => {
    const d = new Deque<number>();
    for (let i = 0; i < 512; i++) d.push(i);
    const size = d.allocated;
    for (let cycle = 0; cycle < 3; cycle++) {
      while (d.length > 0) d.shift();
      expect(d.allocated).toBe(size);
      for (let i = 0; i < 512; i++) d.push(i);
      expect(d.allocated).toBe(size);
    }
  });

  it("behaves as a FIFO queue for any sequence of pushes and shifts", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer(), fc.constant<"shift">("shift")), { maxLength: 400 }), (ops) => {
        const d = new Deque<number>();
        const model: number[] = [];
        for (const op of ops) {
          if (op === "shift") {
            if (model.length === 0) continue;
            expect(d.shift()).toBe(model.shift());
          } else {
            d.push(op);
            model.push(op);
          }
          expect(d.length).toBe(model.length);
          if (model.length > 0) expect(d.peek()).toBe(model[0]);
          expect(d.allocated === 0 || d.allocated >= d.length).toBe(true);
        }
        expect(d.drain()).toEqual(model);
        expect(d.length).toBe(0);
      }),
    );
  });
});
