/**
 * The channel engine: wait queues, close state and the Go rules that tie them
 * to a buffer policy. `Channel<T>` is a thin façade over this class, and this
 * class is the {@link Port} that `select` and timers drive.
 *
 * Map of this file:
 *   1. shared constants and sentinels
 *   2. ChannelCore — immediate paths (take / give), the port protocol, the
 *      public operations (send / recv / try… / close / iterate), slow paths
 *   3. the promise-backed waiters used by send / recv (abort handling)
 *
 * Invariants (over `buffer`, `recvq`, `sendq`, `closed`):
 * - if `recvq.size > 0` then `buffer.length === 0` (a waiting receiver means
 *   nothing was there to take).
 * - if `sendq.size > 0` then `buffer.full()` (a waiting sender means there was
 *   no room); so `sendq` is always empty for `infinite`, `ring` and `overflowing`.
 * - not both `recvq.size > 0` and `sendq.size > 0` — whichever side arrives
 *   second is served at once — EXCEPT on an unbuffered channel where every
 *   queued waiter belongs to one operation: a single select waiting both to
 *   receive from and to send on this channel (Go's chan.go has the same
 *   exception). An operation never matches itself: matching happens only when a
 *   new operation polls, never between queued waiters.
 * - if `closed` then `recvq.size === 0` and `sendq.size === 0`: close empties
 *   both queues, and after close no waiter is ever enqueued (every poll on a
 *   closed channel completes).
 * - every waiter in a queue has `token.done === false`: a waiter is dequeued
 *   before it is committed, and whoever cancels an operation dequeues all of
 *   its waiters in the same synchronous turn.
 */

import { None, type Option, Some } from "ts-results-es";
import { ChannelAlreadyClosedError, ChannelClosedError } from "../errors.js";
import { type Port, RecvWaiter, SendWaiter } from "../port.js";
import { type AbortLinks, unwatchAbort, watchAbort } from "./abort-watch.js";
import type { ChannelBuffer } from "./buffers/buffer.js";
import { WaiterList } from "./waiter-list.js";

// ---------------------------------------------------------------------------
// 1. Shared constants and sentinels
// ---------------------------------------------------------------------------

/** Returned by every send that completes at once: settled, immutable, so safely shared. */
const RESOLVED: Promise<void> = Promise.resolve();
/** Returned by every receive that finds the channel closed and drained. */
const RESOLVED_NONE: Promise<Option<never>> = Promise.resolve(None);
/** The iterator result for "closed and drained". */
const ITER_DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });
const RESOLVED_ITER_DONE: Promise<IteratorReturnResult<undefined>> = Promise.resolve(ITER_DONE);

/** `take()` found nothing to receive and the channel is open: a receive would block. */
const EMPTY: unique symbol = Symbol("csp-kit.empty");
/** `take()` found the channel closed and drained. */
const CLOSED: unique symbol = Symbol("csp-kit.closed");

/** What a non-blocking send reports. */
export type TrySendResult = "sent" | "would-block" | "closed";

/** Commits `w`: marks its operation done, then completes it. Precondition: `w` is in no queue, `!w.token.done`. */
function commitRecv<T>(w: RecvWaiter<T>, value: T | undefined, ok: boolean): void {
  w.token.done = true;
  w.complete(value, ok);
}

/** Commits `w`: marks its operation done, then completes it. Precondition: `w` is in no queue, `!w.token.done`. */
function commitSend<T>(w: SendWaiter<T>, ok: boolean): void {
  w.token.done = true;
  w.complete(ok);
}

// ---------------------------------------------------------------------------
// 2. ChannelCore
// ---------------------------------------------------------------------------

export class ChannelCore<T> implements Port<T> {
  /** Set once by `close()`, never reset. Readable by anyone; written only by `close()`. */
  closed = false;
  /** Receivers waiting for a value, oldest first. Only `recvSlow` and `enqueueRecv` add to it. */
  private readonly recvq = new WaiterList<RecvWaiter<T>>();
  /** Senders waiting for room or a receiver, oldest first. Only `sendSlow` and `enqueueSend` add to it. */
  private readonly sendq = new WaiterList<SendWaiter<T>>();

  /** @param buffer - the buffer policy; owned by this core from now on. */
  constructor(readonly buffer: ChannelBuffer<T>) {}

  // --- Immediate paths: complete synchronously, no await between check and act.

