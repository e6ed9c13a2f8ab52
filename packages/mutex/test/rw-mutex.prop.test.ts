/**
 * Races on RWMutex under fast-check's scheduler: readers and writers, some
 * aborted at random moments. At every step there is one writer and no reader,
 * or only readers; at the end the lock is free and no waiter is left.
 */

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RWMutex } from "../src/index.js";

describe("RWMutex (scheduled races)", () => {
  it("never lets a writer overlap anyone, and ends free, whatever the interleaving", async () => {
    const task = fc.record({ write: fc.boolean(), abort: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.array(task, { minLength: 1, maxLength: 8 }), async (s, tasks) => {
        const rw = new RWMutex();
        let readers = 0;
        let writers = 0;
        let settled = 0;

        const run = async ({ write, abort }: { write: boolean; abort: boolean }, i: number) => {
          const controller = new AbortController();
          if (abort) void s.schedule(Promise.resolve(), `abort ${i}`).then(() => controller.abort());
          await s.schedule(Promise.resolve(), `start ${i}`);
          try {
            if (write) {
              await rw.runExclusive(
                async () => {
                  writers++;
                  expect(readers).toBe(0);
                  expect(writers).toBe(1);
                  await s.schedule(Promise.resolve(), `write ${i}`);
                  writers--;
                },
                { signal: controller.signal },
              );
            } else {
              await rw.runShared(
                async () => {
                  readers++;
                  expect(writers).toBe(0);
                  await s.schedule(Promise.resolve(), `read ${i}`);
                  readers--;
                },
                { signal: controller.signal },
              );
            }
          } catch {
            expect(controller.signal.aborted).toBe(true);
          }
          settled++;
          rw.assertInvariants();
        };

        const all = Promise.all(tasks.map(run));
        await s.waitFor(all);
        expect(settled).toBe(tasks.length);
        expect(rw.readers).toBe(0);
        expect(rw.writing).toBe(false);
        expect(rw.waiting).toEqual({ readers: 0, writers: 0 });
      }),
      { numRuns: 200 },
    );
  });
});
