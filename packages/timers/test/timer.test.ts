import { getEventListeners } from "node:events";
import { Channel, None, Some } from "@csp-kit/channel";
import { portOf, SendWaiter } from "@csp-kit/channel/port";
import { track } from "@csp-kit/testkit/core";
import { describe, expect, it } from "vitest";
import type { Clock } from "../src/clock.js";
import { after, InvalidDurationError, isReceiveOnlyError, ReceiveOnlyError, Timer } from "../src/index.js";
import { ManualClock, settle } from "../src/testing.js";
import { coreOf } from "./support/track.js";

/** A clock whose reading and whose callbacks are moved independently: lets a test be "late" like a busy event loop. */
class LaggingClock implements Clock {
  time = 0;
  readonly scheduled: { callback: () => void; ms: number; cleared: boolean }[] = [];
  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const entry = { callback, ms, cleared: false };
    this.scheduled.push(entry);
    return entry;
  }
  clearTimeout(handle: unknown): void {
    (handle as { cleared: boolean }).cleared = true;
  }
  /** Runs the newest uncleared callback. */
  runLatest(): void {
    const entry = this.scheduled.filter((e) => !e.cleared).at(-1);
    if (entry === undefined) throw new Error("nothing scheduled");
    entry.cleared = true;
    entry.callback();
  }
  get live(): number {
    return this.scheduled.filter((e) => !e.cleared).length;
  }
}

class NullSend extends SendWaiter<number> {
  complete(): void {}
}

