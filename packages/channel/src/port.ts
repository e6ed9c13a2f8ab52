/**
 * `@csp-kit/channel/port` — the low-level protocol that `select`, timers and
 * custom channel-like sources build on. Application code does not need it.
 *
 * ## The model
 *
 * A blocking operation is represented by *waiters*: one {@link RecvWaiter} or
 * {@link SendWaiter} per channel it is waiting on. All the waiters of one
 * operation share one {@link CommitToken}. A plain `ch.recv()` has one waiter
 * that is its own token; a `select` over four cases has four waiters and one token.
 *
 * The token is *commit-once*: the first channel that completes any of the
 * operation's waiters sets `token.done = true` and then calls that waiter's
 * completion method. A channel never completes a waiter whose token is done,
 * and whoever cancels the operation (an abort, a timer) first checks and sets
 * `token.done` itself. In single-threaded JavaScript that check-and-set is
 * atomic, so an operation happens exactly once or not at all.
 *
 * ## Driving a port (what `select` does)
 *
 * 1. **poll** each case with {@link Port.pollRecv} / {@link Port.pollSend}. A port
 *    that can complete the waiter now (a value, room, a waiting partner, or
 *    closed) commits it and returns `true`; otherwise it changes nothing and
 *    returns `false`. A poll that throws has committed nothing: the operation
 *    fails with that error (see {@link Port.pollRecv}).
 * 2. **enqueue** each case with {@link Port.enqueueRecv} / {@link Port.enqueueSend}
 *    — in the same synchronous turn as the failed polls, so nothing can have
 *    become ready in between.
 * 3. when one waiter completes, **cancel** the others with
 *    {@link Port.cancelRecv} / {@link Port.cancelSend}; do it inside the
 *    completion method, so no dead waiter is ever left on a queue.
 *
 * ## Re-entrancy
 *
 * A port calls completion methods synchronously, from inside `send`, `recv`,
 * `close` or a poll. A completion method must not run user code synchronously:
 * it may settle promises (their reactions run later) and it may call `cancel*`
 * on any port — including the port that is calling it — but nothing else.
 * Ports dequeue a waiter before completing it, so such cancels are always safe.
 *
 * Abort safety: a waiter whose operation was aborted is removed at once by
 * `cancel*` (O(1), intrusive links), so a million aborted waits hold no memory.
 *
 * ## Watching an AbortSignal
 *
 * {@link watchAbort} / {@link unwatchAbort} let an operation listen for abort
 * without adding a listener per operation: the first watcher of a signal
 * registers one listener for the signal's lifetime, and operations join and
 * leave an intrusive list in O(1). Use them instead of `addEventListener`, so
 * that ten thousand operations waiting on one shutdown signal neither trigger
 * Node's MaxListenersExceededWarning nor cost O(n²) to remove. In `onAbort`,
 * check-and-set `token.done` first: if it was already set, the operation
 * completed and the abort must be ignored.
 *
 * Validate the signal first: {@link checkSignal} turns anything that is not an
 * AbortSignal (the controller itself, `null`, a number) into an
 * {@link InvalidSignalError} before the operation touches any queue, so a bad
 * signal never leaves a waiter behind.
 *
 * @packageDocumentation
 * @module @csp-kit/channel/port
 */

import { type AbortLinks, unwatchAbort, watchAbort } from "./internal/abort-watch.js";
import type { Linked } from "./internal/waiter-list.js";

/** The error {@link checkSignal} throws (a TypeError with a stable `name`), and its guard. */
export { InvalidSignalError, isInvalidSignalError } from "./errors.js";
export { type AbortLinks, unwatchAbort, watchAbort } from "./internal/abort-watch.js";
/**
 * The argument check of a batch receive (`max`: a whole number >= 1 or
 * `Infinity`, `undefined` meaning everything ready), for channel-like sources
 * built outside this package (`@csp-kit/threads`' SharedChannel): one rule and
 * one message for every `recvBatch`.
 */
