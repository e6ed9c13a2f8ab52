/**
 * Model-based test: random sequences of run-success, run-failure, slow calls
 * that finish later, and clock advances, run against a real CircuitBreaker on
 * a ManualClock and against a small model written the way Go's breaker.go
 * works — an eager timer that turns open into half-open, and an error count
 * that is reset only when the next error arrives more than `timeout` after the
 * last one. After every command the observable outcome (value, error, or
 * BreakerOpenError with its halfOpenAt), the state, and the breaker's
 * invariants are checked.
 */

import { ManualClock } from "@csp-kit/timers/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type BreakerState, CircuitBreaker, isBreakerOpenError } from "../src/index.js";

type Kind = BreakerState["kind"];

class BreakerModel {
  now = 0;
  kind: Kind = "closed";
  errors = 0;
  successes = 0;
  lastError = 0;
  /** When the timer started by the last opening fires (Go's `go b.timer()`). */
  timerAt = 0;
  /** Slow calls started and not finished (bookkeeping for the commands, not Go state). */
  slow = 0;
  constructor(
    readonly errorThreshold: number,
    readonly successThreshold: number,
    readonly timeout: number,
  ) {}

  advance(ms: number): void {
    this.now += ms;
    this.fireTimer();
  }
  /** Go's timer goroutine: once its time has come, the breaker is half-open (a 0 timeout fires at once). */
  private fireTimer(): void {
    if (this.kind === "open" && this.now >= this.timerAt) this.change("half-open");
  }
  private change(kind: Kind): void {
    this.errors = 0;
    this.successes = 0;
    this.kind = kind;
    if (kind === "open") this.timerAt = this.now + this.timeout;
  }
  /** Go's processResult. */
  result(ok: boolean): void {
    if (ok) {
      if (this.kind === "half-open" && ++this.successes === this.successThreshold) this.change("closed");
      return;
    }
    if (this.errors > 0 && this.now > this.lastError + this.timeout) this.errors = 0;
    if (this.kind === "closed") {
      if (++this.errors === this.errorThreshold) this.change("open");
      else this.lastError = this.now;
    } else if (this.kind === "half-open") {
      this.change("open");
    }
    this.fireTimer();
  }
  /** The state as the breaker reports it: errors older than `timeout` already forgotten. */
  view(): BreakerState {
    switch (this.kind) {
      case "open":
        return { kind: "open", openedAt: this.timerAt - this.timeout, halfOpenAt: this.timerAt };
      case "half-open":
        return { kind: "half-open", successes: this.successes };
      case "closed": {
        const live = this.errors > 0 && !(this.now > this.lastError + this.timeout);
        return live
          ? { kind: "closed", errors: this.errors, lastErrorAt: this.lastError }
          : { kind: "closed", errors: 0, lastErrorAt: undefined };
      }
    }
  }
}

interface Real {
  readonly clock: ManualClock;
  readonly breaker: CircuitBreaker;
  /** Slow calls in flight, oldest first: how to finish each. */
  readonly slow: ((ok: boolean) => Promise<unknown>)[];
}

type Cmd = fc.AsyncCommand<BreakerModel, Real>;

function check(m: BreakerModel, r: Real): void {
  expect(r.breaker.state).toEqual(m.view());
  r.breaker.assertInvariants();
}

/** Runs a call on the real breaker and on the model; `ok` decides its outcome. */
class Run implements Cmd {
  constructor(
    readonly ok: boolean,
    readonly sync: boolean,
  ) {}
  check(): boolean {
    return true;
  }
  async run(m: BreakerModel, r: Real): Promise<void> {
    let called = false;
    const fn = () => {
      called = true;
      if (this.sync) {
        if (this.ok) return "value";
        throw new Error("failure");
      }
      return this.ok ? Promise.resolve("value") : Promise.reject(new Error("failure"));
    };
    const outcome = await r.breaker.run(fn).then(
      (v) => ({ ok: true as const, v }),
      (e: unknown) => ({ ok: false as const, e }),
    );
    if (m.kind === "open") {
      expect(called).toBe(false);
      expect(outcome.ok).toBe(false);
      expect(isBreakerOpenError(!outcome.ok && outcome.e)).toBe(true);
      expect(!outcome.ok && outcome.e).toMatchObject({ halfOpenAt: m.timerAt, retryAfter: m.timerAt - m.now });
    } else {
      expect(called).toBe(true);
      m.result(this.ok);
      expect(outcome).toEqual(this.ok ? { ok: true, v: "value" } : { ok: false, e: new Error("failure") });
    }
    check(m, r);
  }
  toString(): string {
    return `run(${this.ok ? "ok" : "fail"}${this.sync ? ", sync" : ""})`;
  }
}

/** Starts a call that finishes only when a later FinishSlow says so. */
class StartSlow implements Cmd {
  check(m: BreakerModel): boolean {
    return m.kind !== "open";
  }
  async run(m: BreakerModel, r: Real): Promise<void> {
    let settle!: (ok: boolean) => void;
    const p = r.breaker.run(
      () =>
        new Promise<string>((resolve, reject) => {
          settle = (ok) => (ok ? resolve("slow") : reject(new Error("slow failure")));
        }),
    );
    m.slow++;
    r.slow.push(async (ok) => {
      settle(ok);
      return p.then(
        (v) => v,
        (e: unknown) => e,
      );
    });
    // Starting counts nothing.
    check(m, r);
  }
  toString(): string {
    return "startSlow";
  }
}

/** Finishes the oldest slow call; its result counts against the state now (Go's rule). */
class FinishSlow implements Cmd {
  constructor(readonly ok: boolean) {}
  check(m: BreakerModel): boolean {
    return m.slow > 0;
  }
  async run(m: BreakerModel, r: Real): Promise<void> {
    const finish = r.slow.shift();
    if (finish === undefined) throw new Error("model and real disagree on slow calls in flight");
    m.slow--;
    const got = await finish(this.ok);
    m.result(this.ok);
    expect(got).toEqual(this.ok ? "slow" : new Error("slow failure"));
    check(m, r);
  }
  toString(): string {
    return `finishSlow(${this.ok ? "ok" : "fail"})`;
  }
}

class Advance implements Cmd {
  constructor(readonly ms: number) {}
  check(): boolean {
    return true;
  }
  async run(m: BreakerModel, r: Real): Promise<void> {
    r.clock.advance(this.ms);
    m.advance(this.ms);
    check(m, r);
  }
  toString(): string {
    return `advance(${this.ms})`;
  }
}

const commands = fc.commands(
  [
    fc.tuple(fc.boolean(), fc.boolean()).map(([ok, sync]) => new Run(ok, sync)),
    fc.constant(new StartSlow()),
    fc.boolean().map((ok) => new FinishSlow(ok)),
    fc.integer({ min: 0, max: 120 }).map((ms) => new Advance(ms)),
  ],
  { maxCommands: 60 },
);

describe("CircuitBreaker against a model of Go's breaker", () => {
  it("agrees on every outcome and state after every command", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 100 }),
        commands,
        async (errorThreshold, successThreshold, timeout, cmds) => {
          const clock = new ManualClock();
          const breaker = new CircuitBreaker({ errorThreshold, successThreshold, timeout, clock });
          const real: Real = { clock, breaker, slow: [] };
          await fc.asyncModelRun(
            () => ({ model: new BreakerModel(errorThreshold, successThreshold, timeout), real }),
            cmds,
          );
          expect(clock.totalScheduled).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
