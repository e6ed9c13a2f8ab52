/** `sleep()`: wait for a duration, abortably (Go's `time.Sleep`). */

import { signalFault } from "@csp-kit/channel/port";
import type { ClockOptions } from "./clock.js";
import { checkClock, checkDelay } from "./internal/duration.js";
import { receive } from "./internal/port-receiver.js";
import { TimerCore } from "./internal/timer-core.js";

/** Options of {@link sleep}. */
export interface SleepOptions extends ClockOptions {
  /** Ends the sleep early: the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal | undefined;
}

function toVoid(): void {}

/**
 * Resolves after `ms` milliseconds — Go's `time.Sleep(d)`.
 *
 * **Blocking:** resolves once `clock.now()` has reached the deadline fixed at
 * the call; `sleep(0)` (or a negative `ms`) resolves without arming a timer.
 *
 * **Cancellation:** `{ signal }` — abort rejects with `signal.reason` at once
 * and clears the host timer; an already-aborted signal rejects without waiting;
 * a `signal` that is not an AbortSignal (the controller itself) rejects with
 * `InvalidSignalError` without arming a timer.
 *
 * **Ordering:** never resolves before the deadline as the clock measures it.
 *
 * Gotchas: while sleeping, the host timer is ref'd: a process that only
 * sleeps stays alive until the sleep ends.
 *
 * @param ms - a finite number; negative counts as 0.
 * @param options - `{ signal, clock }`.
 * @throws {@link InvalidDurationError} (synchronously) if `ms` is NaN, infinite or not a number;
 *   {@link InvalidClockError} (synchronously) if `clock` is not a Clock.
 * @see {@link after}
 * @example
 * ```ts run
 * import { sleep } from "@csp-kit/timers";
 * import { ManualClock } from "@csp-kit/timers/testing";
 *
 * const clock = new ManualClock(); // leave { clock } out for real time
 * const backoff = 200;
 * const caller = new AbortController();
 * const { signal } = caller;
 * const slept = sleep(backoff, { signal, clock });
 * clock.advance(200);
 * await slept; // resolved: 200 ms passed
 * const waiting = sleep(backoff, { signal, clock }); // rejects with signal.reason when the caller gives up
 * caller.abort(new Error("gave up"));
 * const error = await waiting.catch((e: unknown) => e);
 * if ((error as Error).message !== "gave up") throw new Error(`got ${String(error)}`);
 * ```
 */
export function sleep(ms: number, options?: SleepOptions): Promise<void> {
  const delay = checkDelay("sleep(ms)", ms);
  const clock = checkClock("sleep(ms)", options?.clock);
  const signal = options?.signal;
  if (signal !== undefined) {
    // Before the timer exists: a bad signal arms nothing.
    const fault = signalFault(signal, "sleep");
    if (fault !== undefined) return Promise.reject(fault);
    if (signal.aborted) return Promise.reject(signal.reason);
  }
  return receive(new TimerCore(clock, delay, 0), toVoid, signal, "sleep");
}
