/**
 * The channel engine: wait queues, close state and the Go rules that tie them
 * to a buffer policy. `Channel<T>` is a thin façade over this class, and this
 * class is the {@link Port} that `select` and timers drive.
 *
 * Map of this file:
 *   1. shared constants and sentinels
 *   2. ChannelCore — immediate paths (take / give), the port protocol, the
 *      public operations (send / recv / try… / close / iterate), slow paths
 *   3. the promise-backed waiters used by send / recv, and their abort hook
 *
 * Cost model: an operation that completes synchronously allocates nothing but
 * what the API returns (`trySend` and `tryRecvValue` nothing, `tryRecv` its
 * `Some`, `send` a shared settled promise). A blocked operation allocates its
 * promise (with the resolving functions V8 makes for it: a receive without a
 * signal only the resolve function, as its reject function never escapes)
 * and one waiter, a flat object whose constructor only assigns; abort state
 * (an `AbortHook`) only when it was given a signal. The promise's executor is
 * an arrow function that stores the resolving functions on the waiter: in optimized
 * code TurboFan inlines the Promise constructor and the executor, so the
 * arrow and its context are never allocated, and the stores go into the
 * young waiter. (A shared executor that parked the resolvers in module-level
 * variables looked allocation-free but was slower: those variables live in
 * an old-generation context, so every blocked operation took two slow write
 * barriers; W1 82.6 against 72.5 ns/msg, W5 88.4 against 72.7 ns/hop with
 * `recvValue`.) A blocked operation also checks one boolean,
 * `DIAGNOSTICS.on`, and records itself in the parked-waiter inventory only
 * when diagnostics are on (./parked.ts). What a receive resolves with is the
 * rest of its price: `recv` a `Some` (an allocation, and an object, on which
 * resolving looks up `then`), `recvValue` the value itself.
 *
 * Inlining: a hot loop's `trySend` / `tryRecvValue` / `recvValue` is fast only
 * when TurboFan inlines the whole path into the loop, and it stops inlining
 * once a function's inlinees add up to about 920 bytes of bytecode. So every
 * hot function here holds only its common case and calls out for the rest
 * (`takeBuffered`, `takeFromSender`, `handOff`, the `*Abortable` paths given a
 * signal, the list's `linkBefore` / `unlinkFromRing`): a call that never runs
 * is never inlined and costs nothing. Measured (instructions per W5 hop,
 * valgrind, against the floor's 1112): 1478 before the split, about 1270
 * after; with the inlining budget lifted by a V8 flag, 1281 — the budget was
 * what the difference was.
 *
 * Sentinel tests: `take()` returns a value or one of two symbols, and every
 * caller tests `typeof value === "symbol"` before comparing with `EMPTY` or
 * `CLOSED`. V8 does not fold an imported (or bundled, module-level) binding
 * into a constant, so `value === EMPTY` with a number on one side is a call to
 * the generic strict-equality builtin (about 1 ns); the `typeof` test is one
 * inline check that a non-symbol value passes at once. Measured on a drain of
 * 1024 buffered values: 7.85 ns per value with two compares, 5.45 with the
 * guard (a bare array ring: 5.4).
 *
 * Invariants (over `buffer`, `items`, `capacity`, `recvq`, `sendq`, `closed`):
 * - `items === buffer.items` for the core's whole life, and `capacity ===
 *   buffer.capacity` (cached so the common path makes no call into the
 *   policy; only a resizable policy's capacity changes, and `capacityChanged`
 *   re-reads it).
 * - `buffer.length <= capacity + excess`: a value is stored only below
 *   capacity; `excess` is what a resize left above the new capacity (0 unless
 *   a resizable channel was shrunk below its length; nothing is dropped).
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
import { type CommitToken, commitRecv, commitSend, type Port, type RecvWaiter, type SendWaiter } from "../port.js";
import { type AbortLinks, unwatchAbort, watchAbort } from "./abort-watch.js";
import type { ChannelBuffer } from "./buffers/buffer.js";
import type { Deque } from "./deque.js";
import { DIAGNOSTIC_LABEL, DIAGNOSTICS, notDone, record } from "./parked.js";
import { ITER_DONE, toIterResult, toOption, toValue } from "./results.js";
import { CLOSED, WOULD_BLOCK } from "./sentinels.js";
import { type Linked, WaiterList } from "./waiter-list.js";

// ---------------------------------------------------------------------------
// 1. Shared constants and sentinels
// ---------------------------------------------------------------------------

/** Returned by every send that completes at once: settled, immutable, so safely shared. */
const RESOLVED: Promise<void> = Promise.resolve();
/** Returned by every receive that finds the channel closed and drained. */
const RESOLVED_NONE: Promise<Option<never>> = Promise.resolve(None);
/** The iterator result for "closed and drained". */
const RESOLVED_ITER_DONE: Promise<IteratorReturnResult<undefined>> = Promise.resolve(ITER_DONE);

