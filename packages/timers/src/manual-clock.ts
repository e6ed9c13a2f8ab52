/**
 * `ManualClock`: a {@link Clock} whose time moves only when a test says so, and
 * `settle()`, which lets pending promise reactions run — together they make
 * code with timeouts read as a script, with no real sleeping.
 *
 * Invariants (over `#now`, `#heap`):
 * - `#heap` is a binary min-heap of the scheduled, uncancelled callbacks,
 *   ordered by (`due`, `seq`); `entry.index` is its position, -1 once it left.
 * - every entry has `due >= #now`: advancing runs every callback due at or
 *   before the new time first. A delay-0 callback is due at `#now` and runs on
 *   the next advance (even `advance(0)`), never inside `setTimeout`.
 * - `#now` never decreases; when a callback starts, `#now` equals its `due`
 *   (a re-entrant advance inside it may move `#now` further before it returns).
 * - an advance ends at `max(now(), its target)`: its target is a floor, never
 *   a ceiling, so an advance that another advance overtook (a re-entrant one
 *   from a callback, or a synchronous one while an `advanceAsync` awaited)
 *   does not move time back.
 *
 * Re-entrancy, defined: `advance`, `advanceTo`, `runNext` and `runAll` may be
 * called from inside a callback. The inner call runs at once, from the
 * callback's deadline: `setTimeout(() => clock.advance(100), 5); advance(10)`
 * runs the callback at 5, the inner advance runs everything due up to 105,
 * and the outer advance then finds nothing left up to 10 and ends at 105.
 * `advanceAsync(ms)` fixes its target, `now() + ms`, when called; advances
 * made while it awaits run their callbacks as usual, and it ends at
 * `max(now(), target)`.
 */

import { describeValue } from "@csp-kit/channel/port";
import type { Clock, ClockHandle } from "./clock.js";
import { InvalidDurationError, InvalidLimitError, RunawayTimersError } from "./errors.js";

/** One scheduled callback; also the handle `setTimeout` returns. */
class ManualTimeout {
  /** Position in the heap; -1 once it ran or was cleared. Written only by the heap operations. */
  index = -1;
  constructor(
    readonly due: number,
    readonly seq: number,
    readonly callback: () => void,
  ) {}
}

/** Lets every promise reaction already queued (and those they queue) run: one macrotask turn. */
export function settle(): Promise<void> {
  const g = globalThis as { setImmediate?: (callback: () => void) => unknown };
  return new Promise<void>((resolve) => {
    if (typeof g.setImmediate === "function") g.setImmediate(resolve);
    else globalThis.setTimeout(resolve, 0);
  });
}

function checkFinite(where: string, value: unknown, what: string): number {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  const got = typeof value === "number" ? String(value) : describeValue(value);
  throw new InvalidDurationError(`${where}: ${what} must be a finite number (got ${got})`, value);
}

function checkLimit(where: string, limit: unknown): number {
  if (typeof limit === "number" && Number.isSafeInteger(limit) && limit >= 0) return limit;
  const got = typeof limit === "number" ? String(limit) : describeValue(limit);
  throw new InvalidLimitError(
    `${where}: limit must be a whole number >= 0, the most callbacks to run (got ${got}); omit it for 10,000`,
    limit,
  );
}

/**
 * A manual test clock: `now()` stands still until {@link ManualClock.advance}
 * (or `advanceTo`, `runAll`) moves it, running the callbacks that fall due in
 * deadline order, each with `now()` equal to its deadline. Pass it as
 * `{ clock }` to every API of `@csp-kit/timers`, or to your own code that
 * takes a {@link Clock}.
 *
 * **Blocking:** none; `advance` runs callbacks synchronously. Promise
 * reactions they cause run later: `await clock.settle()` (or use
 * {@link ManualClock.advanceAsync}, which settles between callbacks, so an
 * async loop can re-arm before the next deadline).
 *
 * **Ordering:** callbacks run in order of deadline, then of scheduling. A
 * callback scheduled while advancing runs in the same advance if it falls due
 * within it. `now()` never decreases. An advance called from inside a
 * callback runs at once, from that callback's deadline, and the outer advance
 * then ends at whichever time is later, its own target or where the inner one
 * left the clock; `advanceAsync` racing other advances likewise never moves
 * time back.
 *
 * Gotchas: `setTimeout(cb, 0)` does not call back synchronously; `advance(0)`
 * runs it. `pending` counts scheduled callbacks now; `totalScheduled` counts
 * every `setTimeout` ever, so a test can prove that no timer was armed at all.
 *
 * @see {@link settle}
 * @example
 * ```ts run
 * import { Timer } from "@csp-kit/timers";
 * import { ManualClock } from "@csp-kit/timers/testing";
 *
 * const clock = new ManualClock();
 * const t = new Timer(1000, { clock });
 * const got = t.c.recv();
 * clock.advance(999);  // nothing yet
 * if (clock.pending !== 1) throw new Error("the timer waits for 1 ms more");
 * clock.advance(1);    // fires: got resolves with Some(1000)
 * const r = await got;
 * if (r.unwrap() !== 1000) throw new Error(`got ${String(r)}`);
 * ```
 */
