/**
 * The port behind `done()`: an AbortSignal seen as a channel that closes on
 * abort (Go's `ctx.Done()`), which listens to its signal only while somebody
 * waits on it.
 *
 * Invariants (over `recvq`, `listening`, `signal.aborted`):
 * - `listening` iff `recvq.size > 0`: the abort listener is added by the first
 *   queued receiver and removed with the last one (or on abort), so an
 *   abandoned done channel is not kept alive by a long-lived signal.
 * - if `signal.aborted` then `recvq.size === 0`: the abort empties the queue,
 *   and afterwards every poll completes (closed), so nothing is enqueued again.
 * - nothing here runs user code: completions only settle promises and cancel
 *   sibling waiters (port protocol).
 */

import { commitRecv, type RecvWaiter, WaiterList } from "@csp-kit/channel/port";
import { PortReceiver } from "./port-receiver.js";

/** The port behind `done()`. */
export class DoneChannel extends PortReceiver<never> implements EventListenerObject {
  /** Receivers waiting for the abort, oldest first. */
  private readonly recvq = new WaiterList<RecvWaiter<never>>();
  /** Whether this object is registered as the signal's abort listener. Written by enqueue / cancel / abort. */
  private listening = false;

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

  pollRecv(w: RecvWaiter<never>): boolean {
    if (!this.signal.aborted) return false;
    commitRecv(w, undefined, false);
    return true;
  }

  enqueueRecv(w: RecvWaiter<never>): void {
    this.recvq.push(w);
    if (!this.listening) {
      this.listening = true;
      this.signal.addEventListener("abort", this);
    }
  }

  cancelRecv(w: RecvWaiter<never>): boolean {
    if (!this.recvq.remove(w)) return false;
    if (this.recvq.size === 0) this.unlisten();
    return true;
  }

  /** The abort listener: close — complete every queued receiver with "closed". */
  handleEvent(): void {
    this.unlisten();
    for (let w = this.recvq.shift(); w !== undefined; w = this.recvq.shift()) {
      if (!w.token.done) commitRecv(w, undefined, false);
    }
  }

  private unlisten(): void {
    if (!this.listening) return;
    this.listening = false;
    this.signal.removeEventListener("abort", this);
  }

  /** Checks the invariants at the top of this file; throws on the first violation. For tests. */
  assertInvariants(): void {
    if (this.listening !== this.recvq.size > 0) {
      throw new Error(`done invariant violated: listening=${this.listening} with ${this.recvq.size} receivers`);
    }
    if (this.signal.aborted && this.recvq.size > 0) throw new Error("done invariant violated: waiters after abort");
  }
}
