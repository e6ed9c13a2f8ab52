import { Channel, isInvalidSignalError, Some } from "@csp-kit/channel";
import { flush, INVALID_SIGNALS, invalidSignalCheck, rejection, track } from "@csp-kit/testkit/core";
import { describe, expect, it } from "vitest";
import { recv, select, send, trySelect } from "../src/index.js";
import { waiting } from "./support/harness.js";

const expectInvalidSignal = invalidSignalCheck({ is: isInvalidSignalError });

const idle = { receivers: 0, senders: 0 };

describe("select with a signal that is not an AbortSignal", () => {
  describe.each(INVALID_SIGNALS)("given $label", (bad) => {
    const options = { signal: bad.signal as AbortSignal };

    it("rejects (never throws) with InvalidSignalError and leaves no waiter, so the next send's value is kept", async () => {
      const c = new Channel<string>();
      expectInvalidSignal(await rejection(() => select({ a: recv(c) }, options)), bad, "select");
      expect(waiting(c)).toEqual(idle);
      // Had the receive waiter stayed queued, this send would complete into it and "v2" would vanish.
      const late = track(c.send("v2"));
      await flush();
      expect(late.state).toBe("pending");
      expect(await c.recv()).toEqual(Some("v2"));
    });

    it("rejects before polling: a ready case does not happen", async () => {
      const c = new Channel<number>(1);
      c.trySend(1);
      const out = new Channel<number>(1);
      expectInvalidSignal(await rejection(() => select({ a: recv(c), b: send(out, 2) }, options)), bad, "select");
      expect(c.len).toBe(1);
      expect(out.len).toBe(0);
    });
  });
});

describe("a select whose random source aborts its own signal", () => {
  it("rejects with the signal's reason and leaves no waiter, instead of never settling", async () => {
    const controller = new AbortController();
    const a = new Channel<number>();
    const b = new Channel<number>();
    const outcome = track(
      select(
        { a: recv(a), b: recv(b) },
        {
          signal: controller.signal,
          random: () => {
            controller.abort("stop");
            return 0;
          },
        },
      ),
    );
    await flush();
    expect(outcome.state).toBe("rejected");
    expect(outcome.reason).toBe("stop");
    expect(waiting(a)).toEqual(idle);
    expect(waiting(b)).toEqual(idle);
    expect(a.trySend(1)).toBe("would-block");
  });

  it("still reports the case that won when one was ready: the case happened before the abort was seen", async () => {
    const controller = new AbortController();
    const a = new Channel<number>(1);
    a.trySend(7);
    const b = new Channel<number>();
    const r = await select(
      { a: recv(a), b: recv(b) },
      {
        signal: controller.signal,
        random: () => {
          controller.abort("stop");
          return 0;
        },
      },
    );
    expect(r).toEqual({ case: "a", value: Some(7) });
  });
});

describe("select error messages", () => {
  it("describe a missing case grammatically", () => {
    expect(() => trySelect({ a: undefined } as never)).toThrow(/case "a" is undefined, not a case/);
    expect(() => trySelect({ a: 5 } as never)).toThrow(/case "a" is the number 5, not a case/);
    expect(() => trySelect(undefined as never)).toThrow(/got undefined$/);
  });
});
