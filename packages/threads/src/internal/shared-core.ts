/**
 * The per-thread engine of a SharedChannel: this thread's view of the shared
 * ring (ring.ts), the queues of this thread's async waiters, the two "pumps"
 * that wait for the ring without blocking the event loop, the blocking waits
 * for workers, and the {@link Port} protocol that lets `select` use the channel.
 *
 * Map of this file:
 *   1. sentinels
 *   2. SharedCore — immediate paths (take / give), serving local waiters,
 *      the pumps, the port protocol, the public operations, blocking operations
 *   3. the promise-backed waiters used by send / recv (abort handling)
 *
 * ## Two levels of waiting
 *
 * Other threads cannot see this thread's JavaScript objects, so waiters are
 * kept in two levels. Locally, each blocked `send`/`recv` (or `select` case) is a
 * waiter in `sendq`/`recvq`, exactly as in the single-thread channel. Globally,
 * this thread has at most one *pump* per direction: one registration in the
 * ring's waiter count, a mark on the slot the queue waits for, and one
 * `Atomics.waitAsync` on the ring's futex word. When the pump wakes, it serves
 * the local queue in FIFO order — claiming each value (or slot) atomically
 * from the ring, then committing the local waiter in the same synchronous
 * turn — and re-arms while waiters remain. A pump is armed only for a
 * non-empty queue, and drains everything the ring holds for the queue before
 * it waits again.
 *
 * ## Commit-once across threads (why this is a correct Port)
 *
 * A receive is committed only inside one synchronous turn of this thread that
 * (1) checks `!w.token.done`, (2) takes a value with the ring's CAS on the
 * slot of `DEQ`, (3) sets `token.done` and completes `w`. No other code of this thread can run
 * between (1) and (3), so no abort or sibling case can commit the operation in
 * between; and the CAS in (2) gives the value to exactly one claimant across
 * all threads. If (2) finds nothing, nothing happened and `w` stays queued.
 * Sends are symmetric: (2) is the CAS on `ENQ` followed by the slot write. So
 * a value is never lost (claimed only for a waiter that then commits) and never
 * delivered twice (the CAS), and an abort or a losing select case leaves the
 * ring untouched.
 *
 * ## An idle pump
 *
 * `Atomics.waitAsync` cannot be cancelled. When the last local waiter leaves
 * a waiting pump (served by a fast path, aborted, a select won elsewhere), the
 * pump stays armed and registered until a notify reaches it. Its mark makes
 * sure one does — the slot it marked changes sooner or later, or a woken
 * waiter hands the mark on (ring.ts) — and it costs other threads at most that
 * one notify: after it, the ring's wake accounting ("Not notifying twice")
 * knows this registration already has a wake-up in hand. The pump then finds
 * no local waiter and hands off (`handOff…`), so a thread that still waits
 * does not lose the wake-up. A new local waiter reuses an armed pump. There is
 * at most one pending wait per direction per instance: no leak however many
 * waits are aborted.
 *
 * Once a wait was started, the registration is dropped only in `onRecvWake` /
 * `onSendWake`, after the wake-up was acknowledged — the order the wake
 * accounting relies on.
 *
 * Invariants (over `recvq`, `sendq`, `recvArmed`, `sendArmed`, `holdsAlive`):
 * - if `recvq.size > 0` then `recvArmed` (a queued receiver always has a pump
 *   that will serve it); likewise for `sendq` and `sendArmed`.
 * - `recvArmed` iff a receive pump is being armed (`armRecv` is queued, and
 *   nothing is registered yet) or armed (this instance holds exactly one
 *   registration in the ring's receiver count and has one `waitAsync`
 *   pending); likewise for senders. Sync waits hold their registration only
 *   while blocked inside the call.
 * - `holdsAlive` iff `recvq.size + sendq.size > 0`: a thread with a pending
 *   wait stays alive (as with a MessagePort that has a listener).
 * - every waiter in a queue has `token.done === false`: a waiter is dequeued
 *   before it is committed, and whoever cancels an operation dequeues it in
 *   the same synchronous turn.
 */

