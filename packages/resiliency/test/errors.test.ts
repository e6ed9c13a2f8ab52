import { describe, expect, it } from "vitest";
import {
  BreakerOpenError,
  DeadlineExceededError,
  InvalidOptionError,
  isBreakerOpenError,
  isDeadlineExceededError,
  isInvalidOptionError,
} from "../src/index.js";

describe("errors", () => {
  it("have stable names, and guards that recognise them by class or by name", () => {
    const cases = [
      [new BreakerOpenError(150, 100), "BreakerOpenError", isBreakerOpenError, Error],
      [new DeadlineExceededError(10), "DeadlineExceededError", isDeadlineExceededError, Error],
      [new InvalidOptionError("bad", "jitter", 2), "InvalidOptionError", isInvalidOptionError, TypeError],
    ] as const;
    for (const [error, name, guard, base] of cases) {
      expect(error.name).toBe(name);
      expect(error).toBeInstanceOf(base);
      expect(guard(error)).toBe(true);
      // Another copy of the package: same name, other class.
      const foreign = Object.assign(new Error("x"), { name });
      expect(guard(foreign)).toBe(true);
      expect(guard(new Error(name))).toBe(false);
      expect(guard({ name })).toBe(false);
    }
  });

  it("carry their data and a message that says what to do", () => {
    const open = new BreakerOpenError(150, 100);
    expect([open.halfOpenAt, open.retryAfter]).toEqual([150, 50]);
    expect(new BreakerOpenError(100, 150).retryAfter).toBe(0);
    expect(open.message).toMatch(/fail fast meanwhile, or wait and retry/);
    const late = new DeadlineExceededError(10, { cause: "why" });
    expect([late.ms, late.cause]).toEqual([10, "why"]);
    expect(late.message).toMatch(/pass it to fetch, recv, sleep/);
    const bad = new InvalidOptionError("bad jitter", "jitter", 2);
    expect([bad.option, bad.value, bad.message]).toEqual(["jitter", 2, "bad jitter"]);
  });
});
