/**
 * Model-based tests: random command sequences run against a real Timer or
 * Ticker on a ManualClock and against a small sequential model of Go 1.23's
 * timer rules. After every command the microtask queue is flushed and
 * everything observable is compared — try-receive results, which receives
 * settled and with what, stop/reset results, the number of queued receivers,
 * the clock callbacks armed — and the engine's `assertInvariants()` runs.
 *
 * The model is deliberately naive: a deadline, a period, and a FIFO array of
 * waiting receive ids; the clock callback is modelled as "while receivers wait
 * and the deadline is within the advance, the oldest one gets the tick".
 */

import { Some } from "@csp-kit/channel";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Ticker, Timer } from "../src/index.js";
import type { TimerCore } from "../src/internal/timer-core.js";
import { ManualClock, settle } from "../src/testing.js";
import { coreOf } from "./support/track.js";

// ---------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------

type Outcome =
  | { readonly state: "pending" }
  | { readonly state: "received"; readonly value: number }
  | { readonly state: "aborted" };

const PENDING: Outcome = { state: "pending" };

class TimerModel {
  now = 0;
  /** Deadline of the next tick; undefined when stopped or (one-shot) delivered. */
  when: number | undefined;
  /** 0 for a one-shot timer. */
  period: number;
  /** Ids of waiting receives, oldest first. */
  waitq: number[] = [];
  readonly outcomes: Outcome[] = [];
  constructor(first: number, period: number) {
    this.when = Math.max(0, first);
    this.period = period;
  }
  /** Takes the due tick at `now` (the poll path). Precondition: due and nobody waiting. */
  private take(): number {
    const due = this.when as number;
    this.when = this.period === 0 ? undefined : due + this.period * (Math.floor((this.now - due) / this.period) + 1);
    return due;
  }
  private due(): boolean {
    return this.waitq.length === 0 && this.when !== undefined && this.now >= this.when;
  }
  tryRecv(): number | "would-block" {
    return this.due() ? this.take() : "would-block";
  }
  recv(): number {
    const id = this.outcomes.length;
    if (this.due()) this.outcomes.push({ state: "received", value: this.take() });
    else {
      this.outcomes.push(PENDING);
      this.waitq.push(id);
    }
    return id;
  }
  abort(id: number): void {
    if (this.outcomes[id]?.state !== "pending") return;
    this.outcomes[id] = { state: "aborted" };
    this.waitq = this.waitq.filter((w) => w !== id);
  }
  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      const when = this.when;
      const id = this.waitq[0];
      if (id === undefined || when === undefined || when > target) break;
      this.waitq.shift();
      this.now = Math.max(this.now, when);
      this.outcomes[id] = { state: "received", value: when };
      this.when = this.period === 0 ? undefined : when + this.period;
    }
    this.now = target;
  }
  stop(): boolean {
    const active = this.when !== undefined;
    this.when = undefined;
    return active;
  }
  reset(ms: number): boolean {
    const active = this.when !== undefined;
    if (this.period !== 0) this.period = ms;
    this.when = this.now + Math.max(0, ms);
    return active;
  }
}

// ---------------------------------------------------------------------------
// The real side
// ---------------------------------------------------------------------------

interface RealOp {
  outcome: Outcome;
  readonly controller: AbortController;
}

interface Real {
  readonly clock: ManualClock;
  readonly control: Timer | Ticker;
  readonly core: TimerCore;
  readonly ops: RealOp[];
}

/** Flushes reactions, then compares everything observable and checks invariants. */
async function settleAndCompare(m: TimerModel, r: Real): Promise<void> {
  await settle();
  expect(r.ops.map((op) => op.outcome)).toEqual(m.outcomes);
  expect(r.core.waiting).toBe(m.waitq.length);
  r.core.assertInvariants();
  // Lazy arming, observably: a clock callback exists iff receivers wait on a running timer.
  expect(r.clock.pending).toBe(m.waitq.length > 0 && m.when !== undefined ? 1 : 0);
  if (r.clock.pending === 1) expect(r.clock.nextDeadline).toBe(m.when);
  expect(r.clock.now()).toBe(m.now);
}

type Cmd = fc.AsyncCommand<TimerModel, Real>;