import { ChannelAlreadyClosedError, ChannelClosedError, None, type Option, Some } from "@csp-kit/channel";
import {
  type AbortLinks,
  commitRecv,
  commitSend,
  failRecv,
  failSend,
  ITER_DONE,
  PendingReceive,
  type Port,
  type RecvWaiter,
  SendWaiter,
  signalFault,
  toIterResult,
  toOption,
  unwatchAbort,
  WaiterList,
  watchAbort,
} from "@csp-kit/channel/port";
import { SharedBlockingOnMainThreadError, SharedChannelBrokenError } from "../errors.js";
import { keepAlive } from "./keep-alive.js";
import { onMainThread } from "./main-thread.js";
import { BROKEN, CLOSED, EMPTY, FULL, SENT, type SharedRing } from "./ring.js";

// ---------------------------------------------------------------------------
// 1. Sentinels
// ---------------------------------------------------------------------------

/**
 * What a non-blocking send reports — the same shape as `Channel.trySend`:
 * `"sent"`, `"would-block"` (full; nothing happened) or `"closed"` (nothing happened).
 */
export type SharedTrySendResult = "sent" | "would-block" | "closed";

const RESOLVED: Promise<void> = Promise.resolve();
const RESOLVED_NONE: Promise<Option<never>> = Promise.resolve(None);
const RESOLVED_ITER_DONE: Promise<IteratorReturnResult<undefined>> = Promise.resolve(ITER_DONE);

/**
 * How many times a blocking call retries before it registers and sleeps
 * (a microsecond or two). When the partner thread runs on another core it
 * frees a slot (or sends) every few hundred nanoseconds, so a short spin
 * usually succeeds and spares both sides a futex sleep and wake-up, which cost
 * far more than a message. When the two threads share one core, spinning only
 * delays the partner; measured on such a machine, 64 beat 512 (and matched 16).
 * Longer spins (4096, 16384 tries) were measured again after the wait bits
 * (ring.ts) came in: on a 2-vCPU machine shared with other jobs they were
 * sometimes twice as fast and sometimes three times as slow — a gamble this
 * default does not take.
 */
const SPIN_TRIES = 64;

/** What `recvSync` returns when its timeout passed with nothing to receive. */
export const TIMED_OUT: unique symbol = Symbol("csp-kit.shared.timed-out");

/** Milliseconds left until `deadline` (a `performance.now()` time, or Infinity). */
function remaining(deadline: number): number {
  return deadline === Number.POSITIVE_INFINITY ? deadline : deadline - performance.now();
}

// ---------------------------------------------------------------------------
// 2. SharedCore
// ---------------------------------------------------------------------------

export class SharedCore<T> implements Port<T> {
  /** This thread's async receivers, oldest first. Added by `enqueueRecv` only. */
  private readonly recvq = new WaiterList<RecvWaiter<T>>();
  /** This thread's async senders, oldest first. Added by `enqueueSend` only. */
  private readonly sendq = new WaiterList<SendWaiter<T>>();
  /**
   * Whether this thread's receive pump is being armed or is armed (registered
   * in the ring, `Atomics.waitAsync` pending). Set by `ensureRecvPump`; cleared
   * by `armRecv` when the queue emptied before a wait was started, or by
   * `onRecvWake` (a pending wait cannot be cancelled, so it may outlive the
   * waiters it was armed for).
   */
  private recvArmed = false;
  /** The send-side counterpart of `recvArmed`. */
  private sendArmed = false;
  /** Whether this instance counts in `aliveHolders`; follows "a queue is non-empty". */
  private holdsAlive = false;
  /**
   * The prepared (encoded) values of queued send waiters created elsewhere
   * (select's), made when they were polled or queued, so serving them later
   * cannot throw. Entries leave with their waiter.
   */
  private readonly preparedOf = new WeakMap<SendWaiter<T>, unknown>();

  /** Bound once, so arming a pump allocates no closure. */
  private readonly onRecvWakeBound = (result: string): void => this.onRecvWake(result);
  private readonly onSendWakeBound = (result: string): void => this.onSendWake(result);
  private readonly armRecvBound = (): void => this.armRecv();
  private readonly armSendBound = (): void => this.armSend();

  constructor(readonly ring: SharedRing) {}

  get closed(): boolean {
    return this.ring.closed;
  }

  /** The error every operation of a broken ring fails with (ring.ts, "The failure model"). Precondition: broken. */
  brokenError(): SharedChannelBrokenError {
    return new SharedChannelBrokenError(this.ring.brokenAt?.position ?? -1, this.ring.stallTimeoutMs);
  }