export class ManualClock implements Clock {
  /** The current time. Written only by advanceTo / runNext; never decreases. */
  #now: number;
  /** Scheduled callbacks, a min-heap by (due, seq). */
  readonly #heap: ManualTimeout[] = [];
  /** Tie-breaker: scheduling order. */
  #seq = 0;
  /** Every `setTimeout` ever made on this clock. */
  #total = 0;

  /**
   * @param start - the initial time in ms (default 0).
   * @throws {@link @csp-kit/timers!InvalidDurationError | InvalidDurationError} if `start` is not a finite number.
   */
  constructor(start = 0) {
    this.#now = checkFinite("new ManualClock(start)", start, "start");
  }

  /** The current (manual) time in ms. */
  now(): number {
    return this.#now;
  }

  /**
   * Schedules `callback` at `now() + ms` (NaN or negative `ms` count as 0).
   * Never calls it synchronously.
   */
  setTimeout(callback: () => void, ms: number): ClockHandle {
    const delay = Number.isNaN(ms) ? 0 : Math.max(ms, 0);
    const entry = new ManualTimeout(this.#now + delay, this.#seq++, callback);
    this.#total++;
    this.#push(entry);
    return entry;
  }

  /** Cancels a callback; a handle that ran, was cleared, or is not from this clock is ignored. */
  clearTimeout(handle: ClockHandle): void {
    if (!(handle instanceof ManualTimeout) || handle.index < 0) return;
    if (this.#heap[handle.index] !== handle) return;
    this.#removeAt(handle.index);
  }

  /** Callbacks scheduled and not yet run or cleared. */
  get pending(): number {
    return this.#heap.length;
  }

  /** Every `setTimeout` ever made on this clock (armed timers, counting those later cleared). */
  get totalScheduled(): number {
    return this.#total;
  }

  /** The deadline of the next scheduled callback, or `undefined` when none is. */
  get nextDeadline(): number | undefined {
    return this.#heap[0]?.due;
  }

  /**
   * Moves time forward by `ms`, running every callback that falls due, in order.
   * Called from a callback, it runs at once from that callback's deadline (see
   * the class); the clock then ends at the later of the two targets.
   *
   * @returns how many callbacks ran.
   * @throws {@link @csp-kit/timers!InvalidDurationError | InvalidDurationError} if `ms` is negative or not finite.
   */
  advance(ms: number): number {
    const delta = checkFinite("ManualClock.advance(ms)", ms, "ms");
    if (delta < 0) throw new InvalidDurationError(`ManualClock.advance(ms): ms must be >= 0 (got ${ms})`, ms);
    return this.advanceTo(this.#now + delta);
  }

  /**
   * Moves time forward to `time`, running every callback due at or before it.
   *
   * @returns how many callbacks ran.
   * @throws {@link @csp-kit/timers!InvalidDurationError | InvalidDurationError} if `time` is before `now()` or not finite.
   */
  advanceTo(time: number): number {
    const target = this.#checkTarget("ManualClock.advanceTo(time)", time);
    let ran = 0;
    while (this.#runNextDue(target)) ran++;
    // A callback may have advanced past `target` (re-entrant advance): never go back.
    if (target > this.#now) this.#now = target;
    return ran;
  }

  /**
   * Jumps to the next deadline and runs that one callback (if any is scheduled).
   *
   * @returns whether a callback ran.
   */
  runNext(): boolean {
    const top = this.#heap[0];
    return top !== undefined && this.#runNextDue(top.due);
  }

  /**
   * Runs callbacks, jumping from deadline to deadline, until none is scheduled.
   *
   * @param limit - most callbacks to run (default 10,000).
   * @returns how many callbacks ran.
   * @throws {@link RunawayTimersError} if callbacks are still scheduled after `limit` ran;
   *   {@link InvalidLimitError} (nothing ran) unless `limit` is a whole number >= 0.
   */
  runAll(limit = 10_000): number {
    checkLimit("ManualClock.runAll(limit)", limit);
    let ran = 0;
    while (this.#heap.length > 0) {
      if (ran >= limit) throw new RunawayTimersError(limit);
      this.runNext();
      ran++;
    }
    return ran;
  }

  /**
   * Like {@link ManualClock.advance}, but lets promise reactions run before
   * each callback and at the end, so that async code woken by one callback
   * (a `for await` loop over a ticker) can wait again before the next deadline.
   * The target, `now() + ms`, is fixed at the call; if other advances move
   * time past it meanwhile, it ends there without moving time back.
   *
   * @returns how many callbacks ran.
   */
  async advanceAsync(ms: number): Promise<number> {
    const delta = checkFinite("ManualClock.advanceAsync(ms)", ms, "ms");
    if (delta < 0) throw new InvalidDurationError(`ManualClock.advanceAsync(ms): ms must be >= 0 (got ${ms})`, ms);
    const target = this.#now + delta;
    let ran = 0;
    for (;;) {
      await settle();
      if (!this.#runNextDue(target)) break;
      ran++;
    }
    // Another advance may have overtaken `target` while this one awaited: never go back.
    if (target > this.#now) this.#now = target;
    await settle();
    return ran;
  }

  /** Like {@link ManualClock.runAll}, settling promise reactions between callbacks. Rejects with the same errors. */
  async runAllAsync(limit = 10_000): Promise<number> {
    checkLimit("ManualClock.runAllAsync(limit)", limit);
    let ran = 0;
    for (;;) {
      await settle();
      if (this.#heap.length === 0) return ran;
      if (ran >= limit) throw new RunawayTimersError(limit);
      this.runNext();
      ran++;
    }
  }

  /** Lets pending promise reactions run (see {@link settle}). */
  settle(): Promise<void> {
    return settle();
  }

  // --- internals

  #checkTarget(where: string, time: number): number {
    const target = checkFinite(where, time, "time");
    if (target < this.#now) {
      throw new InvalidDurationError(
        `${where}: time must be >= now() (${this.#now}); a clock does not go back (got ${time})`,
        time,
      );
    }
    return target;
  }

  /** Runs the earliest callback if it is due at or before `limit`; returns whether one ran. */
  #runNextDue(limit: number): boolean {
    const top = this.#heap[0];
    if (top === undefined || top.due > limit) return false;
    this.#removeAt(0);
    if (top.due > this.#now) this.#now = top.due;
    top.callback();
    return true;
  }

  #less(a: ManualTimeout, b: ManualTimeout): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  #push(entry: ManualTimeout): void {
    entry.index = this.#heap.length;
    this.#heap.push(entry);
    this.#up(entry.index);
  }

  /** Removes the entry at `i`; precondition: `i` is a valid index. */
  #removeAt(i: number): void {
    const heap = this.#heap;
    const removed = heap[i] as ManualTimeout;
    const last = heap.pop() as ManualTimeout;
    removed.index = -1;
    if (last === removed) return;
    heap[i] = last;
    last.index = i;
    this.#down(i);
    this.#up(last.index);
  }

  #up(i: number): void {
    const heap = this.#heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const a = heap[i] as ManualTimeout;
      const b = heap[parent] as ManualTimeout;
      if (!this.#less(a, b)) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #down(i: number): void {
    const heap = this.#heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && this.#less(heap[l] as ManualTimeout, heap[m] as ManualTimeout)) m = l;
      if (r < heap.length && this.#less(heap[r] as ManualTimeout, heap[m] as ManualTimeout)) m = r;
      if (m === i) return;
      this.#swap(i, m);
      i = m;
    }
  }

  #swap(i: number, j: number): void {
    const heap = this.#heap;
    const a = heap[i] as ManualTimeout;
    const b = heap[j] as ManualTimeout;
    heap[i] = b;
    heap[j] = a;
    a.index = j;
    b.index = i;
  }
}
