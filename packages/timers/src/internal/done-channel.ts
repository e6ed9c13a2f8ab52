/**
 * The port behind `done()`: an AbortSignal seen as a channel that closes on
 * abort (Go's `ctx.Done()`), which watches its signal only while somebody
 * waits on it.
 *
 * It watches through the signal's shared watch list (`watchAbort` from
 * `@csp-kit/channel/port`), not a listener of its own: a worker loop that
 * makes `done(signal)` in every iteration, run by thousands of workers on one
 * shutdown signal, adds one listener to that signal in all, and joining or
 * leaving the list is O(1) — where a listener per channel made Node warn past
 * 10 loops and made every wake-up pay a linear `removeEventListener`.
 *
 * Invariants (over `recvq`, `abortList`, `signal.aborted`):
 * - on the signal's watch list (`abortList !== undefined`) iff
 *   `recvq.size > 0`: the first queued receiver joins, the last one to leave
 *   (or the abort) leaves, so an abandoned done channel is not reachable from
 *   a long-lived signal.
 * - if `signal.aborted` then `recvq.size === 0`: the abort empties the queue,
 *   and afterwards every poll completes (closed), so nothing is enqueued again.
 * - nothing here runs user code: completions only settle promises and cancel
 *   sibling waiters (port protocol).
 */

import {
  type AbortLinks,
  commitRecv,
  type RecvWaiter,
  unwatchAbort,
  WaiterList,
  watchAbort,
} from "@csp-kit/channel/port";
import { PortReceiver } from "./port-receiver.js";

/** The port behind `done()`. */
export class DoneChannel extends PortReceiver<never> implements AbortLinks {
  /** Receivers waiting for the abort, oldest first. */
  private readonly recvq = new WaiterList<RecvWaiter<never>>();
  /** Links of the signal's shared watch list: written only by watchAbort / unwatchAbort. */
  abortList: object | undefined = undefined;
  abortPrev: AbortLinks | undefined = undefined;
  abortNext: AbortLinks | undefined = undefined;

  /** @param signal - validated by `done()`. */
  constructor(private readonly signal: AbortSignal) {
    super();
  }

  protected describe(): string {
    return "a done() channel";
  }

  /** Closed once the signal has aborted. */
  get closed(): boolean {
    return this.signal.aborted;
  }

  /** Whether this channel is on its signal's watch list now (tests and diagnostics). */
  get isWatching(): boolean {
    return this.abortList !== undefined;
  }

  pollRecv(w: RecvWaiter<never>): boolean {
    if (!this.signal.aborted) return false;
    commitRecv(w, undefined, false);
    return true;
  }

  /** Precondition (port protocol): a poll failed in this turn, so the signal is not aborted. */
  enqueueRecv(w: RecvWaiter<never>): void {
    this.recvq.push(w);
    if (this.abortList === undefined) watchAbort(this.signal, this);
  }

  cancelRecv(w: RecvWaiter<never>): boolean {
    if (!this.recvq.remove(w)) return false;
    if (this.recvq.size === 0) unwatchAbort(this);
    return true;
  }

  /** The signal aborted (the watch list already dropped us): close — complete every queued receiver with "closed". */
  onAbort(): void {
    for (let w = this.recvq.shift(); w !== undefined; w = this.recvq.shift()) {
      if (!w.token.done) commitRecv(w, undefined, false);
    }
  }

  /** Checks the invariants at the top of this file; throws on the first violation. For tests. */
  assertInvariants(): void {
    if (this.isWatching !== this.recvq.size > 0) {
      throw new Error(`done invariant violated: watching=${this.isWatching} with ${this.recvq.size} receivers`);
    }
    if (this.signal.aborted && this.recvq.size > 0) throw new Error("done invariant violated: waiters after abort");
  }
}
