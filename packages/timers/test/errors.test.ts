import { describe, expect, it } from "vitest";
import {
  after,
  InvalidDurationError,
  isInvalidDurationError,
  isReceiveOnlyError,
  ReceiveOnlyError,
  sleep,
  Ticker,
  Timer,
} from "../src/index.js";
import { isRunawayTimersError, RunawayTimersError } from "../src/testing.js";

describe("errors", () => {
  it("InvalidDurationError is a RangeError with a stable name, the rejected value and a message that says what is allowed", () => {
    let caught: unknown;
    try {
      new Timer(Number.NaN);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RangeError);
    expect(caught).toBeInstanceOf(InvalidDurationError);
    const e = caught as InvalidDurationError;
    expect(e.name).toBe("InvalidDurationError");
    expect(e.duration).toBeNaN();
    expect(e.message).toBe(
      "new Timer(ms): ms must be a finite number of milliseconds (got NaN); negative values count as 0, as in Go; " +
        "for a timer that never fires, do not create one",
    );
  });

  it("names the API that was misused in the message", () => {
    expect(() => after(Number.POSITIVE_INFINITY)).toThrow(/^after\(ms\): .*\(got Infinity\)/);
    expect(() => sleep(Number.NaN)).toThrow(/^sleep\(ms\): /);
    expect(() => new Ticker(-1)).toThrow(/^new Ticker\(ms\): the period must be .* > 0 \(got -1\)/);
    expect(() => new Timer(1).reset(undefined as unknown as number)).toThrow(
      /^Timer\.reset\(ms\): .*\(got a undefined\)/,
    );
  });

  it("the guards recognise errors by class and, across package copies, by name", () => {
    const foreign = Object.assign(new RangeError("x"), { name: "InvalidDurationError" });
    expect(isInvalidDurationError(new InvalidDurationError("m", 1))).toBe(true);
    expect(isInvalidDurationError(foreign)).toBe(true);
    expect(isInvalidDurationError(new RangeError("x"))).toBe(false);
    expect(isInvalidDurationError("InvalidDurationError")).toBe(false);
    expect(isReceiveOnlyError(new ReceiveOnlyError("a timer channel"))).toBe(true);
    expect(isReceiveOnlyError(new TypeError("x"))).toBe(false);
    expect(new ReceiveOnlyError("a timer channel")).toBeInstanceOf(TypeError);
    expect(isRunawayTimersError(new RunawayTimersError(5))).toBe(true);
    expect(isRunawayTimersError(new Error("x"))).toBe(false);
  });

  it("keeps the cause it is given", () => {
    const cause = new Error("root");
    expect(new InvalidDurationError("m", 1, { cause }).cause).toBe(cause);
    expect(new ReceiveOnlyError("x", { cause }).cause).toBe(cause);
  });
});
