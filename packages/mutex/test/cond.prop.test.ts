/**
 * Races on Cond under fast-check's scheduler: producers add tokens and signal;
 * consumers wait for a token, some of them aborted at random moments. A signal
 * is never spent on an aborted waiter, so at the end it is never the case that
 * a token is left while a live consumer still sleeps (a lost wake-up).
 */

import { flush } from "@csp-kit/testkit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Cond, Mutex } from "../src/index.js";

describe("Cond (scheduled races)", () => {
  it("never loses a wake-up to an aborted waiter", async () => {
    const scenario = fc.record({
      producers: fc.integer({ min: 1, max: 4 }),
      consumers: fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), scenario, async (s, { producers, consumers }) => {
        const mu = new Mutex();
        const cond = new Cond(mu);
        let tokens = 0;
        let consumed = 0;
        let sleeping = 0;

        const consume = async (abort: boolean, i: number) => {
          const controller = new AbortController();
          if (abort) void s.schedule(Promise.resolve(), `abort ${i}`).then(() => controller.abort());
          await s.schedule(Promise.resolve(), `consumer ${i}`);
          await mu.lock();
          try {
            while (tokens === 0) {
              sleeping++;
              try {
                await cond.wait({ signal: controller.signal });
              } finally {
                sleeping--;
              }
              expect(mu.locked).toBe(true);
            }
            tokens--;
            consumed++;
          } catch {
            expect(controller.signal.aborted).toBe(true);
          } finally {
            mu.unlock();
          }
        };

        const produce = async (i: number) => {
          await s.schedule(Promise.resolve(), `producer ${i}`);
          await mu.runExclusive(() => {
            tokens++;
            cond.signal();
          });
        };

        const tasks = [...consumers.map(consume), ...Array.from({ length: producers }, (_, i) => produce(i))];
        const all = Promise.allSettled(tasks);
        // Run every scheduled step, including those scheduled by continuations of earlier ones.
        do {
          await s.waitAll();
          await flush();
        } while (s.count() > 0);

        expect(consumed + tokens).toBe(producers);
        // A token left over while someone sleeps would be a lost wake-up.
        if (tokens > 0) expect(sleeping).toBe(0);
        cond.assertInvariants();
        if (sleeping === 0) {
          await all;
          expect(mu.locked).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });
});
