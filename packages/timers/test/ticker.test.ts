import { Some } from "@csp-kit/channel";
import { track } from "@csp-kit/testkit/core";
import { describe, expect, it } from "vitest";
import { InvalidDurationError, Ticker } from "../src/index.js";
import { ManualClock, settle } from "../src/testing.js";
import { coreOf } from "./support/track.js";

describe("Ticker", () => {
  it("delivers the due time of every tick to a reader that keeps up", async () => {
    const clock = new ManualClock();
    const ticker = new Ticker(100, { clock });
    const seen: number[] = [];
    const loop = (async () => {
      for await (const t of ticker.c) {
        seen.push(t);
        if (seen.length === 3) break;
      }
    })();
    await clock.advanceAsync(300);
    await loop;
    expect(seen).toEqual([100, 200, 300]);
  });

  it("gives a reader that falls behind one pending tick, then the next tick on the grid", () => {
    const clock = new ManualClock();
    const ticker = new Ticker(100, { clock });
    clock.advance(350);
    expect(ticker.c.tryRecv()).toEqual(Some(100));
    expect(ticker.c.tryRecv()).toBe("would-block");
    clock.advance(49);
    expect(ticker.c.tryRecv()).toBe("would-block");
    clock.advance(1);
    expect(ticker.c.tryRecv()).toEqual(Some(400));
  });

  it("does not bunch ticks up after a long stall", async () => {
    const clock = new ManualClock();
    const ticker = new Ticker(10, { clock });
    clock.advance(10_005);
    expect(ticker.c.tryRecv()).toEqual(Some(10));
    const next = track(ticker.c.recv());
    expect(clock.nextDeadline).toBe(10_010);
    clock.advance(5);
    await settle();
    expect(next.value).toEqual(Some(10_010));
  });

  it("drops the ticks a waiting reader misses while it is busy", async () => {
    const clock = new ManualClock();
    const ticker = new Ticker(10, { clock });
    const first = track(ticker.c.recv());
    clock.advance(10);
    await settle();
    expect(first.value).toEqual(Some(10));
    clock.advance(25); // busy: ticks at 20 and 30 pass with nobody waiting
    expect(ticker.c.tryRecv()).toEqual(Some(20));
    expect(ticker.c.tryRecv()).toBe("would-block");
    clock.advance(5);
    expect(ticker.c.tryRecv()).toEqual(Some(40));
  });

  it("arms no clock callback while nobody reads from it", () => {
    const clock = new ManualClock();
    const ticker = new Ticker(1, { clock });
    clock.advance(1_000);
    expect(clock.totalScheduled).toBe(0);
    expect(ticker.c.tryRecv()).toEqual(Some(1));
  });

  it("holds one callback per waiting reader's tick and clears it when the reader aborts", async () => {
    const clock = new ManualClock();
    const ticker = new Ticker(50, { clock });
    const controller = new AbortController();
    const got = track(ticker.c.recv({ signal: controller.signal }));
    expect(clock.pending).toBe(1);
    controller.abort();
    await settle();
    expect(got.state).toBe("rejected");
    expect(clock.pending).toBe(0);
    coreOf(ticker.c).assertInvariants();
  });

  it("stop discards a pending tick and keeps the channel open", async () => {
    const clock = new ManualClock();
    const ticker = new Ticker(10, { clock });
    clock.advance(10);
    ticker.stop();
    expect(ticker.c.tryRecv()).toBe("would-block");
    expect(ticker.c.closed).toBe(false);
    const waiting = track(ticker.c.recv());
    clock.advance(1_000);
    await settle();
    expect(waiting.state).toBe("pending");
    expect(clock.pending).toBe(0);
  });

  it("reset changes the period and counts the first tick from now", () => {
    const clock = new ManualClock();
    const ticker = new Ticker(10, { clock });
    clock.advance(15);
    ticker.reset(100);
    expect(ticker.c.tryRecv()).toBe("would-block");
    clock.advance(100);
    expect(ticker.c.tryRecv()).toEqual(Some(115));
    clock.advance(100);
    expect(ticker.c.tryRecv()).toEqual(Some(215));
  });

  it("reset restarts a stopped ticker", () => {
    const clock = new ManualClock();
    const ticker = new Ticker(10, { clock });
    ticker.stop();
    clock.advance(50);
    ticker.reset(10);
    clock.advance(10);
    expect(ticker.c.tryRecv()).toEqual(Some(60));
  });

  it("rejects a period that is not a finite number > 0, as Go's NewTicker panics", () => {
    for (const bad of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new Ticker(bad)).toThrow(InvalidDurationError);
    }
    expect(() => new Ticker(0)).toThrow(/period must be a finite number of milliseconds > 0 \(got 0\)/);
    const ticker = new Ticker(5, { clock: new ManualClock() });
    expect(() => ticker.reset(0)).toThrow(InvalidDurationError);
  });

  it("is stopped at the end of a using block", () => {
    const clock = new ManualClock();
    let escaped: Ticker | undefined;
    {
      using ticker = new Ticker(10, { clock });
      escaped = ticker;
    }
    clock.advance(100);
    expect(escaped.c.tryRecv()).toBe("would-block");
  });

  it("serves two waiting readers one tick each, in arrival order", async () => {
    const clock = new ManualClock();
    const ticker = new Ticker(10, { clock });
    const a = track(ticker.c.recv());
    const b = track(ticker.c.recv());
    clock.advance(20);
    await settle();
    expect(a.value).toEqual(Some(10));
    expect(b.value).toEqual(Some(20));
    expect(clock.pending).toBe(0);
    coreOf(ticker.c).assertInvariants();
  });

  it("a ticker with the smallest positive period keeps ticking, once per receive, as the clock moves", async () => {
    for (const start of [0, 1_700_000_000_000]) {
      const clock = new ManualClock(start);
      const ticker = new Ticker(Number.MIN_VALUE, { clock });
      const ticks: number[] = [];
      for (let i = 0; i < 4; i++) {
        clock.advance(1);
        const r = ticker.c.tryRecv();
        expect(r).not.toBe("would-block");
        if (r !== "would-block" && r.isSome()) ticks.push(r.value);
        // One tick per moment: the next is due strictly after now.
        expect(ticker.c.tryRecv()).toBe("would-block");
        coreOf(ticker.c).assertInvariants();
      }
      expect(ticks).toHaveLength(4);
      // A waiting reader is served on the next advance too.
      const got = track(ticker.c.recv());
      clock.advance(1);
      await settle();
      expect(got.state).toBe("fulfilled");
      ticker.stop();
    }
  });
});
