/**
 * The promise-backed waiter shared by every primitive of this package: one per
 * blocked `lock`, `acquire`, `wait` or `do`. It is at once a node of its owner's
 * intrusive wait queue, a node of its signal's abort watch list (one listener
 * per signal for all the operations waiting on it, from `@csp-kit/channel/port`:
 * a shutdown signal shared by thousands of lock waiters costs O(1) per wait,
 * not a listener each) and the holder of its promise's settle functions.
 *
 * State machine (one transition, taken exactly once — whichever comes first):
 *
 *   queued ──tryGrant(), signal live────────▶ granted (owner dequeued it; promise resolves)
 *      │
 *      ├──tryGrant(), signal already aborted──▶ aborted (owner dequeued it; promise rejects)
 *      └──abort (onAbort)─────────────────────▶ aborted (dequeues itself via owner.cancel)
 *
 * Invariants:
 * - `settled === false` iff the waiter is in its owner's queue: the owner dequeues
 *   before it calls `tryGrant`, and `onAbort` sets `settled` and dequeues in the
 *   same synchronous turn.
 * - a settled waiter is on no abort watch list.
 * - a waiter is granted only if its signal was not aborted at that moment: `tryGrant`
 *   checks `signal.aborted` and commits the abort instead. So a
 *   granted-then-aborted waiter cannot exist, and an aborted waiter never holds a
 *   permit: the abort is a value-free rejection, the grant a resolution, never both.
 * - when diagnostics are on (`@csp-kit/channel/diagnostics`), every queued waiter
 *   is recorded by `noteParked` right after it is queued; it counts as parked
 *   while `settled === false`.
 */

import { recordParked } from "@csp-kit/channel/diagnostics";
import { type AbortLinks, type Linked, unwatchAbort, watchAbort } from "@csp-kit/channel/port";

export { DIAGNOSTICS } from "@csp-kit/channel/diagnostics";

/** What a waiter needs from the primitive that queued it. */
export interface WaiterOwner {
  /**
   * Removes `w` from whichever queue holds it and restores the owner's invariants
   * (for example, lets the waiters behind an aborted head through). Called on
   * abort, after `w.settled` was set. Must not run user code.
   */
  cancel(w: Waiter<unknown>): void;
}

export class Waiter<R> implements Linked, AbortLinks {
  /** Link owned by the owner's queue; never write it (declared for `Linked`). */
  list: object | undefined = undefined;
  /** Link owned by the owner's queue; never write it (declared for `Linked`). */
  prev: Linked | undefined = undefined;
  /** Link owned by the owner's queue; never write it (declared for `Linked`). */
  next: Linked | undefined = undefined;
  /** False while queued; set once by `tryGrant` or `onAbort`, never reset. */
  settled = false;
  /** Link owned by the signal's abort watch list; never write it (declared for `AbortLinks`). */
  abortList: object | undefined = undefined;
  /** Link owned by the signal's abort watch list; never write it (declared for `AbortLinks`). */
  abortPrev: AbortLinks | undefined = undefined;
  /** Link owned by the signal's abort watch list; never write it (declared for `AbortLinks`). */
  abortNext: AbortLinks | undefined = undefined;

  /**
   * Joins the signal's abort watch list; the creator pushes the waiter on a queue in the
   * same synchronous turn. Precondition: `signal` is not aborted.
   *
   * @param weight - what the waiter asks for (permits); 0 where the owner has no use for it.
   * @param value - what the promise resolves with when granted.
   */
  constructor(
    private readonly owner: WaiterOwner,
    readonly weight: number,
    private readonly value: R,
    private readonly resolve: (value: R) => void,
    private readonly reject: (reason: unknown) => void,
    readonly signal: AbortSignal | undefined,
  ) {
    if (signal !== undefined) watchAbort(signal, this);
  }

  /**
   * Commits a dequeued waiter: grants it, unless its signal is already aborted,
   * in which case the abort wins and the promise rejects. Returns whether it was
   * granted; the owner counts the permit as held only then. Precondition:
   * dequeued by the owner, `!settled`. Settles a promise; runs no user code.
   */
  tryGrant(): boolean {
    this.settled = true;
    const signal = this.signal;
    if (signal === undefined) {
      this.resolve(this.value);
      return true;
    }
    unwatchAbort(this);
    if (signal.aborted) {
      this.reject(signal.reason);
      return false;
    }
    this.resolve(this.value);
    return true;
  }

  /**
   * The signal aborted (the watch list already dropped this waiter). Atomic: if
   * the wait was already granted, the abort is ignored (the grant stands).
   */
  onAbort(reason: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.owner.cancel(this as Waiter<unknown>);
    this.reject(reason);
  }
}

/**
 * Records a just-queued waiter in the diagnostics inventory, on `target`,
 * under `operation` = `"Type.op"` (`"Mutex.lock"`): listed as `Mutex: lock`
 * (a Semaphore's as `acquire(n)`). Precondition: `DIAGNOSTICS.on`.
 */
export function noteParked(target: object, operation: string, w: Waiter<unknown>): void {
  const dot = operation.indexOf(".");
  const label = operation.slice(0, dot);
  const op = operation.slice(dot + 1);
  recordParked(target, label, label === "Semaphore" ? `${op}(${w.weight})` : op, w, isQueued);
}

/** The diagnostics probe of a waiter: parked until granted or aborted. */
function isQueued(w: Waiter<unknown>): boolean {
  return !w.settled;
}

/** Settled, immutable, so safely shared by every wait that completes at once: no allocation on fast paths. */
export const RESOLVED: Promise<void> = Promise.resolve();
