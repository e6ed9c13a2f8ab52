import { getEventListeners } from "node:events";
import { InvalidSignalError } from "@csp-kit/channel";
import { type Clock, InvalidClockError, InvalidDurationError } from "@csp-kit/timers";
import { ManualClock } from "@csp-kit/timers/testing";
import { describe, expect, it } from "vitest";
import {
  constantBackoff,
  DeadlineExceededError,
  deadline,
  InvalidOptionError,
  isDeadlineExceededError,
  Retrier,
} from "../src/index.js";

/** Work that never finishes on its own and records the signal it was given. */
function hang() {
  const box: { signal?: AbortSignal } = {};
  const work = (signal: AbortSignal) => {
    box.signal = signal;
    return new Promise<never>(() => {});
  };
  return { box, work };
}

describe("deadline", () => {
  it("passes the work's value along when it finishes first, and clears its timer", async () => {
    const clock = new ManualClock();
    let finish!: (v: string) => void;
    let given: AbortSignal | undefined;
    const p = deadline(
      100,
      (signal) => {
        given = signal;
        return new Promise<string>((r) => (finish = r));
      },
      { clock },
    );
    expect(clock.pending).toBe(1);
    clock.advance(99);
    finish("in time");
    await expect(p).resolves.toBe("in time");
    expect(clock.pending).toBe(0);
    expect(given?.aborted).toBe(false);
  });

  it("at the deadline, aborts the work's signal with a DeadlineExceededError and rejects with the same error", async () => {
    const clock = new ManualClock();
    const { box, work } = hang();
    const p = deadline(250, work, { clock });
    const settled = p.catch((e: unknown) => e);
    clock.advance(249);
    expect(box.signal?.aborted).toBe(false);
    clock.advance(1);
    const error = await settled;
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(isDeadlineExceededError(error) && error.ms).toBe(250);
    expect(box.signal?.reason).toBe(error);
    expect((error as Error).message).toMatch(/did not finish within 250 ms/);
  });

  it("the work's abort listeners run before the promise rejects", async () => {
    const clock = new ManualClock();
    const order: string[] = [];
    const p = deadline(
      10,
      (signal) => {
        signal.addEventListener("abort", () => order.push("work saw the abort"));
        return new Promise<never>(() => {});
      },
      { clock },
    ).catch(() => order.push("caller saw the rejection"));
    clock.advance(10);
    await p;
    expect(order).toEqual(["work saw the abort", "caller saw the rejection"]);
  });

  it("ignores the work's outcome after the deadline (a late rejection is not unhandled)", async () => {
    const clock = new ManualClock();
    let fail!: (e: Error) => void;
    const p = deadline(5, () => new Promise<never>((_, reject) => (fail = reject)), { clock });
    const settled = p.catch((e: unknown) => e);
    clock.advance(5);
    expect(await settled).toBeInstanceOf(DeadlineExceededError);
    fail(new Error("too late"));
    await clock.settle(); // an unhandled rejection would fail the test run here
  });

  it("a synchronous value or throw settles at once and clears the timer", async () => {
    const clock = new ManualClock();
    await expect(deadline(10, () => 7, { clock })).resolves.toBe(7);
    await expect(
      deadline(
        10,
        () => {
          throw new Error("sync");
        },
        { clock },
      ),
    ).rejects.toThrow("sync");
    expect(clock.pending).toBe(0);
  });

  it("a deadline of 0 (or less) expires on the clock's next callback, not synchronously", async () => {
    const clock = new ManualClock();
    const { box, work } = hang();
    const settled = deadline(-5, work, { clock }).catch((e: unknown) => e);
    expect(box.signal?.aborted).toBe(false);
    clock.advance(0);
    expect(await settled).toMatchObject({ name: "DeadlineExceededError", ms: 0 });
  });

  it("a parent signal's abort aborts the work with the parent's reason and rejects at once", async () => {
    const clock = new ManualClock();
    const parent = new AbortController();
    const { box, work } = hang();
    const settled = deadline(1_000, work, { clock, signal: parent.signal }).catch((e: unknown) => e);
    parent.abort("user cancelled");
    expect(await settled).toBe("user cancelled");
    expect(box.signal?.reason).toBe("user cancelled");
    expect(clock.pending).toBe(0);
  });

  it("an already-aborted parent calls nothing; a bad signal is a typed error", async () => {
    let called = 0;
    const work = () => ++called;
    await expect(deadline(10, work, { signal: AbortSignal.abort("gone") })).rejects.toBe("gone");
    await expect(deadline(10, work, { signal: new AbortController() as never })).rejects.toBeInstanceOf(
      InvalidSignalError,
    );
    expect(called).toBe(0);
  });

  it("leaves no listener on a long-lived parent signal, however it settles", async () => {
    const clock = new ManualClock();
    const parent = new AbortController();
    for (let i = 0; i < 50; i++) await deadline(10, async () => i, { clock, signal: parent.signal });
    const expired = deadline(10, () => new Promise<never>(() => {}), { clock, signal: parent.signal });
    const settled = expired.catch(() => undefined);
    clock.advance(10);
    await settled;
    expect(getEventListeners(parent.signal, "abort")).toHaveLength(0);
  });

  it("waits the rest when a clock calls back early (allowed by the Clock contract)", async () => {
    const inner = new ManualClock();
    const early: Clock = {
      now: () => inner.now(),
      setTimeout: (cb, ms) => inner.setTimeout(cb, ms / 2),
      clearTimeout: (h) => inner.clearTimeout(h),
    };
    const { work } = hang();
    let done = false;
    const p = deadline(100, work, { clock: early }).catch(() => (done = true));
    inner.advance(50);
    await inner.settle();
    expect(done).toBe(false);
    inner.advance(50);
    await p;
    expect(done).toBe(true);
  });

  it("bounds a whole retrier run (Go's WithTimeout): the retrier stops with the DeadlineExceededError", async () => {
    const clock = new ManualClock();
    let attempts = 0;
    const retrier = new Retrier(constantBackoff(100, 30), { clock });
    const settled = deadline(
      100,
      (signal) =>
        retrier.run(
          () => {
            attempts++;
            throw new Error("still down");
          },
          { signal },
        ),
      { clock },
    ).catch((e: unknown) => e);
    await clock.advanceAsync(100);
    expect(await settled).toBeInstanceOf(DeadlineExceededError);
    expect(attempts).toBe(4); // at 0, 30, 60, 90
    expect(clock.pending).toBe(0); // the retrier's backoff timer was cleared by the abort
  });

  it("rejects bad arguments with typed errors before calling anything", () => {
    let called = 0;
    const work = () => ++called;
    expect(() => deadline(Number.NaN, work)).toThrow(InvalidDurationError);
    expect(() => deadline(Number.POSITIVE_INFINITY, work)).toThrow(/ms must be a finite number/);
    expect(() => deadline(10, "work" as never)).toThrow(InvalidOptionError);
    expect(() => deadline(10, work, { clock: 5 as never })).toThrow(InvalidClockError);
    expect(called).toBe(0);
  });
});
