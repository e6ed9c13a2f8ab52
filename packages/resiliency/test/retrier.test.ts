import { InvalidSignalError } from "@csp-kit/channel";
import { InvalidClockError, InvalidDurationError } from "@csp-kit/timers";
import { ManualClock } from "@csp-kit/timers/testing";
import { describe, expect, it } from "vitest";
import {
  type AttemptOutcome,
  CircuitBreaker,
  constantBackoff,
  exponentialBackoff,
  failWhen,
  InvalidOptionError,
  isBreakerOpenError,
  isInvalidOptionError,
  Retrier,
  retryWhen,
} from "../src/index.js";

/** A work function that fails `failures` times, then returns "done"; records the clock time of each attempt. */
function flaky(clock: ManualClock, failures: number) {
  const times: number[] = [];
  const work = () => {
    times.push(clock.now());
    if (times.length <= failures) return Promise.reject(new Error(`failure ${times.length}`));
    return Promise.resolve("done");
  };
  return { times, work };
}

describe("Retrier", () => {
  it("retries a failing action, waiting each backoff on the clock, until it succeeds", async () => {
    const clock = new ManualClock();
    const { times, work } = flaky(clock, 2);
    const retrier = new Retrier(constantBackoff(3, 100), { clock });
    const p = retrier.run(work);
    await clock.runAllAsync();
    await expect(p).resolves.toBe("done");
    expect(times).toEqual([0, 100, 200]);
    expect(clock.pending).toBe(0);
  });

  it("passes the last attempt's error along when the retries run out (backoff length + 1 attempts)", async () => {
    const clock = new ManualClock();
    const { times, work } = flaky(clock, 10);
    const p = new Retrier(exponentialBackoff(3, 10), { clock }).run(work);
    const settled = p.catch((e: unknown) => e);
    await clock.runAllAsync();
    expect(await settled).toEqual(new Error("failure 4"));
    expect(times).toEqual([0, 10, 30, 70]);
  });

  it("an empty schedule makes one attempt", async () => {
    const clock = new ManualClock();
    const { times, work } = flaky(clock, 1);
    await expect(new Retrier([], { clock }).run(work)).rejects.toThrow("failure 1");
    expect(times).toEqual([0]);
    expect(clock.totalScheduled).toBe(0);
  });

  it("'fail' stops at once with the error; 'succeed' stops with the attempt's own outcome, as in Go", async () => {
    const clock = new ManualClock();
    const fatal = new Error("fatal");
    let attempts = 0;
    const failFast = new Retrier(constantBackoff(5, 1), { clock, classifier: failWhen((e) => e === fatal) });
    await expect(
      failFast.run(() => {
        attempts++;
        throw fatal;
      }),
    ).rejects.toBe(fatal);
    expect(attempts).toBe(1);

    const acceptAll = new Retrier(constantBackoff(5, 1), { clock, classifier: () => "succeed" });
    await expect(acceptAll.run(() => Promise.reject(fatal))).rejects.toBe(fatal);
  });

  it("retryWhen retries only the errors its predicate accepts", async () => {
    const clock = new ManualClock();
    const transient = new Error("ECONNRESET");
    const errors = [transient, transient, new Error("bad request")];
    let n = 0;
    const retrier = new Retrier(constantBackoff(5, 50), { clock, classifier: retryWhen((e) => e === transient) });
    const p = retrier.run(() => Promise.reject(errors[n++])).catch((e: unknown) => e);
    await clock.runAllAsync();
    expect(await p).toBe(errors[2]);
    expect(n).toBe(3);
  });

  it("a classifier may retry on a value (a 503 response)", async () => {
    const clock = new ManualClock();
    const statuses = [503, 503, 200];
    let n = 0;
    const classifier = (o: AttemptOutcome) => (o.ok && o.value === 503 ? "retry" : "succeed");
    const p = new Retrier(constantBackoff(5, 10), { clock, classifier }).run(() => statuses[n++]);
    await clock.runAllAsync();
    await expect(p).resolves.toBe(200);
    expect(clock.now()).toBe(20);
  });

  it("tells each attempt how many retries came before it, and hands it the run's signal", async () => {
    const clock = new ManualClock();
    const seen: [number, AbortSignal][] = [];
    const controller = new AbortController();
    const p = new Retrier(constantBackoff(2, 5), { clock }).run(
      ({ retries, signal }) => {
        seen.push([retries, signal]);
        throw new Error("again");
      },
      { signal: controller.signal },
    );
    const settled = p.catch((e: unknown) => e);
    await clock.runAllAsync();
    await settled;
    expect(seen.map(([r]) => r)).toEqual([0, 1, 2]);
    expect(seen.every(([, s]) => s === controller.signal)).toBe(true);
  });

  it("without a signal, an attempt still gets one, never aborted", async () => {
    let got: AbortSignal | undefined;
    await new Retrier([]).run(({ signal }) => {
      got = signal;
    });
    expect(got).toBeInstanceOf(AbortSignal);
    expect(got?.aborted).toBe(false);
  });

  it("an abort during a backoff rejects at once with signal.reason and clears the timer", async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const { times, work } = flaky(clock, 10);
    const p = new Retrier(constantBackoff(3, 1_000), { clock }).run(work, { signal: controller.signal });
    const settled = p.catch((e: unknown) => e);
    await clock.advanceAsync(500);
    expect(clock.pending).toBe(1);
    const reason = new Error("shutting down");
    controller.abort(reason);
    expect(await settled).toBe(reason);
    expect(clock.pending).toBe(0);
    expect(times).toEqual([0]);
  });

  it("an abort during an attempt lets it finish, then starts no retry", async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    let attempts = 0;
    let fail!: (e: Error) => void;
    const p = new Retrier(constantBackoff(3, 10), { clock }).run(
      () => {
        attempts++;
        return new Promise<never>((_, reject) => (fail = reject));
      },
      { signal: controller.signal },
    );
    const settled = p.catch((e: unknown) => e);
    controller.abort("stop");
    fail(new Error("interrupted"));
    expect(await settled).toBe("stop");
    expect(attempts).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it("an already-aborted signal rejects with its reason and runs nothing; a bad signal is a typed error", async () => {
    let attempts = 0;
    const work = () => ++attempts;
    const retrier = new Retrier(constantBackoff(1, 1));
    await expect(retrier.run(work, { signal: AbortSignal.abort("early") })).rejects.toBe("early");
    await expect(retrier.run(work, { signal: new AbortController() as never })).rejects.toBeInstanceOf(
      InvalidSignalError,
    );
    expect(attempts).toBe(0);
  });

  it("jitter scales each wait by a factor in [1 - jitter, 1 + jitter), from the injected random source", async () => {
    const clock = new ManualClock();
    const randoms = [0, 0.5, 0.999];
    const { times, work } = flaky(clock, 3);
    const retrier = new Retrier(constantBackoff(3, 100), { clock, jitter: 0.5, random: () => randoms.shift() ?? 0 });
    const p = retrier.run(work);
    await clock.runAllAsync();
    await expect(p).resolves.toBe("done");
    const waits = times.slice(1).map((t, i) => t - (times[i] as number));
    expect(waits[0]).toBeCloseTo(50);
    expect(waits[1]).toBeCloseTo(100);
    expect(waits[2]).toBeCloseTo(149.9);
  });

  it("infinite retries wait the schedule's last entry once it is used up", async () => {
    const clock = new ManualClock();
    const { times, work } = flaky(clock, 6);
    const p = new Retrier([10, 20], { clock, infinite: true }).run(work);
    await clock.runAllAsync();
    await expect(p).resolves.toBe("done");
    expect(times).toEqual([0, 10, 30, 50, 70, 90, 110]);
  });

  it("a classifier's answer that is not an action, or a random() out of range, rejects that run with a typed error", async () => {
    const bad = new Retrier([1], { classifier: (() => "maybe") as never });
    await expect(bad.run(() => 1)).rejects.toSatisfy(
      (e) =>
        isInvalidOptionError(e) &&
        e.option === "classifier" &&
        /must answer "succeed", "retry" or "fail"/.test(e.message),
    );
    const badRandom = new Retrier([1], { jitter: 0.1, random: () => 2 });
    await expect(badRandom.run(() => Promise.reject(new Error("x")))).rejects.toThrow(/random\(\) returned 2/);
  });

  it("around a breaker: failWhen(isBreakerOpenError) stops retrying once the breaker opens", async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ errorThreshold: 2, successThreshold: 1, timeout: 10_000, clock });
    let calls = 0;
    const retrier = new Retrier(constantBackoff(5, 100), { clock, classifier: failWhen(isBreakerOpenError) });
    const p = retrier
      .run(() =>
        breaker.run(() => {
          calls++;
          throw new Error("metadata unavailable");
        }),
      )
      .catch((e: unknown) => e);
    await clock.runAllAsync();
    expect(isBreakerOpenError(await p)).toBe(true);
    expect(calls).toBe(2);
    expect(clock.now()).toBe(200);
  });

  it("rejects bad options with typed errors", () => {
    expect(() => new Retrier("100" as never)).toThrow(InvalidOptionError);
    expect(() => new Retrier([1, -1])).toThrow(InvalidDurationError);
    expect(() => new Retrier([1, Number.NaN])).toThrow(/backoff\[1\] must be a finite number/);
    for (const jitter of [-0.1, 1.1, Number.NaN, "0.5"]) {
      expect(() => new Retrier([1], { jitter } as never)).toThrow(/jitter must be a number in \[0, 1\]/);
    }
    expect(() => new Retrier([1], { classifier: "retry" as never })).toThrow(/classifier must be a function/);
    expect(() => new Retrier([1], { random: 0.5 as never })).toThrow(/random must be a function/);
    expect(() => new Retrier([], { infinite: true })).toThrow(/infinite retries need at least one wait/);
    expect(() => new Retrier([1], { clock: { now: () => 0 } as never })).toThrow(InvalidClockError);
    expect(() => new Retrier([1]).run(42 as never)).toThrow(/work must be a function/);
  });

  it("keeps a frozen copy of the schedule", () => {
    const schedule = [1, 2, 3];
    const retrier = new Retrier(schedule);
    schedule[0] = 1_000;
    expect(retrier.backoff).toEqual([1, 2, 3]);
    expect(Object.isFrozen(retrier.backoff)).toBe(true);
  });
});
