/**
 * `flush()`: let already-queued promise reactions run, without timing anything.
 *
 * Semantics (the one every core test relies on): each turn waits for one
 * macrotask (`setImmediate`, else `setTimeout(0)` where there is none). A
 * macrotask runs only once the microtask queue is empty, so after one turn every
 * promise reaction that was queued — and every reaction those queued in turn —
 * has run. A turn also lets callbacks that were already posted as macrotasks
 * before it run (a worker's `message` event, `Atomics.waitAsync` wake-ups), which
 * is why a caller that waits on such a hop asks for more than one turn.
 *
 * Invariants: no clock is read and nothing sleeps; `flush(n)` is exactly `n`
 * consecutive `flush()` calls.
 */

import { InvalidTurnsError } from "./errors.js";

const g = globalThis as { setImmediate?: (callback: () => void) => unknown };

function oneTurn(): Promise<void> {
  return new Promise<void>((resolve) => {
    if (typeof g.setImmediate === "function") g.setImmediate(resolve);
    else globalThis.setTimeout(resolve, 0);
  });
}

/**
 * Drains the microtask queue and lets `turns` macrotask turns pass (default 1).
 *
 * **Blocking:** resolves after `turns` macrotasks; never reads a clock.
 * **Gotchas:** a promise that settles only after another thread or a timer acts is
 * not settled by a flush; drive the `ManualClock` (or wait for the message) first.
 *
 * @param turns how many macrotask turns to wait, a non-negative safe integer (0 resolves at once,
 *   after the microtasks already queued).
 * @throws InvalidTurnsError when `turns` is not a non-negative safe integer.
 * @example
 * ```ts
 * const r = track(ch.recv());
 * await ch.send(1);
 * await flush();
 * expect(r.state).toBe("fulfilled");
 * ```
 */
export async function flush(turns = 1): Promise<void> {
  if (!Number.isSafeInteger(turns) || turns < 0) {
    throw new InvalidTurnsError(`flush(turns): turns must be a non-negative integer (got ${String(turns)})`, turns);
  }
  for (let i = 0; i < turns; i++) await oneTurn();
}