export { checkBatchMax } from "./internal/batch.js";
/**
 * The one validator of the `signal` option: call `checkSignal(options?.signal, "MyPort.recv")`
 * before touching any queue; `signalFault` returns that error instead of throwing it (for an
 * operation that rejects). `describeValue` is the value description their messages use.
 */
export { checkSignal, describeValue, signalFault } from "./internal/check-signal.js";
/**
 * The name check of every `is…Error` guard: `hasErrorName(error, "ChannelClosedError")`
 * is true for an `Error` with that `name`, also one from another copy of a
 * package, where `instanceof` is false. For packages that define typed errors
 * on this toolkit.
 */
export { hasErrorName } from "./internal/error-name.js";
/**
 * The async iterator behind `values()` and `for await` of a channel: each step
 * is one `next(signal)` of its {@link StepSource}; `return()` takes nothing
 * more. For channel-like sources built outside this package.
 */
export { ChannelIterator, type StepSource } from "./internal/iterator.js";
/**
 * The `wrap` functions a {@link PendingReceive} is built with, turning a
 * committed `(value, ok)` into a receive's answer — `toOption` (`recv`),
 * `toIterResult` (an iterator step) — and the shared, frozen `ITER_DONE` step,
 * for channel-like sources built outside this package: one copy for every engine.
 */
export { ITER_DONE, toIterResult, toOption } from "./internal/results.js";
/**
 * The intrusive FIFO of waiters the channel's own queues use (O(1) push, shift
 * and remove of a cancelled waiter, no allocation per waiter): for ports built
 * outside this package, such as timers.
 */
export { type Linked, WaiterList } from "./internal/waiter-list.js";

/**
 * The commit-once flag shared by every waiter of one blocking operation.
 *
 * Lifecycle: `false` while the operation is pending; set to `true` exactly once,
 * either by the port that completes one of its waiters (just before calling the
 * completion method) or by the operation's owner when it cancels (abort, timeout).
 * Never reset.
 */
export interface CommitToken {
  done: boolean;
}

/**
 * A pending receive on one port. Subclass it and implement {@link RecvWaiter.complete}.
 *
 * The link fields (`list`, `prev`, `next`) belong to the port that holds the
 * waiter; never write them.
 */
export abstract class RecvWaiter<T> implements Linked, CommitToken {
  /** Link owned by the port's wait queue; never write it (declared for `Linked`). */
  list: object | undefined = undefined;
  /** Link owned by the port's wait queue; never write it (declared for `Linked`). */
  prev: Linked | undefined = undefined;
  /** Link owned by the port's wait queue; never write it (declared for `Linked`). */
  next: Linked | undefined = undefined;
  /** Used as the commit flag when this waiter is its own token. */
  done = false;
  /** The operation's commit-once token: `this` unless one is shared (select). */
  readonly token: CommitToken;

  /** @param token - the operation's shared token; omit for a single-port operation. */
  constructor(token?: CommitToken) {
    this.token = token ?? this;
  }

  /**
   * Called exactly once by the port that commits this waiter, after it set
   * `token.done`. `ok` is `true` with a received value, `false` when the port
   * is closed and drained (then `value` is `undefined`).
   * Must not run user code synchronously (see the module notes on re-entrancy).
   */
  abstract complete(value: T | undefined, ok: boolean): void;

  /**
   * Called instead of {@link RecvWaiter.complete}, exactly once, by a port that
   * committed this waiter (it set `token.done`) but cannot deliver the value it
   * took for it — a SharedChannel value that does not decode on this thread.
   * The operation must fail with `error`. Must not run user code synchronously.
   * The default rethrows `error` from a microtask, so a waiter that does not
   * override it still reports the failure (as an uncaught error) rather than
   * hanging; `select`'s and {@link PendingReceive}'s waiters reject instead.
   */
  fail(error: unknown): void {
    queueMicrotask(() => {
      throw error;
    });
  }
}

