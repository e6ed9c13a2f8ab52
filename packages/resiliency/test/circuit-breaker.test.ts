import { InvalidClockError, InvalidDurationError } from "@csp-kit/timers";
import { ManualClock } from "@csp-kit/timers/testing";
import { describe, expect, it } from "vitest";
import { BreakerOpenError, CircuitBreaker, InvalidOptionError, isBreakerOpenError } from "../src/index.js";

const boom = (): never => {
  throw new Error("boom");
};
const fails = (): Promise<never> => Promise.reject(new Error("down"));

/** Runs `n` failing calls, each rejected as expected. */
async function failTimes(breaker: CircuitBreaker, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await expect(breaker.run(fails)).rejects.toThrow("down");
}

describe("CircuitBreaker", () => {
  it("a closed breaker passes values and errors through unchanged", async () => {
    const breaker = new CircuitBreaker({ errorThreshold: 3, successThreshold: 1, timeout: 100 });
    await expect(breaker.run(() => 42)).resolves.toBe(42);
    await expect(breaker.run(async () => "async")).resolves.toBe("async");
    const original = new Error("mine");
    await expect(breaker.run(() => Promise.reject(original))).rejects.toBe(original);
    expect(breaker.state).toEqual({ kind: "closed", errors: 1, lastErrorAt: expect.any(Number) });
  });

  it("opens after errorThreshold failures within the timeout, then refuses without calling fn", async () => {
    const clock = new ManualClock(1_000);
    const breaker = new CircuitBreaker({ errorThreshold: 3, successThreshold: 1, timeout: 100, clock });
    await failTimes(breaker, 2);
    expect(breaker.state).toEqual({ kind: "closed", errors: 2, lastErrorAt: 1_000 });
    clock.advance(40);
    await failTimes(breaker, 1);
    expect(breaker.state).toEqual({ kind: "open", openedAt: 1_040, halfOpenAt: 1_140 });

    let called = 0;
    const refused = breaker.run(() => ++called);
    await expect(refused).rejects.toBeInstanceOf(BreakerOpenError);
    await expect(refused).rejects.toMatchObject({ name: "BreakerOpenError", halfOpenAt: 1_140, retryAfter: 100 });
    expect(called).toBe(0);
    breaker.assertInvariants();
  });

  it("a success in closed counts for nothing: only an error-free gap longer than timeout forgets failures", async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ errorThreshold: 2, successThreshold: 1, timeout: 100, clock });
    await failTimes(breaker, 1);
    await breaker.run(() => "ok");
    expect(breaker.state).toMatchObject({ kind: "closed", errors: 1 });
    clock.advance(100); // a gap of exactly `timeout` does not forget (Go: now.After(lastError + timeout))
    expect(breaker.state).toEqual({ kind: "closed", errors: 1, lastErrorAt: 0 });
    await failTimes(breaker, 1);
    expect(breaker.state.kind).toBe("open");

    const second = new CircuitBreaker({ errorThreshold: 2, successThreshold: 1, timeout: 100, clock });
    await failTimes(second, 1);
    clock.advance(101);
    expect(second.state).toEqual({ kind: "closed", errors: 0, lastErrorAt: undefined });
    await failTimes(second, 1);
    expect(second.state).toEqual({ kind: "closed", errors: 1, lastErrorAt: clock.now() });
  });

  it("turns half-open `timeout` ms after opening and closes after successThreshold successes in a row", async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ errorThreshold: 1, successThreshold: 2, timeout: 500, clock });
    await failTimes(breaker, 1);
    clock.advance(499);
    expect(breaker.state.kind).toBe("open");
    clock.advance(1);
    expect(breaker.state).toEqual({ kind: "half-open", successes: 0 });
    await expect(breaker.run(() => 1)).resolves.toBe(1);
    expect(breaker.state).toEqual({ kind: "half-open", successes: 1 });
    await expect(breaker.run(() => 2)).resolves.toBe(2);
    expect(breaker.state).toEqual({ kind: "closed", errors: 0, lastErrorAt: undefined });
  });

  it("half-open opens again on the first failure, with a fresh timeout", async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ errorThreshold: 1, successThreshold: 3, timeout: 50, clock });
    await failTimes(breaker, 1);
    clock.advance(50);
    await breaker.run(() => "probe");
    await expect(breaker.run(boom)).rejects.toThrow("boom");
    expect(breaker.state).toEqual({ kind: "open", openedAt: 50, halfOpenAt: 100 });
  });

  it("results that arrive while open are ignored; a slow call that ends in half-open counts there", async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ errorThreshold: 1, successThreshold: 1, timeout: 100, clock });
    let finishSlow!: (v: string) => void;
    let failSlow!: (e: Error) => void;
    const slowOk = breaker.run(() => new Promise<string>((r) => (finishSlow = r)));
    const slowFail = breaker.run(() => new Promise<string>((_, r) => (failSlow = r)));
    await failTimes(breaker, 1);
    expect(breaker.state.kind).toBe("open");
    failSlow(new Error("late"));
    await expect(slowFail).rejects.toThrow("late");
    expect(breaker.state).toEqual({ kind: "open", openedAt: 0, halfOpenAt: 100 });
    clock.advance(100);
    finishSlow("late success");
    await expect(slowOk).resolves.toBe("late success");
    expect(breaker.state.kind).toBe("closed");
  });

  it("a synchronous throw is a failure, and is passed along as a rejection", async () => {
    const breaker = new CircuitBreaker({ errorThreshold: 1, successThreshold: 1, timeout: 100 });
    const p = breaker.run(boom);
    expect(breaker.state.kind).toBe("open"); // counted before run returned
    await expect(p).rejects.toThrow("boom");
  });

  it("an async outcome is counted before the promise settles", async () => {
    const breaker = new CircuitBreaker({ errorThreshold: 1, successThreshold: 1, timeout: 100 });
    const seen = await breaker.run(async () => "x").then(() => breaker.state.kind);
    expect(seen).toBe("closed");
    const seenAfterFailure = await breaker.run(fails).then(
      () => "resolved",
      () => breaker.state.kind,
    );
    expect(seenAfterFailure).toBe("open");
  });

  it("each refusal is a new BreakerOpenError whose retryAfter counts down", async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ errorThreshold: 1, successThreshold: 1, timeout: 100, clock });
    await failTimes(breaker, 1);
    const first = await breaker.run(() => 0).catch((e: unknown) => e);
    clock.advance(30);
    const second = await breaker.run(() => 0).catch((e: unknown) => e);
    expect(isBreakerOpenError(first) && isBreakerOpenError(second)).toBe(true);
    expect(first).not.toBe(second);
    expect((first as BreakerOpenError).retryAfter).toBe(100);
    expect((second as BreakerOpenError).retryAfter).toBe(70);
    expect((second as BreakerOpenError).message).toMatch(/lets calls through again in 70 ms/);
  });

  it("state snapshots are frozen and keep what they were", async () => {
    const breaker = new CircuitBreaker({ errorThreshold: 2, successThreshold: 1, timeout: 100 });
    const before = breaker.state;
    await failTimes(breaker, 1);
    expect(before).toEqual({ kind: "closed", errors: 0, lastErrorAt: undefined });
    expect(Object.isFrozen(breaker.state)).toBe(true);
    expect(breaker.state).not.toBe(before);
  });

  it("arms no timer: an open breaker holds nothing on the clock", async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ errorThreshold: 1, successThreshold: 1, timeout: 1_000, clock });
    await failTimes(breaker, 1);
    expect(clock.totalScheduled).toBe(0);
    clock.advance(1_000);
    expect(breaker.state.kind).toBe("half-open");
  });

  it("a timeout of 0 reopens for business at once: the next look is half-open", async () => {
    const breaker = new CircuitBreaker({
      errorThreshold: 1,
      successThreshold: 1,
      timeout: 0,
      clock: new ManualClock(),
    });
    await failTimes(breaker, 1);
    expect(breaker.state.kind).toBe("half-open");
  });

  it("rejects bad options with typed errors that say what to pass", () => {
    const ok = { errorThreshold: 1, successThreshold: 1, timeout: 10 };
    for (const errorThreshold of [0, -1, 1.5, Number.NaN, "3"]) {
      expect(() => new CircuitBreaker({ ...ok, errorThreshold } as never)).toThrow(InvalidOptionError);
    }
    expect(() => new CircuitBreaker({ ...ok, successThreshold: 0 })).toThrow(
      /successThreshold must be a whole number >= 1/,
    );
    expect(() => new CircuitBreaker({ ...ok, timeout: -1 })).toThrow(InvalidDurationError);
    expect(() => new CircuitBreaker({ ...ok, timeout: Number.POSITIVE_INFINITY })).toThrow(/finite number/);
    expect(() => new CircuitBreaker({ ...ok, clock: {} as never })).toThrow(InvalidClockError);
    expect(() => new CircuitBreaker(undefined as never)).toThrow(/errorThreshold/);
    const breaker = new CircuitBreaker(ok);
    expect(() => breaker.run("not a function" as never)).toThrow(/fn must be a function/);
    expect(breaker.state.kind).toBe("closed");
  });
});