/** `take()` found nothing to receive and the channel is open: a receive would block. The public `WOULD_BLOCK`. */
const EMPTY: typeof WOULD_BLOCK = WOULD_BLOCK;
/** Returned by every `recvValue` that finds the channel closed and drained. */
const RESOLVED_CLOSED: Promise<typeof CLOSED> = Promise.resolve(CLOSED);

/** What a non-blocking send reports. */
export type TrySendResult = "sent" | "would-block" | "closed";

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
  /** `buffer.items`, the values in flight: the same object for the channel's lifetime (the policy never replaces it). */
  private readonly items: Deque<T>;
  /** `buffer.capacity`. Below it every policy stores at the tail (see ./buffers/buffer.ts). Changes only by `capacityChanged`. */
  private capacity: number;
  /** Values a shrink left above the capacity (see the invariants); 0 for every channel never shrunk. */
  private excess = 0;

  /**
   * @param buffer - the buffer policy; owned by this core from now on.
   * @param name - what diagnostics call this channel; undefined: unnamed. Never changes.
   */
  constructor(
    readonly buffer: ChannelBuffer<T>,
    readonly name: string | undefined = undefined,
  ) {
    this.items = buffer.items;
    this.capacity = buffer.capacity;
  }

  /** How the parked-waiter inventory names this channel: `Channel "jobs" buffered(16)`. */
  [DIAGNOSTIC_LABEL](): string {
    const buffer = this.buffer;
    const kind = buffer.kind;
    const shape = kind === "unbuffered" || kind === "infinite" ? kind : `${kind}(${buffer.capacity})`;
    return this.name === undefined ? `Channel ${shape}` : `Channel ${JSON.stringify(this.name)} ${shape}`;
  }

  // --- Immediate paths: complete synchronously, no await between check and act.
  //
  // Why `take` and `give` work on `items` without asking the policy: the buffer
  // contract fixes what every policy does below capacity (store at the tail,
  // remove from the head), so the policy is consulted only at capacity, where
  // the kinds differ. The common path is then the same few monomorphic loads
  // and stores for all five kinds, however many kinds a program mixes.

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
    if (this.items.length > 0) return this.takeBuffered();
    if (this.sendq.size > 0) return this.takeFromSender();
    return this.closed ? CLOSED : EMPTY;
  }

  /** `take` with values buffered: the oldest, and the oldest blocked sender (if any) refills the slot. */
  private takeBuffered(): T {
    const value = this.items.shift();
    if (this.sendq.size > 0) this.refill();
    return value;
  }

  /** `take` with nothing buffered and senders queued: the oldest live sender's value, else what `take` returns with none. */
  private takeFromSender(): T | typeof EMPTY | typeof CLOSED {
    const sender = this.nextSender();
    if (sender === undefined) return this.closed ? CLOSED : EMPTY;
    commitSend(sender, true);
    return sender.value;
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
    if (this.recvq.size > 0 && this.handOff(value)) return "sent";
    const items = this.items;
    if (items.length < this.capacity) {
      items.push(value);
      return "sent";
    }
    return this.giveAtCapacity(value);
  }

  /** Completes the oldest live receiver with `value`; false when every queued receiver had already committed. */
  private handOff(value: T): boolean {
    const receiver = this.nextReceiver();
    if (receiver === undefined) return false;
    commitRecv(receiver, value, true);
    return true;
  }

  /** `give` found the buffer at capacity and no receiver: the policy decides (wait, drop the oldest, drop `value`). */
  private giveAtCapacity(value: T): TrySendResult {
    const buffer = this.buffer;
    if (buffer.full()) return "would-block";
    buffer.add(value);
    return "sent";
  }

  /**
   * The buffer just lost one value and senders are waiting: move the oldest
   * sender's value in. Senders wait only on a full fixed buffer, so there is
   * now room for exactly this one value, stored at the tail (below capacity)
   * — unless a shrink left the buffer above its capacity: then no room yet.
   */
  private refill(): void {
    if (this.items.length >= this.capacity) return;
    const sender = this.nextSender();
    if (sender === undefined) return;
    this.items.push(sender.value);
    commitSend(sender, true);
  }

  /** Dequeues the oldest live receiver, if any. Skips (drops) waiters whose operation already committed. */
  private nextReceiver(): RecvWaiter<T> | undefined {
    const q = this.recvq;
    let w = q.shift();
    while (w?.token.done) w = q.shift();
    return w;
  }

  /** Dequeues the oldest live sender, if any. Skips (drops) waiters whose operation already committed. */
  private nextSender(): SendWaiter<T> | undefined {
    const q = this.sendq;
    let w = q.shift();
    while (w?.token.done) w = q.shift();
    return w;
  }

  // --- The port protocol (see ../port.ts for the contract).

  pollRecv(w: RecvWaiter<T>): boolean {
    const value = this.take();
    if (typeof value === "symbol") {
      if (value === EMPTY) return false;
      if (value === CLOSED) {
        commitRecv(w, undefined, false);
        return true;
      }
    }
    commitRecv(w, value as T, true);
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

  // Each operation has two paths: without a signal (the hot one, kept small
  // so that TurboFan can inline all of it into a caller's loop) and with one
  // (`sendAbortable`, `recvAbortable`: the same steps, plus the abort check
  // and an abortable waiter).

  send(value: T, signal: AbortSignal | undefined): Promise<void> {
    if (signal !== undefined) return this.sendAbortable(value, signal);
    const result = this.give(value);
    if (result === "sent") return RESOLVED;
    if (result === "closed") return rejectClosed(value);
    return this.sendSlow(value);
  }

  recv(signal: AbortSignal | undefined): Promise<Option<T>> {
    if (signal !== undefined) return this.recvAbortable(toOption, signal, "recv");
    const value = this.take();
    if (typeof value === "symbol") {
      if (value === EMPTY) return this.recvSlow(toOption, "recv");
      if (value === CLOSED) return RESOLVED_NONE;
    }
    return Promise.resolve(new Some(value as T));
  }

  /** One step of `for await`: like `recv`, but resolves an iterator result directly. */
  next(signal: AbortSignal | undefined): Promise<IteratorResult<T, undefined>> {
    if (signal !== undefined) return this.recvAbortable(toIterResult, signal, "values");
    const value = this.take();
    if (typeof value === "symbol") {
      if (value === EMPTY) return this.recvSlow(toIterResult, "values");
      if (value === CLOSED) return RESOLVED_ITER_DONE;
    }
    return Promise.resolve({ done: false, value: value as T });
  }

  /**
   * A receive that resolves the value itself, or `CLOSED`: no `Some` to
   * allocate, and a promise resolved with a primitive skips V8's thenable
   * check (the `then` lookup every object resolution makes).
   */
  recvValue(signal: AbortSignal | undefined): Promise<T | typeof CLOSED> {
    if (signal !== undefined) return this.recvAbortable(toValue, signal, "recvValue");
    const value = this.take();
    if (typeof value === "symbol") {
      if (value === EMPTY) return this.recvSlow(toValue, "recvValue");
      if (value === CLOSED) return RESOLVED_CLOSED;
    }
    return Promise.resolve(value as T);
  }

  tryRecv(): Option<T> | "would-block" {
    const value = this.take();
    if (typeof value === "symbol") {
      if (value === EMPTY) return "would-block";
      if (value === CLOSED) return None;
    }
    return new Some(value as T);
  }

  /**
   * Up to `max` values that `tryRecv` would return one after another now: the
   * buffered values, then (fixed buffers) the values of blocked senders, which
   * each refill the slot just freed. Precondition: `max >= 1`.
   */
  tryRecvBatch(max: number): Option<T[]> | "would-block" {
    const first = this.take();
    if (typeof first === "symbol") {
      if (first === EMPTY) return "would-block";
      if (first === CLOSED) return None;
    }
    return new Some(this.takeMore([first as T], max));
  }

  /**
   * Like `tryRecvBatch`, but waits for the first value when none is ready; once
   * it arrives (handed over by a sender, so nothing else was ready then), the
   * batch also takes what became ready before its promise reactions ran — the
   * values a producer sent in the same synchronous turn.
   */
  recvBatch(max: number, signal: AbortSignal | undefined): Promise<Option<T[]>> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const now = this.tryRecvBatch(max);
    if (now !== "would-block") return Promise.resolve(now);
    const first =
      signal === undefined ? this.recvSlow(toOption, "recvBatch") : this.parkAbortable(toOption, signal, "recvBatch");
    return first.then((first) => (first.isSome() ? new Some(this.takeMore([first.value], max)) : None));
  }

  /** Appends to `batch` what `take()` gives until it would block, the channel is drained, or `batch` holds `max`. */
  private takeMore(batch: T[], max: number): T[] {
    if (this.sendq.size === 0) {
      // No sender to refill the buffer: exactly the buffered values are ready.
      const items = this.items;
      for (let k = Math.min(max - batch.length, items.length); k > 0; k--) batch.push(items.shift());
      return batch;
    }
    while (batch.length < max) {
      const value = this.take();
      if (typeof value === "symbol" && (value === EMPTY || value === CLOSED)) break;
      batch.push(value as T);
    }
    return batch;
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

  // --- Slow paths: the operation blocks. One promise and one waiter each (see the cost model).

  /**
   * Blocks a send: queues a waiter that the next receive (or close, or abort)
   * completes. Precondition: `give(value)` returned "would-block" in this same
   * synchronous turn, so the queue order is the arrival order.
   */
  private sendSlow(value: T): Promise<void> {
    return this.parkSend(new PendingSend<T>(value));
  }

  /** Queues `w` behind the senders already waiting; its promise settles when a receive, close or abort completes it. */
  private parkSend(w: PendingSend<T>): Promise<void> {
    const promise = new Promise<void>((resolve, reject) => {
      w.resolve = resolve;
      w.reject = reject;
    });
    this.sendq.push(w);
    if (DIAGNOSTICS.on) record(this, "Channel", "send", w, notDone);
    return promise;
  }

  /**
   * Blocks a receive (or iterator step; `wrap` shapes the result); `operation`
   * names it in diagnostics. Precondition: `take()` returned EMPTY in this same
   * turn. Only `resolve` escapes the executor, so TurboFan, which inlines the
   * Promise constructor, never allocates the reject function (a receive
   * without a signal never rejects).
   */
  private recvSlow<R>(wrap: (value: T | undefined, ok: boolean) => R, operation: string): Promise<R> {
    const w = new PendingRecv<T, R>(wrap);
    const promise = new Promise<R>((resolve) => {
      w.resolve = resolve;
    });
    this.recvq.push(w);
    if (DIAGNOSTICS.on) record(this, "Channel", operation, w, notDone);
    return promise;
  }

  /** `send` given a signal: rejects at once if it is already aborted; blocks abortably. */
  private sendAbortable(value: T, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const result = this.give(value);
    if (result === "sent") return RESOLVED;
    if (result === "closed") return rejectClosed(value);
    const w = new PendingSend<T>(value);
    const promise = this.parkSend(w);
    // Not aborted (checked above), so watching cannot fire now: the waiter is queued first.
    w.hook = new AbortHook<SendWaiter<T>>(w, this.sendq, w.reject, signal);
    return promise;
  }

  /** A receive given a signal (`wrap` shapes the result): rejects at once if it is already aborted; blocks abortably. */
  private recvAbortable<R>(
    wrap: (value: T | undefined, ok: boolean) => R,
    signal: AbortSignal,
    operation: string,
  ): Promise<R> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const value = this.take();
    if (typeof value === "symbol") {
      if (value === EMPTY) return this.parkAbortable(wrap, signal, operation);
      if (value === CLOSED) return Promise.resolve(wrap(undefined, false));
    }
    return Promise.resolve(wrap(value as T, true));
  }

  /** `recvSlow` for an operation given a signal: its reject function goes to the {@link AbortHook}. */
  private parkAbortable<R>(
    wrap: (value: T | undefined, ok: boolean) => R,
    signal: AbortSignal,
    operation: string,
  ): Promise<R> {
    const w = new PendingRecv<T, R>(wrap);
    let reject: (reason: unknown) => void = unset;
    const promise = new Promise<R>((resolve, rejectPromise) => {
      w.resolve = resolve;
      reject = rejectPromise;
    });
    w.hook = new AbortHook<RecvWaiter<T>>(w, this.recvq, reject, signal);
    this.recvq.push(w);
    if (DIAGNOSTICS.on) record(this, "Channel", operation, w, notDone);
    return promise;
  }

  /**
   * The policy's capacity changed (a resizable channel): caches it, then lets
   * blocked senders into the room there is now, oldest first — each of those
   * sends completes, as if it had found room when it arrived. A shrink moves
   * nothing and drops nothing: the channel stores no value until it has
   * drained below the new capacity.
   */
  capacityChanged(): void {
    const capacity = this.buffer.capacity;
    this.capacity = capacity;
    this.excess = Math.max(0, this.items.length - capacity);
    while (this.sendq.size > 0 && this.items.length < capacity) this.refill();
  }

  /** Checks the invariants at the top of this file; throws on the first violation. For tests. */
  assertInvariants(): void {
    const fail = (what: string) => {
      throw new Error(`channel invariant violated: ${what}`);
    };
    if (this.items !== this.buffer.items || this.capacity !== this.buffer.capacity) fail("stale buffer cache");
    if (this.recvq.size > 0 && this.buffer.length !== 0) fail("receivers wait while the buffer holds values");
    if (this.sendq.size > 0 && !this.buffer.full()) fail("senders wait while the buffer has room");
    if (this.recvq.size > 0 && this.sendq.size > 0) {
      const tokens = new Set<object>();
      for (const w of this.recvq) tokens.add(w.token);
      for (const w of this.sendq) tokens.add(w.token);
      if (tokens.size !== 1) fail("receivers and senders of different operations wait at once");
    }
    if (this.closed && (this.recvq.size > 0 || this.sendq.size > 0)) fail("waiters remain after close");
    if (this.buffer.length > this.buffer.capacity + this.excess) fail("buffer holds more than its capacity");
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

/** What a send on a closed channel returns: a rejection naming the value (Go panics). */
function rejectClosed(value: unknown): Promise<never> {
  return Promise.reject(new ChannelClosedError(value));
}

/** What a waiter's resolving functions are until its promise's executor replaces them: never called. */
function unset(): void {}

/** What a waiter of this file does with `fail`: the default of the port protocol (channels never call it). */
function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

/**
 * A blocked `recv` (or iterator step; `wrap` shapes the result). Lifecycle:
 * made by `recvSlow`, which stores its promise's resolving functions on it
 * and queues it in the same turn; leaves the queue either by a commit
 * (`complete`) or by abort (its {@link AbortHook}), whichever sets `done`
 * first; the other becomes a no-op.
 *
 * Why flat (it implements {@link RecvWaiter} instead of extending it) and why
 * every field is assigned in the constructor: a derived class with field
 * initialisers runs the base constructor and an initialiser function per
 * object, which TurboFan did not inline here; this constructor is a run of
 * plain stores into a fresh object.
 */
class PendingRecv<T, R> implements RecvWaiter<T> {
  declare list: object | undefined;
  declare prev: Linked | undefined;
  declare next: Linked | undefined;
  declare done: boolean;
  declare readonly token: CommitToken;
  /** Shapes what the promise resolves with. Never changes. */
  declare readonly wrap: (value: T | undefined, ok: boolean) => R;
  /**
   * The promise's resolve function, stored by its executor right after
   * construction; called at most once. Its reject function is not kept: only
   * an abort rejects a receive, and the {@link AbortHook} holds it.
   */
  declare resolve: (result: R) => void;
  /** The watch on the operation's signal; undefined when it has none. Set right after construction. */
  declare hook: AbortHook<RecvWaiter<T>> | undefined;

  constructor(wrap: (value: T | undefined, ok: boolean) => R) {
    this.list = undefined;
    this.prev = undefined;
    this.next = undefined;
    this.done = false;
    this.token = this;
    this.wrap = wrap;
    this.resolve = unset;
    this.hook = undefined;
  }

  complete(value: T | undefined, ok: boolean): void {
    if (this.hook !== undefined) unwatchAbort(this.hook);
    this.resolve(this.wrap(value, ok));
  }

  fail(error: unknown): void {
    rethrowLater(error);
  }
}

/** A blocked `send`. Same lifecycle and shape rules as {@link PendingRecv}; it also rejects when the channel closes. */
class PendingSend<T> implements SendWaiter<T> {
  declare list: object | undefined;
  declare prev: Linked | undefined;
  declare next: Linked | undefined;
  declare done: boolean;
  declare readonly token: CommitToken;
  declare readonly value: T;
  /** The promise's resolving functions, stored by its executor right after construction; one is called at most once. */
  declare resolve: () => void;
  declare reject: (reason: unknown) => void;
  /** The watch on the operation's signal; undefined when it has none. Set right after construction. */
  declare hook: AbortHook<SendWaiter<T>> | undefined;

  constructor(value: T) {
    this.list = undefined;
    this.prev = undefined;
    this.next = undefined;
    this.done = false;
    this.token = this;
    this.value = value;
    this.resolve = unset;
    this.reject = unset;
    this.hook = undefined;
  }

  complete(ok: boolean): void {
    if (this.hook !== undefined) unwatchAbort(this.hook);
    if (ok) this.resolve();
    else this.reject(new ChannelClosedError(this.value));
  }

  fail(error: unknown): void {
    rethrowLater(error);
  }
}

/**
 * Cancels one blocked `send` / `recv` when its signal aborts. Allocated only for
 * an operation given a signal, so an operation without one carries no abort
 * state at all. It joins the signal's shared watch list (no listener or closure
 * per operation) at construction and leaves it when the operation completes
 * (`unwatchAbort`) or when the signal fires.
 */
class AbortHook<W extends Linked & CommitToken> implements AbortLinks {
  /** Links of the signal's watch list: written only by watchAbort / unwatchAbort (./abort-watch.ts). */
  abortList: object | undefined = undefined;
  abortPrev: AbortLinks | undefined = undefined;
  abortNext: AbortLinks | undefined = undefined;

  /**
   * @param waiter - the operation's waiter, its own token.
   * @param queue - the one queue `waiter` is (or is about to be) in.
   * @param reject - rejects the operation's promise.
   */
  constructor(
    private readonly waiter: W,
    private readonly queue: WaiterList<W>,
    private readonly reject: (reason: unknown) => void,
    signal: AbortSignal,
  ) {
    watchAbort(signal, this);
  }

  /** Atomic: if the operation was already committed, the abort is ignored. */
  onAbort(reason: unknown): void {
    const w = this.waiter;
    if (w.done) return;
    w.done = true;
    this.queue.remove(w);
    this.reject(reason);
  }
}