/**
 * A promise-backed receive on one port: the waiter behind a `recv()` built on
 * the protocol (SharedChannel, timer channels, `sleep`). It is its own commit
 * token. Lifecycle: created, then either completed at once by a successful
 * `pollRecv`, or queued by {@link PendingReceive.wait} in the same synchronous
 * turn as the failed poll — and, with a signal, watching it through the
 * signal's shared watch list. It settles its promise exactly once: by
 * `complete` or `fail` (the port committed it) or by `onAbort`, whichever sets
 * `done` first; the abort also takes it off the port's queue.
 *
 * @typeParam R - what the promise resolves with: `wrap(value, ok)`.
 */
export class PendingReceive<T, R> extends RecvWaiter<T> implements AbortLinks {
  /** Link owned by the signal's watch list; never write it (declared for `AbortLinks`). */
  abortList: object | undefined = undefined;
  /** Link owned by the signal's watch list; never write it (declared for `AbortLinks`). */
  abortPrev: AbortLinks | undefined = undefined;
  /** Link owned by the signal's watch list; never write it (declared for `AbortLinks`). */
  abortNext: AbortLinks | undefined = undefined;

  constructor(
    private readonly port: Port<T>,
    private readonly wrap: (value: T | undefined, ok: boolean) => R,
    private readonly resolve: (result: R) => void,
    private readonly reject: (reason: unknown) => void,
  ) {
    super();
  }

  /** The poll failed: queue on the port, then watch `signal`. Precondition: same turn as the poll; `signal` not aborted. */
  wait(signal: AbortSignal | undefined): void {
    this.port.enqueueRecv(this);
    if (signal !== undefined) watchAbort(signal, this);
  }

  complete(value: T | undefined, ok: boolean): void {
    unwatchAbort(this);
    this.resolve(this.wrap(value, ok));
  }

  /** The value committed to this waiter could not be delivered (say, not decoded): reject instead. Precondition: committed. */
  override fail(error: unknown): void {
    unwatchAbort(this);
    this.reject(error);
  }

  /** The signal aborted. Atomic: if a value was already committed to this waiter, the abort is ignored. */
  onAbort(reason: unknown): void {
    if (this.done) return;
    this.done = true;
    this.port.cancelRecv(this);
    this.reject(reason);
  }
}

/**
 * A pending send of {@link SendWaiter.value} on one port. Subclass it and
 * implement {@link SendWaiter.complete}.
 */
export abstract class SendWaiter<T> implements Linked, CommitToken {
  /** Link owned by the port's wait queue; never write it (declared for `Linked`). */
  list: object | undefined = undefined;
  /** Link owned by the port's wait queue; never write it (declared for `Linked`). */
  prev: Linked | undefined = undefined;
  /** Link owned by the port's wait queue; never write it (declared for `Linked`). */
  next: Linked | undefined = undefined;
  /** Used as the commit flag when this waiter is its own token. */
  done = false;
  /** The operation's commit-once token: `this` unless one is shared (select). */
  readonly token: CommitToken;

  /**
   * @param value - the value to deliver.
   * @param token - the operation's shared token; omit for a single-port operation.
   */
  constructor(
    readonly value: T,
    token?: CommitToken,
  ) {
    this.token = token ?? this;
  }

  /**
   * Called exactly once by the port that commits this waiter, after it set
   * `token.done`. `ok` is `true` when the value was delivered (to a receiver or
   * into the buffer), `false` when the port is closed (the value was not sent;
   * the owner should raise `ChannelClosedError`, as Go panics).
   * Must not run user code synchronously.
   */
  abstract complete(ok: boolean): void;

  /**
   * Called instead of {@link SendWaiter.complete}, exactly once, by a port that
   * committed this waiter (it set `token.done`) but can take no value and
   * reports why with a typed error other than "closed" — a SharedChannel that
   * broke because a sending thread died. The value was not sent; the
   * operation must fail with `error`. Must not run user code synchronously.
   * The default rethrows `error` from a microtask, like {@link RecvWaiter.fail}.
   */
  fail(error: unknown): void {
    queueMicrotask(() => {
      throw error;
    });
  }
}

/**
 * Commits `w`: marks its operation done (`token.done = true`), then completes
 * it. The one way a port settles a receive waiter. Precondition: `w` is in no
 * queue and `!w.token.done`.
 */
