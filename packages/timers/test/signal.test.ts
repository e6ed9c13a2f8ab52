import { isInvalidSignalError, Some } from "@csp-kit/channel";
import { INVALID_SIGNALS, invalidSignalCheck, rejection, track } from "@csp-kit/testkit/core";
import { describe, expect, it } from "vitest";
import { after, sleep, Ticker, Timer } from "../src/index.js";
import { ManualClock, settle } from "../src/testing.js";
import { coreOf } from "./support/track.js";

const expectInvalidSignal = invalidSignalCheck({ is: isInvalidSignalError });

describe("timers given a signal that is not an AbortSignal", () => {
  describe.each(INVALID_SIGNALS)("given $label", (bad) => {
    const options = { signal: bad.signal as AbortSignal };

    it("after(ms).recv rejects with InvalidSignalError and queues no receiver, so the next tick is kept", async () => {
      const clock = new ManualClock();
      const c = after(10, { clock });
      expectInvalidSignal(await rejection(() => c.recv(options)), bad);
      expect(coreOf(c).waiting).toBe(0);
      expect(clock.pending).toBe(0);
      clock.advance(10);
      expect(await c.recv()).toEqual(Some(10));
    });

    it("Timer and Ticker receives reject the same way and arm nothing", async () => {
      const clock = new ManualClock();
      const timer = new Timer(10, { clock });
      const ticker = new Ticker(10, { clock });
      expectInvalidSignal(await rejection(() => timer.c.recv(options)), bad);
      expectInvalidSignal(await rejection(() => ticker.c.recv(options)), bad);
      expect(clock.pending).toBe(0);
      expect(coreOf(timer.c).waiting + coreOf(ticker.c).waiting).toBe(0);
      ticker.stop();
    });

    it("values() throws InvalidSignalError at once", () => {
      const clock = new ManualClock();
      expect(() => after(10, { clock }).values(options)).toThrow(
        expect.objectContaining({ name: "InvalidSignalError" }),
      );
    });

    it("sleep rejects with InvalidSignalError (never throws) and arms no timer", async () => {
      const clock = new ManualClock();
      const error = await rejection(() => sleep(10, { clock, ...options }));
      expectInvalidSignal(error, bad, "sleep");
      expect(clock.pending).toBe(0);
    });
  });

  it("a rejected receive does not swallow the tick a later receive is waiting for", async () => {
    const clock = new ManualClock();
    const c = after(10, { clock });
    await rejection(() => c.recv({ signal: new AbortController() as never }));
    const r = track(c.recv());
    clock.advance(10);
    await settle();
    expect(r.state).toBe("fulfilled");
    expect(r.value).toEqual(Some(10));
  });
});
