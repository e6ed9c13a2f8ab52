/**
 * `deadline(ms, work)` — eapache/go-resiliency's `deadline`: give a piece of
 * work a time limit, tell it through an AbortSignal when the limit passes, and
 * stop waiting for it then.
 *
 * One call moves through three states, and settles exactly once:
 *
 * ```
 *               work settles first                  (timer cleared, parent listener removed,
 *   running ──────────────────────────────► done     the work's outcome passed along)
 *      │
 *      │ the clock reaches the deadline             (signal aborted with a DeadlineExceededError;
 *      ├──────────────────────────────────► expired  the promise rejects with the same error)
 *      │ the parent signal aborts
 *      └──────────────────────────────────► aborted (signal aborted with the parent's reason;
 *                                                    the promise rejects with it)
 * ```
 *
 * Invariants (over `settled`, `handle`):
 * - the returned promise settles once; after it settled, the work's later
 *   outcome is observed (a late rejection is never reported as unhandled) and
 *   ignored.
 * - while running, exactly one clock callback of ours is pending (`handle`) and
 *   one listener on the parent signal (when there is one); when the call
 *   settles, both are removed — a long-lived parent signal collects no
 *   listeners from many deadlines.
 * - the work's signal aborts only on expiry or a parent abort, and always
 *   before the promise rejects, so the work's abort listeners run first.
 */

import { signalFault } from "@csp-kit/channel/port";
import type { ClockHandle, ClockOptions } from "@csp-kit/timers";
import { DeadlineExceededError } from "./errors.js";
import { checkClock, checkDuration, checkFunction, isThenable } from "./internal/options.js";

/** Options of {@link deadline}. */
export interface DeadlineOptions extends ClockOptions {
  /**
   * A parent signal (Go's parent context): its abort aborts the work's signal
   * with the same reason, and the call rejects with it at once.
   */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Runs `work(signal)` with a time limit — Go's `deadline.New(timeout).Run(work)`,
 * with the stopper channel as an AbortSignal.
 *
 * **Blocking:** settles with the work's outcome if it settles first; otherwise
 * rejects with a {@link DeadlineExceededError} when the clock reaches
 * `now + ms`, without waiting for the work.
 *
 * **Cancellation:** at the deadline, `signal` (the work's) aborts with that
 * same `DeadlineExceededError` as its `reason`. `{ signal }` (the parent's):
 * its abort aborts the work's signal with the parent's reason and rejects at
 * once; an already-aborted parent rejects without calling `work`; a `signal`
 * that is not an AbortSignal rejects with `InvalidSignalError` (from
 * `@csp-kit/channel`) and calls nothing.
 *
 * **Ordering:** `work` is called synchronously, before `deadline` returns; a
 * synchronous value or throw settles the call at once (the timer cleared).
 * A deadline of 0 (or less) expires on the clock's next callback, not
 * synchronously, so work that completes within the current turn's promise
 * reactions wins on the real clock.
 *
 * **Gotchas:** nothing can kill JavaScript work: as in Go, work that ignores
 * its signal keeps running after the deadline (its outcome is dropped). While
 * the work runs, the deadline's timer is ref'd on the real clock (it keeps
 * Node alive, as a waiting goroutine keeps `main` waiting); it is cleared when
 * the work finishes first.
 *
 * @param ms - the time limit; a finite number, negative counts as 0.
 * @param work - called with the AbortSignal that fires at the deadline.
 * @param options - `{ signal, clock }`.
 * @throws {@link InvalidOptionError} (synchronously) if `work` is not a function;
 *   `InvalidDurationError` if `ms` is not finite; `InvalidClockError` if `clock` is not a Clock.
 * @see {@link DeadlineExceededError}
 * @example
 * ```ts run
 * import { deadline } from "@csp-kit/resiliency";
 *
 * const url = "data:text/plain,pong";
 * const res = await deadline(2_000, (signal) => fetch(url, { signal })); // DeadlineExceededError after 2 s
 * const body = await res.text();
 * console.log(body); // → pong
 * if (body !== "pong") throw new Error(`got ${body}`);
 * ```
 * @example
 * ```ts run
 * import { deadline, isDeadlineExceededError } from "@csp-kit/resiliency";
 * import { sleep } from "@csp-kit/timers";
 * import { ManualClock } from "@csp-kit/timers/testing";
 *
 * const clock = new ManualClock(); // leave { clock } out for real time
 * const slow = deadline(2_000, (signal) => sleep(5_000, { signal, clock }), { clock });
 * clock.advance(2_000); // the signal aborts; the sleep's timer is cleared
 * const error = await slow.catch((e: unknown) => e);
 * console.log(isDeadlineExceededError(error)); // true
 * if (!isDeadlineExceededError(error) || clock.pending !== 0) throw new Error(`got ${String(error)}`);
 * ```
 */
export function deadline<T>(
  ms: number,
  work: (signal: AbortSignal) => T | PromiseLike<T>,
  options?: DeadlineOptions,
): Promise<Awaited<T>> {
  const where = "deadline(ms, work)";
  const limit = checkDuration(where, "ms", ms, true);
  checkFunction(where, "work", work, "pass (signal) => the work, e.g. (signal) => fetch(url, { signal })");
  const clock = checkClock(where, options?.clock);
  const parent = options?.signal;
  const fault = signalFault(parent, "deadline");
  if (fault !== undefined) return Promise.reject(fault);
  if (parent?.aborted) return Promise.reject(parent.reason);

  return new Promise<Awaited<T>>((resolve, reject) => {
    const controller = new AbortController();
    const due = clock.now() + limit;
    /** Set once the call settled; nothing of ours runs after. */
    let settled = false;
    /** The pending clock callback; undefined once it ran or was cleared. */
    let handle: ClockHandle | undefined;

    /** Precondition: not settled. Removes the timer and the parent listener, then marks the call settled. */
    const finish = (): void => {
      settled = true;
      if (handle !== undefined) clock.clearTimeout(handle);
      handle = undefined;
      parent?.removeEventListener("abort", onParentAbort);
    };
    /** Aborts the work's signal with `reason`, then rejects with it. */
    const stop = (reason: unknown): void => {
      finish();
      controller.abort(reason);
      reject(reason);
    };
    function onParentAbort(): void {
      if (!settled) stop((parent as AbortSignal).reason);
    }
    const onDeadline = (): void => {
      handle = undefined;
      if (settled) return;
      const rest = due - clock.now();
      // A clock may call back early (the Clock contract allows it): wait the rest.
      if (rest > 0) {
        handle = clock.setTimeout(onDeadline, rest);
        return;
      }
      stop(new DeadlineExceededError(limit));
    };

    handle = clock.setTimeout(onDeadline, limit);
    parent?.addEventListener("abort", onParentAbort, { once: true });

    let result: T | PromiseLike<T>;
    try {
      result = work(controller.signal);
    } catch (error) {
      if (!settled) {
        finish();
        reject(error);
      }
      return;
    }
    if (!isThenable(result)) {
      if (!settled) {
        finish();
        resolve(result as Awaited<T>);
      }
      return;
    }
    Promise.resolve(result).then(
      (value) => {
        if (settled) return;
        finish();
        resolve(value as Awaited<T>);
      },
      (error: unknown) => {
        if (settled) return;
        finish();
        reject(error);
      },
    );
  });
}
