import type { Option } from "ts-results-es";
import type { Receiver, Sender, ValuesIterator } from "./directions.js";
import { InvalidCapacityError, InvalidOptionError } from "./errors.js";
import { checkBatchMax } from "./internal/batch.js";
import {
  type ChannelBuffer,
  type ChannelKind,
  type DropCallback,
  type DropReason,
  UNBOUNDED,
} from "./internal/buffers/buffer.js";
import { BufferedPolicy } from "./internal/buffers/buffered.js";
import { InfinitePolicy } from "./internal/buffers/infinite.js";
import { OverflowingPolicy } from "./internal/buffers/overflowing.js";
import { RingPolicy } from "./internal/buffers/ring.js";
import { UnbufferedPolicy } from "./internal/buffers/unbuffered.js";
import { ChannelCore, type TrySendResult } from "./internal/channel-core.js";
import { describeValue, signalFault } from "./internal/check-signal.js";
import { ChannelIterator } from "./internal/iterator.js";
import type { CLOSED, WOULD_BLOCK } from "./internal/sentinels.js";
import { PORT, type Port } from "./port.js";

export type { ChannelKind, DropReason } from "./internal/buffers/buffer.js";
export { UNBOUNDED } from "./internal/buffers/buffer.js";
export type { TrySendResult } from "./internal/channel-core.js";
export { CLOSED, WOULD_BLOCK } from "./internal/sentinels.js";

/** Options accepted by every operation that may wait. */
export interface WaitOptions {
  /**
   * Cancels the wait. Abort is atomic: the operation either completed before
   * the abort (and its result stands) or it did not happen at all, and the
   * promise rejects with `signal.reason`. An already-aborted signal rejects at
   * once without attempting the operation. Anything else than an AbortSignal
   * or `undefined` (the AbortController itself, `null`) is refused with
   * `InvalidSignalError` before the operation touches the channel.
   */
  readonly signal?: AbortSignal | undefined;
}

/** Options accepted by every way of making a channel. */
export interface ChannelOptions {
  /**
   * What diagnostics call this channel (`@csp-kit/channel/diagnostics`): a
   * blocked `send` on it is listed as `Channel "jobs" buffered(16): send`.
   * Only a label: it changes no behaviour and need not be unique.
   */
  readonly name?: string | undefined;
}

/**
 * Options of the dropping kinds, `Channel.ring(n, options)` and
 * `Channel.overflowing(n, options)`.
 *
 * @typeParam T - the values carried.
 */
export interface DroppingChannelOptions<T> extends ChannelOptions {
  /**
   * Called with each value the channel discards by its policy — Kotlin's
   * `onUndeliveredElement` — so that a value holding a resource (a buffer from
   * a pool, a file handle) can be released: `reason` is `"ring-overwrite"`
   * (a ring evicted its OLDEST value to store a new one) or `"overflow"` (an
   * overflowing channel refused the NEW value).
   *
   * **When:** synchronously, inside the send that caused the drop, once the
   * channel's state is complete (the new value is stored or refused,
   * `dropped` counted), before that send returns; for a `select` send case,
   * before the select reports the case. The callback may use the channel.
   *
   * **What it is never called for:** a value that was not accepted — a send
   * on a closed channel, a blocked send failed by `close()` (its value is in
   * the `ChannelClosedError`), an aborted send (it did not happen): those
   * values never left the sender, who still owns them. `close()` discards
   * nothing: buffered values stay receivable. So every value a send handed
   * over is received, reported here, or still buffered — exactly one of the three.
   *
   * **If it throws:** the send still succeeded and the channel is intact; the
   * error is rethrown from a microtask, as an uncaught exception.
   */
  readonly onDrop?: ((value: T, reason: DropReason) => void) | undefined;
}

/** What a non-blocking receive reports: `Some(value)`, `None` (closed and drained) or `"would-block"`. */
export type TryRecvResult<T> = Option<T> | "would-block";

