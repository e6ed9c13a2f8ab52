import { describe, expect, it } from "vitest";
import { INVALID_SIGNALS, invalidSignalCheck, rejection } from "../../src/core/invalid-signal.js";

class FakeInvalidSignalError extends Error {
  override name = "InvalidSignalError";
  constructor(
    readonly operation: string,
    given: unknown,
  ) {
    super(
      `${operation}: signal is not an AbortSignal${given instanceof AbortController ? "; pass controller.signal, not the controller" : ""}`,
    );
  }
}

const expectInvalidSignal = invalidSignalCheck({
  is: (e) => e instanceof FakeInvalidSignalError,
  messageNamesOperation: true,
});

describe("the invalid-signal table", () => {
  it("holds no AbortSignal, and its only hint is on the AbortController", () => {
    for (const c of INVALID_SIGNALS) expect(c.signal instanceof AbortSignal).toBe(false);
    expect(INVALID_SIGNALS.filter((c) => c.hint !== undefined).map((c) => c.label)).toEqual(["the AbortController"]);
  });

  it("accepts a rejection that carries the operation and the hint", async () => {
    for (const c of INVALID_SIGNALS) {
      const error = await rejection(() => Promise.reject(new FakeInvalidSignalError("Thing.wait", c.signal)));
      expectInvalidSignal(error, c, "Thing.wait");
    }
  });

  it("rejection() fails when the operation throws synchronously or resolves", async () => {
    await expect(
      rejection(() => {
        throw new Error("sync");
      }),
    ).rejects.toThrow("threw synchronously");
    await expect(rejection(() => Promise.resolve(1))).rejects.toThrow("resolved instead of rejecting");
  });

  it("the check fails on another error, a wrong operation or a missing hint", async () => {
    const [controller] = INVALID_SIGNALS;
    expect(() => expectInvalidSignal(new Error("other"), controller!)).toThrow();
    expect(() => expectInvalidSignal(new FakeInvalidSignalError("A.b", 0), INVALID_SIGNALS[2]!, "A.c")).toThrow();
    expect(() => expectInvalidSignal(new FakeInvalidSignalError("A.b", 0), controller!, "A.b")).toThrow();
  });
});
