import { describe, expect, it } from "vitest";
import { InvalidDurationError, Ticker } from "../src/index.js";
import { isRunawayTimersError, ManualClock, RunawayTimersError, settle } from "../src/testing.js";

describe("ManualClock", () => {
  it("starts at the given time and stands still until advanced", () => {
    const clock = new ManualClock(42);
    expect(clock.now()).toBe(42);
    expect(clock.now()).toBe(42);
    clock.advance(8);
    expect(clock.now()).toBe(50);
    expect(new ManualClock().now()).toBe(0);
  });

  it("runs due callbacks in deadline order, ties in scheduling order, each at its deadline", () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const at = (label: string) => () => log.push(`${label}@${clock.now()}`);
    clock.setTimeout(at("c"), 30);
    clock.setTimeout(at("a1"), 10);
    clock.setTimeout(at("b"), 20);
    clock.setTimeout(at("a2"), 10);
    clock.setTimeout(at("late"), 31);
    expect(clock.advance(30)).toBe(4);
    expect(log).toEqual(["a1@10", "a2@10", "b@20", "c@30"]);
    expect(clock.now()).toBe(30);
    expect(clock.pending).toBe(1);
  });

  it("never calls back inside setTimeout; advance(0) runs a zero-delay callback", () => {
    const clock = new ManualClock();
    let ran = 0;
    clock.setTimeout(() => ran++, 0);
    clock.setTimeout(() => ran++, -5);
    clock.setTimeout(() => ran++, Number.NaN);
    expect(ran).toBe(0);
    expect(clock.advance(0)).toBe(3);
    expect(ran).toBe(3);
  });

  it("clearTimeout cancels a callback; pending and totalScheduled count what they say", () => {
    const clock = new ManualClock();
    let ran = false;
    const h = clock.setTimeout(() => {
      ran = true;
    }, 5);
    clock.setTimeout(() => {}, 6);
    expect(clock.pending).toBe(2);
    clock.clearTimeout(h);
    clock.clearTimeout(h);
    clock.clearTimeout("not a handle");
    expect(clock.pending).toBe(1);
    expect(clock.totalScheduled).toBe(2);
    clock.advance(10);
    expect(ran).toBe(false);
    expect(clock.pending).toBe(0);
    expect(clock.totalScheduled).toBe(2);
  });

  it("runs a callback scheduled during an advance in the same advance when it falls due", () => {
    const clock = new ManualClock();
    const log: number[] = [];
    clock.setTimeout(() => {
      log.push(clock.now());
      clock.setTimeout(() => log.push(clock.now()), 5);
    }, 10);
    clock.advance(15);
    expect(log).toEqual([10, 15]);
  });

  it("advanceTo moves to an absolute time and refuses to go back", () => {
    const clock = new ManualClock(100);
    clock.advanceTo(150);
    expect(clock.now()).toBe(150);
    expect(() => clock.advanceTo(149)).toThrow(InvalidDurationError);
    expect(() => clock.advance(-1)).toThrow(/ms must be >= 0/);
    expect(() => clock.advance(Number.NaN)).toThrow(InvalidDurationError);
    expect(() => new ManualClock(Number.POSITIVE_INFINITY)).toThrow(InvalidDurationError);
  });

  it("runNext jumps to the next deadline and runs that one callback", () => {
    const clock = new ManualClock();
    const log: number[] = [];
    clock.setTimeout(() => log.push(1), 100);
    clock.setTimeout(() => log.push(2), 200);
    expect(clock.nextDeadline).toBe(100);
    expect(clock.runNext()).toBe(true);
    expect(clock.now()).toBe(100);
    expect(log).toEqual([1]);
    expect(clock.runNext()).toBe(true);
    expect(clock.runNext()).toBe(false);
    expect(clock.nextDeadline).toBeUndefined();
  });

  it("runAll runs everything and stops a self-rescheduling callback with RunawayTimersError", () => {
    const clock = new ManualClock();
    let n = 0;
    clock.setTimeout(() => n++, 1_000);
    clock.setTimeout(() => n++, 5);
    expect(clock.runAll()).toBe(2);
    expect(n).toBe(2);
    expect(clock.now()).toBe(1_000);
    const again = () => {
      clock.setTimeout(again, 1);
    };
    again();
    expect(() => clock.runAll(50)).toThrow(RunawayTimersError);
    try {
      clock.runAll(3);
    } catch (error) {
      expect(isRunawayTimersError(error)).toBe(true);
      expect((error as RunawayTimersError).limit).toBe(3);
    }
  });

  it("advanceAsync lets an async loop wait again before the next deadline", async () => {
    const clock = new ManualClock();
    const ticker = new Ticker(10, { clock });
    const seen: number[] = [];
    const loop = (async () => {
      for await (const t of ticker.c) {
        seen.push(t);
        if (seen.length === 5) return;
      }
    })();
    expect(await clock.advanceAsync(50)).toBe(5);
    await loop;
    expect(seen).toEqual([10, 20, 30, 40, 50]);
  });

  it("advance without settling gives an async loop no chance to wait again: its ticker drops the ticks between", async () => {
    const clock = new ManualClock();
    const ticker = new Ticker(10, { clock });
    const seen: number[] = [];
    void (async () => {
      for await (const t of ticker.c) seen.push(t);
    })();
    await settle();
    clock.advance(50); // the loop cannot wait again inside a synchronous advance: one tick, at 10
    await settle(); // it waits again at 50: one missed tick (20) is pending, 30 and 40 were dropped
    expect(seen).toEqual([10, 20]);
    expect(clock.nextDeadline).toBe(60);
    ticker.stop();
  });

  it("runAllAsync drives async code until nothing is scheduled", async () => {
    const clock = new ManualClock();
    const steps: number[] = [];
    const job = (async () => {
      for (let i = 0; i < 3; i++) {
        await new Promise<void>((resolve) => clock.setTimeout(resolve, 100));
        steps.push(clock.now());
      }
    })();
    expect(await clock.runAllAsync()).toBe(3);
    await job;
    expect(steps).toEqual([100, 200, 300]);
  });

  describe("re-entrant advances", () => {
    it("an advance called from a callback moves time on from that callback's deadline, and the outer advance never moves it back", () => {
      const clock = new ManualClock();
      const seen: [string, number][] = [];
      clock.setTimeout(() => {
        seen.push(["outer callback", clock.now()]);
        clock.advance(100);
        seen.push(["after the inner advance", clock.now()]);
      }, 5);
      clock.setTimeout(() => seen.push(["due at 50", clock.now()]), 50);
      clock.setTimeout(() => seen.push(["due at 8", clock.now()]), 8);
      expect(clock.advance(10)).toBe(1);
      expect(clock.now()).toBe(105);
      expect(seen).toEqual([
        ["outer callback", 5],
        ["due at 8", 8],
        ["due at 50", 50],
        ["after the inner advance", 105],
      ]);
      expect(clock.pending).toBe(0);
    });

    it("advanceAsync racing a synchronous advance never moves time back", async () => {
      const clock = new ManualClock();
      const ran: number[] = [];
      clock.setTimeout(() => ran.push(clock.now()), 50);
      const racing = clock.advanceAsync(100);
      clock.advance(1000);
      expect(clock.now()).toBe(1000);
      await racing;
      expect(clock.now()).toBe(1000);
      expect(ran).toEqual([50]);
    });

    it("two advanceAsync calls racing end at the later target", async () => {
      const clock = new ManualClock();
      const a = clock.advanceAsync(300);
      const b = clock.advanceAsync(100);
      await Promise.all([a, b]);
      expect(clock.now()).toBe(300);
    });
  });
});
