/**
 * One abort listener per AbortSignal, shared by every operation waiting on it.
 *
 * A service commonly passes one long-lived signal (a shutdown signal) to
 * thousands of waiting operations. Registering a listener per operation makes
 * Node warn after 11 listeners, and EventTarget removal is linear in the number
 * of listeners, so N waiters on one signal would cost O(N²). Instead, the first
 * operation to watch a signal registers a single listener that stays for the
 * signal's lifetime; operations join and leave an intrusive list in O(1).
 *
 * Invariants:
 * - `watches` has an entry for a signal iff exactly one listener of ours is
 *   registered on it; the entry dies with the signal (WeakMap).
 * - an operation is on at most one watch list; `op.abortList === w` iff it is on `w`.
 * - when a signal aborts, the whole list is detached first, then each operation
 *   is told (so operations that leave the list during the callbacks are safe).
 */

/** The link fields an abortable operation carries; owned by the watch list that holds it. */
export interface AbortLinks {
  /** The watch list holding this operation, or undefined when it watches nothing. */
  abortList: object | undefined;
  /** Previous operation on the same signal. */
  abortPrev: AbortLinks | undefined;
  /** Next operation on the same signal. */
  abortNext: AbortLinks | undefined;
  /**
   * Called once when the watched signal aborts, after the operation was removed
   * from the list. An operation settled by an earlier callback of the same abort
   * is still called: it must then do nothing (check its own settled flag).
   */
  onAbort(reason: unknown): void;
}

class AbortWatch implements EventListenerObject {
  /** Oldest watching operation. */
  head: AbortLinks | undefined = undefined;
  /** Newest watching operation. */
  tail: AbortLinks | undefined = undefined;

  constructor(private readonly signal: AbortSignal) {}

  /** The signal aborted: detach every operation, then tell each one, oldest first. */
  handleEvent(): void {
    // Unlink every operation before the first callback: a callback may settle a
    // later operation on this same signal (a semaphore granting or failing the
    // waiters behind an aborted head), whose `unwatchAbort` then finds it
    // already off the list instead of rewiring a list being walked.
    const ops: AbortLinks[] = [];
    for (let op = this.head; op !== undefined; ) {
      const next = op.abortNext;
      op.abortList = op.abortPrev = op.abortNext = undefined;
      ops.push(op);
      op = next;
    }
    this.head = this.tail = undefined;
    const reason = this.signal.reason;
    for (const op of ops) op.onAbort(reason);
  }
}

const watches = new WeakMap<AbortSignal, AbortWatch>();

/** Starts watching `signal` for `op`. Precondition: `signal` passed `checkSignal`, `!signal.aborted`, `op` watches nothing. O(1) after the first call per signal. */
export function watchAbort(signal: AbortSignal, op: AbortLinks): void {
  let w = watches.get(signal);
  if (w === undefined) {
    w = new AbortWatch(signal);
    // Register first: if addEventListener throws, no entry claims a listener
    // that does not exist (the invariant above), and the next watch retries.
    signal.addEventListener("abort", w, { once: true });
    watches.set(signal, w);
  }
  op.abortList = w;
  op.abortPrev = w.tail;
  op.abortNext = undefined;
  if (w.tail === undefined) w.head = op;
  else w.tail.abortNext = op;
  w.tail = op;
}

/** Stops watching for `op`, if it watches anything. O(1). */
export function unwatchAbort(op: AbortLinks): void {
  const w = op.abortList as AbortWatch | undefined;
  if (w === undefined) return;
  const { abortPrev: prev, abortNext: next } = op;
  if (prev === undefined) w.head = next;
  else prev.abortNext = next;
  if (next === undefined) w.tail = prev;
  else next.abortPrev = prev;
  op.abortList = op.abortPrev = op.abortNext = undefined;
}
