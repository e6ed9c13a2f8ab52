import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../src/testing.js";

type ClockOp = { kind: "schedule"; ms: number } | { kind: "clear"; pick: number } | { kind: "advance"; ms: number };

const clockOpArb: fc.Arbitrary<ClockOp> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -2, max: 30 }).map((ms) => ({ kind: "schedule" as const, ms })) },
  { weight: 1, arbitrary: fc.nat().map((pick) => ({ kind: "clear" as const, pick })) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 20 }).map((ms) => ({ kind: "advance" as const, ms })) },
);

describe("ManualClock under random schedule / clear / advance", () => {
  it("runs exactly the uncleared callbacks, in (deadline, scheduling) order, each at its deadline", () => {
    fc.assert(
      fc.property(fc.array(clockOpArb, { maxLength: 80 }), (ops) => {
        const clock = new ManualClock();
        const ran: { id: number; at: number }[] = [];
        /** The model: every scheduled entry, with whether it is still live. */
        const model: { id: number; due: number; live: boolean; handle: unknown }[] = [];
        const expected: { id: number; at: number }[] = [];
        let now = 0;
        for (const op of ops) {
          if (op.kind === "schedule") {
            const id = model.length;
            const handle = clock.setTimeout(() => ran.push({ id, at: clock.now() }), op.ms);
            model.push({ id, due: now + Math.max(0, op.ms), live: true, handle });
          } else if (op.kind === "clear") {
            const entry = model[op.pick % Math.max(1, model.length)];
            if (entry !== undefined) {
              clock.clearTimeout(entry.handle);
              entry.live = false;
            }
          } else {
            const target = now + op.ms;
            const due = model.filter((e) => e.live && e.due <= target).sort((a, b) => a.due - b.due || a.id - b.id);
            for (const e of due) {
              e.live = false;
              expected.push({ id: e.id, at: e.due });
            }
            clock.advance(op.ms);
            now = target;
          }
          expect(ran).toEqual(expected);
          expect(clock.pending).toBe(model.filter((e) => e.live).length);
          expect(clock.totalScheduled).toBe(model.length);
          expect(clock.now()).toBe(now);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("now() never decreases, whatever callbacks and racing async advances do", async () => {
    const step = fc.oneof(
      fc.record({
        kind: fc.constant("schedule" as const),
        ms: fc.integer({ min: 0, max: 40 }),
        nested: fc.option(fc.integer({ min: 0, max: 60 })),
      }),
      fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 40 }) }),
      fc.record({ kind: fc.constant("advanceAsync" as const), ms: fc.integer({ min: 0, max: 40 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 30 }), async (steps) => {
        const clock = new ManualClock();
        const readings: number[] = [];
        const read = () => readings.push(clock.now());
        const racing: Promise<number>[] = [];
        for (const s of steps) {
          if (s.kind === "schedule") {
            const nested = s.nested;
            clock.setTimeout(() => {
              read();
              if (nested !== null) clock.advance(nested);
              read();
            }, s.ms);
          } else if (s.kind === "advance") {
            clock.advance(s.ms);
          } else {
            racing.push(clock.advanceAsync(s.ms));
          }
          read();
        }
        await Promise.all(racing);
        read();
        for (let i = 1; i < readings.length; i++) {
          expect(readings[i]).toBeGreaterThanOrEqual(readings[i - 1] as number);
        }
      }),
      { numRuns: 200 },
    );
  });
});
