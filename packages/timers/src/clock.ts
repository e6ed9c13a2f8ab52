/**
 * The `Clock` abstraction every API of this package schedules through, and the
 * real clock used by default. A manual clock for tests lives in
 * `@csp-kit/timers/testing`.
 */

/**
 * Whatever a {@link Clock}'s `setTimeout` returned; only ever passed back to the
 * same clock's `clearTimeout`. Opaque: a Node `Timeout`, a browser number, or a
 * test clock's own object.
 */
export type ClockHandle = unknown;

/**
 * A source of time and of one-shot callbacks. The real clock ({@link realClock})
 * is the default everywhere; pass `{ clock }` to any API of this package (and
 * to code of your own that takes a clock) to run it on `ManualClock` in tests.
 *
 * Contract an implementation must keep:
 * - `now()` never decreases (a monotonic source).
 * - `setTimeout(callback, ms)` calls `callback` once, later, never synchronously
 *   from inside `setTimeout`; `ms` may be fractional, 0, or larger than the host
 *   allows. Calling back somewhat early is tolerated: timers check `now()` and
 *   wait the rest.
 * - after `clearTimeout(handle)` returns, that callback is never called.
 *   Clearing a handle that already ran or was cleared does nothing.
 *
 * Ordering: callbacks of the same clock whose deadlines differ run in deadline
 * order; the ones with the same deadline run in the order they were scheduled.
 *
 * @example
 * ```ts run
 * import { type Clock, realClock, sleep } from "@csp-kit/timers";
 *
 * let armed = 0;
 * const counting: Clock = {
 *   now: () => realClock.now(),
 *   setTimeout: (cb, ms) => { armed++; return realClock.setTimeout(cb, ms); },
 *   clearTimeout: (h) => realClock.clearTimeout(h),
 * };
 * await sleep(1, { clock: counting });
 * console.log(armed); // → 1
 * if (armed !== 1) throw new Error(`armed ${armed}`);
 * ```
 */
export interface Clock {
  /** The current time in milliseconds (the real clock: epoch-based, monotonic, fractional). */
  now(): number;
  /** Calls `callback` once, `ms` milliseconds from now; returns a handle for {@link Clock.clearTimeout}. */
  setTimeout(callback: () => void, ms: number): ClockHandle;
  /** Cancels a callback scheduled by {@link Clock.setTimeout}; a handle that already ran is ignored. */
  clearTimeout(handle: ClockHandle): void;
}

/** Options accepted by every API of this package that measures time. */
export interface ClockOptions {
  /** The clock to measure and schedule with; {@link realClock} when absent. */
  readonly clock?: Clock | undefined;
}

/** The longest delay hosts accept in one `setTimeout` (2^31 - 1 ms, about 24.8 days); longer waits re-arm. */
const MAX_HOST_DELAY = 2_147_483_647;

const perf: { readonly timeOrigin: number; now(): number } | undefined = (
  globalThis as { performance?: { readonly timeOrigin: number; now(): number } }
).performance;

/** `performance.timeOrigin` is fixed for the life of the process: read it once, not per `now()`. */
const timeOrigin = perf === undefined ? 0 : perf.timeOrigin;

/**
 * The real clock, used when no `{ clock }` option is given.
 *
 * - `now()` is `performance.timeOrigin + performance.now()`: milliseconds since
 *   the Unix epoch (so `new Date(t)` works), read from a MONOTONIC source — it
 *   does not jump when the system's wall clock is adjusted, as Go's timers use
 *   the monotonic clock. It tracks `Date.now()` closely but may drift from it
 *   over a long uptime. Falls back to `Date.now()` where `performance` is absent.
 * - `setTimeout` / `clearTimeout` are `globalThis.setTimeout` /
 *   `globalThis.clearTimeout`, looked up at each call. Delays are rounded up to
 *   whole milliseconds and capped at 2^31 - 1 ms (the host limit); timers wait
 *   the rest of a longer delay by re-arming.
 *
 * Gotchas: a timeout armed here is *ref'd* — in Node it keeps the process alive
 * until it fires, which is what a pending receive on a timer needs. Timers of
 * this package arm one only while somebody waits on them.
 */
export const realClock: Clock = {
  now: perf === undefined ? () => Date.now() : () => timeOrigin + perf.now(),
  setTimeout(callback: () => void, ms: number): ClockHandle {
    const delay = ms > 0 ? Math.min(Math.ceil(ms), MAX_HOST_DELAY) : 0;
    return globalThis.setTimeout(callback, delay);
  },
  clearTimeout(handle: ClockHandle): void {
    globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]);
  },
};
