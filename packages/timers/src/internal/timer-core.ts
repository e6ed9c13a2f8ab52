/**
 * The timer engine behind `after()`, `Timer`, `Ticker` and `sleep()`: a
 * receive-only port whose value becomes available at a deadline, with Go 1.23's
 * timer rules and LAZY ARMING.
 *
 * Map of this file:
 *   1. the state machine (below) and the invariants
 *   2. TimerCore — the port protocol (poll / enqueue / cancel), the clock
 *      callback (`fire`), the controls (`stop` / `reset`), arming helpers
 *
 * ## State
 *
 * The deadline is fixed when the timer is created (`clock.now() + ms`); a tick
 * is *available* when `when !== undefined && clock.now() >= when`. Receiving an
 * available tick delivers `when` (the time it was due, as Go delivers the
 * scheduled time) and moves the deadline:
 *
 * ```
 *  one-shot (period 0):
 *      Pending(when) ──deliver──► Idle ◄──stop()── Pending(when)
 *          ▲                        │
 *          └───── reset(ms) ────────┘        (reset also restarts a Pending timer)
 *
 *  ticker (period p > 0):
 *      Pending(when) ──deliver at now──► Pending(first when + k·p that is > now)
 *          │   ▲                                  (missed ticks are dropped: a slow
 *    stop()│   │reset(ms)                          reader sees at most one)
 *          ▼   │
 *         Idle ┘
 * ```
 *
 * `Idle` is `when === undefined`. Nothing is ever "buffered": whether a tick is
 * available is computed from the clock at the moment of a receive, so after
 * `stop()` or `reset()` returns no stale value can be received (Go 1.23's
 * synchronous timer channels).
 *
 * ## Lazy arming
 *
 * The clock is asked for a callback (`setTimeout`) only while a receiver is
 * queued — never by `pollRecv`, which answers from `clock.now()` alone. So a
 * `select` that finds another case ready, or a timer nobody receives from,
 * holds no host timer and is garbage like any object (Go 1.23: unreferenced
 * timers are collected). A queued receiver holds an armed, ref'd callback, so
 * a process waiting only on a timer stays alive until it fires. The last
 * queued receiver leaving (a select lost, a receive aborted) clears it.
 *
 * Invariants (over `when`, `period`, `recvq`, `armed`, `armedFor`):
 * - `armed` iff `recvq.size > 0 && when !== undefined`; while armed,
 *   `armedFor === when` and exactly one clock callback is scheduled.
 * - if `recvq.size > 0` then no `pollRecv` delivers: queued receivers are served
 *   first, by `fire`, in arrival order (Go: a blocked receiver puts the timer in
 *   the heap and a non-blocking receive finds the channel empty).
 * - every queued waiter has `token.done === false` (dequeue before commit;
 *   whoever cancels an operation dequeues all its waiters in the same turn).
 * - `period === 0` for a one-shot timer, a finite `period > 0` for a ticker;
 *   `when` is `undefined` or finite.
 * - nothing here runs user code: completions only settle promises and cancel
 *   sibling waiters (port protocol), so state is consistent at every commit.
 */

import { commitRecv, type RecvWaiter, WaiterList } from "@csp-kit/channel/port";
import type { Clock, ClockHandle } from "../clock.js";
import { PortReceiver } from "./port-receiver.js";

/** A one-shot timer (`period` 0) or a ticker, as a lazily armed receive-only port. */
export class TimerCore extends PortReceiver<number> {
  /**
   * The deadline of the next delivery, in `clock` milliseconds; `undefined`
   * when stopped, or when a one-shot timer has delivered. Written by the
   * constructor, `deliver`, `stop` and `reset`; no user code runs between
   * reading it and acting on it.
   */
  when: number | undefined;
  /** 0 for a one-shot timer; the tick period (> 0) of a ticker. Written by the constructor and `reset`. */
  period: number;
  /**
   * Receivers waiting for the next tick, oldest first. Created by the first
   * `enqueueRecv` (most timers lose a select or are polled and never get a
   * waiter, so they never allocate one); only `enqueueRecv` adds, `fire` and
   * `cancelRecv` remove. Undefined means empty.
   */
  private recvq: WaiterList<RecvWaiter<number>> | undefined = undefined;
  /** Whether a clock callback is scheduled. Written only by `arm` / `disarm` / `fire`. */
  private armed = false;
  /** The `when` the current callback was scheduled for; meaningful while `armed`. */
  private armedFor = Number.NaN;
  /** The scheduled callback's handle; meaningful while `armed`. */
  private handle: ClockHandle = undefined;
  /**
   * Generation of the scheduled callback, bumped by every `arm`: a callback from
   * an earlier generation (a clock that called back after `clearTimeout`) is ignored.
   */
  private generation = 0;

