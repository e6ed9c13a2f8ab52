/**
 * The parked-waiter inventory (`@csp-kit/channel/diagnostics`) on channels:
 * what is recorded, how it is named and printed, when an entry goes away, the
 * test helper, and the bounded memory of the lazy sweep. The model test
 * (channel.model.test.ts, "diagnostics on") checks the inventory against the
 * sequential model after every command.
 */

import { flush, track } from "@csp-kit/testkit/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  assertNoParked,
  DIAGNOSTICS,
  DiagnosticsOffError,
  diagnosticsEnabled,
  disableDiagnostics,
  dump,
  enableDiagnostics,
  formatParked,
  isDiagnosticsOffError,
  isParkedWaitersError,
  type ParkedWaiter,
  ParkedWaitersError,
  parkedWaiters,
  recordParked,
} from "../src/diagnostics.js";
import { Channel, InvalidOptionError } from "../src/index.js";
import { REGISTRY } from "../src/internal/parked.js";
import { portOf } from "../src/port.js";

afterEach(() => {
  disableDiagnostics();
});

/** `primitive: operation` of every parked waiter, oldest first. */
function inventory(): string[] {
  return parkedWaiters().map((w) => `${w.primitive}: ${w.operation}`);
}

describe("diagnostics off (the default)", () => {
  it("records nothing, and a check that could see nothing refuses to pass", () => {
    expect(diagnosticsEnabled()).toBe(false);
    const ch = new Channel<number>();
    void ch.recv();
    expect(parkedWaiters()).toEqual([]);
    expect(REGISTRY.entries).toHaveLength(0);
    expect(formatParked()).toMatch(/diagnostics are off: call enableDiagnostics\(\)/);
    expect(() => assertNoParked()).toThrow(DiagnosticsOffError);
    try {
      assertNoParked();
    } catch (error) {
      expect(isDiagnosticsOffError(error)).toBe(true);
      expect((error as Error).message).toMatch(/before the code under test runs/);
    }
  });
});