describe("after", () => {
  it("delivers the time it was due once the clock reaches the deadline", async () => {
    const clock = new ManualClock(1000);
    const got = track(after(500, { clock }).recv());
    clock.advance(499);
    await settle();
    expect(got.state).toBe("pending");
    clock.advance(1);
    await settle();
    expect(got.value).toEqual(Some(1500));
  });

  it("arms no clock callback until somebody waits on it", () => {
    const clock = new ManualClock();
    const c = after(100, { clock });
    expect(c.tryRecv()).toBe("would-block");
    expect(clock.totalScheduled).toBe(0);
    clock.advance(100);
    expect(c.tryRecv()).toEqual(Some(100));
    expect(clock.totalScheduled).toBe(0);
  });

  it("completes a receive that starts after the deadline at once, without arming", async () => {
    const clock = new ManualClock();
    const c = after(10, { clock });
    clock.advance(50);
    const got = track(c.recv());
    await settle();
    expect(got.value).toEqual(Some(10));
    expect(clock.totalScheduled).toBe(0);
  });

  it("fixes the deadline at creation, not when the receive starts", async () => {
    const clock = new ManualClock();
    const c = after(100, { clock });
    clock.advance(60);
    const got = track(c.recv());
    expect(clock.pending).toBe(1);
    expect(clock.nextDeadline).toBe(100);
    clock.advance(40);
    await settle();
    expect(got.value).toEqual(Some(100));
  });

  it("delivers only once: later receives wait and hold no clock callback", async () => {
    const clock = new ManualClock();
    const c = after(5, { clock });
    clock.advance(5);
    expect(c.tryRecv()).toEqual(Some(5));
    expect(c.tryRecv()).toBe("would-block");
    const again = track(c.recv());
    expect(clock.pending).toBe(0);
    clock.advance(1_000_000);
    await settle();
    expect(again.state).toBe("pending");
  });

  it("treats a negative duration as zero, as Go does", () => {
    const clock = new ManualClock(7);
    expect(after(-30, { clock }).tryRecv()).toEqual(Some(7));
  });

  it("rejects NaN and infinite durations with InvalidDurationError", () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, "5" as unknown as number]) {
      expect(() => after(bad)).toThrow(InvalidDurationError);
    }
    expect(() => after(Number.NaN)).toThrow(/finite number of milliseconds \(got NaN\); negative values count as 0/);
  });

  it("keeps the value for the next receive when a waiting receive is aborted, and clears its callback", async () => {
    const clock = new ManualClock();
    const c = after(100, { clock });
    const controller = new AbortController();
    const reason = new Error("gave up");
    const first = track(c.recv({ signal: controller.signal }));
    expect(clock.pending).toBe(1);
    controller.abort(reason);
    await settle();
    expect(first.state).toBe("rejected");
    expect(first.reason).toBe(reason);
    expect(clock.pending).toBe(0);
    clock.advance(100);
    expect(c.tryRecv()).toEqual(Some(100));
  });

  it("rejects a receive with an already aborted signal without arming", async () => {
    const clock = new ManualClock();
    const reason = new Error("already");
    const got = track(after(10, { clock }).recv({ signal: AbortSignal.abort(reason) }));
    await settle();
    expect(got.reason).toBe(reason);
    expect(clock.totalScheduled).toBe(0);
  });

  it("serves queued receivers in arrival order: the first gets the value, the second keeps waiting", async () => {
    const clock = new ManualClock();
    const c = after(10, { clock });
    const a = track(c.recv());
    const b = track(c.recv());
    expect(clock.pending).toBe(1);
    clock.advance(10);
    await settle();
    expect(a.value).toEqual(Some(10));
    expect(b.state).toBe("pending");
    expect(clock.pending).toBe(0);
    expect(coreOf(c).waiting).toBe(1);
  });

  it("serves a queued receiver before a tryRecv that arrives after the deadline but before the callback", async () => {
    const clock = new LaggingClock();
    const c = after(10, { clock });
    const waiting = track(c.recv());
    clock.time = 25; // the event loop is late: the deadline passed, the callback has not run
    expect(c.tryRecv()).toBe("would-block");
    clock.runLatest();
    await settle();
    expect(waiting.value).toEqual(Some(10));
    expect(c.tryRecv()).toBe("would-block");
  });

  it("waits the rest when the clock calls back early", async () => {
    const clock = new LaggingClock();
    const c = after(100, { clock });
    const got = track(c.recv());
    expect(clock.scheduled[0]?.ms).toBe(100);
    clock.time = 60;
    clock.runLatest(); // early: 40 ms remain
    expect(clock.live).toBe(1);
    expect(clock.scheduled[1]?.ms).toBe(40);
    await settle();
    expect(got.state).toBe("pending");
    clock.time = 100;
    clock.runLatest();
    await settle();
    expect(got.value).toEqual(Some(100));
    coreOf(c).assertInvariants();
  });

  it("ignores a callback the clock runs after it was cleared", async () => {
    const clock = new LaggingClock();
    const c = after(10, { clock });
    const controller = new AbortController();
    void track(c.recv({ signal: controller.signal }));
    const stale = clock.scheduled[0];
    controller.abort();
    const fresh = track(c.recv());
    clock.time = 10;
    stale?.callback(); // a misbehaving clock: called back although cleared
    await settle();
    expect(fresh.state).toBe("pending");
    clock.runLatest();
    await settle();
    expect(fresh.value).toEqual(Some(10));
  });

  it("yields the due time once to a for-await loop", async () => {
    const clock = new ManualClock();
    const seen: number[] = [];
    const loop = (async () => {
      for await (const t of after(30, { clock })) {
        seen.push(t);
        break;
      }
    })();
    await clock.advanceAsync(30);
    await loop;
    expect(seen).toEqual([30]);
    expect(clock.pending).toBe(0);
  });

  it("is never closed", () => {
    const clock = new ManualClock();
    const c = after(0, { clock });
    expect(c.closed).toBe(false);
    expect(c.tryRecv()).toEqual(Some(0));
    expect(c.closed).toBe(false);
  });

  it("refuses a send through its port with ReceiveOnlyError", () => {
    const port = portOf(after(10));
    expect(() => port.pollSend(new NullSend(1))).toThrow(ReceiveOnlyError);
    expect(() => port.enqueueSend(new NullSend(1))).toThrow(/send on a receive-only channel: a timer channel/);
    expect(port.cancelSend(new NullSend(1))).toBe(false);
    try {
      port.pollSend(new NullSend(1));
    } catch (error) {
      expect(isReceiveOnlyError(error)).toBe(true);
      expect((error as Error).name).toBe("ReceiveOnlyError");
    }
  });

  it("offers the same receive API as a Channel", async () => {
    const ch = new Channel<number>(1);
    const clock = new ManualClock();
    const sources = [ch, after(0, { clock })];
    await ch.send(0);
    for (const s of sources) expect(s.tryRecv()).toEqual(Some(0));
    ch.close();
    expect(await ch.recv()).toEqual(None);
  });
});