/**
 * A Go channel: a typed FIFO conduit between async tasks, with one of five
 * buffer policies.
 *
 * | kind | created by | a send when full |
 * |---|---|---|
 * | unbuffered | `new Channel()`, `Channel.unbuffered()` | waits for a receiver (rendezvous) |
 * | buffered(n) | `new Channel(n)`, `Channel.buffered(n)` | waits for room |
 * | infinite | `Channel.infinite()` | never waits |
 * | ring(n) | `Channel.ring(n)` | never waits; drops the OLDEST buffered value |
 * | overflowing(n) | `Channel.overflowing(n)` | never waits; drops the NEW value |
 *
 * **Ordering:** FIFO. Values are received in the order their sends completed;
 * blocked senders and receivers are served in arrival order. A send that
 * completes happens before the receive that gets its value completes.
 *
 * **Memory:** proportional to the values buffered now plus the waiters queued
 * now — never to the capacity. An empty `buffered(1_000_000)` costs a few words.
 *
 * **On close:** sends fail with {@link ChannelClosedError}; receivers drain what
 * is buffered and then get "closed" (`None`) forever.
 *
 * @typeParam T - the values carried; may include `undefined` (a receive still
 * tells a value from "closed").
 *
 * @example
 * ```ts run
 * import { Channel } from "@csp-kit/channel";
 *
 * const ch = new Channel<number>(2);     // Go: make(chan int, 2)
 * await ch.send(1);
 * await ch.send(2);
 * ch.close();
 * const got: number[] = [];
 * for await (const v of ch) got.push(v);
 * console.log(got); // → [1, 2]
 * if (got.join() !== "1,2") throw new Error(`got ${got.join()}`);
 * ```
 */
export class Channel<T> implements Receiver<T>, Sender<T> {
  /**
   * The channel's low-level {@link Port}, for `select`, timers and custom
   * sources (see `@csp-kit/channel/port`). Not needed by application code.
   */
  readonly [PORT]: Port<T>;
  /** The engine; `[PORT]` is the same object, typed as the public protocol. Set at construction, never replaced afterwards. */
  readonly #core: ChannelCore<T>;

  /**
   * @internal The kind factories' and `ResizableChannel`'s path: the channel
   * runs on `buffer` (already built from validated arguments) and `capacity`
   * is ignored.
   */
  constructor(capacity: number, options: ChannelOptions | undefined, buffer: ChannelBuffer<T>);
  /**
   * Creates an unbuffered (`capacity` 0, the default) or buffered channel — Go's
   * `make(chan T, capacity)`.
   *
   * @param capacity - a whole number >= 0.
   * @param options - `{ name }`, see {@link ChannelOptions}.
   * @throws {@link InvalidCapacityError} for a negative, fractional or non-finite capacity.
   * @throws {@link InvalidOptionError} when `name` is neither a string nor undefined.
   */
  constructor(capacity?: number, options?: ChannelOptions);
  constructor(capacity = 0, options?: ChannelOptions, buffer?: ChannelBuffer<T>) {
    const { name } = readOptions("new Channel(capacity, options)", options);
    const core = new ChannelCore<T>(
      buffer ??
        (checkCapacity("new Channel(capacity)", capacity, 0) === 0
          ? new UnbufferedPolicy<T>()
          : new BufferedPolicy<T>(capacity)),
      name,
    );
    this.#core = core;
    this[PORT] = core;
  }

  /**
   * An unbuffered channel: every send waits for a receiver (Go's `make(chan T)`).
   *
   * @param options - `{ name }`, see {@link ChannelOptions}.
   */
  static unbuffered<T>(options?: ChannelOptions): Channel<T> {
    return new Channel<T>(0, options);
  }

