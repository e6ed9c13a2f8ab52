/**
 * Races on Mutex under fast-check's scheduler: tasks lock (with lock, acquire
 * or runExclusive), hold the lock across scheduled steps, and may be aborted at
 * any point. Mutual exclusion holds at every step, aborted tasks never ran
 * their critical section, and at the end the mutex is free with no waiter left.
 */

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Mutex } from "../src/index.js";

type Style = "lock" | "acquire" | "runExclusive";

describe("Mutex (scheduled races)", () => {
  it("keeps mutual exclusion and ends unlocked whatever the interleaving of locks, unlocks and aborts", async () => {
    const task = fc.record({ style: fc.constantFrom<Style>("lock", "acquire", "runExclusive"), abort: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.array(task, { minLength: 1, maxLength: 8 }), async (s, tasks) => {
        const mu = new Mutex();
        let inside = 0;
        let entered = 0;
        let aborted = 0;

        const critical = async (i: number) => {
          inside++;
          entered++;
          expect(inside).toBe(1);
          await s.schedule(Promise.resolve(), `inside ${i}`);
          expect(inside).toBe(1);
          inside--;
        };

        const run = async ({ style, abort }: { style: Style; abort: boolean }, i: number) => {
          const controller = new AbortController();
          if (abort) void s.schedule(Promise.resolve(), `abort ${i}`).then(() => controller.abort());
          await s.schedule(Promise.resolve(), `start ${i}`);
          const signal = controller.signal;
          try {
            if (style === "runExclusive") {
              await mu.runExclusive(() => critical(i), { signal });
            } else if (style === "acquire") {
              using _ = await mu.acquire({ signal });
              await critical(i);
            } else {
              await mu.lock({ signal });
              try {
                await critical(i);
              } finally {
                mu.unlock();
              }
            }
          } catch (reason) {
            expect(signal.aborted).toBe(true);
            expect(reason).toBe(signal.reason);
            aborted++;
          }
          mu.assertInvariants();
        };

        const all = Promise.all(tasks.map(run));
        await s.waitFor(all);
        expect(entered + aborted).toBe(tasks.length);
        expect(mu.locked).toBe(false);
        expect(mu.waiting).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});
