import { isInvalidSignalError } from "@csp-kit/channel";
import { describe, expect, it } from "vitest";
import {
  after,
  done,
  InvalidClockError,
  InvalidDurationError,
  isInvalidClockError,
  isInvalidDurationError,
  isReceiveOnlyError,
  ReceiveOnlyError,
  sleep,
  Ticker,
  Timer,
} from "../src/index.js";
import {
  InvalidLimitError,
  isInvalidLimitError,
  isRunawayTimersError,
  ManualClock,
  RunawayTimersError,
} from "../src/testing.js";

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
      /^Timer\.reset\(ms\): .*\(got undefined\)/,
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

  describe("argument checks", () => {
    it("a clock option that is not a Clock is refused at once with InvalidClockError, before anything is armed", () => {
      for (const clock of [5, null, "real", {}, { now: () => 0 }]) {
        const options = { clock } as never;
        for (const make of [() => after(10, options), () => new Timer(10, options), () => new Ticker(10, options)]) {
          let caught: unknown;
          try {
            make();
          } catch (error) {
            caught = error;
          }
          expect(isInvalidClockError(caught)).toBe(true);
          expect(caught).toBeInstanceOf(TypeError);
          expect((caught as InvalidClockError).clock).toBe(clock);
          expect((caught as Error).message).toMatch(/now\(\), setTimeout\(callback, ms\) and clearTimeout\(handle\)/);
        }
        expect(() => sleep(10, options)).toThrow(InvalidClockError);
      }
      expect(() => after(10, { clock: 5 } as never)).toThrow(/^after\(ms\): options\.clock .*\(got the number 5\)/);
    });

    it("done() refuses anything but an AbortSignal with InvalidSignalError, naming the controller slip", () => {
      for (const bad of [5, undefined, null, {}, new AbortController()]) {
        let caught: unknown;
        try {
          done(bad as never);
        } catch (error) {
          caught = error;
        }
        expect(isInvalidSignalError(caught)).toBe(true);
      }
      expect(() => done(new AbortController() as never)).toThrow(/pass controller\.signal, not the controller/);
      expect(() => done(undefined as never)).toThrow(/^done\(signal\): .*\(got undefined\)/);
    });

    it("runAll and runAllAsync refuse a limit that is not a whole number >= 0 with InvalidLimitError", async () => {
      const clock = new ManualClock();
      clock.setTimeout(() => {}, 1);
      for (const limit of [Number.NaN, -1, 1.5, Number.POSITIVE_INFINITY, "5"]) {
        expect(() => clock.runAll(limit as never)).toThrow(InvalidLimitError);
        await expect(clock.runAllAsync(limit as never)).rejects.toSatisfy(isInvalidLimitError);
      }
      expect(() => clock.runAll(Number.NaN)).toThrow(/^ManualClock\.runAll\(limit\): .*\(got NaN\)/);
      // Nothing ran: a refused call changes nothing.
      expect(clock.pending).toBe(1);
      expect(clock.runAll(0 + 1)).toBe(1);
    });

    it("describes a non-number duration grammatically", () => {
      expect(() => after("5" as never)).toThrow(/\(got the string "5"\)/);
      expect(() => after({} as never)).toThrow(/\(got an object \(Object\)\)/);
      expect(() => new ManualClock(undefined as never).advance(undefined as never)).toThrow(/\(got undefined\)/);
    });
  });
});
