/**
 * Property of deadline on a ManualClock: work that takes `t` ms (a sleep on
 * the same clock, listening to its signal) wins against a deadline of `ms`
 * exactly when t < ms, or t is 0 (a `sleep(0)` resolves within the current
 * turn, and a deadline expires only on the clock's next callback); otherwise
 * the call rejects with the
 * DeadlineExceededError that is also the work's abort reason, and nothing is
 * left on the clock either way.
 */

import { sleep } from "@csp-kit/timers";
import { ManualClock } from "@csp-kit/timers/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deadline, isDeadlineExceededError } from "../src/index.js";

describe("deadline properties", () => {
  it("the work wins iff it finishes before the deadline (or within the turn); the clock is left empty", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 500 }), async (ms, t) => {
        const clock = new ManualClock();
        let signal: AbortSignal | undefined;
        const outcome = deadline(
          ms,
          (s) => {
            signal = s;
            return sleep(t, { signal: s, clock }).then(() => "done");
          },
          { clock },
        ).then(
          (v) => ({ ok: true as const, v }),
          (e: unknown) => ({ ok: false as const, e }),
        );
        await clock.runAllAsync();
        const got = await outcome;
        if (t < ms || t === 0) {
          expect(got).toEqual({ ok: true, v: "done" });
          expect(signal?.aborted).toBe(false);
        } else {
          expect(got.ok).toBe(false);
          const e = !got.ok && got.e;
          expect(isDeadlineExceededError(e) && e.ms === ms).toBe(true);
          expect(signal?.reason).toBe(e);
        }
        expect(clock.pending).toBe(0);
      }),
      {
        numRuns: 300,
        examples: [
          [0, 0],
          [5, 5],
          [0, 5],
          [5, 0],
          [5, 4],
        ],
      },
    );
  });
});