  // --- Immediate paths: complete synchronously, no await between check and act.

  /**
   * Receives now if it can: a value, EMPTY (would block) or CLOSED (closed and drained).
   *
   * Why older local receivers go first: a value in the ring while receivers of
   * this thread are queued belongs to them (their pump has not run yet), so we
   * serve them before taking anything — local FIFO, as in Channel. If any stay
   * queued, the ring had nothing more and the answer is EMPTY.
   *
   * @throws whatever the serializer's `deserialize` throws (the value was taken).
   * @throws {@link SharedChannelBrokenError} when the ring is broken and drained.
   */
  take(): T | typeof EMPTY | typeof CLOSED {
    if (this.recvq.size > 0) {
      this.serveRecv();
      if (this.recvq.size > 0) return EMPTY;
    }
    const raw = this.ring.dequeue();
    if (raw === EMPTY || raw === CLOSED) return raw;
    if (raw === BROKEN) throw this.brokenError();
    // The slot just freed may be what a queued sender of this thread waits for: fill it now,
    // as Channel's refill does, rather than one event-loop turn later through the pump.
    if (this.sendq.size > 0) this.serveSend();
    return this.ring.codec.finish(raw) as T;
  }

  /**
   * Receives up to `max` values now if it can, appending them to `out`: the
   * number taken (>= 1), EMPTY or CLOSED. Older local receivers go first, as in
   * {@link SharedCore.take}. The batch ends before a value that does not
   * decode (it stays first in the channel).
   *
   * @throws whatever the serializer's `deserialize` throws when the first value
   *   does not decode (that value was taken).
   * @throws {@link SharedChannelBrokenError} when the ring is broken and drained.
   */
  takeMany(max: number, out: T[]): number | typeof EMPTY | typeof CLOSED {
    if (this.recvq.size > 0) {
      this.serveRecv();
      if (this.recvq.size > 0) return EMPTY;
    }
    return this.drain(max, out, true);
  }

  /**
   * The ring part of {@link SharedCore.takeMany}, without serving local
   * receivers first: also for a batch receiver that was itself just served
   * (its completion takes the rest of its batch; it is older than anything
   * queued), which passes `claimFailing = false`: an undecodable value then
   * ends the batch without being taken, and nothing throws.
   */
  private drain(max: number, out: T[], claimFailing: boolean): number | typeof EMPTY | typeof CLOSED {
    const n = this.ring.dequeueMany(max, out, claimFailing);
    if (n === BROKEN) throw this.brokenError();
    if (n !== EMPTY && n !== CLOSED && this.sendq.size > 0) this.serveSend();
    return n;
  }

  /**
   * Sends the prepared value `p` now if it can. Older local senders go first,
   * for the same reason as in {@link SharedCore.take}. BROKEN: nothing was
   * sent and nothing ever will be.
   */
  give(p: unknown): typeof SENT | typeof FULL | typeof CLOSED | typeof BROKEN {
    if (this.sendq.size > 0) {
      this.serveSend();
      if (this.sendq.size > 0) return this.ring.closed ? CLOSED : FULL;
    }
    const r = this.ring.enqueue(p);
    // A queued receiver of this thread takes the value at once (the ring was empty for it, so the
    // value it takes is this one or an older one — FIFO), as Channel hands a value to a waiting receiver.
    if (r === SENT && this.recvq.size > 0) this.serveRecv();
    return r;
  }

  // --- Serving local waiters (run by the pumps, and before immediate paths).

  /**
   * Completes queued receivers, oldest first, while the ring has values (or is
   * closed and drained). Each completion is claim-then-commit in one
   * synchronous turn (see "Commit-once" above).
   */
  private serveRecv(): void {
    const ring = this.ring;
    const recvq = this.recvq;
    for (let w = recvq.peek(); w !== undefined; w = recvq.peek()) {
      if (w.token.done) {
        recvq.shift();
        continue;
      }
      const raw = ring.dequeue();
      if (raw === EMPTY) break;
      if (raw === CLOSED) {
        recvq.shift();
        commitRecv(w, undefined, false);
        continue;
      }
      if (raw === BROKEN) {
        recvq.shift();
        failRecv(w, this.brokenError());
        continue;
      }
      let value: T;
      try {
        value = ring.codec.finish(raw) as T;
      } catch (error) {
        // The bytes cannot be decoded here (the threads disagree on the serializer): that value is
        // gone, and the receive that took it fails with the decoder's error (`fail` of the port
        // protocol: our own waiters and select's reject).
        recvq.shift();
        failRecv(w, error);
        continue;
      }
      recvq.shift();
      commitRecv(w, value, true);
    }
    this.settle();
  }

