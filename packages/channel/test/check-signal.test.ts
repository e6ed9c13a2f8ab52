import { describe, expect, it } from "vitest";
import { InvalidSignalError, isInvalidSignalError } from "../src/index.js";
import { checkSignal, describeValue } from "../src/port.js";

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("checkSignal", () => {
  it("returns undefined for undefined and the signal itself for an AbortSignal", () => {
    const signal = new AbortController().signal;
    expect(checkSignal(undefined, "op")).toBeUndefined();
    expect(checkSignal(signal, "op")).toBe(signal);
    expect(checkSignal(AbortSignal.abort("x"), "op")?.aborted).toBe(true);
  });

  it("accepts a signal-like object from another realm or a polyfill", () => {
    const foreign = { aborted: false, reason: undefined, addEventListener() {}, removeEventListener() {} };
    expect(checkSignal(foreign, "op")).toBe(foreign);
  });

  it("names the slip when given the AbortController instead of its signal", () => {
    const error = thrown(() => checkSignal(new AbortController(), "Channel.recv"));
    expect(error).toBeInstanceOf(InvalidSignalError);
    expect(error).toBeInstanceOf(TypeError);
    expect(isInvalidSignalError(error)).toBe(true);
    expect((error as InvalidSignalError).name).toBe("InvalidSignalError");
    expect((error as InvalidSignalError).operation).toBe("Channel.recv");
    expect((error as Error).message).toContain("Channel.recv");
    expect((error as Error).message).toContain("pass controller.signal, not the controller");
  });

  it("recognises a controller-shaped object as a controller", () => {
    const fake = { signal: new AbortController().signal, abort() {} };
    expect((thrown(() => checkSignal(fake, "op")) as Error).message).toContain("pass controller.signal");
  });

  it.each([
    [null, "null"],
    [0, "the number 0"],
    ["x", 'the string "x"'],
    [true, "the boolean true"],
    [{}, "an object (Object)"],
    [() => {}, "a function"],
    [Symbol("s"), "the symbol s"],
    [1n, "the bigint 1n"],
  ])("rejects %s with a typed error saying what was given and what is expected", (value, described) => {
    const error = thrown(() => checkSignal(value, "select"));
    expect(isInvalidSignalError(error)).toBe(true);
    expect((error as InvalidSignalError).signal).toBe(value);
    expect((error as Error).message).toContain(`got ${described}`);
    expect((error as Error).message).toContain("must be an AbortSignal");
    expect((error as Error).message).not.toContain("weak map");
  });

  it("rejects the same bad object every time (a failure leaves no state behind)", () => {
    const bad = { aborted: "no" };
    expect(isInvalidSignalError(thrown(() => checkSignal(bad, "op")))).toBe(true);
    expect(isInvalidSignalError(thrown(() => checkSignal(bad, "op")))).toBe(true);
  });

  it("guard recognises a copy from another package instance by name", () => {
    const copy = Object.assign(new TypeError("m"), { name: "InvalidSignalError" });
    expect(isInvalidSignalError(copy)).toBe(true);
    expect(isInvalidSignalError(new TypeError("m"))).toBe(false);
  });
});

describe("describeValue", () => {
  it("describes values grammatically", () => {
    expect(describeValue(undefined)).toBe("undefined");
    expect(describeValue(1.5)).toBe("the number 1.5");
    expect(describeValue(Object.create(null))).toBe("an object (no class)");
    expect(describeValue(new Map())).toBe("an object (Map)");
    expect(describeValue("y".repeat(50))).toBe(`the string "${"y".repeat(40)}…"`);
  });
});