  /**
   * Receives now if it can. Returns the value, `EMPTY` (a receive would block) or
   * `CLOSED` (closed and drained). Completes the sender it took a value from.
   *
   * Why taking from the buffer first is right: values in the buffer were sent
   * before any value still held by a blocked sender (a sender blocks only when
   * the buffer is full), so FIFO order is buffer, then senders in arrival order.
   * After taking one value the buffer has room for exactly one more, which the
   * oldest blocked sender fills (`refill`), exactly as Go's chanrecv does.
   */
  take(): T | typeof EMPTY | typeof CLOSED {
    const buffer = this.buffer;
    if (buffer.length > 0) {
      const value = buffer.remove();
      if (this.sendq.size > 0) this.refill();
      return value;
    }
    const sender = this.nextSender();
    if (sender !== undefined) {
      const value = sender.value;
      commitSend(sender, true);
      return value;
    }
    return this.closed ? CLOSED : EMPTY;
  }

  /**
   * Sends now if it can: hands `value` to the oldest waiting receiver, or stores
   * it when the buffer policy has room (ring/overflowing always "have room": they
   * drop by their own rule). Returns what happened; changes nothing on "would-block".
   *
   * A waiting receiver implies an empty buffer (invariant), so handing the value
   * over directly keeps FIFO order and skips a buffer round trip.
   */
  give(value: T): TrySendResult {
    if (this.closed) return "closed";
    const receiver = this.nextReceiver();
    if (receiver !== undefined) {
      commitRecv(receiver, value, true);
      return "sent";
    }
    const buffer = this.buffer;
    if (buffer.full()) return "would-block";
    buffer.add(value);
    return "sent";
  }

  /** The buffer just lost one value and senders are waiting: move the oldest sender's value in. */
  private refill(): void {
    const sender = this.nextSender();
    if (sender === undefined) return;
    this.buffer.add(sender.value);
    commitSend(sender, true);
  }

  /** Dequeues the oldest live receiver, if any. Skips (drops) waiters whose operation already committed. */
  private nextReceiver(): RecvWaiter<T> | undefined {
    let w = this.recvq.shift();
    while (w?.token.done) w = this.recvq.shift();
    return w;
  }

  /** Dequeues the oldest live sender, if any. Skips (drops) waiters whose operation already committed. */
  private nextSender(): SendWaiter<T> | undefined {
    let w = this.sendq.shift();
    while (w?.token.done) w = this.sendq.shift();
    return w;
  }

  // --- The port protocol (see ../port.ts for the contract).

  pollRecv(w: RecvWaiter<T>): boolean {
    const value = this.take();
    if (value === EMPTY) return false;
    if (value === CLOSED) commitRecv(w, undefined, false);
    else commitRecv(w, value, true);
    return true;
  }

  pollSend(w: SendWaiter<T>): boolean {
    const result = this.give(w.value);
    if (result === "would-block") return false;
    commitSend(w, result === "sent");
    return true;
  }

  enqueueRecv(w: RecvWaiter<T>): void {
    this.recvq.push(w);
  }

  enqueueSend(w: SendWaiter<T>): void {
    this.sendq.push(w);
  }

  cancelRecv(w: RecvWaiter<T>): boolean {
    return this.recvq.remove(w);
  }

  cancelSend(w: SendWaiter<T>): boolean {
    return this.sendq.remove(w);
  }

  // --- Public operations (the façade forwards here).

  send(value: T, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const result = this.give(value);
    if (result === "sent") return RESOLVED;
    if (result === "closed") return Promise.reject(new ChannelClosedError(value));
    return new Promise<void>((resolve, reject) => {
      this.sendq.push(new PendingSend(this, value, resolve, reject, signal));
    });
  }

