/**
 * The reader/writer lock engine behind {@link RWMutex}, with Go's policy:
 *
 * - a waiting writer blocks new readers (so a stream of readers cannot starve a
 *   writer): once a writer is queued, `rLock` queues too;
 * - when a writer unlocks, every reader queued at that moment is admitted as one
 *   batch (so a stream of writers cannot starve readers), and the next writer
 *   waits for that batch to finish;
 * - writers are served among themselves in FIFO order.
 *
 * States (`writer`, `readers`) and the queues:
 *
 *   free ──rLock──▶ reading (readers > 0) ──last rUnlock──▶ the next queued writer: writing; else free
 *   free ──lock───▶ writing (writer)      ──unlock───────▶ every queued reader, as one batch: reading;
 *                                                           else the next queued writer: writing; else free
 *   While a writer is queued, rLock queues too (readers already in keep reading).
 *
 * Invariants (over `writer`, `readers`, `readq`, `writeq`):
 * - not both `writer` and `readers > 0`.
 * - if `readq.size > 0` then `writer || writeq.size > 0` (a reader waits only
 *   behind an active or a queued writer).
 * - if `writeq.size > 0` then `writer || readers > 0` (a queued writer waits only
 *   while the lock is held).
 * - every queued waiter has `settled === false`.
 * Each operation restores these in the same synchronous turn, and settles the
 * waiters it admits only through `tryGrant`, which runs no user code.
 */

import { WaiterList } from "@csp-kit/channel/port";
import { refusedBySignal } from "./util.js";
import { DIAGNOSTICS, noteParked, RESOLVED, Waiter, type WaiterOwner } from "./waiter.js";

export class RWCore implements WaiterOwner {
  /** Whether a writer holds the lock. Written by `tryLock`, `unlock` and `grantWriter`. */
  writer = false;
  /** Readers holding the lock. Written by `tryRLock`, `rUnlock` and `admitReaders`. */
  readers = 0;
  /** Readers waiting, oldest first. Pushed by `rLock`; emptied by `admitReaders`; `cancel` removes. */
  private readonly readq = new WaiterList<Waiter<unknown>>();
  /** Writers waiting, oldest first. Pushed by `lock`; shifted by `grantWriter`; `cancel` removes. */
  private readonly writeq = new WaiterList<Waiter<unknown>>();

  get waitingReaders(): number {
    return this.readq.size;
  }

  get waitingWriters(): number {
    return this.writeq.size;
  }

  /** Takes the write lock if nobody holds it and no writer is queued (then no reader is queued either). */
  tryLock(): boolean {
    if (this.writer || this.readers > 0 || this.writeq.size > 0) return false;
    this.writer = true;
    return true;
  }

  /** Takes a read lock unless a writer holds the lock or waits for it. */
  tryRLock(): boolean {
    if (this.writer || this.writeq.size > 0) return false;
    this.readers++;
    return true;
  }

  /** Write-locks, waiting if needed; resolves with `value`. Shared resolved promise on the fast path. Checks `signal` first (see `refusedBySignal`). */
  lock<R>(value: R, signal: AbortSignal | undefined, operation: string): Promise<R> {
    if (signal !== undefined) {
      const refused = refusedBySignal(signal, operation);
      if (refused !== undefined) return refused;
    }
    if (this.tryLock()) return value === undefined ? (RESOLVED as Promise<R>) : Promise.resolve(value);
    return new Promise<R>((resolve, reject) => {
      const w = new Waiter<R>(this, 0, value, resolve, reject, signal) as Waiter<unknown>;
      this.writeq.push(w);
      if (DIAGNOSTICS.on) noteParked(this, operation, w);
    });
  }

  /** Read-locks, waiting if needed; resolves with `value`. Shared resolved promise on the fast path. Checks `signal` first. */
  rLock<R>(value: R, signal: AbortSignal | undefined, operation: string): Promise<R> {
    if (signal !== undefined) {
      const refused = refusedBySignal(signal, operation);
      if (refused !== undefined) return refused;
    }
    if (this.tryRLock()) return value === undefined ? (RESOLVED as Promise<R>) : Promise.resolve(value);
    return new Promise<R>((resolve, reject) => {
      const w = new Waiter<R>(this, 0, value, resolve, reject, signal) as Waiter<unknown>;
      this.readq.push(w);
      if (DIAGNOSTICS.on) noteParked(this, operation, w);
    });
  }

  /**
   * Releases the write lock: admits every queued reader as one batch; if there
   * were none (or all had aborted), hands the lock to the next writer. Returns
   * false, changing nothing, if no writer holds the lock.
   */
  unlock(): boolean {
    if (!this.writer) return false;
    this.writer = false;
    if (this.readq.size > 0) this.admitReaders();
    if (this.readers === 0) this.grantWriter();
    return true;
  }

  /**
   * Releases one read lock; the last reader out hands the lock to the next
   * writer. Returns false, changing nothing, if no reader holds the lock.
   */
  rUnlock(): boolean {
    if (this.readers === 0) return false;
    this.readers--;
    if (this.readers === 0 && this.writeq.size > 0) this.grantWriter();
    return true;
  }

  /** Abort listener hook: removes `w`; if it was the last queued writer and no writer is active, the readers behind it go in. */
  cancel(w: Waiter<unknown>): void {
    if (this.readq.remove(w)) return;
    this.writeq.remove(w);
    if (this.writeq.size === 0 && !this.writer && this.readq.size > 0) this.admitReaders();
  }

  /** Admits every queued reader (skipping aborted ones). Precondition: `!writer`. */
  private admitReaders(): void {
    for (let w = this.readq.shift(); w !== undefined; w = this.readq.shift()) {
      if (w.tryGrant()) this.readers++;
    }
  }

  /**
   * Hands the lock to the oldest live queued writer. Precondition: `!writer`,
   * `readers === 0`. If every queued writer turns out aborted, the queue is now
   * empty, so the readers waiting behind them are admitted instead.
   */
  private grantWriter(): void {
    for (let w = this.writeq.shift(); w !== undefined; w = this.writeq.shift()) {
      if (w.tryGrant()) {
        this.writer = true;
        return;
      }
    }
    if (this.readq.size > 0) this.admitReaders();
  }

  /** Checks the invariants at the top of this file; throws on the first violation. */
  assertInvariants(): void {
    const fail = (message: string): never => {
      throw new Error(`RWMutex invariant violated: ${message}`);
    };
    if (!Number.isSafeInteger(this.readers) || this.readers < 0) fail(`readers = ${this.readers}`);
    if (this.writer && this.readers > 0) fail("a writer and readers hold the lock at once");
    if (this.readq.size > 0 && !this.writer && this.writeq.size === 0) fail("readers wait with no writer to wait for");
    if (this.writeq.size > 0 && !this.writer && this.readers === 0) fail("a writer waits for a free lock");
    for (const w of this.readq) if (w.settled) fail("a settled reader is still queued");
    for (const w of this.writeq) if (w.settled) fail("a settled writer is still queued");
  }
}
