/**
 * `timeoutSignal()`: an AbortSignal that aborts after a duration and, unlike
 * `AbortSignal.timeout()`, keeps the process alive until then — Go's
 * `context.WithTimeout`.
 *
 * Why it exists: Node's `AbortSignal.timeout(ms)` arms an *unref'd* timer. A
 * program whose only pending work is `await mu.lock({ signal: AbortSignal.timeout(1000) })`
 * or `await ch.recv({ signal: AbortSignal.timeout(ms) })` has nothing that
 * keeps the event loop alive, so Node exits with code 13 (unsettled top-level
 * await) and prints nothing, before the timeout could fire. In Go, a goroutine
 * blocked on `<-ctx.Done()` keeps `main` waiting; this helper gives the same.
 *
 * Invariants:
 * - `handle` is set while the signal is not aborted and not cancelled, and
 *   only then is a timer armed; after abort or cancel it is undefined and no
 *   callback of ours is pending on the clock;
 * - the signal aborts at most once, with a `TimeoutError` at the deadline or an
 *   `AbortError` on `cancel()`, whichever comes first.
 */

import type { ClockHandle, ClockOptions } from "./clock.js";
import { checkClock, checkDelay } from "./internal/duration.js";

/**
 * The signal {@link timeoutSignal} returns: an `AbortSignal` that also has
 * `cancel()` (Go's `cancel` of `context.WithTimeout`) and `Symbol.dispose`, so
 * that `using signal = timeoutSignal(ms)` stops the timer when the block ends.
 */
export interface TimeoutSignal extends AbortSignal {
  /**
   * Stops the timer and aborts the signal with an `AbortError` `DOMException`
   * (Go's `cancel()`): the process is no longer kept alive by it. Does nothing
   * once the signal has aborted.
   */
  cancel(): void;
  /** `cancel()`, for `using signal = timeoutSignal(ms)`. */
  [Symbol.dispose](): void;
}

/**
 * Returns an `AbortSignal` that aborts `ms` milliseconds from now with a
 * `TimeoutError` `DOMException` (the reason `AbortSignal.timeout` gives) —
 * Go's `context.WithTimeout(ctx, d)`.
 *
 * **Blocking:** while the signal is pending, its timer is ref'd, so a wait on
 * it (a `recv`, a `lock`, a `select`) keeps the process alive until the
 * deadline, as in Go. `AbortSignal.timeout(ms)` does not: a program whose only
 * pending work waits on it exits with code 13 and prints nothing.
 *
 * **Cancellation:** call `cancel()` (or let `using` dispose it) when the work
 * finished first: the timer is cleared, so the process can exit at once.
 *
 * **Ordering:** aborts once `clock.now()` has reached the deadline fixed at the
 * call; never earlier. `ms <= 0` aborts on the clock's next callback, not
 * synchronously.
 *
 * Gotchas: without `cancel()`, a process whose work is done stays alive until
 * the deadline (like a pending `setTimeout`). The reason is a `DOMException`
 * named `"TimeoutError"`, so code written for `AbortSignal.timeout` keeps working.
 *
 * @param ms - a finite number of milliseconds; negative counts as 0.
 * @param options - `{ clock }`: a `ManualClock` from `@csp-kit/timers/testing` in tests.
 * @throws {@link InvalidDurationError} if `ms` is NaN, infinite or not a number;
 *   {@link InvalidClockError} if `clock` is not a Clock.
 * @see {@link sleep}, {@link done}
 * @example
 * ```ts run
 * import { Channel } from "@csp-kit/channel";
 * import { timeoutSignal } from "@csp-kit/timers";
 * import { ManualClock } from "@csp-kit/timers/testing";
 *
 * const clock = new ManualClock(); // leave { clock } out for real time
 * const jobs = new Channel<string>();
 * const pending = jobs.recv({ signal: timeoutSignal(1000, { clock }) }); // nobody sends
 * clock.advance(1000);
 * const error = await pending.catch((e: unknown) => e);
 * console.log((error as DOMException).name); // TimeoutError
 * if ((error as DOMException).name !== "TimeoutError") throw new Error(`got ${String(error)}`);
 * ```
 */
export function timeoutSignal(ms: number, options?: ClockOptions): TimeoutSignal {
  const delay = checkDelay("timeoutSignal(ms)", ms);
  const clock = checkClock("timeoutSignal(ms)", options?.clock);
  const controller = new AbortController();
  const deadline = clock.now() + delay;
  /** The armed callback's handle; undefined once the signal aborted or was cancelled. */
  let handle: ClockHandle | undefined;

  const fire = (): void => {
    const rest = deadline - clock.now();
    // Hosts cap one setTimeout at about 24.8 days, and a clock may call back early: wait the rest.
    if (rest > 0) {
      handle = clock.setTimeout(fire, rest);
      return;
    }
    handle = undefined;
    controller.abort(new DOMException(`timeoutSignal: ${delay} ms elapsed`, "TimeoutError"));
  };
  handle = clock.setTimeout(fire, delay);

  const cancel = (): void => {
    if (handle === undefined) return;
    clock.clearTimeout(handle);
    handle = undefined;
    controller.abort(new DOMException("timeoutSignal: cancelled", "AbortError"));
  };
  return Object.assign(controller.signal, { cancel, [Symbol.dispose]: cancel });
}