  /**
   * @param clock - measures and schedules.
   * @param delay - ms until the first delivery; validated, >= 0.
   * @param period - 0 for a one-shot timer, else the ticker period (validated, > 0).
   */
  constructor(
    readonly clock: Clock,
    delay: number,
    period: number,
  ) {
    super();
    this.when = clock.now() + delay;
    this.period = period;
  }

  protected describe(): string {
    return this.period === 0 ? "a timer channel" : "a ticker channel";
  }

  /** Timer and ticker channels never close (Go does not close them either). */
  get closed(): boolean {
    return false;
  }

  // --- The port protocol (see @csp-kit/channel/port for the contract).

  /**
   * Delivers the due tick at once, if there is one and nobody is queued ahead.
   * Reads the clock; never schedules anything (this is why a lost select costs
   * no host timer).
   *
   * Why answering from the clock alone is right: an eagerly armed timer would
   * have fired at `when` and left its value in a one-slot buffer, where nobody
   * took it (no receiver was queued, or it would have been served by `fire`).
   * So a receive now finds exactly the value `when`, and for a ticker the ticks
   * between `when` and now were dropped against that full slot — which is what
   * `deliver` computes. If receivers are queued, the armed callback owns the
   * next tick and serves them first (FIFO), so a poll must not take it.
   */
  pollRecv(w: RecvWaiter<number>): boolean {
    const when = this.when;
    if (when === undefined || this.queued > 0) return false;
    const now = this.clock.now();
    if (now < when) return false;
    commitRecv(w, this.deliver(now), true);
    return true;
  }

  /** Queues `w`; the first queued receiver arms the clock callback for `when`. */
  enqueueRecv(w: RecvWaiter<number>): void {
    if (this.recvq === undefined) this.recvq = new WaiterList<RecvWaiter<number>>();
    this.recvq.push(w);
    if (!this.armed) this.arm();
  }

  /** Removes `w`; the last receiver leaving clears the clock callback. */
  cancelRecv(w: RecvWaiter<number>): boolean {
    if (this.recvq === undefined || !this.recvq.remove(w)) return false;
    if (this.recvq.size === 0) this.disarm();
    return true;
  }

  // --- Controls (Timer / Ticker forward here).

  /**
   * Go's `Timer.Stop` / `Ticker.Stop`: no tick will be delivered until a
   * `reset`. Returns whether the timer was pending (its value not yet received).
   * Queued receivers stay queued (they wait, as a goroutine blocked on a stopped
   * timer's channel does), but hold no clock callback.
   */
  stop(): boolean {
    const active = this.when !== undefined;
    this.when = undefined;
    this.disarm();
    return active;
  }

  /**
   * Go's `Timer.Reset` / `Ticker.Reset`: the next delivery is due `delay` ms
   * from now; any tick that was available is discarded. A ticker also takes
   * `delay` as its new period. Returns whether the timer was pending.
   * Precondition: `delay` validated (>= 0, and > 0 for a ticker).
   */
  reset(delay: number): boolean {
    const active = this.when !== undefined;
    if (this.period !== 0) this.period = delay;
    this.when = this.clock.now() + delay;
    this.disarm();
    if (this.queued > 0) this.arm();
    return active;
  }

  // --- The clock callback.