  /**
   * Completes queued senders, oldest first, while the ring has room (or with
   * `ok = false` once closed; failing them once broken).
   */
  private serveSend(): void {
    const ring = this.ring;
    const sendq = this.sendq;
    for (let w = sendq.peek(); w !== undefined; w = sendq.peek()) {
      if (w.token.done) {
        sendq.shift();
        this.preparedOf.delete(w);
        continue;
      }
      const r = ring.enqueue(w instanceof PendingSend ? w.prepared : this.preparedOf.get(w));
      if (r === FULL) break;
      sendq.shift();
      this.preparedOf.delete(w);
      if (r === BROKEN) failSend(w, this.brokenError());
      else commitSend(w, r === SENT);
    }
    this.settle();
  }

  /** Keeps `holdsAlive` equal to "a local queue is non-empty"; call after a queue changed. */
  private settle(): void {
    const want = this.recvq.size + this.sendq.size > 0;
    if (want === this.holdsAlive) return;
    this.holdsAlive = want;
    keepAlive(want);
  }

  // --- The pumps.

  /**
   * Makes sure the queued receivers will be served: unless a pump is armed (or
   * being armed) already, arms one in a microtask. Precondition:
   * `recvq.size > 0`. The microtask runs after the current synchronous turn,
   * so a `select` still enqueueing its other cases is never completed
   * re-entrantly. An armed pump serves newcomers too: its mark (or a hand-off
   * that replaced it) makes sure a notify reaches it.
   */
  private ensureRecvPump(): void {
    if (this.recvArmed) return;
    this.recvArmed = true;
    queueMicrotask(this.armRecvBound);
  }

  /**
   * Arms the receive pump, in the order of ring.ts ("Waiting without lost
   * wake-ups"): (1)–(2) register and take the key, (3) serve the queue from the
   * ring, (3b) mark the slot the queue waits for — or serve again when it
   * turned full meanwhile — and (4) start the wait. If the queue empties on
   * the way (served, or its waiters left), unregisters instead: no wait is
   * started for nobody.
   */
  private armRecv(): void {
    const ring = this.ring;
    const key = ring.registerReceiver();
    do {
      this.serveRecv();
      if (this.recvq.size === 0) {
        ring.unregisterReceiver();
        this.recvArmed = false;
        return;
      }
    } while (!ring.armData());
    const r = ring.waitForData(key);
    if (typeof r === "string") this.onRecvWake(r);
    else r.then(this.onRecvWakeBound);
  }

  /**
   * The receive pump's wait ended (`"ok"`: notified; otherwise the word had
   * already moved). Serves the queue; re-arms while receivers remain. A pump
   * that was notified and does not wait again hands off, so receivers of
   * other threads that waited for the same slot are not forgotten.
   */
  private onRecvWake(result: string): void {
    this.ring.ackDataWake(result);
    this.ring.unregisterReceiver();
    this.recvArmed = false;
    this.serveRecv();
    if (this.recvq.size > 0) this.ensureRecvPump();
    else if (result === "ok") this.ring.handOffData();
  }

  /** The send-side counterpart of {@link SharedCore.ensureRecvPump}. Precondition: `sendq.size > 0`. */
  private ensureSendPump(): void {
    if (this.sendArmed) return;
    this.sendArmed = true;
    queueMicrotask(this.armSendBound);
  }

  /** The send-side counterpart of {@link SharedCore.armRecv}. */
  private armSend(): void {
    const ring = this.ring;
    const key = ring.registerSender();
    do {
      this.serveSend();
      if (this.sendq.size === 0) {
        ring.unregisterSender();
        this.sendArmed = false;
        return;
      }
    } while (!ring.armRoom());
    const r = ring.waitForRoom(key);
    if (typeof r === "string") this.onSendWake(r);
    else r.then(this.onSendWakeBound);
  }