  recv(signal: AbortSignal | undefined): Promise<Option<T>> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const value = this.take();
    if (value === CLOSED) return RESOLVED_NONE;
    if (value !== EMPTY) return Promise.resolve(new Some(value));
    return new Promise<Option<T>>((resolve, reject) => {
      this.recvq.push(new PendingRecv<T, Option<T>>(this, toOption, resolve, reject, signal));
    });
  }

  /** One step of `for await`: like `recv`, but resolves an iterator result directly. */
  next(signal: AbortSignal | undefined): Promise<IteratorResult<T, undefined>> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const value = this.take();
    if (value === CLOSED) return RESOLVED_ITER_DONE;
    if (value !== EMPTY) return Promise.resolve({ done: false, value });
    return new Promise<IteratorResult<T, undefined>>((resolve, reject) => {
      this.recvq.push(new PendingRecv<T, IteratorResult<T, undefined>>(this, toIterResult, resolve, reject, signal));
    });
  }

  tryRecv(): Option<T> | "would-block" {
    const value = this.take();
    if (value === EMPTY) return "would-block";
    if (value === CLOSED) return None;
    return new Some(value);
  }

  /**
   * Closes the channel. The state change (`closed = true`) comes first, so every
   * completion below sees a closed channel and nothing new can be enqueued; then
   * each waiter is dequeued and completed. Completions only settle promises and
   * cancel their own sibling waiters (select), never user code.
   */
  close(): void {
    if (this.closed) throw new ChannelAlreadyClosedError();
    this.closed = true;
    for (let r = this.nextReceiver(); r !== undefined; r = this.nextReceiver()) commitRecv(r, undefined, false);
    for (let s = this.nextSender(); s !== undefined; s = this.nextSender()) commitSend(s, false);
  }

  /** Checks the invariants at the top of this file; throws on the first violation. For tests. */
  assertInvariants(): void {
    const fail = (what: string) => {
      throw new Error(`channel invariant violated: ${what}`);
    };
    if (this.recvq.size > 0 && this.buffer.length !== 0) fail("receivers wait while the buffer holds values");
    if (this.sendq.size > 0 && !this.buffer.full()) fail("senders wait while the buffer has room");
    if (this.recvq.size > 0 && this.sendq.size > 0) {
      const tokens = new Set<object>();
      for (const w of this.recvq) tokens.add(w.token);
      for (const w of this.sendq) tokens.add(w.token);
      if (tokens.size !== 1) fail("receivers and senders of different operations wait at once");
    }
    if (this.closed && (this.recvq.size > 0 || this.sendq.size > 0)) fail("waiters remain after close");
    if (this.buffer.length > this.buffer.capacity) fail("buffer holds more than its capacity");
    if (this.buffer.length < 0) fail("negative buffer length");
  }

  /** Number of queued receivers / senders (diagnostics and tests). */
  get waiting(): { receivers: number; senders: number } {
    return { receivers: this.recvq.size, senders: this.sendq.size };
  }
}

// ---------------------------------------------------------------------------
// 3. Promise-backed waiters (one per blocked send / recv; the waiter is its own token)
// ---------------------------------------------------------------------------

function toOption<T>(value: T | undefined, ok: boolean): Option<T> {
  return ok ? new Some(value as T) : None;
}

function toIterResult<T>(value: T | undefined, ok: boolean): IteratorResult<T, undefined> {
  return ok ? { done: false, value: value as T } : ITER_DONE;
}

/**
 * A blocked `recv` (or iterator step). Watches its signal through the shared
 * per-signal watch list (no listener or closure per operation). Lifecycle:
 * queued on construction by its creator; leaves the queue either by a commit
 * (`complete`) or by abort (`onAbort`), whichever sets `done` first; the other
 * becomes a no-op.
 */
class PendingRecv<T, R> extends RecvWaiter<T> implements AbortLinks {
  abortList: object | undefined = undefined;
  abortPrev: AbortLinks | undefined = undefined;
  abortNext: AbortLinks | undefined = undefined;

  constructor(
    private readonly core: ChannelCore<T>,
    private readonly wrap: (value: T | undefined, ok: boolean) => R,
    private readonly resolve: (result: R) => void,
    private readonly reject: (reason: unknown) => void,
    signal: AbortSignal | undefined,
  ) {
    super();
    if (signal !== undefined) watchAbort(signal, this);
  }

  complete(value: T | undefined, ok: boolean): void {
    unwatchAbort(this);
    this.resolve(this.wrap(value, ok));
  }

  /** Atomic: if a value was already committed to us, the abort is ignored. */
  onAbort(reason: unknown): void {
    if (this.done) return;
    this.done = true;
    this.core.cancelRecv(this);
    this.reject(reason);
  }
}

/** A blocked `send`. Same lifecycle as {@link PendingRecv}. */
class PendingSend<T> extends SendWaiter<T> implements AbortLinks {
  abortList: object | undefined = undefined;
  abortPrev: AbortLinks | undefined = undefined;
  abortNext: AbortLinks | undefined = undefined;

  constructor(
    private readonly core: ChannelCore<T>,
    value: T,
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

  onAbort(reason: unknown): void {
    if (this.done) return;
    this.done = true;
    this.core.cancelSend(this);
    this.reject(reason);
  }
}
