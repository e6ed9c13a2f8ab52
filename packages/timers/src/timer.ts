/**
 * `after()` and `Timer`: one-shot timers (Go's `time.After` and `time.Timer`),
 * façades over the lazily armed timer engine in `internal/timer-core.ts`.
 */

import type { ClockOptions } from "./clock.js";
import { checkClock, checkDelay } from "./internal/duration.js";
import { TimerCore } from "./internal/timer-core.js";
import type { Receiver } from "./receiver.js";

/**
 * A receive-only channel that delivers once, `ms` milliseconds from now —
 * Go's `time.After(d)`. The value is the time the timer was due: the clock's
 * `now()` at creation plus `ms` (epoch milliseconds with the real clock; pass
 * it to `new Date(t)` for a `Date`).
 *
 * **Blocking:** `recv()` resolves once the deadline has passed; a receive that
 * starts after the deadline completes at once. The value waits for its reader
 * indefinitely — until someone receives it, nothing is scheduled.
 *
 * **On close:** never closes; after its one value, further receives wait forever.
 *
 * **Cancellation:** a receive (or a `select` case) that is aborted or loses
 * leaves the value in place and clears the host timer it had armed.
 *
 * **Ordering:** the deadline is fixed now (`clock.now() + ms`), not when
 * somebody starts receiving.
 *
 * Gotchas: lazy and leak-free. The host `setTimeout` is armed only while a
 * receive waits on the channel, so an `after()` that loses a `select` or is
 * abandoned costs no timer and is garbage-collected (Go 1.23's rule), and a
 * pending receive keeps the process alive until it fires. To stop or reuse a
 * timer, use {@link Timer}.
 *
 * @param ms - milliseconds from now; a finite number, negative counts as 0.
 * @param options - `{ clock }`: the clock to use; the real clock when absent.
 * @throws {@link InvalidDurationError} if `ms` is NaN, infinite or not a number.
 * @throws {@link InvalidClockError} if `options.clock` is given and is not a Clock.
 * @see {@link Timer}, {@link sleep}
 * @example
 * ```ts run
 * import { Channel } from "@csp-kit/channel";
 * import { recv, select } from "@csp-kit/select";
 * import { after } from "@csp-kit/timers";
 * import { ManualClock } from "@csp-kit/timers/testing";
 *
 * const clock = new ManualClock(); // leave { clock } out for real time
 * const replies = new Channel<string>(); // nobody replies
 * // Go: select { case r := <-replies: ...; case <-time.After(time.Second): ... }
 * const pending = select({ reply: recv(replies), timeout: recv(after(1000, { clock })) });
 * await clock.advanceAsync(1000);
 * const r = await pending;
 * if (r.case === "timeout") console.log("timed out"); // → timed out
 * if (r.case !== "timeout") throw new Error("no reply came: the timeout wins");
 * ```
 */
export function after(ms: number, options?: ClockOptions): Receiver<number> {
  return new TimerCore(checkClock("after(ms)", options?.clock), checkDelay("after(ms)", ms), 0);
}

/**
 * A one-shot timer that can be stopped and reset — Go's `time.Timer`
 * (`time.NewTimer(d)`), with Go 1.23's rules.
 *
 * **Blocking:** `timer.c` delivers the due time once, after `ms` milliseconds
 * (see {@link after}).
 *
 * **On close:** `timer.c` never closes (as in Go); `stop()` makes receives wait.
 *
 * **Cancellation:** `stop()`, or abort a receive on `c` with `{ signal }`.
 *
 * **Ordering:** synchronous channel semantics (Go 1.23): once `stop()` or
 * `reset()` returns, no value from before the call can be received.
 *
 * Gotchas: `c` arms a host timer only while a receive waits on it, so an
 * unstopped, unreferenced timer holds nothing and needs no `stop()` to be
 * collected. `using t = new Timer(ms)` stops it at the end of the scope.
 *
 * @see {@link after}, {@link Ticker}
 * @example
 * ```ts run
 * import { Timer } from "@csp-kit/timers";
 * import { ManualClock } from "@csp-kit/timers/testing";
 *
 * const clock = new ManualClock(); // leave { clock } out for real time
 * const t = new Timer(500, { clock });       // Go: t := time.NewTimer(500 * time.Millisecond)
 * if (!t.stop()) await t.c.recv();           // Go 1.23: no drain needed; this is for an old-style reuse
 * t.reset(200);
 * const fired = t.c.recv();
 * clock.advance(200);
 * const due = (await fired).unwrap();
 * console.log(due); // → 200
 * if (due !== 200) throw new Error(`due ${due}`);
 * ```
 */
export class Timer implements Disposable {
  /** The timer's channel (Go's `t.C`): receive-only, delivers the due time once per start or reset. */
  readonly c: Receiver<number>;
  /** The engine; `c` is the same object, typed as its receive API. Set at construction. */
  readonly #core: TimerCore;

  /**
   * Starts a timer that fires `ms` milliseconds from now.
   *
   * @param ms - a finite number; negative counts as 0 (the timer is due at once).
   * @param options - `{ clock }`; the real clock when absent.
   * @throws {@link InvalidDurationError} if `ms` is NaN, infinite or not a number.
   * @throws {@link InvalidClockError} if `options.clock` is given and is not a Clock.
   */
  constructor(ms: number, options?: ClockOptions) {
    const core = new TimerCore(checkClock("new Timer(ms)", options?.clock), checkDelay("new Timer(ms)", ms), 0);
    this.#core = core;
    this.c = core;
  }

  /**
   * Prevents the timer from firing — Go's `t.Stop()`.
   *
   * @returns `true` if this call stopped a pending timer — one whose value has
   *   not been received, even if its deadline has already passed (Go 1.23);
   *   `false` if it was already stopped or its value was received.
   *
   * Ordering: after `stop()` returns, a receive on `c` waits until a `reset`
   * (no stale value). Receivers already waiting keep waiting.
   */
  stop(): boolean {
    return this.#core.stop();
  }

  /**
   * Re-arms the timer to fire `ms` milliseconds from now — Go's `t.Reset(d)`.
   * Any value not yet received is discarded (Go 1.23: no stale value after
   * `Reset` returns), so there is no need to stop and drain first.
   *
   * @param ms - a finite number; negative counts as 0.
   * @returns whether the timer was pending (as {@link Timer.stop} reports it).
   * @throws {@link InvalidDurationError} if `ms` is NaN, infinite or not a number.
   * @throws {@link InvalidClockError} if `options.clock` is given and is not a Clock.
   */
  reset(ms: number): boolean {
    return this.#core.reset(checkDelay("Timer.reset(ms)", ms));
  }

  /** `using t = new Timer(ms)`: stops the timer when the scope ends. */
  [Symbol.dispose](): void {
    this.#core.stop();
  }
}
