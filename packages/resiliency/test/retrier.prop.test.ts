/**
 * Properties of Retrier.run on a ManualClock: for random schedules, jitter,
 * random sources and scripted classifier answers, the number of attempts and
 * the clock time of every attempt (so the total backoff) are exactly what Go's
 * retrier loop gives, and the run settles with the outcome of the attempt that
 * stopped it.
 */

import { ManualClock } from "@csp-kit/timers/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Retrier, type RetryAction } from "../src/index.js";

const action = fc.constantFrom<RetryAction>("succeed", "retry", "fail");
const arbitraries = {
  backoff: fc.array(fc.integer({ min: 0, max: 1_000 }), { maxLength: 6 }),
  jitter: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })),
  randoms: fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 12, maxLength: 12 }),
  /** Per attempt: what the classifier answers, and whether the attempt returned (true) or threw. */
  script: fc.array(fc.tuple(action, fc.boolean()), { minLength: 1, maxLength: 12 }),
};

/** Go's loop, written out: which attempts run, and at what times. */
function expected(
  backoff: readonly number[],
  jitter: number,
  randoms: readonly number[],
  script: readonly [RetryAction, boolean][],
  infinite: boolean,
) {
  const times = [0];
  let now = 0;
  for (let retries = 0; ; retries++) {
    const answer = script[retries]?.[0] ?? "succeed";
    if (answer !== "retry" || (!infinite && retries >= backoff.length)) return { times, last: retries };
    const base = backoff[Math.min(retries, backoff.length - 1)] as number;
    const r = randoms[retries] ?? 0;
    now += jitter === 0 ? base : base + (r * 2 - 1) * jitter * base;
    times.push(now);
  }
}

describe("Retrier properties", () => {
  it("attempts and their times follow the schedule, the jitter and the classifier", async () => {
    await fc.assert(
      fc.asyncProperty(
        arbitraries.backoff,
        arbitraries.jitter,
        arbitraries.randoms,
        arbitraries.script,
        fc.boolean(),
        async (backoff, jitter, randoms, script, infiniteWanted) => {
          const infinite = infiniteWanted && backoff.length > 0;
          const clock = new ManualClock();
          const queue = [...randoms];
          const times: number[] = [];
          let attempt = 0;
          const retrier = new Retrier(backoff, {
            clock,
            jitter,
            infinite,
            random: () => queue.shift() ?? 0,
            classifier: () => script[attempt - 1]?.[0] ?? "succeed",
          });
          const settled = retrier
            .run(({ retries }) => {
              expect(retries).toBe(attempt);
              times.push(clock.now());
              attempt++;
              return (script[retries]?.[1] ?? true)
                ? `value ${retries}`
                : Promise.reject(new Error(`error ${retries}`));
            })
            .then(
              (v) => ({ ok: true, v }),
              (e: unknown) => ({ ok: false, e }),
            );
          await clock.runAllAsync();
          const want = expected(backoff, jitter, randoms, script, infinite);
          expect(times.length).toBe(want.times.length);
          for (const [i, t] of times.entries()) expect(t).toBeCloseTo(want.times[i] as number, 6);
          const lastReturned = script[want.last]?.[1] ?? true;
          expect(await settled).toEqual(
            lastReturned ? { ok: true, v: `value ${want.last}` } : { ok: false, e: new Error(`error ${want.last}`) },
          );
          expect(clock.pending).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("without jitter the total backoff is the sum of the waits taken, and attempts <= backoff.length + 1", async () => {
    await fc.assert(
      fc.asyncProperty(arbitraries.backoff, fc.integer({ min: 0, max: 10 }), async (backoff, failures) => {
        const clock = new ManualClock();
        let attempts = 0;
        const p = new Retrier(backoff, { clock }).run(() =>
          ++attempts <= failures ? Promise.reject(new Error("x")) : "ok",
        );
        const done = p.catch(() => "gave up");
        await clock.runAllAsync();
        const retries = Math.min(failures, backoff.length);
        expect(attempts).toBe(retries + 1);
        expect(clock.now()).toBe(backoff.slice(0, retries).reduce((a, b) => a + b, 0));
        expect(await done).toBe(failures > backoff.length ? "gave up" : "ok");
      }),
      { numRuns: 300 },
    );
  });
});
