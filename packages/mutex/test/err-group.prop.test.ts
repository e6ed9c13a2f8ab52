/**
 * ErrGroup under fast-check's scheduler: launches (go / tryGo, some with an
 * abortable slot wait), task completions and failures, wait() calls and a
 * parent abort, interleaved in every order the scheduler picks. After every
 * interleaving:
 * - never more than `limit` tasks ran at once;
 * - each wait() settled only after every task started (or queued) before the
 *   call had settled, and it gave the first failure in completion order;
 * - the group signal aborted at most once — exactly once if a task failed or
 *   the parent aborted — with the first failure (or the parent's reason);
 * - a go() whose slot wait was aborted either started its task or never ran it;
 * - tryGo started its task exactly when a slot was free and nobody queued.
 */

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ErrGroup } from "../src/index.js";

interface TaskSpec {
  /** How the task is launched; `go-await` waits for the go() promise before the next launch. */
  readonly via: "go" | "go-await" | "tryGo";
  readonly fails: boolean;
  /** Whether an abort of this go()'s own signal is scheduled (go only). */
  readonly abortSlot: boolean;
}

const scenario = fc.record({
  limit: fc.constantFrom(1, 2, 3, Number.POSITIVE_INFINITY),
  tasks: fc.array(
    fc.record({
      via: fc.constantFrom("go" as const, "go-await" as const, "tryGo" as const),
      fails: fc.boolean(),
      abortSlot: fc.boolean(),
    }),
    { minLength: 1, maxLength: 8 },
  ),
  /** wait() calls placed before launch i (an index past the end: after all launches). */
  waits: fc.array(fc.nat({ max: 8 }), { maxLength: 3 }),
  parentAbort: fc.boolean(),
});

describe("ErrGroup (scheduled interleavings)", () => {
  it("respects the limit, settles wait() after the tasks, reports the first failure and aborts the signal once", async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), scenario, async (s, { limit, tasks, waits, parentAbort }) => {
        const parent = new AbortController();
        const g = new ErrGroup({ limit, signal: parent.signal });
        let clock = 0; // a logical time: each event takes the next tick
        let running = 0;
        let maxRunning = 0;
        const startedAt: (number | undefined)[] = tasks.map(() => undefined);
        const settledAt: (number | undefined)[] = tasks.map(() => undefined);
        /** Failures in the order the tasks threw. */
        const failures: Error[] = [];
        const aborts: unknown[] = [];
        g.signal.addEventListener("abort", () => aborts.push(g.signal.reason));
        const pending: Promise<unknown>[] = [];
        const waitChecks: Promise<void>[] = [];

        const task = (i: number, spec: TaskSpec) => async (signal: AbortSignal) => {
          expect(signal).toBe(g.signal);
          startedAt[i] = ++clock;
          running++;
          maxRunning = Math.max(maxRunning, running);
          expect(running).toBeLessThanOrEqual(limit);
          await s.schedule(Promise.resolve(), `task ${i} ${spec.fails ? "fails" : "succeeds"}`);
          running--;
          settledAt[i] = ++clock;
          g.assertInvariants();
          if (spec.fails) {
            const error = new Error(`task ${i}`);
            failures.push(error);
            throw error;
          }
        };

        const startWait = () => {
          const calledAt = ++clock;
          const before = startedOrQueuedBefore.slice();
          waitChecks.push(
            g.wait().then(
              () => checkWait(calledAt, before, undefined),
              (error: unknown) => checkWait(calledAt, before, error),
            ),
          );
        };
        /** Task indices started or queued so far (a wait must outlast them, unless their go() was aborted). */
        const startedOrQueuedBefore: number[] = [];
        const slotAborted: boolean[] = tasks.map(() => false);
        const checkWait = (calledAt: number, before: readonly number[], error: unknown) => {
          const now = ++clock;
          for (const i of before) {
            if (slotAborted[i] === true && startedAt[i] === undefined) continue;
            expect(settledAt[i], `task ${i}, started before wait #${calledAt}, settled before it`).toBeLessThan(now);
          }
          expect(error).toBe(failures[0]);
        };

        if (parentAbort) void s.schedule(Promise.resolve(), "parent aborts").then(() => parent.abort("parent"));

        const launches = (async () => {
          for (const [i, spec] of tasks.entries()) {
            for (const w of waits) if (w === i) startWait();
            await s.schedule(Promise.resolve(), `launch ${i} via ${spec.via}`);
            g.assertInvariants();
            if (spec.via === "tryGo") {
              const free = g.queued === 0 && g.active < limit;
              const started = g.tryGo(task(i, spec));
              expect(started).toBe(free);
              expect(startedAt[i] !== undefined).toBe(started);
              if (started) startedOrQueuedBefore.push(i);
              continue;
            }
            const controller = new AbortController();
            if (spec.abortSlot) {
              void s.schedule(Promise.resolve(), `abort slot wait of ${i}`).then(() => controller.abort(`slot ${i}`));
            }
            startedOrQueuedBefore.push(i);
            const went = g.go(task(i, spec), { signal: controller.signal }).then(
              () => expect(startedAt[i], `go ${i} resolved: its task started`).toBeDefined(),
              (reason: unknown) => {
                slotAborted[i] = true;
                expect(reason).toBe(`slot ${i}`);
                expect(startedAt[i], `go ${i} rejected: its task never ran`).toBeUndefined();
              },
            );
            pending.push(went);
            if (spec.via === "go-await") await went;
          }
          for (const w of waits) if (w >= tasks.length) startWait();
        })();

        await s.waitFor(launches);
        await s.waitFor(Promise.all(pending));
        startWait(); // a final wait, after every launch
        await s.waitFor(Promise.all(waitChecks));
        await s.waitAll(); // what is left: late aborts (of the parent, of go() calls that had started)
        // A task that never started had its go() aborted; every other one settled.
        for (const [i] of tasks.entries()) {
          if (startedAt[i] === undefined) expect(slotAborted[i] || tasks[i]?.via === "tryGo").toBe(true);
          else expect(settledAt[i]).toBeDefined();
        }
        expect([g.active, g.queued, running]).toEqual([0, 0, 0]);
        expect(maxRunning).toBeLessThanOrEqual(limit);
        // The signal aborted once iff something aborted it, and with the first cause. Reading
        // `signal` lets an idle group take over a parent abort that came after its last task.
        expect(g.signal.aborted).toBe(failures.length > 0 || parent.signal.aborted);
        const parentAborted = parent.signal.aborted;
        expect(aborts.length).toBe(failures.length > 0 || parentAborted ? 1 : 0);
        if (aborts.length === 1) {
          if (parentAborted) expect(["parent", failures[0]]).toContain(aborts[0]);
          else expect(aborts[0]).toBe(failures[0]);
        }
        g.assertInvariants();
      }),
      { numRuns: 300 },
    );
  });

  it("under a limit, tasks start in the order their go() calls queued", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 2, max: 8 }),
        async (s, limit, n) => {
          const g = new ErrGroup({ limit });
          const order: number[] = [];
          const gos = Array.from({ length: n }, (_, i) =>
            g.go(async () => {
              order.push(i);
              await s.schedule(Promise.resolve(), `task ${i}`);
            }),
          );
          await s.waitFor(Promise.all(gos));
          await s.waitFor(g.wait());
          expect(order).toEqual(Array.from({ length: n }, (_, i) => i));
        },
      ),
      { numRuns: 100 },
    );
  });
});