  /** The send-side counterpart of {@link SharedCore.onRecvWake}. */
  private onSendWake(result: string): void {
    this.ring.ackRoomWake(result);
    this.ring.unregisterSender();
    this.sendArmed = false;
    this.serveSend();
    if (this.sendq.size > 0) this.ensureSendPump();
    else if (result === "ok") this.ring.handOffRoom();
  }

  // --- The port protocol (see `@csp-kit/channel/port` for the contract).

  /** @throws whatever `deserialize` throws for a value it takes. */
  pollRecv(w: RecvWaiter<T>): boolean {
    const value = this.take();
    if (value === EMPTY) return false;
    if (value === CLOSED) commitRecv(w, undefined, false);
    else commitRecv(w, value, true);
    return true;
  }

  /**
   * @throws {@link SharedValueTooLargeError} (and serializer errors) before anything happens, like `trySend`.
   * @throws {@link SharedChannelBrokenError} when the ring is broken (nothing is sent).
   */
  pollSend(w: SendWaiter<T>): boolean {
    const p = this.preparedFor(w);
    const r = this.give(p);
    if (r === FULL) return false;
    this.preparedOf.delete(w);
    if (r === BROKEN) throw this.brokenError();
    commitSend(w, r === SENT);
    return true;
  }

  enqueueRecv(w: RecvWaiter<T>): void {
    this.recvq.push(w);
    this.settle();
    this.ensureRecvPump();
  }

  /** @throws {@link SharedValueTooLargeError} (and serializer errors) if `w` was not polled first and cannot be encoded. */
  enqueueSend(w: SendWaiter<T>): void {
    this.preparedFor(w);
    this.sendq.push(w);
    this.settle();
    this.ensureSendPump();
  }

  cancelRecv(w: RecvWaiter<T>): boolean {
    const removed = this.recvq.remove(w);
    if (removed) this.settle();
    return removed;
  }

  cancelSend(w: SendWaiter<T>): boolean {
    const removed = this.sendq.remove(w);
    this.preparedOf.delete(w);
    if (removed) this.settle();
    return removed;
  }

  /** The prepared form of `w.value`: carried by our own waiters, made once and remembered for foreign ones. */
  private preparedFor(w: SendWaiter<T>): unknown {
    if (w instanceof PendingSend) return w.prepared;
    if (this.preparedOf.has(w)) return this.preparedOf.get(w);
    const p = this.ring.codec.prepare(w.value);
    this.preparedOf.set(w, p);
    return p;
  }

  // --- Public async operations (the façade forwards here).

  // Each first validates its `signal` (signalFault): anything but an AbortSignal or undefined
  // rejects with InvalidSignalError before any queue or the ring is touched.

  send(value: T, signal: AbortSignal | undefined): Promise<void> {
    const fault = signalFault(signal, "SharedChannel.send");
    if (fault !== undefined) return Promise.reject(fault);
    if (signal?.aborted) return Promise.reject(signal.reason);
    let p: unknown;
    try {
      p = this.ring.codec.prepare(value);
    } catch (error) {
      return Promise.reject(error);
    }
    const r = this.give(p);
    if (r === SENT) return RESOLVED;
    if (r === CLOSED) return Promise.reject(new ChannelClosedError(value));
    if (r === BROKEN) return Promise.reject(this.brokenError());
    return new Promise<void>((resolve, reject) => {
      this.enqueueSend(new PendingSend(this, value, p, resolve, reject, signal));
    });
  }

  recv(signal: AbortSignal | undefined): Promise<Option<T>> {
    const fault = signalFault(signal, "SharedChannel.recv");
    if (fault !== undefined) return Promise.reject(fault);
    if (signal?.aborted) return Promise.reject(signal.reason);
    let value: T | typeof EMPTY | typeof CLOSED;
    try {
      value = this.take();
    } catch (error) {
      return Promise.reject(error);
    }
    if (value === CLOSED) return RESOLVED_NONE;
    if (value !== EMPTY) return Promise.resolve(new Some(value));
    return new Promise<Option<T>>((resolve, reject) => {
      new PendingReceive<T, Option<T>>(this, toOption, resolve, reject).wait(signal);
    });
  }