  /**
   * The scheduled callback ran. If the deadline has come, serve the oldest
   * queued receiver and re-arm for the next tick when receivers remain;
   * if the clock called back early (or the delay exceeded the host limit),
   * wait the rest.
   */
  private fire(generation: number): void {
    if (!this.armed || generation !== this.generation) return;
    this.armed = false;
    this.handle = undefined;
    const when = this.when;
    if (when === undefined) return;
    const now = this.clock.now();
    if (now >= when) {
      const w = this.nextReceiver();
      // State first (deliver moves `when`), then the commit: the completion may
      // cancel sibling waiters on this very port, and sees a consistent timer.
      if (w !== undefined) commitRecv(w, this.deliver(now), true);
    }
    if (this.queued > 0 && !this.armed) this.arm();
  }

  /**
   * Takes the available tick. Precondition: `when !== undefined && now >= when`.
   * Returns the time it was due; moves `when` to Idle (one-shot) or to the
   * first tick of the period grid strictly after `now` (ticker: missed ticks dropped).
   */
  private deliver(now: number): number {
    const due = this.when as number;
    const period = this.period;
    if (period === 0) {
      this.when = undefined;
    } else {
      let next = due + period * (Math.floor((now - due) / period) + 1);
      if (next <= now) next += period; // floating-point rounding at a grid boundary
      // A period too small for the numbers involved (Number.MIN_VALUE): the grid
      // arithmetic overflows to Infinity or cannot move past `now`. Then the next
      // tick is due at the first representable time after `now` (or `now + period`
      // if that is later), so the ticker keeps ticking, once per moment.
      if (!(next > now && next < Number.POSITIVE_INFINITY)) {
        next = now + Math.max(period, Math.abs(now) * Number.EPSILON);
      }
      this.when = next;
    }
    return due;
  }

  /** Dequeues the oldest live receiver. Skips waiters whose operation already committed elsewhere. */
  private nextReceiver(): RecvWaiter<number> | undefined {
    const q = this.recvq;
    if (q === undefined) return undefined;
    let w = q.shift();
    while (w?.token.done) w = q.shift();
    return w;
  }

  /** Schedules the clock callback for `when`. Precondition: `!armed`. Does nothing while Idle. */
  private arm(): void {
    const when = this.when;
    if (when === undefined) return;
    const generation = ++this.generation;
    this.armed = true;
    this.armedFor = when;
    this.handle = this.clock.setTimeout(() => this.fire(generation), Math.max(0, when - this.clock.now()));
  }

  /** Clears the clock callback, if one is scheduled. */
  private disarm(): void {
    if (!this.armed) return;
    this.armed = false;
    const handle = this.handle;
    this.handle = undefined;
    this.clock.clearTimeout(handle);
  }

  // --- Diagnostics.

  /** Whether a clock callback is scheduled now (tests and diagnostics). */
  get isArmed(): boolean {
    return this.armed;
  }

  /** Number of queued receivers (tests and diagnostics). */
  get waiting(): number {
    return this.queued;
  }

  /** Number of queued receivers. */
  private get queued(): number {
    return this.recvq === undefined ? 0 : this.recvq.size;
  }

  /** Checks the invariants at the top of this file; throws on the first violation. For tests. */
  assertInvariants(): void {
    const fail = (what: string) => {
      throw new Error(`timer invariant violated: ${what}`);
    };
    const pending = this.when !== undefined;
    if (this.armed !== (this.queued > 0 && pending)) {
      fail(`armed=${this.armed} with ${this.queued} receivers and when=${String(this.when)}`);
    }
    if (this.armed && this.armedFor !== this.when) fail(`armed for ${this.armedFor} but due at ${String(this.when)}`);
    if (!(this.period === 0 || (Number.isFinite(this.period) && this.period > 0))) fail(`period ${this.period}`);
    if (this.when !== undefined && !Number.isFinite(this.when)) fail(`deadline ${this.when}`);
    let counted = 0;
    for (const w of this.recvq ?? []) {
      counted++;
      if (w.token.done) fail("a committed waiter is still queued");
    }
    if (counted !== this.queued) fail(`queue size ${this.queued} but ${counted} linked`);
  }
}
