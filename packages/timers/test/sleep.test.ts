import { track } from "@csp-kit/testkit/core";
import { describe, expect, it } from "vitest";
import { InvalidDurationError, sleep } from "../src/index.js";
import { ManualClock, settle } from "../src/testing.js";

describe("sleep", () => {
  it("resolves when the clock reaches the deadline, not before", async () => {
    const clock = new ManualClock();
    const slept = track(sleep(100, { clock }));
    clock.advance(99);
    await settle();
    expect(slept.state).toBe("pending");
    clock.advance(1);
    await settle();
    expect(slept.state).toBe("fulfilled");
    expect(slept.value).toBeUndefined();
  });

  it("resolves sleep(0) and negative sleeps without arming a timer", async () => {
    const clock = new ManualClock();
    const zero = track(sleep(0, { clock }));
    const negative = track(sleep(-5, { clock }));
    await settle();
    expect(zero.state).toBe("fulfilled");
    expect(negative.state).toBe("fulfilled");
    expect(clock.totalScheduled).toBe(0);
  });

  it("rejects with signal.reason on abort and clears its timer", async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const reason = new Error("stop sleeping");
    const slept = track(sleep(1_000, { clock, signal: controller.signal }));
    expect(clock.pending).toBe(1);
    controller.abort(reason);
    await settle();
    expect(slept.state).toBe("rejected");
    expect(slept.reason).toBe(reason);
    expect(clock.pending).toBe(0);
  });

  it("rejects at once with an already aborted signal", async () => {
    const clock = new ManualClock();
    const reason = new Error("too late");
    const slept = track(sleep(10, { clock, signal: AbortSignal.abort(reason) }));
    await settle();
    expect(slept.reason).toBe(reason);
    expect(clock.totalScheduled).toBe(0);
  });

  it("ignores an abort that comes after it resolved", async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const slept = track(sleep(10, { clock, signal: controller.signal }));
    clock.advance(10);
    controller.abort();
    await settle();
    expect(slept.state).toBe("fulfilled");
  });

  it("throws InvalidDurationError synchronously for NaN", () => {
    expect(() => sleep(Number.NaN)).toThrow(InvalidDurationError);
  });
});
