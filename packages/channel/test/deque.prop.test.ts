/**
 * Properties of the deque across its two regions: the ring (at most 1024
 * slots) and the spill of 1024-slot chunks a backlog beyond the ring goes to.
 * The example tests in deque.test.ts stay below or far above the boundary; these
 * runs cross it in both directions, many times, in bursts of every size.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Deque } from "../src/internal/deque.js";

/** The ring's largest size and the spill's chunk size (deque.ts: KEEP, CHUNK). */
const KEEP = 1024;
const CHUNK = 1024;

/** A burst: push `n` values, or shift up to `n` values (as many as there are). */
const burst = fc.oneof(
  fc.record({ push: fc.constant(true), n: fc.integer({ min: 1, max: 3000 }) }),
  fc.record({ push: fc.constant(false), n: fc.integer({ min: 1, max: 3000 }) }),
);

describe("Deque across the ring and the spill", () => {
  it("is a FIFO queue whose memory follows its length, for any bursts of pushes and shifts", () => {
    fc.assert(
      fc.property(fc.array(burst, { maxLength: 40 }), (bursts) => {
        const d = new Deque<number>();
        let next = 0; // the next value pushed
        let expected = 0; // the next value a shift must return
        for (const b of bursts) {
          for (let i = 0; i < b.n; i++) {
            if (b.push) d.push(next++);
            else if (d.length > 0) expect(d.shift()).toBe(expected++);
          }
          expect(d.length).toBe(next - expected);
          if (d.length > 0) expect(d.peek()).toBe(expected);
          // Memory follows the length: the values, plus at most the ring and two partly used chunks.
          expect(d.allocated).toBeLessThanOrEqual(d.length + KEEP + 2 * CHUNK);
          if (d.length === 0) expect(d.allocated).toBeLessThanOrEqual(KEEP);
        }
        const rest = d.drain();
        expect(rest).toEqual(Array.from({ length: next - expected }, (_, i) => expected + i));
        expect([d.length, d.allocated]).toEqual([0, 0]);
      }),
      { numRuns: 60 },
    );
  });

  it("gives a drained backlog back down to one small ring, and the ring keeps serving without the spill", () => {
    const d = new Deque<number>();
    for (let i = 0; i < 50_000; i++) d.push(i);
    for (let i = 0; i < 49_990; i++) d.shift();
    expect(d.allocated).toBeLessThanOrEqual(KEEP);
    // Fill and drain below the ring's size: no further allocation.
    const size = d.allocated;
    for (let cycle = 0; cycle < 3; cycle++) {
      for (let i = 0; i < 500; i++) d.push(i);
      while (d.length > 0) d.shift();
      expect(d.allocated).toBe(size);
    }
  });
});
