import type { Receiver } from "@csp-kit/channel";
import { describe, expect, it } from "vitest";
import { SharedEventLog } from "./event-log.js";
import { type ReaderEvent, ReaderThread } from "./stop-flag.js";

/** A short slice keeps the tests quick; nothing below depends on its exact length. */
const READ_SLICE = 20;
/** Liveness only: a join that takes longer than this means the stop was not noticed. */
const JOIN_BOUND_MS = 5_000;

/** Receives reader events until one satisfies `done`; returns everything received. */
async function until(events: Receiver<ReaderEvent>, done: (e: ReaderEvent) => boolean): Promise<ReaderEvent[]> {
  const seen: ReaderEvent[] = [];
  for await (const e of events) {
    seen.push(e);
    if (done(e)) return seen;
  }
  throw new Error("the reader exited before the expected report");
}

/** The reader has applied everything before `position` and is about to block on it. */
const caughtUpAt = (position: number) => (e: ReaderEvent) => e.kind === "caught-up" && e.position === position;

describe("the shared event log", () => {
  it("returns a published event at once, and reports a timed-out read when nothing arrives in time", () => {
    const log = new SharedEventLog(4);
    expect(log.readSync(0, 0)).toBe("timed-out");
    expect(log.append(7)).toBe(0);
    expect(log.readSync(0, 0)).toBe(7);
    expect(log.readSync(1, 0)).toBe("timed-out");
  });

  it("is the same log on every binding of its buffer", () => {
    const log = new SharedEventLog(4);
    const other = SharedEventLog.from(log.buffer);
    log.append(-3);
    expect(other.length).toBe(1);
    expect(other.readSync(0, 0)).toBe(-3);
  });

  it("rejects an event that is not an int32, and an append to a full log", () => {
    const log = new SharedEventLog(1);
    expect(() => log.append(2 ** 31)).toThrow(RangeError);
    expect(() => log.append(1.5)).toThrow(RangeError);
    log.append(1);
    expect(() => log.append(2)).toThrow(/full/);
    expect(log.length).toBe(1);
  });
});

describe("a stop flag shared with a reader thread", () => {
  it("lets the reader apply every event in order while the flag is up, then stop and report where it stopped", async () => {
    const log = new SharedEventLog(16);
    const reader = ReaderThread.start(log, { readSlice: READ_SLICE });
    for (const amount of [100, -30, 5]) log.append(amount);
    const seen = await until(reader.events, caughtUpAt(3));
    const applied = seen.filter((e) => e.kind === "applied");
    expect(applied).toEqual([
      { kind: "applied", position: 0, event: 100, state: 100 },
      { kind: "applied", position: 1, event: -30, state: 70 },
      { kind: "applied", position: 2, event: 5, state: 75 },
    ]);
    expect(reader.running).toBe(true);
    reader.stop();
    expect(reader.running).toBe(false);
    const report = await reader.join();
    expect(report.position).toBe(3);
    expect(reader.events.closed).toBe(true);
  });

  it("makes a reader blocked on an idle log exit within a read slice of the stop, and lets the main thread join it", async () => {
    const log = new SharedEventLog(16);
    const reader = ReaderThread.start(log, { readSlice: READ_SLICE });
    await until(reader.events, caughtUpAt(0)); // up, flag checked, and blocking in reads that find nothing
    const stoppedAt = performance.now();
    reader.stop();
    const report = await reader.join();
    expect(performance.now() - stoppedAt).toBeLessThan(JOIN_BOUND_MS);
    expect(report.position).toBe(0);
  });

  it("never applies an event read after the stop: the flag is checked again when a read returns", async () => {
    const log = new SharedEventLog(16);
    // A slice far longer than the test: the read below ends because an event arrives, never by timing out.
    const reader = ReaderThread.start(log, { readSlice: 60_000 });
    log.append(1);
    await until(reader.events, caughtUpAt(1)); // #0 applied; flag checked; about to block on #1
    reader.stop();
    log.append(2); // wakes the blocked read, which returns this event — after the flag went down
    const report = await reader.join();
    expect(report.position).toBe(1);
    const after: ReaderEvent[] = [];
    for await (const e of reader.events) after.push(e);
    expect(after.filter((e) => e.kind === "applied")).toEqual([]);
  });
});