  /**
   * A channel that buffers up to `capacity` values; a send waits while it is full
   * (Go's `make(chan T, capacity)`). `buffered(0)` is unbuffered, as in Go.
   *
   * @param options - `{ name }`, see {@link ChannelOptions}.
   * @throws {@link InvalidCapacityError} unless `capacity` is a whole number >= 0.
   */
  static buffered<T>(capacity: number, options?: ChannelOptions): Channel<T> {
    checkCapacity("Channel.buffered(capacity)", capacity, 0);
    readOptions("Channel.buffered(capacity, options)", options);
    return new Channel<T>(capacity, options);
  }

  /**
   * A channel whose sends never wait: the buffer grows with the backlog and
   * gives memory back as it drains (eapache's InfiniteChannel).
   *
   * Gotchas: a producer faster than its consumer grows memory without limit;
   * prefer `ring` or `overflowing` when dropping is acceptable.
   *
   * @param options - `{ name }`, see {@link ChannelOptions}.
   */
  static infinite<T>(options?: ChannelOptions): Channel<T> {
    const { name } = readOptions("Channel.infinite(options)", options);
    return Channel.#withBuffer(new InfinitePolicy<T>(), name);
  }

  /**
   * A channel of at most `capacity` values whose sends never wait: a send to a
   * full ring drops the OLDEST buffered value (eapache's RingChannel,
   * core.async's sliding buffer). {@link Channel.dropped} counts the drops;
   * `options.onDrop` is told of each evicted value (reason `"ring-overwrite"`).
   *
   * @param options - `{ onDrop, name }`, see {@link DroppingChannelOptions}.
   * @throws {@link InvalidCapacityError} unless `capacity` is a whole number >= 1.
   * @throws {@link InvalidOptionError} when `onDrop` is neither a function nor undefined,
   *   or `name` neither a string nor undefined.
   *
   * @example
   * ```ts run
   * import { Channel } from "@csp-kit/channel";
   *
   * const released: string[] = [];
   * const frames = Channel.ring<string>(2, { onDrop: (frame) => released.push(frame) });
   * await frames.send("f1");
   * await frames.send("f2");
   * await frames.send("f3"); // full: evicts the oldest, f1
   * console.log(released, frames.dropped); // → ["f1"] 1
   * if (released.join() !== "f1" || frames.dropped !== 1) throw new Error(`dropped ${released.join()}`);
   * ```
   */
  static ring<T>(capacity: number, options?: DroppingChannelOptions<T>): Channel<T> {
    const cap = checkCapacity("Channel.ring(capacity)", capacity, 1);
    const { name, onDrop } = readOptions("Channel.ring(capacity, options)", options);
    return Channel.#withBuffer(new RingPolicy<T>(cap, onDrop), name);
  }

  /**
   * A channel of at most `capacity` values whose sends never wait: a send to a
   * full channel discards the NEW value (eapache's OverflowingChannel,
   * core.async's dropping buffer). {@link Channel.dropped} counts the discards;
   * `options.onDrop` is told of each discarded value (reason `"overflow"`).
   *
   * @param options - `{ onDrop, name }`, see {@link DroppingChannelOptions}.
   * @throws {@link InvalidCapacityError} unless `capacity` is a whole number >= 1.
   * @throws {@link InvalidOptionError} when `onDrop` is neither a function nor undefined,
   *   or `name` neither a string nor undefined.
   *
   * @example
   * ```ts run
   * import { Channel } from "@csp-kit/channel";
   *
   * const discarded: string[] = [];
   * const latest = Channel.overflowing<string>(2, { onDrop: (buf, reason) => discarded.push(`${buf} ${reason}`) });
   * await latest.send("b1");
   * await latest.send("b2");
   * await latest.send("b3"); // full: discards the new value, b3
   * console.log(discarded); // → ["b3 overflow"]
   * if (discarded.join() !== "b3 overflow") throw new Error(`discarded ${discarded.join()}`);
   * ```
   */
  static overflowing<T>(capacity: number, options?: DroppingChannelOptions<T>): Channel<T> {
    const cap = checkCapacity("Channel.overflowing(capacity)", capacity, 1);
    const { name, onDrop } = readOptions("Channel.overflowing(capacity, options)", options);
    return Channel.#withBuffer(new OverflowingPolicy<T>(cap, onDrop), name);
  }