describe("diagnostics on", () => {
  beforeEach(() => {
    enableDiagnostics();
  });

  it("records each blocked send, recv, recvBatch and for-await step, named by the channel's kind and name", () => {
    const jobs = new Channel<number>(0, { name: "jobs" });
    const full = Channel.buffered<number>(1);
    full.trySend(1);
    const empty = Channel.resizable<number>(4);
    const inf = Channel.infinite<number>({ name: "log" });
    void jobs.send(1);
    void full.send(2);
    void empty.recv();
    void empty.recvBatch(10);
    void inf.values().next();
    expect(inventory()).toEqual([
      'Channel "jobs" unbuffered: send',
      "Channel buffered(1): send",
      "Channel buffered(4): recv",
      "Channel buffered(4): recvBatch",
      'Channel "log" infinite: values',
    ]);
    const [first, second, third] = parkedWaiters() as [ParkedWaiter, ParkedWaiter, ParkedWaiter];
    expect(first.target).toBe(portOf(jobs));
    expect([first.id, second.id, third.id]).toEqual([1, 2, 3]);
    expect(parkedWaiters()[3]?.id).toBe(3); // the same channel keeps its number
    expect(first.stack).toBeUndefined();
  });

  it("an operation that completes leaves the inventory in the same synchronous turn; so does an aborted one", () => {
    const ch = new Channel<number>();
    const controller = new AbortController();
    const a = track(ch.recv());
    const b = track(ch.recv({ signal: controller.signal }));
    void ch.recv();
    expect(parkedWaiters()).toHaveLength(3);
    expect(ch.trySend(1)).toBe("sent"); // completes a, whose reactions have not run yet
    expect(a.state).toBe("pending");
    expect(parkedWaiters()).toHaveLength(2);
    controller.abort("stop");
    expect(parkedWaiters()).toHaveLength(1);
    ch.close();
    expect(parkedWaiters()).toEqual([]);
    expect(b.state).toBe("pending");
  });

  it("since is when it parked and parkedFor grows; with { stacks: true } the stack starts at the caller", () => {
    enableDiagnostics({ stacks: true });
    const before = performance.now();
    const ch = new Channel<string>(0, { name: "handoff" });
    void ch.send("x");
    const after = performance.now();
    const [w] = parkedWaiters() as [ParkedWaiter];
    expect(w.since).toBeGreaterThanOrEqual(before);
    expect(w.since).toBeLessThanOrEqual(after);
    expect(w.parkedFor).toBeGreaterThanOrEqual(0);
    expect(w.stack?.split("\n")[0]).toMatch(/diagnostics\.test\.ts:\d+:\d+/);
    expect(w.stack).not.toMatch(/src[\\/]internal[\\/]core/);
  });

  it("dump prints and returns one line per waiter, oldest first, with its stack indented", () => {
    enableDiagnostics({ stacks: true });
    void new Channel<number>(0, { name: "a" }).recv();
    void Channel.buffered<number>(0).send(1);
    const printed: string[] = [];
    const text = dump((t) => printed.push(t));
    expect(printed).toEqual([text]);
    const lines = text.split("\n");
    expect(lines[0]).toBe("csp-kit: 2 operations parked (oldest first)");
    expect(lines[1]).toMatch(/^ {2}#1 Channel "a" unbuffered: recv, parked for \d+\.\d ms$/);
    expect(lines[2]).toMatch(/^ {6}at .*diagnostics\.test\.ts/);
    expect(lines.filter((l) => /^ {2}#/.test(l))[1]).toMatch(/^ {2}#2 Channel unbuffered: send, parked for/);
  });

  it("assertNoParked passes on an empty inventory and otherwise throws ParkedWaitersError listing the waiters", async () => {
    assertNoParked();
    const ch = new Channel<number>(0, { name: "stuck" });
    void ch.send(1);
    let error: unknown;
    try {
      assertNoParked();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParkedWaitersError);
    expect(isParkedWaitersError(error)).toBe(true);
    expect((error as ParkedWaitersError).waiters.map((w) => w.primitive)).toEqual(['Channel "stuck" unbuffered']);
    expect((error as Error).message).toMatch(/1 operation parked[\s\S]*Channel "stuck" unbuffered: send/);
    expect((error as Error).message).toMatch(/abort it through its \{ signal \}/);
    assertNoParked({ ignore: (w) => w.primitive.includes('"stuck"') });
    await ch.recv();
    assertNoParked();
  });

  it("disabling forgets everything, and ids start again from 1", () => {
    void new Channel<number>().recv();
    void new Channel<number>().recv();
    expect(parkedWaiters().map((w) => w.id)).toEqual([1, 2]);
    disableDiagnostics();
    expect(REGISTRY.entries).toHaveLength(0);
    enableDiagnostics();
    void new Channel<number>().recv();
    expect(parkedWaiters().map((w) => w.id)).toEqual([1]);
  });

  it("10,000 aborted waits leave the record list bounded by the sweep threshold, not by the churn (lazy sweep)", () => {
    const ch = new Channel<number>();
    const live = new AbortController();
    for (let i = 0; i < 10; i++) void ch.recv({ signal: live.signal }).catch(() => {});
    let most = 0;
    for (let i = 0; i < 10_000; i++) {
      const c = new AbortController();
      void ch.recv({ signal: c.signal }).catch(() => {});
      c.abort();
      most = Math.max(most, REGISTRY.entries.length);
    }
    expect(most).toBeLessThanOrEqual(64);
    expect(parkedWaiters()).toHaveLength(10);
    live.abort();
    expect(parkedWaiters()).toHaveLength(0);
  });

  it("recordParked is the hook for other primitives: a probe says when the operation stops waiting", () => {
    const probe = { done: false };
    const target = { kind: "custom" };
    recordParked(target, "Custom", "poll", probe);
    const flag = { waiting: true };
    recordParked(target, "Custom", "wait", flag, (f) => f.waiting);
    expect(inventory()).toEqual(["Custom: poll", "Custom: wait"]);
    probe.done = true;
    flag.waiting = false;
    expect(inventory()).toEqual([]);
    disableDiagnostics();
    recordParked(target, "Custom", "poll", { done: false }); // off: a no-op
    expect(REGISTRY.entries).toHaveLength(0);
  });

  it("the inventory is one per realm, shared by every copy of the package through a registered symbol", () => {
    expect((globalThis as Record<symbol, unknown>)[Symbol.for("@csp-kit/channel.diagnostics")]).toBe(REGISTRY);
    expect(DIAGNOSTICS).toBe(REGISTRY);
  });

  it("refuses a non-boolean stacks option and a non-string channel name", async () => {
    expect(() => enableDiagnostics({ stacks: "yes" as never })).toThrow(InvalidOptionError);
    expect(() => new Channel<number>(0, { name: 7 as never })).toThrow(/name must be a string/);
    expect(() => Channel.ring<number>(2, { name: null as never })).toThrow(InvalidOptionError);
    // A refused resizable channel leaves nothing behind for the next construction.
    expect(() => Channel.resizable<number>(3, { name: 1 as never })).toThrow(InvalidOptionError);
    expect(new Channel<number>().kind).toBe("unbuffered");
    await flush();
  });
});
