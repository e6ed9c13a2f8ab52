/** Timer receives and sleeps in the parked-waiter inventory (`@csp-kit/channel/diagnostics`). */
import { Channel } from "@csp-kit/channel";
import { assertNoParked, disableDiagnostics, enableDiagnostics, parkedWaiters } from "@csp-kit/channel/diagnostics";
import { recv, select } from "@csp-kit/select";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { done, sleep, Ticker, Timer } from "../src/index.js";
import { ManualClock, settle } from "../src/testing.js";

beforeEach(() => {
  enableDiagnostics();
});
afterEach(() => {
  disableDiagnostics();
});

function inventory(): string[] {
  return parkedWaiters().map((w) => `${w.primitive}: ${w.operation}`);
}

describe("timers in the diagnostics inventory", () => {
  it("a sleep, a timer recv, a ticker step and a done() recv are parked until they complete or abort", async () => {
    const clock = new ManualClock();
    const shutdown = new AbortController();
    const napping = sleep(100, { clock });
    const timer = new Timer(50, { clock });
    const fired = timer.c.recv();
    const ticker = new Ticker(10, { clock });
    const tick = ticker.c.values().next();
    const stopped = done(shutdown.signal).recv();
    expect(inventory()).toEqual([
      "a timer channel: sleep",
      "a timer channel: recv",
      "a ticker channel: values",
      "a done() channel: recv",
    ]);
    clock.advance(10);
    expect(inventory()).toEqual(["a timer channel: sleep", "a timer channel: recv", "a done() channel: recv"]);
    clock.advance(40);
    shutdown.abort();
    expect(inventory()).toEqual(["a timer channel: sleep"]);
    clock.advance(50);
    await settle();
    await Promise.all([napping, fired, tick, stopped]);
    ticker.stop();
    assertNoParked();
  });

  it("an aborted sleep leaves the inventory at once", () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    void sleep(1_000, { clock, signal: controller.signal }).catch(() => {});
    expect(parkedWaiters()).toHaveLength(1);
    controller.abort();
    expect(parkedWaiters()).toHaveLength(0);
  });

  it("a select on a timer and a channel is one entry that names both", async () => {
    const clock = new ManualClock();
    const input = new Channel<number>(0, { name: "input" });
    const timer = new Timer(5, { clock });
    const r = select({ msg: recv(input), timeout: recv(timer.c) });
    expect(inventory()).toEqual([
      'select { msg: recv #1 Channel "input" unbuffered, timeout: recv #2 a timer channel }: select',
    ]);
    clock.advance(5);
    expect((await r).case).toBe("timeout");
    assertNoParked();
  });
});
