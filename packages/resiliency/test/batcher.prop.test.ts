/**
 * Properties of Batcher under fc.scheduler interleavings: callers arrive,
 * abort, the clock advances, flushes happen and async doWork calls finish in
 * a random order. Afterwards every caller has settled exactly once, and:
 * - a caller that resolved got the result of the one batch its parameter is in;
 * - a caller that rejected with its batch's error is in that batch;
 * - a caller that rejected with its abort reason is in no batch;
 * - no parameter is in two batches, and no batch is empty;
 * - the batcher's invariants hold after every step, and the clock is empty.
 */

import { ManualClock } from "@csp-kit/timers/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Batcher } from "../src/index.js";

type Settled = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly error: unknown };

class BatchError extends Error {
  constructor(readonly batch: number) {
    super(`batch ${batch} failed`);
  }
}

describe("Batcher properties", () => {
  it("every caller gets exactly its batch's outcome; no caller is in two batches", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.record({ abort: fc.boolean() }), { minLength: 1, maxLength: 10 }),
        fc.array(fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constant("flush" as const)), { maxLength: 8 }),
        fc.integer({ min: 0, max: 10 }),
        async (s, callers, steps, timeout) => {
          const clock = new ManualClock();
          const batches: number[][] = [];
          const batcher = new Batcher<number, number>(
            timeout,
            async (params) => {
              const id = batches.length;
              batches.push([...params]);
              await s.schedule(Promise.resolve(`doWork ${id} finishes`));
              if (id % 3 === 2) throw new BatchError(id);
              return id;
            },
            { clock },
          );
          const settled = new Map<number, Settled>();
          const reasons = new Map<number, unknown>();
          const step = (): void => batcher.assertInvariants();

          callers.forEach((caller, i) => {
            void s.schedule(Promise.resolve(`run ${i}`)).then(() => {
              const controller = new AbortController();
              void batcher.run(i, { signal: controller.signal }).then(
                (value) => {
                  expect(settled.has(i)).toBe(false);
                  settled.set(i, { ok: true, value });
                },
                (error: unknown) => {
                  expect(settled.has(i)).toBe(false);
                  settled.set(i, { ok: false, error });
                },
              );
              step();
              if (caller.abort) {
                void s.schedule(Promise.resolve(`abort ${i}`)).then(() => {
                  const reason = new Error(`abort ${i}`);
                  reasons.set(i, reason);
                  controller.abort(reason);
                  step();
                });
              }
            });
          });
          for (const st of steps) {
            void s.schedule(Promise.resolve(`clock ${st}`)).then(() => {
              if (st === "flush") void batcher.flush();
              else clock.advance(st);
              step();
            });
          }

          await s.waitAll();
          // Close whatever window is still open, and let its doWork finish.
          const last = batcher.flush();
          await s.waitAll();
          await last;
          await clock.settle();

          const owner = new Map<number, number>();
          for (const [id, params] of batches.entries()) {
            expect(params.length).toBeGreaterThan(0);
            for (const p of params) {
              expect(owner.has(p)).toBe(false);
              owner.set(p, id);
            }
          }
          expect(settled.size).toBe(callers.length);
          for (const [i, got] of settled) {
            const batch = owner.get(i);
            if (got.ok) {
              expect(batch).toBeDefined();
              expect(got.value).toBe(batch);
            } else if (got.error instanceof BatchError) {
              expect(got.error.batch).toBe(batch);
            } else {
              expect(got.error).toBe(reasons.get(i));
              expect(batch).toBeUndefined();
            }
          }
          expect(batcher.pending).toBe(0);
          expect(batcher.running).toBe(0);
          expect(clock.pending).toBe(0);
          step();
        },
      ),
      { numRuns: 300 },
    );
  });
});
