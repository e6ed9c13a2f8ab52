/**
 * Races on Semaphore under fast-check's scheduler: acquisitions, releases and
 * aborts interleaved in every order the scheduler picks. Whoever commits first
 * wins — an acquisition is either granted (and its permits are then held until
 * released) or rejected with the abort reason (and it took nothing) — so
 * afterwards every permit is back, no waiter is left, and at no point were more
 * permits in use than exist.
 */

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Semaphore } from "../src/index.js";

interface Task {
  weight: number;
  /** Whether an abort of this task's signal is scheduled. */
  abort: boolean;
}

const scenario = fc.integer({ min: 1, max: 4 }).chain((size) =>
  fc.record({
    size: fc.constant(size),
    tasks: fc.array(fc.record({ weight: fc.integer({ min: 0, max: size }), abort: fc.boolean() }), {
      minLength: 1,
      maxLength: 8,
    }),
  }),
);

describe("Semaphore (scheduled races)", () => {
  it("abort vs grant and release vs abort never leak or double-grant a permit", async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), scenario, async (s, { size, tasks }) => {
        const sem = new Semaphore(size);
        let inUse = 0;
        const outcomes: ("granted" | "aborted" | "pending")[] = tasks.map(() => "pending");

        const run = async (task: Task, i: number) => {
          const controller = new AbortController();
          if (task.abort) void s.schedule(Promise.resolve(), `abort ${i}`).then(() => controller.abort(`abort ${i}`));
          await s.schedule(Promise.resolve(), `start ${i}`);
          let permit: Awaited<ReturnType<Semaphore["acquire"]>>;
          try {
            permit = await sem.acquire(task.weight, { signal: controller.signal });
          } catch (reason) {
            expect(reason).toBe(`abort ${i}`);
            outcomes[i] = "aborted";
            return;
          }
          outcomes[i] = "granted";
          inUse += task.weight;
          expect(inUse).toBeLessThanOrEqual(size);
          expect(sem.held).toBeGreaterThanOrEqual(inUse);
          await s.schedule(Promise.resolve(), `hold ${i}`);
          inUse -= task.weight;
          permit.release();
          sem.assertInvariants();
        };

        const all = Promise.all(tasks.map(run));
        await s.waitFor(all);

        expect(outcomes).not.toContain("pending");
        for (const [i, task] of tasks.entries()) if (!task.abort) expect(outcomes[i]).toBe("granted");
        expect(sem.held).toBe(0);
        expect(sem.available + sem.held).toBe(size);
        expect(sem.waiting).toBe(0);
        sem.assertInvariants();
      }),
      { numRuns: 200 },
    );
  });

  it("a release racing an abort on the same waiter hands the permit to exactly one place", async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), async (s) => {
        const sem = new Semaphore(1);
        await sem.acquire();
        const controller = new AbortController();
        const waiter = sem.acquire(1, { signal: controller.signal }).then(
          (permit) => ({ granted: true as const, permit }),
          () => ({ granted: false as const }),
        );
        const next = sem.acquire(1);
        await Promise.all([
          s.schedule(Promise.resolve(), "release").then(() => sem.release()),
          s.schedule(Promise.resolve(), "abort").then(() => controller.abort()),
          s.waitAll(),
        ]);
        const outcome = await waiter;
        if (outcome.granted) {
          // The waiter won: it holds the permit and `next` still waits.
          expect(sem.held).toBe(1);
          expect(sem.waiting).toBe(1);
          outcome.permit.release();
        }
        // Either way `next` ends up with the only permit.
        (await next).release();
        expect(sem.held).toBe(0);
        expect(sem.waiting).toBe(0);
      }),
      { numRuns: 100 },
    );
  });
});