  /** One step of `for await`: like `recv`, but resolves an iterator result directly. */
  next(signal: AbortSignal | undefined): Promise<IteratorResult<T, undefined>> {
    const fault = signalFault(signal, "SharedChannel.values");
    if (fault !== undefined) return Promise.reject(fault);
    if (signal?.aborted) return Promise.reject(signal.reason);
    let value: T | typeof EMPTY | typeof CLOSED;
    try {
      value = this.take();
    } catch (error) {
      return Promise.reject(error);
    }
    if (value === CLOSED) return RESOLVED_ITER_DONE;
    if (value !== EMPTY) return Promise.resolve({ done: false, value });
    return new Promise<IteratorResult<T, undefined>>((resolve, reject) => {
      new PendingReceive<T, IteratorResult<T, undefined>>(this, toIterResult, resolve, reject).wait(signal);
    });
  }

  /**
   * Receives at least one and at most `max` values, waiting for the first.
   * A waiting batch receive is an ordinary receive waiter whose completion
   * takes up to `max - 1` more values in the same synchronous turn.
   */
  recvBatch(max: number, signal: AbortSignal | undefined): Promise<Option<T[]>> {
    const fault = signalFault(signal, "SharedChannel.recvBatch");
    if (fault !== undefined) return Promise.reject(fault);
    if (signal?.aborted) return Promise.reject(signal.reason);
    const out: T[] = [];
    let n: number | typeof EMPTY | typeof CLOSED;
    try {
      n = this.takeMany(max, out);
    } catch (error) {
      return Promise.reject(error);
    }
    if (n === CLOSED) return RESOLVED_NONE;
    if (n !== EMPTY) return Promise.resolve(new Some(out));
    const wrap = (value: T | undefined, ok: boolean): Option<T[]> => {
      if (!ok) return None;
      out.push(value as T);
      // The rest of the batch: ends before a value that does not decode (never throws).
      if (max > 1) this.drain(max - 1, out, false);
      return new Some(out);
    };
    return new Promise<Option<T[]>>((resolve, reject) => {
      new PendingReceive<T, Option<T[]>>(this, wrap, resolve, reject).wait(signal);
    });
  }

  tryRecvBatch(max: number): Option<T[]> | "would-block" {
    const out: T[] = [];
    const n = this.takeMany(max, out);
    if (n === EMPTY) return "would-block";
    if (n === CLOSED) return None;
    return new Some(out);
  }

  /** @throws encoding errors, before anything happens; {@link SharedChannelBrokenError} once broken. */
  trySend(value: T): SharedTrySendResult {
    const r = this.give(this.ring.codec.prepare(value));
    if (r === BROKEN) throw this.brokenError();
    return r === SENT ? "sent" : r === FULL ? "would-block" : "closed";
  }

  tryRecv(): Option<T> | "would-block" {
    const value = this.take();
    if (value === EMPTY) return "would-block";
    if (value === CLOSED) return None;
    return new Some(value);
  }

  /**
   * Closes the ring for every thread, then completes this thread's queued
   * waiters at once (receivers drain first; senders fail); other threads'
   * waiters are woken by the ring's notify-all and complete the same way.
   *
   * @throws {@link SharedChannelBrokenError} when the ring is broken (nothing changes).
   */
  close(): void {
    if (this.ring.brokenAt !== undefined) throw this.brokenError();
    if (!this.ring.close()) throw new ChannelAlreadyClosedError();
    this.serveRecv();
    this.serveSend();
  }

  // --- Blocking operations (worker threads).

  /**
   * Sends, sleeping on the ring's room word while it is full.
   * Queued async senders of this thread are not consulted: a blocking call
   * cannot wait behind waiters that need this thread's event loop. Returns
   * false (nothing sent) when `timeoutMs` (`Infinity`: no limit) passed first.
   */
  sendSync(value: T, timeoutMs: number): boolean {
    if (onMainThread()) throw new SharedBlockingOnMainThreadError("sendSync");
    const ring = this.ring;
    const p = ring.codec.prepare(value);
    const deadline = timeoutMs === Number.POSITIVE_INFINITY ? timeoutMs : performance.now() + timeoutMs;
    let woken = false;
    for (;;) {
      let r = ring.enqueue(p);
      for (let spin = 0; r === FULL && spin < SPIN_TRIES; spin++) r = ring.enqueue(p);
      if (r === FULL) {
        const left = remaining(deadline);
        if (left <= 0) {
          // Out of time and not waiting again: a wake-up this call took must still reach someone.
          if (woken) ring.handOffRoom();
          return false;
        }
        const key = ring.registerSender();
        r = ring.enqueue(p);
        if (r === FULL && ring.armRoom() && ring.waitForRoomSync(key, left) === "ok") woken = true;
        ring.unregisterSender();
        if (r === FULL) continue;
      }
      // Woken by a notify and not waiting again: the wake-up's mark is gone, pass it on.
      if (woken) ring.handOffRoom();
      if (r === CLOSED) throw new ChannelClosedError(value);
      if (r === BROKEN) throw this.brokenError();
      return true;
    }
  }