  /**
   * A channel whose capacity can change while it is in use — eapache's
   * ResizableChannel. See {@link ResizableChannel}.
   *
   * @param capacity - a whole number >= 0, or `Infinity` (default 0: unbuffered).
   * @param options - `{ name }`, see {@link ChannelOptions}.
   * @throws {@link InvalidCapacityError} for any other capacity.
   */
  static resizable<T>(capacity = 0, options?: ChannelOptions): ResizableChannel<T> {
    return new ResizableChannel<T>(capacity, options);
  }

  /** Makes a channel over `buffer`. Precondition: the options were validated (the constructor then cannot throw). */
  static #withBuffer<T>(buffer: ChannelBuffer<T>, name: string | undefined): Channel<T> {
    return new Channel<T>(0, name === undefined ? undefined : { name }, buffer);
  }

  /** Which of the five kinds this channel is. */
  get kind(): ChannelKind {
    return this.#core.buffer.kind;
  }

  /** Values buffered now (Go's `len(ch)`). Always 0 for an unbuffered channel. */
  get len(): number {
    return this.#core.buffer.length;
  }

  /** Most values the buffer holds (Go's `cap(ch)`): 0 unbuffered, {@link UNBOUNDED} (`Infinity`) for infinite. */
  get cap(): number {
    return this.#core.buffer.capacity;
  }

  /** Whether `close()` has been called. A closed channel may still hold buffered values to receive. */
  get closed(): boolean {
    return this.#core.closed;
  }

  /**
   * Values this channel discarded by its policy: the oldest ones for `ring`,
   * the new ones for `overflowing`; always 0 for the other kinds.
   */
  get dropped(): number {
    return this.#core.buffer.dropped;
  }

  /**
   * Sends `value` — Go's `ch <- value`.
   *
   * **Blocking:** resolves at once when a receiver is waiting or the buffer has
   * room (`infinite`, `ring` and `overflowing` never wait); otherwise waits, in
   * FIFO order with other senders.
   *
   * **On close:** rejects with {@link ChannelClosedError} (whose `value` is the
   * unsent value) if the channel is closed, or is closed while this send waits.
   *
   * **Cancellation:** `{ signal }` — abort removes the waiting send at once and
   * rejects with `signal.reason`; the value was then not sent.
   *
   * **Ordering:** the send happens before the receive that gets `value` completes.
   *
   * @example
   * ```ts run
   * import { Channel } from "@csp-kit/channel";
   *
   * const ch = new Channel<string>(1);
   * await ch.send("job 1", { signal: AbortSignal.timeout(1000) }); // room in the buffer: at once
   * const error = await ch.send("job 2", { signal: AbortSignal.timeout(10) }).catch((e: unknown) => e); // full, nobody receives
   * console.log((error as DOMException).name); // → TimeoutError
   * if ((error as DOMException).name !== "TimeoutError") throw new Error(`got ${String(error)}`);
   * ```
   */
  send(value: T, options?: WaitOptions): Promise<void> {
    const signal = options?.signal;
    if (signal !== undefined) {
      const fault = signalFault(signal, "Channel.send");
      if (fault !== undefined) return Promise.reject(fault);
    }
    return this.#core.send(value, signal);
  }

  /**
   * Receives the next value — Go's `v, ok := <-ch`.
   *
   * **Blocking:** resolves at once when a value is buffered or a sender waits;
   * otherwise waits, in FIFO order with other receivers.
   *
   * **On close:** returns the buffered values first, then `None` forever.
   * `Some(undefined)` and `None` stay distinct even when `T` includes `undefined`.
   *
   * **Cancellation:** `{ signal }` — abort removes the waiting receive at once and
   * rejects with `signal.reason`; no value was taken.
   *
   * @returns `Some(value)`, or `None` when the channel is closed and drained.
   *
   * @example
   * ```ts run
   * import { Channel } from "@csp-kit/channel";
   *
   * const ch = new Channel<string>(1);
   * await ch.send("hello");
   * ch.close();
   * const r = await ch.recv();
   * if (r.isSome()) console.log(r.value); else console.log("closed"); // → hello
   * const next = await ch.recv();
   * if (next.isSome()) console.log(next.value); else console.log("closed"); // → closed
   * if (!r.isSome() || r.value !== "hello" || next.isSome()) throw new Error("expected hello, then closed");
   * ```
   */
  recv(options?: WaitOptions): Promise<Option<T>> {
    const signal = options?.signal;
    if (signal !== undefined) {
      const fault = signalFault(signal, "Channel.recv");
      if (fault !== undefined) return Promise.reject(fault);
    }
    return this.#core.recv(signal);
  }

  /**
   * Receives the next value itself, or {@link CLOSED} — Go's `v, ok := <-ch`
   * without the `Option`: the receive for hot loops.
   *
   * **Why it exists:** `recv()` allocates a `Some` per value, and a promise
   * resolved with an object makes V8 look up `then` on it (any object might be
   * a thenable). A blocked `recvValue()` on a channel of primitives allocates
   * nothing beyond its promise and waiter and resolves a primitive, so it
   * costs what a hand-written promise channel costs (see the package README,
   * "Hot loops"). Otherwise it behaves exactly like `recv()`.
   *
   * **Blocking:** resolves at once when a value is buffered or a sender waits;
   * otherwise waits, in FIFO order with other receivers (`recv()` and
   * `recvValue()` share one queue).
   *
   * **On close:** returns the buffered values first, then {@link CLOSED} forever.
   *
   * **Values that are thenables:** the returned promise resolves *with* the
   * value, so a value with a `then` method (a promise) is adopted as any
   * promise would adopt it; for a channel of promises or thenables use
   * `recv()`, whose `Some` keeps them intact. A channel whose `T` includes the
   * `CLOSED` symbol itself cannot tell it from "closed": use `recv()`.
   *
   * **Cancellation:** `{ signal }` — abort removes the waiting receive at once and
   * rejects with `signal.reason`; no value was taken.
   *
   * @returns the value, or {@link CLOSED} when the channel is closed and drained.
   *
   * @example
   * ```ts run
   * import { CLOSED, Channel, WOULD_BLOCK } from "@csp-kit/channel";
   *
   * const ch = new Channel<number>(2);
   * void (async () => {
   *   for (const n of [1, 2, 3, 4]) await ch.send(n);
   *   ch.close();
   * })();
   * let total = 0;
   * for (;;) {
   *   let v = ch.tryRecvValue();
   *   // typeof first: a number fails it inline, with no generic comparison call
   *   if (typeof v === "symbol" && v === WOULD_BLOCK) v = await ch.recvValue();
   *   if (typeof v === "symbol" && v === CLOSED) break;
   *   total += v;
   * }
   * console.log(total); // → 10
   * if (total !== 10) throw new Error(`total ${total}`);
   * ```
   */
  recvValue(options?: WaitOptions): Promise<T | typeof CLOSED> {
    const signal = options?.signal;
    if (signal !== undefined) {
      const fault = signalFault(signal, "Channel.recvValue");
      if (fault !== undefined) return Promise.reject(fault);
    }
    return this.#core.recvValue(signal);
  }

  /**
   * Receives without waiting and without an `Option` — `tryRecv()` for hot
   * loops: the value itself, {@link CLOSED} (closed and drained) or
   * {@link WOULD_BLOCK} (nothing ready; nothing happened). Allocates nothing.
   *
   * A channel whose `T` includes the `CLOSED` or `WOULD_BLOCK` symbol cannot
   * tell them from the answers: use `tryRecv()`.
   *
   * In a hot loop, test `typeof v === "symbol"` before comparing `v` with
   * either symbol: V8 compiles `v === WOULD_BLOCK` with a number on the left
   * to a generic equality call, the `typeof` test to one inline check (see
   * the package README, "Hot loops").
   *
   * @example
   * ```ts run
   * import { CLOSED, Channel, WOULD_BLOCK } from "@csp-kit/channel";
   *
   * const ch = new Channel<number>();
   * void ch.send(7); // an unbuffered channel: the sender waits for a receiver
   * let v = ch.tryRecvValue(); // takes the waiting sender's value
   * if (v === WOULD_BLOCK) v = await ch.recvValue();
   * if (v !== CLOSED) console.log(v); // → 7
   * if (v !== 7) throw new Error(`got ${String(v)}`);
   * ```
   */
  tryRecvValue(): T | typeof CLOSED | typeof WOULD_BLOCK {
    return this.#core.take();
  }

  /**
   * Sends without waiting — Go's `select { case ch <- v: default: }`.
   *
   * @returns `"sent"`, `"would-block"` (nothing happened; keep the value), or
   * `"closed"` (nothing happened; unlike `send`, this does not throw).
   */
  trySend(value: T): TrySendResult {
    return this.#core.give(value);
  }

  /**
   * Receives without waiting — Go's `select { case v, ok := <-ch: default: }`.
   *
   * @returns `Some(value)`, `None` (closed and drained), or `"would-block"`.
   *
   * @example
   * ```ts run
   * import { Channel } from "@csp-kit/channel";
   *
   * const ch = new Channel<string>(1);
   * if (ch.tryRecv() !== "would-block") throw new Error("an empty channel would block");
   * await ch.send("job");
   * ch.close();
   * const r = ch.tryRecv();
   * if (r === "would-block") throw new Error("a value is buffered");
   * if (r.isSome()) console.log(r.value); else console.log("closed"); // → job
   * if (!r.isSome() || r.value !== "job") throw new Error("expected job");
   * ```
   */
  tryRecv(): TryRecvResult<T> {
    return this.#core.tryRecv();
  }

  /**
   * Receives every value ready now, up to `max`, as one array — eapache's
   * BatchingChannel, for consumers that handle values in bulk (write a batch
   * of rows, flush a batch of messages). One call replaces up to `max`
   * receives and allocates one array instead of a `Some` per value.
   *
   * **Blocking:** resolves at once when a value is ready; otherwise waits for
   * the first, then also takes (up to `max`) what became ready before the
   * batch's promise settled, such as the rest of a burst sent in one turn. It
   * never waits to fill the batch.
   *
   * **What is taken:** exactly what `tryRecv()` would return called again and
   * again: buffered values first, then, on a full fixed buffer, the values of
   * blocked senders (each of those sends completes). Ring and overflowing
   * channels hand over what they hold.
   *
   * **On close:** returns what is still buffered, then `None` forever.
   *
   * **Cancellation:** `{ signal }` — abort removes the waiting receive at once
   * and rejects with `signal.reason`; no value was taken.
   *
   * @param max - the most values to return: a whole number >= 1, or `Infinity`
   *   (the default) for everything ready.
   * @returns `Some(values)` with 1 to `max` values in channel order, or `None`
   *   when the channel is closed and drained.
   * @throws {@link InvalidCapacityError} (synchronously) for any other `max`.
   *
   * @example
   * ```ts run
   * import { Channel } from "@csp-kit/channel";
   *
   * const ch = Channel.infinite<number>();
   * for (let i = 0; i < 1200; i++) await ch.send(i);
   * ch.close();
   * const inserted: number[] = []; // a batch insert, one call per batch
   * for (let r = await ch.recvBatch(500); r.isSome(); r = await ch.recvBatch(500)) inserted.push(r.value.length);
   * console.log(inserted); // → [500, 500, 200]
   * if (inserted.join() !== "500,500,200") throw new Error(`batches ${inserted.join()}`);
   * ```
   */
  recvBatch(max?: number, options?: WaitOptions): Promise<Option<T[]>> {
    const checked = checkBatchMax("Channel.recvBatch(max)", max);
    const signal = options?.signal;
    if (signal !== undefined) {
      const fault = signalFault(signal, "Channel.recvBatch");
      if (fault !== undefined) return Promise.reject(fault);
    }
    return this.#core.recvBatch(checked, signal);
  }

  /**
   * Receives every value ready now, up to `max`, without waiting — the
   * non-blocking form of {@link Channel.recvBatch}.
   *
   * @param max - the most values to return: a whole number >= 1, or `Infinity` (the default).
   * @returns `Some(values)` with 1 to `max` values, `None` (closed and drained) or `"would-block"`.
   * @throws {@link InvalidCapacityError} for any other `max`.
   *
   * @example
   * ```ts run
   * import { Channel } from "@csp-kit/channel";
   *
   * const ch = new Channel<string>(8);
   * await ch.send("a");
   * await ch.send("b");
   * const r = ch.tryRecvBatch();
   * if (r !== "would-block" && r.isSome()) console.log(r.value); // → ["a", "b"]
   * if (r === "would-block" || !r.isSome() || r.value.join() !== "a,b") throw new Error("expected [a, b]");
   * ```
   */
  tryRecvBatch(max?: number): TryRecvResult<T[]> {
    return this.#core.tryRecvBatch(checkBatchMax("Channel.tryRecvBatch(max)", max));
  }

  /**
   * Closes the channel — Go's `close(ch)`. Senders waiting now fail with
   * {@link ChannelClosedError}; receivers waiting now get `None`; buffered values
   * stay receivable.
   *
   * Gotchas: close from the sending side, once. Closing is not needed to free
   * memory — an unreferenced channel is garbage like any object.
   *
   * @throws {@link ChannelAlreadyClosedError} if already closed.
   */
  close(): void {
    this.#core.close();
  }

  /**
   * Iterates received values until the channel is closed and drained — Go's
   * `for v := range ch`. Leaving the loop early (break, return, throw) does not
   * close the channel and takes no value beyond those the loop received.
   *
   * @param options - `{ signal }` rejects the pending step with `signal.reason`
   *   when aborted (the loop then throws); no value is lost.
   * @throws `InvalidSignalError` (synchronously) when `signal` is not an AbortSignal.
   */
  values(options?: WaitOptions): ValuesIterator<T> {
    const signal = options?.signal;
    const fault = signalFault(signal, "Channel.values");
    if (fault !== undefined) throw fault;
    return new ChannelIterator(this.#core, signal);
  }

  /** `for await (const v of ch)`: see {@link Channel.values}. */
  [Symbol.asyncIterator](): ValuesIterator<T> {
    return new ChannelIterator(this.#core, undefined);
  }
}

/**
 * A channel whose capacity changes while it is in use — eapache's
 * ResizableChannel. At every moment it behaves as the kind its capacity names
 * (`kind` says which): unbuffered at 0, buffered(n), infinite at `Infinity`.
 *
 * **Blocking:** as that kind. Growing the capacity lets blocked senders into
 * the new room at once, oldest first (their sends complete); shrinking it
 * drops nothing: values already buffered stay receivable, and sends wait until
 * the channel has drained below the new capacity.
 *
 * **On close / Cancellation / Ordering:** as {@link Channel}.
 *
 * @example
 * ```ts run
 * import { Channel } from "@csp-kit/channel";
 *
 * const work = Channel.resizable<string>(16);
 * const load = 0.9;
 * work.resize(load > 0.8 ? 4 : 64); // apply backpressure sooner under load
 * console.log(work.cap); // → 4
 * if (work.cap !== 4) throw new Error(`cap ${work.cap}`);
 * ```
 */
export class ResizableChannel<T> extends Channel<T> {
  /**
   * @param capacity - a whole number >= 0, or `Infinity` (default 0: unbuffered).
   * @param options - `{ name }`, see {@link ChannelOptions}.
   * @throws {@link InvalidCapacityError} for any other capacity.
   * @throws {@link InvalidOptionError} when `name` is neither a string nor undefined.
   */
  constructor(capacity = 0, options?: ChannelOptions) {
    const fixed = new BufferedPolicy<T>(checkResizable("new ResizableChannel(capacity)", capacity));
    readOptions("new ResizableChannel(capacity, options)", options);
    super(0, options, fixed);
  }

  /**
   * Changes the capacity now (see the class for what happens to waiting
   * senders and buffered values). Allowed on a closed channel too.
   *
   * @param capacity - a whole number >= 0, or `Infinity`.
   * @throws {@link InvalidCapacityError} for any other capacity; nothing changes.
   */
  resize(capacity: number): void {
    const core = this[PORT] as ChannelCore<T>;
    (core.buffer as BufferedPolicy<T>).capacity = checkResizable("ResizableChannel.resize(capacity)", capacity);
    core.capacityChanged();
  }
}

/** Validates a resizable channel's capacity: a whole number >= 0, or Infinity. Returns it. */
function checkResizable(where: string, capacity: unknown): number {
  if (capacity === UNBOUNDED) return capacity;
  if (typeof capacity === "number" && Number.isSafeInteger(capacity) && capacity >= 0) return capacity;
  const got = typeof capacity === "number" ? String(capacity) : `a ${typeof capacity}`;
  throw new InvalidCapacityError(
    `${where}: capacity must be a whole number >= 0, or Infinity (got ${got}); 0 makes it unbuffered`,
    capacity,
  );
}

/** Validates a capacity: a whole number >= `min`. Returns it. */
function checkCapacity(where: string, capacity: unknown, min: number): number {
  if (typeof capacity === "number" && Number.isSafeInteger(capacity) && capacity >= min) return capacity;
  const got = typeof capacity === "number" ? String(capacity) : `a ${typeof capacity}`;
  const hint =
    capacity === Number.POSITIVE_INFINITY
      ? "; for a channel without a limit use Channel.infinite()"
      : min === 0
        ? "; use 0 for an unbuffered channel"
        : "";
  throw new InvalidCapacityError(`${where}: capacity must be a whole number >= ${min} (got ${got})${hint}`, capacity);
}

/**
 * Validates a factory's options (`name` for every kind, `onDrop` too for the
 * dropping ones: the types keep it off the others). Returns them.
 */
function readOptions<T>(
  where: string,
  options: DroppingChannelOptions<T> | undefined,
): { name: string | undefined; onDrop: DropCallback<T> | undefined } {
  if (options === undefined) return { name: undefined, onDrop: undefined };
  if (typeof options !== "object" || options === null) {
    throw new InvalidOptionError(
      `${where}: options must be an object such as { name } or undefined (got ${describeValue(options)})`,
      where,
      options,
    );
  }
  const { name, onDrop } = options;
  if (name !== undefined && typeof name !== "string") {
    throw new InvalidOptionError(
      `${where}: name must be a string, the label diagnostics show, or undefined (got ${describeValue(name)})`,
      `${where}.name`,
      name,
    );
  }
  if (onDrop !== undefined && typeof onDrop !== "function") {
    throw new InvalidOptionError(
      `${where}: onDrop must be a function (value, reason) => void, or undefined (got ${describeValue(onDrop)})`,
      `${where}.onDrop`,
      onDrop,
    );
  }
  return { name, onDrop };
}