export function commitRecv<T>(w: RecvWaiter<T>, value: T | undefined, ok: boolean): void {
  w.token.done = true;
  w.complete(value, ok);
}

/**
 * Commits `w` with a failure: marks its operation done, then calls
 * {@link RecvWaiter.fail}. For a port that took a value for `w` but cannot
 * deliver it (a value that does not decode). Precondition: as {@link commitRecv}.
 */
export function failRecv<T>(w: RecvWaiter<T>, error: unknown): void {
  w.token.done = true;
  w.fail(error);
}

/** The send-side counterpart of {@link commitRecv}. */
export function commitSend<T>(w: SendWaiter<T>, ok: boolean): void {
  w.token.done = true;
  w.complete(ok);
}

/** The send-side counterpart of {@link failRecv}: commits `w` with a failure ({@link SendWaiter.fail}). */
export function failSend<T>(w: SendWaiter<T>, error: unknown): void {
  w.token.done = true;
  w.fail(error);
}

/**
 * The protocol a channel exposes to `select` and timers. Every method runs
 * synchronously and completes in O(1) (amortised).
 */
export interface Port<T> {
  /** Whether the port has been closed (receives may still drain buffered values). */
  readonly closed: boolean;

  /**
   * Tries to complete a receive now. Precondition: `!w.token.done`.
   * Returns `true` after committing `w` (with a value, or with `ok = false` when
   * closed and drained); returns `false` and changes nothing when a receive
   * would block. May complete another operation's sender (the one whose value
   * it takes) before completing `w`.
   *
   * May throw; then `w` was not committed, and the caller treats the
   * operation as failed (select rejects with the error, having enqueued
   * nothing). A `Channel`'s port never throws here. `SharedChannel`'s throws
   * `SharedChannelBrokenError` for a broken ring, and whatever its
   * serializer's `deserialize` throws — that value was taken and is lost.
   */
  pollRecv(w: RecvWaiter<T>): boolean;

  /**
   * Tries to complete a send of `w.value` now. Precondition: `!w.token.done`.
   * Returns `true` after committing `w` (`ok = true` delivered, `ok = false` the
   * port is closed); returns `false` and changes nothing when a send would block.
   *
   * May throw, before anything changed (nothing is sent, `w` is not
   * committed); the caller treats the operation as failed. A `Channel`'s port
   * never throws here (a drop callback's error surfaces from a microtask). A
   * receive-only port (the timers' channels) throws `ReceiveOnlyError`;
   * `SharedChannel`'s throws for a value it cannot encode
   * (`SharedValueTooLargeError`, serializer errors) and for a broken ring.
   */
  pollSend(w: SendWaiter<T>): boolean;

  /**
   * Queues `w` until a sender (or close) completes it. Precondition: `pollRecv`
   * returned `false` for this operation in the same synchronous turn, and `w`
   * is in no queue.
   */
  enqueueRecv(w: RecvWaiter<T>): void;

  /** Queues `w` until a receiver, room, or close completes it. Same preconditions as {@link Port.enqueueRecv}. */
  enqueueSend(w: SendWaiter<T>): void;

  /** Removes `w` from this port's receive queue. Returns whether it was queued here. O(1). */
  cancelRecv(w: RecvWaiter<T>): boolean;

  /** Removes `w` from this port's send queue. Returns whether it was queued here. O(1). */
  cancelSend(w: SendWaiter<T>): boolean;
}

/**
 * The property key under which a channel exposes its {@link Port}.
 * A registered symbol, so every copy of this package (ESM and CommonJS) agrees.
 */
export const PORT: unique symbol = Symbol.for("@csp-kit/channel.port");

/** Anything that exposes a {@link Port}: every `Channel`, and custom sources built on this protocol. */
export interface HasPort<T> {
  readonly [PORT]: Port<T>;
}

/** The {@link Port} of a channel. */
export function portOf<T>(source: HasPort<T>): Port<T> {
  return source[PORT];
}
