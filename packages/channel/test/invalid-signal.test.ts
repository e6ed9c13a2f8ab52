import { describe, expect, it } from "vitest";
import {
  Channel,
  distribute,
  filter,
  type InvalidSignalError,
  isInvalidSignalError,
  map,
  merge,
  pipe,
  tee,
} from "../src/index.js";
import { flush, track } from "./support/settle.js";

/** Values that are not an AbortSignal, as a caller might slip them in. */
const BAD_SIGNALS: readonly [string, unknown][] = [
  ["the AbortController", new AbortController()],
  ["null", null],
  ["0", 0],
  ['"x"', "x"],
  ["true", true],
  ["a plain object", {}],
];

/** Runs `op`, which must not throw synchronously, and returns how its promise settled. */
async function rejection(op: () => Promise<unknown>): Promise<unknown> {
  let promise: Promise<unknown>;
  try {
    promise = op();
  } catch (error) {
    throw new Error(`threw synchronously instead of rejecting: ${String(error)}`);
  }
  return promise.then(
    () => {
      throw new Error("resolved instead of rejecting");
    },
    (error: unknown) => error,
  );
}

function expectInvalidSignal(error: unknown, operation: string, given: unknown): void {
  expect(isInvalidSignalError(error)).toBe(true);
  expect((error as InvalidSignalError).operation).toBe(operation);
  expect((error as Error).message).toContain(operation);
  if (given instanceof AbortController) {
    expect((error as Error).message).toContain("pass controller.signal, not the controller");
  }
}

describe("a signal that is not an AbortSignal", () => {
  describe.each(BAD_SIGNALS)("given %s", (_label, bad) => {
    const options = { signal: bad as AbortSignal };

    it("recv rejects with InvalidSignalError and queues no receiver, so the next send's value is kept", async () => {
      const ch = new Channel<string>();
      expectInvalidSignal(await rejection(() => ch.recv(options)), "Channel.recv", bad);
      // Had a receiver stayed queued, this send would complete into it and "v2" would vanish.
      expect(ch.trySend("v2")).toBe("would-block");
      const b = new Channel<string>(1);
      expectInvalidSignal(await rejection(() => b.recv(options)), "Channel.recv", bad);
      b.trySend("v2");
      expect(b.tryRecv()).toEqual(expect.objectContaining({ value: "v2" }));
    });

    it("send rejects with InvalidSignalError and queues no sender, so a receiver does not get the value", async () => {
      const ch = new Channel<string>();
      expectInvalidSignal(await rejection(() => ch.send("lost?", options)), "Channel.send", bad);
      expect(ch.tryRecv()).toBe("would-block");
      // A ready send with a bad signal is refused too: the mistake is loud whatever the timing.
      const roomy = new Channel<string>(1);
      expectInvalidSignal(await rejection(() => roomy.send("v", options)), "Channel.send", bad);
      expect(roomy.len).toBe(0);
    });

    it("recvBatch rejects with InvalidSignalError and takes nothing", async () => {
      const ch = new Channel<number>(4);
      ch.trySend(1);
      expectInvalidSignal(await rejection(() => ch.recvBatch(8, options)), "Channel.recvBatch", bad);
      expect(ch.len).toBe(1);
    });

    it("values throws InvalidSignalError at once and takes nothing", () => {
      const ch = new Channel<number>(1);
      ch.trySend(1);
      let error: unknown;
      try {
        ch.values(options);
      } catch (e) {
        error = e;
      }
      expectInvalidSignal(error, "Channel.values", bad);
      expect(ch.len).toBe(1);
    });

    it("every combinator rejects with InvalidSignalError before taking a value", async () => {
      const input = new Channel<number>(1);
      input.trySend(1);
      const out = new Channel<number>(1);
      const cases: [string, () => Promise<void>][] = [
        ["pipe", () => pipe(input, out, options)],
        ["merge", () => merge([input], out, options)],
        ["tee", () => tee(input, [out], options)],
        ["distribute", () => distribute(input, [out], options)],
        ["map", () => map(input, out, (v) => v, options)],
        ["filter", () => filter(input, out, () => true, options)],
      ];
      for (const [name, op] of cases) expectInvalidSignal(await rejection(op), name, bad);
      expect(input.len).toBe(1);
      expect(out.closed).toBe(false);
    });
  });

  it("an object that failed once is refused again, not silently accepted", async () => {
    const controller = new AbortController();
    const ch = new Channel<string>();
    for (let i = 0; i < 3; i++) {
      expect(isInvalidSignalError(await rejection(() => ch.recv({ signal: controller as never })))).toBe(true);
    }
    const late = track(ch.send("v2"));
    await flush();
    expect(late.state).toBe("pending");
  });
});
