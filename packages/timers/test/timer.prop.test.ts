/**
 * Properties of timers and tickers on a ManualClock:
 * - random advance / reset / stop sequences fire exactly when a sequential
 *   model says, with the values it says, and `stop` / `reset` report what it says;
 * - a ticker's drop rule equals Go's eager "buffer of one, drop when full"
 *   ticker, computed independently;
 * - races between a receive's abort, the timer firing, a reset and a competing
 *   channel (fc.scheduler) never lose or duplicate a value, and leave no
 *   clock callback behind.
 */

import { Channel, Some } from "@csp-kit/channel";
import { portOf } from "@csp-kit/channel/port";
import { recv, select } from "@csp-kit/select";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Ticker, Timer } from "../src/index.js";
import { ManualClock, settle } from "../src/testing.js";
import { coreOf, type Delivery, RecordingWaiter } from "./support/track.js";

// ---------------------------------------------------------------------------
// 1. Random control sequences vs a model, with a receiver always waiting
// ---------------------------------------------------------------------------

type Op = { kind: "advance"; ms: number } | { kind: "reset"; ms: number } | { kind: "stop" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 60 }).map((ms) => ({ kind: "advance" as const, ms })) },
  { weight: 2, arbitrary: fc.integer({ min: -10, max: 60 }).map((ms) => ({ kind: "reset" as const, ms })) },
  { weight: 1, arbitrary: fc.constant({ kind: "stop" as const }) },
);

/** First tick of the grid `due + k·period` strictly after `now`. */
function gridAfter(due: number, period: number, now: number): number {
  return due + period * (Math.floor((now - due) / period) + 1);
}

/** Go's timer, sequentially, for one receiver that receives again as soon as it got a value. */
class AlwaysWaitingModel {
  now = 0;
  when: number | undefined;
  waiting = false;
  readonly deliveries: Delivery[] = [];
  constructor(
    first: number,
    public period: number,
  ) {
    this.when = Math.max(0, first);
    this.receiveAgain();
  }
  /** The receiver (re)starts: takes a due tick at once, else waits. */
  receiveAgain(): void {
    while (!this.waiting) {
      const when = this.when;
      if (when !== undefined && this.now >= when) {
        this.deliveries.push({ value: when, ok: true, at: this.now });
        this.when = this.period === 0 ? undefined : gridAfter(when, this.period, this.now);
      } else {
        this.waiting = true;
      }
    }
  }
  advance(ms: number): void {
    const target = this.now + ms;
    const when = this.when;
    if (this.waiting && when !== undefined && when <= target) {
      this.deliveries.push({ value: when, ok: true, at: when });
      this.waiting = false;
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

describe("a timer under random advance / reset / stop with a receiver always waiting", () => {
  for (const kind of ["timer", "ticker"] as const) {
    it(`${kind}: fires when the model says, with the due time, and stop/reset report what the model says`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: kind === "ticker" ? 1 : -5, max: 40 }),
          fc.array(opArb, { maxLength: 40 }),
          (first, ops) => {
            const clock = new ManualClock();
            const period = kind === "ticker" ? first : 0;
            const control = kind === "ticker" ? new Ticker(first, { clock }) : new Timer(first, { clock });
            const core = coreOf(control.c);
            const port = portOf(control.c);
            const model = new AlwaysWaitingModel(first, period);
            const got: Delivery[] = [];
            let waiter: RecordingWaiter | undefined;
            const receiveAgain = () => {
              while (waiter === undefined || waiter.done) {
                waiter = new RecordingWaiter(got, () => clock.now());
                if (port.pollRecv(waiter)) continue;
                port.enqueueRecv(waiter);
              }
            };
            receiveAgain();
            for (const op of ops) {
              if (op.kind === "advance") {
                clock.advance(op.ms);
                model.advance(op.ms);
              } else if (op.kind === "stop") {
                const active = control.stop();
                const expected = model.stop();
                if (control instanceof Timer) expect(active).toBe(expected);
              } else if (control instanceof Timer) {
                expect(control.reset(op.ms)).toBe(model.reset(op.ms));
              } else if (op.ms > 0) {
                control.reset(op.ms);
                model.reset(op.ms);
              }
              receiveAgain();
              model.receiveAgain();
              core.assertInvariants();
              expect(clock.pending).toBe(core.isArmed ? 1 : 0);
              expect(got).toEqual(model.deliveries);
            }
          },
        ),
        { numRuns: 300 },
      );
    });
  }
});

// ---------------------------------------------------------------------------
// 2. Ticker drops vs Go's eager ticker (a buffer of one, a tick dropped when full)
// ---------------------------------------------------------------------------

type ReaderOp = { kind: "advance"; ms: number } | { kind: "tryRecv" } | { kind: "recv" };

const readerOpArb: fc.Arbitrary<ReaderOp> = fc.oneof(
  fc.integer({ min: 0, max: 50 }).map((ms) => ({ kind: "advance" as const, ms })),
  fc.constant({ kind: "tryRecv" as const }),
  fc.constant({ kind: "recv" as const }),
);

/** Go's pre-1.23 ticker, eagerly: every grid tick fires; a waiting reader gets it, else a 1-slot buffer, else dropped. */
class EagerTicker {
  now = 0;
  next: number;
  buffer: number | undefined = undefined;
  waiting = false;
  readonly got: Delivery[] = [];
  dropped = 0;
  constructor(readonly period: number) {
    this.next = period;
  }
  advance(ms: number): void {
    const target = this.now + ms;
    while (this.next <= target) {
      const tick = this.next;
      if (this.waiting) {
        this.waiting = false;
        this.got.push({ value: tick, ok: true, at: tick });
      } else if (this.buffer === undefined) this.buffer = tick;
      else this.dropped++;
      this.next += this.period;
    }
    this.now = target;
  }
  /** A non-blocking receive: "would-block" or the buffered tick. */
  tryRecv(): number | "would-block" {
    if (this.buffer === undefined) return "would-block";
    const v = this.buffer;
    this.buffer = undefined;
    return v;
  }
  /** A blocking receive starts: takes the buffered tick, or waits for the next one. */
  recv(): void {
    const v = this.tryRecv();
    if (v === "would-block") this.waiting = true;
    else this.got.push({ value: v, ok: true, at: this.now });
  }
}

