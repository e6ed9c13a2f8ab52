/**
 * The weighted FIFO semaphore engine — the one engine behind {@link Semaphore}
 * (`size` permits) and {@link Mutex} (a semaphore of one). It follows
 * golang.org/x/sync/semaphore: waiters are served strictly in arrival order, and
 * a large request at the head of the queue blocks every later request, even
 * small ones that would fit ("head-of-line blocking"). That is what keeps a big
 * request from being starved by a stream of small ones.
 *
 * Invariants (over `size`, `held`, `queue`):
 * - `0 <= held <= size`, all whole numbers.
 * - if `queue.size > 0` then the head cannot be served yet:
 *   `head.weight > size - held`, or the head's signal is aborted and its abort
 *   listener is about to remove it. (Anything servable is served in the same
 *   synchronous turn that made it servable: `release` and `cancel` call `serve`.)
 * - so a newcomer may take permits at once only when the queue is empty —
 *   otherwise it would overtake the head.
 * - every queued waiter has `weight <= size` (callers validate) and `settled === false`.
 */

import { WaiterList } from "@csp-kit/channel/port";
import { refusedBySignal } from "./util.js";
import { DIAGNOSTICS, noteParked, RESOLVED, Waiter, type WaiterOwner } from "./waiter.js";

export class WeightedCore implements WaiterOwner {
  /** Permits held by granted acquisitions. Written only by `tryAcquire`, `release` and `serve`. */
  held = 0;
  /** Blocked acquisitions, oldest first. Written only by `acquire` (push), `serve` (shift) and `cancel` (remove). */
  private readonly queue = new WaiterList<Waiter<unknown>>();

  /** @param size - total permits; a whole number >= 1 (the caller validates). Never changes. */
  constructor(readonly size: number) {}

  /** Number of blocked acquisitions. */
  get waiting(): number {
    return this.queue.size;
  }

  /**
   * Takes `n` permits now if that overtakes nobody. Precondition: `n` is a whole
   * number in [0, size]. Completes synchronously.
   *
   * Fast path, why it is correct: when the queue is empty no earlier request is
   * waiting, so taking permits now is exactly FIFO; when it is not empty the head
   * is blocked, and taking permits would overtake it — so we refuse even if `n`
   * would fit (head-of-line blocking).
   */
  tryAcquire(n: number): boolean {
    if (this.queue.size === 0 && this.size - this.held >= n) {
      this.held += n;
      return true;
    }
    return false;
  }

  /**
   * Takes `n` permits, waiting in FIFO order if needed; the promise resolves
   * with `value`. Precondition: `n` is a whole number in [0, size].
   *
   * When the permits are free at once this returns the shared resolved promise
   * (for `value === undefined`) and allocates nothing: an uncontended
   * `mutex.lock()` costs a comparison and an addition. A `signal` that is not
   * an AbortSignal rejects (InvalidSignalError naming `operation`) before anything is taken.
   */
  acquire<R>(n: number, value: R, signal: AbortSignal | undefined, operation: string): Promise<R> {
    if (signal !== undefined) {
      const refused = refusedBySignal(signal, operation);
      if (refused !== undefined) return refused;
    }
    if (this.tryAcquire(n)) return value === undefined ? (RESOLVED as Promise<R>) : Promise.resolve(value);
    return new Promise<R>((resolve, reject) => {
      const w = new Waiter<R>(this, n, value, resolve, reject, signal) as Waiter<unknown>;
      this.queue.push(w);
      if (DIAGNOSTICS.on) noteParked(this, operation, w);
    });
  }

  /**
   * Gives back `n` permits and serves the waiters that now fit, in order.
   * Precondition: `n` is a whole number >= 0. Returns false — changing nothing —
   * when `n` exceeds what is held (the façade turns that into its typed error).
   */
  release(n: number): boolean {
    if (n > this.held) return false;
    this.held -= n;
    if (this.queue.size > 0) this.serve();
    return true;
  }

  /** Abort listener hook: removes `w`; if it was the head, the waiters behind it may now fit. */
  cancel(w: Waiter<unknown>): void {
    const wasHead = this.queue.peek() === w;
    this.queue.remove(w);
    if (wasHead) this.serve();
  }

  /**
   * Grants waiters from the head while they fit; stops at the first that does
   * not (head-of-line blocking). A waiter found aborted is dropped without
   * taking permits. State (`held`, the queue) is updated for each waiter in the
   * same step that settles it; settling runs no user code.
   */
  private serve(): void {
    const queue = this.queue;
    for (let w = queue.peek(); w !== undefined; w = queue.peek()) {
      if (w.weight > this.size - this.held && !w.signal?.aborted) return;
      queue.shift();
      if (w.tryGrant()) this.held += w.weight;
    }
  }

  /** Checks the invariants at the top of this file; throws on the first violation. */
  assertInvariants(what: string): void {
    const fail = (message: string): never => {
      throw new Error(`${what} invariant violated: ${message}`);
    };
    if (!Number.isSafeInteger(this.held) || this.held < 0 || this.held > this.size) fail(`held = ${this.held}`);
    const head = this.queue.peek();
    if (head !== undefined && head.weight <= this.size - this.held && !head.signal?.aborted) {
      fail(`the head waiter (weight ${head.weight}) fits in ${this.size - this.held} free permits but waits`);
    }
    let count = 0;
    for (const w of this.queue) {
      count++;
      if (w.settled) fail("a settled waiter is still queued");
      if (w.weight > this.size) fail("a queued waiter asks for more than the size");
    }
    if (count !== this.queue.size) fail(`queue size ${this.queue.size} but ${count} nodes`);
  }
}