  /** Receives, sleeping on the ring's data word while it is empty, at most `timeoutMs`. See {@link SharedCore.sendSync}. */
  recvSync(timeoutMs: number): Option<T> | typeof TIMED_OUT {
    if (onMainThread()) throw new SharedBlockingOnMainThreadError("recvSync");
    const ring = this.ring;
    const deadline = timeoutMs === Number.POSITIVE_INFINITY ? timeoutMs : performance.now() + timeoutMs;
    let woken = false;
    for (;;) {
      let raw = ring.dequeue();
      for (let spin = 0; raw === EMPTY && spin < SPIN_TRIES; spin++) raw = ring.dequeue();
      if (raw === EMPTY) {
        const left = remaining(deadline);
        if (left <= 0) {
          if (woken) ring.handOffData();
          return TIMED_OUT;
        }
        const key = ring.registerReceiver();
        raw = ring.dequeue();
        if (raw === EMPTY && ring.armData() && ring.waitForDataSync(key, left) === "ok") woken = true;
        ring.unregisterReceiver();
        if (raw === EMPTY) continue;
      }
      if (woken) ring.handOffData();
      if (raw === CLOSED) return None;
      if (raw === BROKEN) throw this.brokenError();
      return new Some(ring.codec.finish(raw) as T);
    }
  }

  // --- Tests and diagnostics.

  /** This thread's queued waiters and armed pumps. */
  get waiting(): { receivers: number; senders: number; recvPump: boolean; sendPump: boolean } {
    return { receivers: this.recvq.size, senders: this.sendq.size, recvPump: this.recvArmed, sendPump: this.sendArmed };
  }

  /** Checks the invariants at the top of this file and the ring's; throws on the first violation. */
  assertInvariants(): void {
    const fail = (what: string) => {
      throw new Error(`shared channel invariant violated: ${what}`);
    };
    if (this.recvq.size > 0 && !this.recvArmed) fail("receivers queued without a pump");
    if (this.sendq.size > 0 && !this.sendArmed) fail("senders queued without a pump");
    if (this.holdsAlive !== this.recvq.size + this.sendq.size > 0) fail("keep-alive does not match the queues");
    this.ring.assertInvariants();
  }
}

// ---------------------------------------------------------------------------
// 3. Promise-backed waiters (one per blocked send / recv; the waiter is its own token)
// ---------------------------------------------------------------------------

/** A blocked `send`; carries its value already encoded. Same lifecycle as `PendingReceive` (`@csp-kit/channel/port`). */
class PendingSend<T> extends SendWaiter<T> implements AbortLinks {
  abortList: object | undefined = undefined;
  abortPrev: AbortLinks | undefined = undefined;
  abortNext: AbortLinks | undefined = undefined;

  constructor(
    private readonly core: SharedCore<T>,
    value: T,
    /** `value` after `codec.prepare`: what the pump writes into the ring. */
    readonly prepared: unknown,
    private readonly resolve: () => void,
    private readonly reject: (reason: unknown) => void,
    signal: AbortSignal | undefined,
  ) {
    super(value);
    if (signal !== undefined) watchAbort(signal, this);
  }

  complete(ok: boolean): void {
    unwatchAbort(this);
    if (ok) this.resolve();
    else this.reject(new ChannelClosedError(this.value));
  }

  /** The ring broke (or this value's write was abandoned): nothing was sent; reject with `error`. Precondition: committed. */
  override fail(error: unknown): void {
    unwatchAbort(this);
    this.reject(error);
  }

  onAbort(reason: unknown): void {
    if (this.done) return;
    this.done = true;
    this.core.cancelSend(this);
    this.reject(reason);
  }
}