describe("a ticker with a slow or absent reader", () => {
  it("delivers exactly what Go's eager buffer-of-one ticker delivers: at most one pending tick, the rest dropped", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(readerOpArb, { maxLength: 60 }), (period, ops) => {
        const clock = new ManualClock();
        const ticker = new Ticker(period, { clock });
        const port = portOf(ticker.c);
        const eager = new EagerTicker(period);
        const got: Delivery[] = [];
        let waiter: RecordingWaiter | undefined;
        for (const op of ops) {
          if (op.kind === "advance") {
            clock.advance(op.ms);
            eager.advance(op.ms);
          } else if (op.kind === "tryRecv") {
            const r = ticker.c.tryRecv();
            expect(r === "would-block" ? r : r.unwrap()).toBe(eager.tryRecv());
          } else if (waiter === undefined || waiter.done) {
            waiter = new RecordingWaiter(got, () => clock.now());
            if (!port.pollRecv(waiter)) port.enqueueRecv(waiter);
            eager.recv();
          }
          expect(got).toEqual(eager.got);
          coreOf(ticker.c).assertInvariants();
        }
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------
// 3. Races (fc.scheduler): abort vs fire vs reset vs a competing channel
// ---------------------------------------------------------------------------

describe("under arbitrary interleavings of a receive's abort, the timer firing and a reset", () => {
  it("a receive either gets the value or rejects with the reason; an aborted receive leaves the value in place", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 0, max: 20 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        async (s, delay, abortable, withReset) => {
          const clock = new ManualClock();
          const timer = new Timer(delay, { clock });
          const outcomes: ("value" | "aborted" | "pending")[] = abortable.map(() => "pending");
          const reasons = abortable.map((_, i) => new Error(`abort ${i}`));
          abortable.forEach((canAbort, i) => {
            const controller = new AbortController();
            const onValue = (r: unknown) => {
              expect(r).toEqual(Some(expect.any(Number)));
              outcomes[i] = "value";
            };
            const onAbort = (reason: unknown) => {
              expect(reason).toBe(reasons[i]);
              outcomes[i] = "aborted";
            };
            void s
              .schedule(Promise.resolve(), `receive ${i}`)
              .then(() => timer.c.recv({ signal: controller.signal }).then(onValue, onAbort));
            if (canAbort) void s.schedule(Promise.resolve(), `abort ${i}`).then(() => controller.abort(reasons[i]));
          });
          void s.schedule(Promise.resolve(), "fire").then(() => clock.advance(delay));
          if (withReset) void s.schedule(Promise.resolve(), "reset").then(() => timer.reset(delay));
          await s.waitAll();
          await settle();
          const core = coreOf(timer.c);
          core.assertInvariants();
          expect(clock.pending).toBe(core.isArmed ? 1 : 0);
          // Let the clock run out, then count where the value went: to one receiver, or still receivable.
          clock.advance(delay);
          await settle();
          const values = outcomes.filter((o) => o === "value").length;
          const stillWaiting = outcomes.filter((o) => o === "pending").length;
          const leftover = timer.c.tryRecv() === "would-block" ? 0 : 1;
          if (withReset) {
            // A reset starts the timer again: at most one value per start, none twice.
            expect(values + leftover).toBeGreaterThanOrEqual(1);
            expect(values + leftover).toBeLessThanOrEqual(2);
          } else {
            expect(values + leftover).toBe(1);
          }
          if (stillWaiting > 0) expect(leftover).toBe(0);
          expect(clock.pending).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("a select of a timer and a channel takes exactly one of them; the other keeps its value", async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 0, max: 10 }), fc.boolean(), async (s, delay, abort) => {
        const clock = new ManualClock();
        const timer = new Timer(delay, { clock });
        const ch = Channel.buffered<string>(1);
        const controller = new AbortController();
        const reason = new Error("stop");
        let outcome = "pending" as "timer" | "msg" | "aborted" | "pending";
        s.schedule(Promise.resolve(), "select")
          .then(() => select({ t: recv(timer.c), msg: recv(ch) }, { signal: controller.signal }))
          .then(
            (r) => {
              outcome = r.case === "t" ? "timer" : "msg";
            },
            (error: unknown) => {
              expect(error).toBe(reason);
              outcome = "aborted";
            },
          );
        void s.schedule(Promise.resolve(), "send").then(() => ch.trySend("m"));
        void s.schedule(Promise.resolve(), "fire").then(() => clock.advance(delay));
        if (abort) void s.schedule(Promise.resolve(), "abort").then(() => controller.abort(reason));
        await s.waitAll();
        await settle();
        expect(outcome).not.toBe("pending");
        const timerLeft = timer.c.tryRecv() !== "would-block";
        const msgLeft = ch.tryRecv() !== "would-block";
        // Exactly one thing was taken by the select, or nothing when it was aborted.
        expect([outcome === "timer", timerLeft].filter(Boolean).length).toBe(1);
        expect([outcome === "msg", msgLeft].filter(Boolean).length).toBe(1);
        expect(clock.pending).toBe(0);
        coreOf(timer.c).assertInvariants();
      }),
      { numRuns: 200 },
    );
  });
});
