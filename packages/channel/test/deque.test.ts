import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Deque } from "../src/internal/deque.js";

describe("Deque", () => {
  it("allocates nothing until the first push", () => {
    expect(new Deque<number>().allocated).toBe(0);
  });

  it("gives its backing store back when drained, keeping at most the minimum 8 slots", () => {
    const d = new Deque<number>();
    for (let i = 0; i < 100_000; i++) d.push(i);
    expect(d.allocated).toBeGreaterThanOrEqual(100_000);
    for (let i = 0; i < 100_000; i++) expect(d.shift()).toBe(i);
    expect(d.allocated).toBeLessThanOrEqual(8);
  });

  it("shrinks as it drains so memory follows the length", () => {
    const d = new Deque<number>();
    for (let i = 0; i < 1024; i++) d.push(i);
    for (let i = 0; i < 1000; i++) d.shift();
    expect(d.length).toBe(24);
    expect(d.allocated).toBeLessThanOrEqual(4 * 24 + 8);
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