class Advance implements Cmd {
  constructor(readonly ms: number) {}
  check(): boolean {
    return true;
  }
  async run(m: TimerModel, r: Real): Promise<void> {
    r.clock.advance(this.ms);
    m.advance(this.ms);
    await settleAndCompare(m, r);
  }
  toString(): string {
    return `advance(${this.ms})`;
  }
}

class TryRecv implements Cmd {
  check(): boolean {
    return true;
  }
  async run(m: TimerModel, r: Real): Promise<void> {
    const got = r.control.c.tryRecv();
    const expected = m.tryRecv();
    expect(got).toEqual(expected === "would-block" ? expected : Some(expected));
    await settleAndCompare(m, r);
  }
  toString(): string {
    return "tryRecv";
  }
}

class Recv implements Cmd {
  check(): boolean {
    return true;
  }
  async run(m: TimerModel, r: Real): Promise<void> {
    const controller = new AbortController();
    const op: RealOp = { outcome: PENDING, controller };
    r.ops.push(op);
    r.control.c.recv({ signal: controller.signal }).then(
      (v) => {
        op.outcome = { state: "received", value: v.unwrap() };
      },
      () => {
        op.outcome = { state: "aborted" };
      },
    );
    m.recv();
    await settleAndCompare(m, r);
  }
  toString(): string {
    return "recv";
  }
}

class Abort implements Cmd {
  constructor(readonly pick: number) {}
  check(m: Readonly<TimerModel>): boolean {
    return m.outcomes.length > 0;
  }
  async run(m: TimerModel, r: Real): Promise<void> {
    const id = this.pick % r.ops.length;
    r.ops[id]?.controller.abort();
    m.abort(id);
    await settleAndCompare(m, r);
  }
  toString(): string {
    return `abort(#${this.pick})`;
  }
}

class Stop implements Cmd {
  check(): boolean {
    return true;
  }
  async run(m: TimerModel, r: Real): Promise<void> {
    const active = r.control.stop();
    const expected = m.stop();
    if (r.control instanceof Timer) expect(active).toBe(expected);
    await settleAndCompare(m, r);
  }
  toString(): string {
    return "stop";
  }
}

class Reset implements Cmd {
  constructor(readonly ms: number) {}
  check(m: Readonly<TimerModel>): boolean {
    return m.period === 0 || this.ms > 0;
  }
  async run(m: TimerModel, r: Real): Promise<void> {
    const control = r.control;
    if (control instanceof Timer) expect(control.reset(this.ms)).toBe(m.reset(this.ms));
    else {
      control.reset(this.ms);
      m.reset(this.ms);
    }
    await settleAndCompare(m, r);
  }
  toString(): string {
    return `reset(${this.ms})`;
  }
}

const commandArbs = [
  fc.integer({ min: 0, max: 40 }).map((ms) => new Advance(ms)),
  fc.integer({ min: 0, max: 40 }).map((ms) => new Advance(ms)),
  fc.constant(new TryRecv()),
  fc.constant(new Recv()),
  fc.constant(new Recv()),
  fc.nat().map((pick) => new Abort(pick)),
  fc.constant(new Stop()),
  fc.integer({ min: -5, max: 40 }).map((ms) => new Reset(ms)),
];

function runModel(kind: "timer" | "ticker"): Promise<void> {
  return fc.assert(
    fc.asyncProperty(
      fc.integer({ min: kind === "ticker" ? 1 : -5, max: 30 }),
      fc.commands(commandArbs, { maxCommands: 30 }),
      async (first, cmds) => {
        const setup = () => {
          const clock = new ManualClock();
          const control = kind === "ticker" ? new Ticker(first, { clock }) : new Timer(first, { clock });
          return {
            model: new TimerModel(first, kind === "ticker" ? first : 0),
            real: { clock, control, core: coreOf(control.c), ops: [] as RealOp[] },
          };
        };
        await fc.asyncModelRun(setup, cmds);
      },
    ),
    { numRuns: 80 },
  );
}

describe("a timer behaves as the sequential Go 1.23 model after every command", () => {
  it("Timer: advance, recv, tryRecv, abort, stop and reset match the model step by step", async () => {
    await runModel("timer");
  });

  it("Ticker: advance, recv, tryRecv, abort, stop and reset match the model step by step", async () => {
    await runModel("ticker");
  });
});