describe("Timer", () => {
  it("fires once after its duration", async () => {
    const clock = new ManualClock();
    const t = new Timer(200, { clock });
    const got = track(t.c.recv());
    clock.advance(200);
    await settle();
    expect(got.value).toEqual(Some(200));
  });

  it("stop returns true for a pending timer, even past its deadline, and leaves no stale value", () => {
    const clock = new ManualClock();
    const t = new Timer(10, { clock });
    clock.advance(20);
    expect(t.stop()).toBe(true);
    expect(t.c.tryRecv()).toBe("would-block");
    expect(t.stop()).toBe(false);
  });

  it("stop returns false once the value was received", () => {
    const clock = new ManualClock();
    const t = new Timer(10, { clock });
    clock.advance(10);
    expect(t.c.tryRecv()).toEqual(Some(10));
    expect(t.stop()).toBe(false);
  });

  it("stop clears the callback of a waiting receive, which keeps waiting until a reset", async () => {
    const clock = new ManualClock();
    const t = new Timer(10, { clock });
    const got = track(t.c.recv());
    expect(clock.pending).toBe(1);
    expect(t.stop()).toBe(true);
    expect(clock.pending).toBe(0);
    clock.advance(100);
    await settle();
    expect(got.state).toBe("pending");
    expect(t.reset(5)).toBe(false);
    expect(clock.pending).toBe(1);
    clock.advance(5);
    await settle();
    expect(got.value).toEqual(Some(105));
  });

  it("reset discards an unread value and counts the new duration from now", () => {
    const clock = new ManualClock();
    const t = new Timer(10, { clock });
    clock.advance(15);
    expect(t.reset(10)).toBe(true);
    expect(t.c.tryRecv()).toBe("would-block");
    clock.advance(9);
    expect(t.c.tryRecv()).toBe("would-block");
    clock.advance(1);
    expect(t.c.tryRecv()).toEqual(Some(25));
  });

  it("reset of a fired timer returns false and fires it again", () => {
    const clock = new ManualClock();
    const t = new Timer(1, { clock });
    clock.advance(1);
    expect(t.c.tryRecv()).toEqual(Some(1));
    expect(t.reset(4)).toBe(false);
    clock.advance(4);
    expect(t.c.tryRecv()).toEqual(Some(5));
  });

  it("reset moves the callback of a waiting receive to the new deadline", async () => {
    const clock = new ManualClock();
    const t = new Timer(100, { clock });
    const got = track(t.c.recv());
    clock.advance(50);
    expect(t.reset(100)).toBe(true);
    expect(clock.pending).toBe(1);
    expect(clock.nextDeadline).toBe(150);
    clock.advance(99);
    await settle();
    expect(got.state).toBe("pending");
    clock.advance(1);
    await settle();
    expect(got.value).toEqual(Some(150));
  });

  it("reset(0) with a waiting receive delivers on the next clock turn, not inside reset", async () => {
    const clock = new ManualClock();
    const t = new Timer(100, { clock });
    const got = track(t.c.recv());
    t.reset(0);
    await settle();
    expect(got.state).toBe("pending");
    clock.advance(0);
    await settle();
    expect(got.value).toEqual(Some(0));
  });

  it("rejects an invalid reset duration and leaves the timer as it was", () => {
    const clock = new ManualClock();
    const t = new Timer(10, { clock });
    expect(() => t.reset(Number.NaN)).toThrow(InvalidDurationError);
    clock.advance(10);
    expect(t.c.tryRecv()).toEqual(Some(10));
  });

  it("is stopped at the end of a using block", () => {
    const clock = new ManualClock();
    let escaped: Timer | undefined;
    {
      using t = new Timer(10, { clock });
      escaped = t;
    }
    clock.advance(10);
    expect(escaped.c.tryRecv()).toBe("would-block");
    expect(escaped.stop()).toBe(false);
  });

  it("keeps its invariants through arm, reset, stop and fire", async () => {
    const clock = new ManualClock();
    const t = new Timer(10, { clock });
    const core = coreOf(t.c);
    core.assertInvariants();
    const a = track(t.c.recv());
    core.assertInvariants();
    expect(core.isArmed).toBe(true);
    t.reset(20);
    core.assertInvariants();
    t.stop();
    core.assertInvariants();
    expect(core.isArmed).toBe(false);
    t.reset(1);
    clock.advance(1);
    core.assertInvariants();
    expect(core.isArmed).toBe(false);
    await settle();
    expect(a.value).toEqual(Some(1));
  });
});

describe("receives sharing one signal", () => {
  it("add one abort listener to the signal however many wait, and an abort rejects them all and disarms every timer", async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const pending = Array.from({ length: 50 }, () => after(1_000, { clock }).recv({ signal: controller.signal }));
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    expect(clock.pending).toBe(50);
    controller.abort("stop");
    const outcomes = await Promise.allSettled(pending);
    expect(outcomes.every((o) => o.status === "rejected" && o.reason === "stop")).toBe(true);
    expect(clock.pending).toBe(0);
  });
});
