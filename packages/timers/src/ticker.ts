/**
 * `Ticker`: a periodic timer that drops ticks for a slow reader (Go's
 * `time.Ticker`), a façade over the lazily armed timer engine.
 */

import type { ClockOptions } from "./clock.js";
import { checkClock, checkPeriod } from "./internal/duration.js";
import { TimerCore } from "./internal/timer-core.js";
import type { Receiver } from "./receiver.js";

/**
 * Delivers a tick every `ms` milliseconds — Go's `time.Ticker`
 * (`time.NewTicker(d)`), with Go 1.23's rules.
 *
 * **Blocking:** `ticker.c` delivers the due time of each tick: ticks are due
 * at `start + ms`, `start + 2·ms`, … on a fixed grid.
 *
 * **On close:** `ticker.c` never closes, not even after `stop()` (as in Go).
 *
 * **Cancellation:** `stop()`, or abort a receive on `c` with `{ signal }`.
 *
 * **Ordering:** a reader that falls behind sees at most ONE pending tick — the
 * oldest missed one — and the ticks after it that are already past are
 * dropped; the next tick stays on the grid (the first grid time after the
 * receive). Ticks never bunch up to "catch up". After `stop()` or `reset()`
 * returns, no stale tick can be received.
 *
 * Gotchas: a host timer is armed only while a receive waits on `c`, so a
 * ticker nobody reads from costs nothing and an unreferenced one is collected
 * without `stop()` (Go 1.23). `using tk = new Ticker(ms)` stops it at scope end.
 *
 * @see {@link Timer}
 * @example
 * ```ts run
 * import { Ticker } from "@csp-kit/timers";
 * import { ManualClock } from "@csp-kit/timers/testing";
 *
 * const clock = new ManualClock(); // leave { clock } out for real time
 * const due: number[] = [];
 * const loop = (async () => {
 *   const ticker = new Ticker(1000, { clock }); // Go: ticker := time.NewTicker(time.Second)
 *   for await (const t of ticker.c) {          // Go: for t := range ticker.C
 *     console.log("tick due at", new Date(t));
 *     due.push(t);
 *     const done = due.length === 3;
 *     if (done) break;
 *   }
 *   ticker.stop();
 * })();
 * await clock.advanceAsync(3000);
 * await loop;
 * console.log(due); // → [1000, 2000, 3000]
 * if (due.join() !== "1000,2000,3000") throw new Error(`ticks ${due.join()}`);
 * ```
 */
export class Ticker implements Disposable {
  /** The ticker's channel (Go's `ticker.C`): receive-only, delivers the due time of each tick. */
  readonly c: Receiver<number>;
  /** The engine; `c` is the same object, typed as its receive API. Set at construction. */
  readonly #core: TimerCore;

  /**
   * Starts a ticker whose first tick is due `ms` milliseconds from now.
   *
   * @param ms - the period: a finite number > 0.
   * @param options - `{ clock }`; the real clock when absent.
   * @throws {@link InvalidDurationError} unless `ms` is a finite number > 0 (Go panics likewise).
   * @throws {@link InvalidClockError} if `options.clock` is given and is not a Clock.
   */
  constructor(ms: number, options?: ClockOptions) {
    const period = checkPeriod("new Ticker(ms)", ms);
    const core = new TimerCore(checkClock("new Ticker(ms)", options?.clock), period, period);
    this.#core = core;
    this.c = core;
  }

  /**
   * Turns the ticker off — Go's `ticker.Stop()`. No tick is delivered after it
   * returns, including one that was due but not yet received; the channel
   * stays open, so a receive waits until a `reset`.
   */
  stop(): void {
    this.#core.stop();
  }

  /**
   * Restarts the ticker with period `ms`: the next tick is due `ms` from now —
   * Go's `ticker.Reset(d)`. A pending tick is discarded. Also restarts a stopped ticker.
   *
   * @throws {@link InvalidDurationError} unless `ms` is a finite number > 0.
   * @throws {@link InvalidClockError} if `options.clock` is given and is not a Clock.
   */
  reset(ms: number): void {
    this.#core.reset(checkPeriod("Ticker.reset(ms)", ms));
  }

  /** `using tk = new Ticker(ms)`: stops the ticker when the scope ends. */
  [Symbol.dispose](): void {
    this.#core.stop();
  }
}
