/**
 * The receive contract every receivable keeps (from @csp-kit/testkit/core), run
 * over the timers' channels on a ManualClock: `after()`, `Timer.c` and
 * `Ticker.c` deliver the clock's time when it advances and never close; a
 * `done()` channel never delivers and closes when its signal aborts.
 */

import { receiveContract } from "@csp-kit/testkit/core";
import { after, done, Ticker, Timer } from "../src/index.js";
import { ManualClock } from "../src/testing.js";

/** Advances `clock` by 10 ms, which fires a 10 ms timer, and returns the time it delivers. */
function fireAfter10(clock: ManualClock): () => number {
  return () => {
    clock.advance(10);
    return clock.now();
  };
}

receiveContract("after(10)", () => {
  const clock = new ManualClock();
  return { rx: after(10, { clock }), deliver: fireAfter10(clock) };
});

receiveContract("Timer(10).c", () => {
  const clock = new ManualClock();
  const timer = new Timer(10, { clock });
  return { rx: timer.c, deliver: fireAfter10(clock), dispose: () => void timer.stop() };
});

receiveContract("Ticker(10).c", () => {
  const clock = new ManualClock();
  const ticker = new Ticker(10, { clock });
  return { rx: ticker.c, deliver: fireAfter10(clock), dispose: () => ticker.stop() };
});

receiveContract("done(signal)", () => {
  const controller = new AbortController();
  return { rx: done(controller.signal), close: () => controller.abort(new Error("done")) };
});
