/**
 * Timers as `select` cases: lazy arming seen from a select. The figures of the
 * leak issue, in process: a select that loses to a ready channel never arms a
 * timer, and a select that waited and lost clears the one it armed.
 */

import { Channel, Some } from "@csp-kit/channel";
import type { HasPort } from "@csp-kit/channel/port";
import { recv, type SendTarget, select, send, trySelect } from "@csp-kit/select";
import { track } from "@csp-kit/testkit/core";
import { describe, expect, it } from "vitest";
import { after, ReceiveOnlyError, Timer } from "../src/index.js";
import { ManualClock, settle } from "../src/testing.js";
import { coreOf } from "./support/track.js";

const HOUR = 3_600_000;
const N = 100_000;

describe("a timer in a select", () => {
  it(`never arms a timer in ${N.toLocaleString("en")} trySelects that lose to a ready channel`, () => {
    const clock = new ManualClock();
    const ready = Channel.buffered<number>(1);
    let readyWins = 0;
    for (let i = 0; i < N; i++) {
      ready.trySend(i);
      const r = trySelect({ ready: recv(ready), timeout: recv(after(HOUR, { clock })) });
      if (r?.case === "ready") readyWins++;
    }
    expect(readyWins).toBe(N);
    expect(clock.totalScheduled).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it(`never arms a timer in ${N.toLocaleString("en")} selects that lose to a ready channel`, async () => {
    const clock = new ManualClock();
    const ready = Channel.buffered<number>(1);
    let sum = 0;
    for (let i = 0; i < N; i++) {
      ready.trySend(i);
      const r = await select({ ready: recv(ready), timeout: recv(after(HOUR, { clock })) });
      if (r.case === "ready" && r.value.isSome()) sum += r.value.value;
    }
    expect(sum).toBe((N * (N - 1)) / 2);
    expect(clock.totalScheduled).toBe(0);
  });

  it("arms one timer while a select waits, and clears it when another case wins", async () => {
    const clock = new ManualClock();
    const ch = new Channel<string>();
    const t = after(HOUR, { clock });
    const r = track(select({ msg: recv(ch), timeout: recv(t) }));
    expect(clock.pending).toBe(1);
    expect(coreOf(t).isArmed).toBe(true);
    await ch.send("hi");
    await settle();
    expect(r.value).toEqual({ case: "msg", value: Some("hi") });
    expect(clock.pending).toBe(0);
    expect(coreOf(t).isArmed).toBe(false);
    coreOf(t).assertInvariants();
  });

  it("wins the select when the clock reaches its deadline, and the other case takes nothing", async () => {
    const clock = new ManualClock();
    const ch = Channel.buffered<string>(1);
    const r = track(select({ msg: recv(ch), timeout: recv(after(1_000, { clock })) }));
    clock.advance(1_000);
    await settle();
    expect(r.value).toEqual({ case: "timeout", value: Some(1_000) });
    ch.trySend("kept");
    expect(ch.tryRecv()).toEqual(Some("kept"));
  });

  it("clears the armed timer when the select is aborted", async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const r = track(
      select({ a: recv(new Channel<number>()), t: recv(after(HOUR, { clock })) }, { signal: controller.signal }),
    );
    expect(clock.pending).toBe(1);
    controller.abort();
    await settle();
    expect(r.state).toBe("rejected");
    expect(clock.pending).toBe(0);
  });

  it("delivers a timer's value once when two cases of one select wait on it", async () => {
    const clock = new ManualClock();
    const t = new Timer(10, { clock });
    const r = track(select({ first: recv(t.c), second: recv(t.c) }));
    clock.advance(10);
    await settle();
    expect(r.state).toBe("fulfilled");
    expect(r.value?.value).toEqual(Some(10));
    expect(clock.pending).toBe(0);
    expect(t.c.tryRecv()).toBe("would-block");
    coreOf(t.c).assertInvariants();
  });

  it("re-arms nothing when a select loop resets its flush timer every round", async () => {
    const clock = new ManualClock();
    const input = Channel.buffered<number>(8);
    const flush = new Timer(100, { clock });
    const batches: number[][] = [];
    let batch: number[] = [];
    for (let i = 0; i < 5; i++) input.trySend(i);
    for (let round = 0; round < 5; round++) {
      const r = await select({ msg: recv(input), flush: recv(flush.c) }, { priority: true });
      if (r.case === "msg" && r.value.isSome()) batch.push(r.value.value);
    }
    expect(clock.totalScheduled).toBe(0);
    const waiting = track(select({ msg: recv(input), flush: recv(flush.c) }));
    expect(clock.pending).toBe(1);
    clock.advance(100);
    await settle();
    if (waiting.value?.case === "flush") {
      batches.push(batch);
      batch = [];
      flush.reset(100);
    }
    expect(batches).toEqual([[0, 1, 2, 3, 4]]);
    expect(clock.pending).toBe(0);
  });

  it("refuses a send case built on a timer channel with ReceiveOnlyError", () => {
    const clock = new ManualClock();
    // The types forbid this (a timer channel is not a SendTarget); code that casts
    // around them is still refused loudly at run time.
    const target = after(HOUR, { clock }) as HasPort<number> as SendTarget<number>;
    expect(() => trySelect({ s: send(target, 1) })).toThrow(ReceiveOnlyError);
  });
});
