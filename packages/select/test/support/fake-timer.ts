/**
 * A minimal lazily armed source built only on the port protocol — the shape a
 * timer channel has. It counts how often it is armed (a waiter enqueued) and
 * disarmed (that waiter cancelled), so tests can prove that select drives a
 * source only through `Port` and leaves nothing armed behind.
 */

import { type HasPort, PORT, type Port, type RecvWaiter, type SendWaiter } from "@csp-kit/channel/port";

export class FakeTimer implements HasPort<Date>, Port<Date> {
  readonly [PORT]: Port<Date> = this;
  /** Set by `fire()` until a receive takes the tick. */
  private pending: Date | undefined = undefined;
  /** The one receiver armed on this timer, if any. */
  private armed: RecvWaiter<Date> | undefined = undefined;
  arms = 0;
  disarms = 0;
  readonly closed = false;

  /** Whether a receiver is armed now. */
  get isArmed(): boolean {
    return this.armed !== undefined;
  }

  /** Delivers a tick: to the armed receiver, or kept until the next receive. */
  fire(at: Date): void {
    const w = this.armed;
    if (w !== undefined && !w.token.done) {
      this.armed = undefined;
      w.token.done = true;
      w.complete(at, true);
      return;
    }
    this.pending = at;
  }

  pollRecv(w: RecvWaiter<Date>): boolean {
    if (this.pending === undefined) return false;
    const at = this.pending;
    this.pending = undefined;
    w.token.done = true;
    w.complete(at, true);
    return true;
  }
  pollSend(_w: SendWaiter<Date>): boolean {
    throw new Error("a timer cannot be sent to");
  }
  enqueueRecv(w: RecvWaiter<Date>): void {
    if (this.armed !== undefined) throw new Error("FakeTimer supports one receiver");
    this.armed = w;
    this.arms++;
  }
  enqueueSend(_w: SendWaiter<Date>): void {
    throw new Error("a timer cannot be sent to");
  }
  cancelRecv(w: RecvWaiter<Date>): boolean {
    if (this.armed !== w) return false;
    this.armed = undefined;
    this.disarms++;
    return true;
  }
  cancelSend(_w: SendWaiter<Date>): boolean {
    return false;
  }
}
