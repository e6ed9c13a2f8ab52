/**
 * `SharedChannel<T>`: the public façade of a channel that worker threads share
 * through a SharedArrayBuffer. The engine is `SharedCore` (shared-core.ts) over
 * `SharedRing` (ring.ts) and `SlotCodec` (codec.ts); this file holds the
 * options, the handle and the documented API.
 *
 * Invariants:
 * - `#core`, `#handle` are set at construction and never replaced.
 * - `#handle.buffer` is the buffer `#core.ring` works on.
 */

import type { Option, ValuesIterator, WaitOptions } from "@csp-kit/channel";
import { ChannelIterator, checkBatchMax, checkSignal, type HasPort, PORT, type Port } from "@csp-kit/channel/port";
import { InvalidSharedHandleError, InvalidTimeoutError, type SharedChannelBrokenError } from "./errors.js";
import { getDefaultSerializer, type Serializer, SLOT_HEADER_BYTES, SlotCodec } from "./internal/codec.js";
import {
  createRingBuffer,
  DEFAULT_MAX_VALUE_BYTES,
  DEFAULT_STALL_TIMEOUT_MS,
  MAX_STALL_TIMEOUT_MS,
  readRingShape,
  SharedRing,
} from "./internal/ring.js";
import { SharedCore, type SharedTrySendResult, TIMED_OUT } from "./internal/shared-core.js";

export type { Serializer } from "./internal/codec.js";
export type { SharedTrySendResult } from "./internal/shared-core.js";

/** What a non-blocking receive reports: `Some(value)`, `None` (closed and drained) or `"would-block"`. */
export type SharedTryRecvResult<T> = Option<T> | "would-block";

/** Options of the blocking calls (`sendSync`, `recvSync`). */
export interface SyncWaitOptions {
  /**
   * The most milliseconds to block (>= 0; fractions allowed; `Infinity` or
   * omitted: no limit). When it passes first, the call returns `"timed-out"`
   * and nothing was sent or taken.
   */
  readonly timeout?: number;
}

/** The `kind` tag of a {@link SharedChannelHandle}. */
const HANDLE_KIND = "@csp-kit/threads.shared-channel";

/**
 * A SharedChannel in a form that crosses threads: a plain, frozen object
 * holding the channel's SharedArrayBuffer. Pass it in `workerData` or
 * `postMessage` and rebuild the channel with {@link SharedChannel.from}.
 */
export interface SharedChannelHandle {
  /** Marks the object as a SharedChannel handle. */
  readonly kind: "@csp-kit/threads.shared-channel";
  /** All of the channel's state: the ring, its slots, the close flag and the wait words. */
  readonly buffer: SharedArrayBuffer;
}

/** Options of {@link SharedChannel.from}: what is local to a thread and so not in the handle. */
export interface SharedChannelAttachOptions {
  /**
   * Encodes values that are not numbers, strings, booleans, `null` or
   * `undefined`. Default: `node:v8`'s `serialize`/`deserialize` (structured
   * clone), where the runtime has it. Every thread of one channel must use
   * the same serializer.
   */
  readonly serializer?: Serializer;
}

/** Options of `new SharedChannel(capacity, options)`. */
export interface SharedChannelOptions extends SharedChannelAttachOptions {
  /**
   * Bytes of encoded value one slot holds (default 120, giving 128-byte
   * slots; rounded up to a multiple of 8; at most 2^26). Numbers, booleans,
   * `null` and `undefined` always fit; a string needs one byte per character
   * when all are below U+0100, two otherwise; anything else needs the length of
   * its serialization. A bigger value is refused with
   * {@link SharedValueTooLargeError}. Memory: about `capacity × (maxValueBytes + 8)` bytes, allocated up front.
   */
  readonly maxValueBytes?: number;
  /**
   * How long (milliseconds, > 0; default 1000) a send that claimed a slot may
   * take to publish it before the other threads presume its thread dead
   * (terminated) and recover: a claim not yet begun is skipped (nothing is
   * lost); a value caught half-written breaks the channel with
   * {@link SharedChannelBrokenError}. Waiting threads also re-check the
   * channel at least this often, which covers wake-ups a dead thread would
   * have passed on. `Infinity`: never presume a thread dead (a terminated
   * sender can then wedge the channel). The same for every thread: it is kept
   * in the shared buffer. See docs/design/shared-channel.md, "Failure model".
   */
  readonly stallTimeout?: number;
}

/**
 * A bounded, multi-producer multi-consumer channel that several threads share:
 * Go's `make(chan T, n)` across worker threads, over one SharedArrayBuffer.
 *
 * Create it on one thread, hand {@link SharedChannel.handle} to workers, and
 * rebuild it there with {@link SharedChannel.from}. Every thread may send,
 * receive and close.
 *
 * **Blocking:** the async methods (`send`, `recv`, `recvBatch`, `for await`)
 * wait with `Atomics.waitAsync` and never block the event loop — use them on
 * the main thread. Workers may also use the blocking
 * {@link SharedChannel.sendSync} / {@link SharedChannel.recvSync} (`Atomics.wait`).
 * Nobody is notified while nobody waits: a send or receive that does not wait
 * costs a few atomic operations and no system call.
 *
 * **On close:** as `Channel`: sends on every thread fail with
 * `ChannelClosedError`, receivers on every thread drain what is buffered, then
 * get `None`.
 *
 * **Cancellation:** every async wait takes `{ signal }`; abort is atomic — the
 * operation either happened or not, never a value lost or delivered twice. A
 * `signal` that is not an AbortSignal (the AbortController itself, `null`)
 * rejects with `InvalidSignalError` before anything is queued, sent or taken.
 *
 * **Ordering:** the ring is FIFO in the order sends claim their slot, so the
 * values of one sending thread (or task) are received in the order it sent
 * them; a send that completes happens before the receive that gets its value
 * completes (the slot is published with a sequentially consistent store).
 * Waiters of one thread are served in arrival order; across threads, wake-ups
 * follow `Atomics.notify` order (FIFO per word), without a stronger fairness
 * guarantee.
 *
 * **Values** are copied, not shared: numbers, strings, booleans, `null` and
 * `undefined` through a fast path; anything else structured-clonable through
 * the serializer (`node:v8` by default). Each value must fit in one slot (see
 * {@link SharedChannelOptions.maxValueBytes}); a bigger one is refused with
 * `SharedValueTooLargeError` before anything is sent.
 *
 * **Select:** the channel exposes the `Port` protocol (`@csp-kit/channel/port`),
 * so it can be a case of `@csp-kit/select` on the thread that holds this
 * instance. Commit-once holds across threads: a value is claimed from the
 * shared ring by a CAS and the local case committed in the same synchronous
 * turn, after checking that the select is still undecided — so a losing case
 * takes nothing and a winning one takes exactly one value.
 *
 * **Memory:** `capacity × (maxValueBytes + 8)` bytes plus 192, allocated once;
 * per thread, O(1) per waiting operation and at most one pending
 * `Atomics.waitAsync` per direction, however many waits are aborted.
 *
 * **Terminated threads** (`worker.terminate()` at any point): a receiver
 * takes at most the values of the receive it was in with it, and leaves
 * nothing that blocks anyone; a sender that claimed a slot but was stopped
 * before its write began is skipped after `stallTimeout` (nothing
 * acknowledged is lost); one stopped while copying its value in — a few
 * stores, which `terminate()` practically never interrupts — breaks the
 * channel: every operation then fails with {@link SharedChannelBrokenError},
 * after receivers got every value that was completely sent. Waiting threads
 * re-check the channel at least every `stallTimeout`, so a wake-up a dead
 * thread owed is not lost either. See docs/design/shared-channel.md.
 *
 * Gotchas: a SharedArrayBuffer, a function or a class instance's prototype does
 * not travel (structured clone rules). A thread waiting on a SharedChannel
 * stays alive, like a MessagePort with a listener. Blocking calls refuse to
 * run on the main thread.
 *
 * @typeParam T - the values carried; structured-clonable.
 * @see `Channel` — the single-thread channel whose rules this one follows.
 *
 * @example
 * ```ts
 * // main.ts — the worker file has this file's extension: worker.ts under tsx, worker.js once compiled
 * const jobs = new SharedChannel<number>(1024);
 * const workerFile = new URL(import.meta.url.endsWith(".ts") ? "./worker.ts" : "./worker.js", import.meta.url);
 * const worker = new Worker(workerFile, { workerData: jobs.handle });
 * for (let i = 0; i < 100; i++) await jobs.send(i);
 * jobs.close();
 *
 * // worker.ts
 * const jobs = SharedChannel.from<number>(workerData);
 * for (let r = jobs.recvSync(); r.isSome(); r = jobs.recvSync()) work(r.value);
 * ```
 */
export class SharedChannel<T> implements AsyncIterable<T>, HasPort<T> {
  /** This thread's {@link Port} of the channel, for `select`. Not needed by application code. */
  readonly [PORT]: Port<T>;
  /** The engine of this thread's view; `[PORT]` is the same object. Set at construction. */
  readonly #core: SharedCore<T>;
  /** The cross-thread form of this channel; frozen, created once. */
  readonly #handle: SharedChannelHandle;

  /**
   * @internal `SharedChannel.from`'s path: this thread's view runs on `core`,
   * built over a validated handle's buffer; `capacity` and `options` are ignored.
   */
  constructor(capacity: number, options: SharedChannelOptions | undefined, core: SharedCore<T>);
  /**
   * Creates a channel buffering up to `capacity` values, in a new SharedArrayBuffer.
   *
   * @param capacity - a whole number from 1 to 2^24. (There is no unbuffered
   *   SharedChannel: a rendezvous across threads would need a round trip per value.)
   * @param options - `maxValueBytes` (slot size) and `serializer`.
   * @throws {@link @csp-kit/channel!InvalidCapacityError | InvalidCapacityError} for a capacity or `maxValueBytes` out of range.
   */
  constructor(capacity: number, options?: SharedChannelOptions);
  constructor(capacity: number, options?: SharedChannelOptions, attached?: SharedCore<T>) {
    let core = attached;
    if (core === undefined) {
      const buffer = createRingBuffer(capacity, options?.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES, {
        stallTimeoutMs: checkStallTimeout(options?.stallTimeout),
      });
      core = buildCore<T>(buffer, options?.serializer);
    }
    this.#core = core;
    this[PORT] = core;
    this.#handle = Object.freeze({ kind: HANDLE_KIND, buffer: core.ring.buffer });
  }

  /**
   * Rebuilds, on this thread, the channel that `handle` came from. Every
   * instance built from one handle is the same channel: one ring, one close flag.
   *
   * Gotchas: a custom serializer is not in the handle (functions do not cross
   * threads); pass the same one here as on the creating thread. One instance
   * per thread is enough; more are harmless.
   *
   * @param handle - a {@link SharedChannel.handle}, received through `workerData` or `postMessage`.
   * @param options - the `serializer`, if the channel's creator used a custom one.
   * @throws {@link InvalidSharedHandleError} if `handle` is not a SharedChannel handle (or comes from another version of this package).
   *
   * @example
   * ```ts run
   * import { SharedChannel } from "@csp-kit/threads";
   *
   * const created = new SharedChannel<string>(8);
   * const workerData = { results: created.handle }; // what the creator posts to a worker
   * const results = SharedChannel.from<string>(workerData.results);
   * await results.send("done"); // the same channel, attached again
   * const r = await created.recv();
   * if (r.unwrap() !== "done") throw new Error("one channel, two handles");
   * ```
   */
  static from<T>(handle: SharedChannelHandle, options?: SharedChannelAttachOptions): SharedChannel<T> {
    if (typeof handle !== "object" || handle === null)
      throw new InvalidSharedHandleError("the handle is not an object");
    if ((handle as { kind?: unknown }).kind !== HANDLE_KIND) {
      throw new InvalidSharedHandleError(`the handle's kind is not "${HANDLE_KIND}"`);
    }
    return new SharedChannel<T>(0, undefined, buildCore<T>(handle.buffer, options?.serializer));
  }

  /**
   * The channel in a form that crosses threads: a frozen plain object holding
   * the SharedArrayBuffer. Post it to a worker and call {@link SharedChannel.from} there.
   *
   * Gotchas: posting the handle shares the channel, it does not move it — the
   * sender keeps a working channel, and the memory lives while any thread
   * holds the buffer.
   */
  get handle(): SharedChannelHandle {
    return this.#handle;
  }

  /**
   * Values buffered now, across all threads (Go's `len(ch)`). A snapshot that
   * other threads keep changing; it counts a value being written or read at
   * this moment.
   */
  get len(): number {
    return this.#core.ring.length;
  }

  /** Most values the channel buffers (Go's `cap(ch)`). */
  get cap(): number {
    return this.#core.ring.capacity;
  }

  /** Whether any thread has called `close()`. A closed channel may still hold buffered values to receive. */
  get closed(): boolean {
    return this.#core.closed;
  }

  /** Bytes of encoded value one slot holds (the `maxValueBytes` option, rounded up to a multiple of 8). */
  get maxValueBytes(): number {
    return this.#core.ring.codec.maxValueBytes;
  }

  /**
   * Sends `value` — Go's `ch <- value`.
   *
   * **Blocking:** resolves at once while the channel has room; otherwise waits
   * (without blocking the thread) until a receiver on any thread makes room,
   * in FIFO order with this thread's other waiting senders.
   *
   * **On close:** rejects with {@link ChannelClosedError} (its `value` is the
   * unsent value) if the channel is closed, or is closed while this send waits.
   * **Broken** (a sending thread died mid-write; see the class): rejects with {@link SharedChannelBrokenError}.
   *
   * **Cancellation:** `{ signal }` — abort removes the waiting send at once and
   * rejects with `signal.reason`; the value was then not sent. A `signal` that
   * is not an AbortSignal rejects with `InvalidSignalError`; nothing is sent.
   *
   * **Ordering:** the send happens before the receive that gets `value` completes.
   *
   * Gotchas: rejects with {@link SharedValueTooLargeError} when the value does
   * not fit in a slot, with `SharedSerializationError` when the serializer fails
   * ("could not be cloned"; its error is the cause), or with
   * `InvalidSerializerResultError` when it returns no Uint8Array — nothing is sent.
   */
  send(value: T, options?: WaitOptions): Promise<void> {
    return this.#core.send(value, options?.signal);
  }

  /**
   * Receives the next value — Go's `v, ok := <-ch`.
   *
   * **Blocking:** resolves at once when a value is buffered; otherwise waits
   * (without blocking the thread) for a sender on any thread, in FIFO order
   * with this thread's other waiting receivers.
   *
   * **On close:** returns the buffered values first, then `None` forever.
   * **Broken**: after the values completely sent, rejects with {@link SharedChannelBrokenError} instead of `None`.
   *
   * **Cancellation:** `{ signal }` — abort removes the waiting receive at once
   * and rejects with `signal.reason`; no value was taken. A `signal` that is not
   * an AbortSignal rejects with `InvalidSignalError`; nothing is taken.
   *
   * @returns `Some(value)`, or `None` when the channel is closed and drained.
   *
   * @example
   * ```ts run
   * import { SharedChannel } from "@csp-kit/threads";
   *
   * const ch = new SharedChannel<string>(4);
   * await ch.send("job");
   * ch.close();
   * const r = await ch.recv({ signal: AbortSignal.timeout(1000) });
   * if (r.isSome()) console.log(r.value); else console.log("closed"); // → job
   * if (!r.isSome() || r.value !== "job") throw new Error("expected job");
   * ```
   */
  recv(options?: WaitOptions): Promise<Option<T>> {
    return this.#core.recv(options?.signal);
  }

  /**
   * Receives every value buffered now, up to `max`, as one array — waiting
   * (without blocking the thread) while there is none. The batching receive of
   * eapache's BatchingChannel, for consumers that handle values in bulk: one
   * atomic claim covers the whole batch. (It saves the most when values pile
   * up; a consumer that keeps pace with its producer gets batches of one or
   * two, and then `tryRecv` costs less per value.)
   *
   * **Blocking:** resolves at once when at least one value is buffered;
   * otherwise waits for the first, then takes up to `max - 1` more that are
   * buffered at that moment (it never waits to fill the batch).
   *
   * **On close:** returns what is buffered, then `None` forever.
   * **Broken**: after the values completely sent, rejects with {@link SharedChannelBrokenError} instead of `None`.
   *
   * **Cancellation:** `{ signal }` — abort removes the waiting receive at once
   * and rejects with `signal.reason`; no value was taken. A `signal` that is not
   * an AbortSignal rejects with `InvalidSignalError`; nothing is taken.
   *
   * **Ordering:** the array is in channel order; this thread's receivers that
   * were waiting before are served first.
   *
   * @param max - the most values to return: a whole number >= 1, or `Infinity` (the default: everything buffered).
   * @returns `Some(values)` with 1 to `max` values, or `None` when the channel is closed and drained.
   * @throws {@link @csp-kit/channel!InvalidCapacityError | InvalidCapacityError} (synchronously) for a `max` that is not a whole number >= 1.
   *
   * @example
   * ```ts run
   * import { SharedChannel } from "@csp-kit/threads";
   *
   * const ch = new SharedChannel<number>(16);
   * for (let i = 1; i <= 5; i++) await ch.send(i);
   * ch.close();
   * const written: number[][] = [];
   * const writeAll = (values: number[]) => void written.push(values);
   * for (let r = await ch.recvBatch(); r.isSome(); r = await ch.recvBatch()) writeAll(r.value);
   * console.log(written); // → [[1, 2, 3, 4, 5]]
   * if (written.length !== 1 || written[0]?.join() !== "1,2,3,4,5") throw new Error(JSON.stringify(written));
   * ```
   */
  recvBatch(max?: number, options?: WaitOptions): Promise<Option<T[]>> {
    return this.#core.recvBatch(checkBatchMax("SharedChannel.recvBatch(max)", max), options?.signal);
  }

  /**
   * Receives every value buffered now, up to `max`, without waiting — the
   * non-blocking form of {@link SharedChannel.recvBatch}.
   *
   * @param max - the most values to return: a whole number >= 1, or `Infinity` (the default: everything buffered).
   * @returns `Some(values)` with 1 to `max` values, `None` (closed and drained) or `"would-block"`.
   * @throws {@link @csp-kit/channel!InvalidCapacityError | InvalidCapacityError} for a `max` that is not a whole number >= 1.
   */
  tryRecvBatch(max?: number): SharedTryRecvResult<T[]> {
    return this.#core.tryRecvBatch(checkBatchMax("SharedChannel.tryRecvBatch(max)", max));
  }

  /**
   * Sends without waiting — Go's `select { case ch <- v: default: }`.
   *
   * **Ordering:** a `"sent"` send happens before the receive that gets the value completes.
   *
   * Gotchas: `"would-block"` may be momentary: a receiver on another thread
   * may have claimed the oldest slot without having released it yet.
   *
   * @throws {@link SharedChannelBrokenError} when the channel is broken (see the class).
   * @returns `"sent"`, `"would-block"` (the channel is full; nothing happened)
   *   or `"closed"` (nothing happened; unlike `send`, this does not throw).
   * @throws {@link SharedValueTooLargeError}, `SharedSerializationError` or `InvalidSerializerResultError` when the value cannot be encoded; nothing happened.
   */
  trySend(value: T): SharedTrySendResult {
    return this.#core.trySend(value);
  }

  /**
   * Receives without waiting — Go's `select { case v, ok := <-ch: default: }`.
   *
   * **Ordering:** FIFO; this thread's receivers that are already waiting come
   * first (while any waits, this answers `"would-block"`).
   *
   * Gotchas: `"would-block"` also covers a value that another thread is in the
   * middle of writing (it is claimed but not yet readable).
   *
   * @returns `Some(value)`, `None` (closed and drained) or `"would-block"`.
   * @throws {@link SharedChannelBrokenError} when the channel is broken and drained (see the class).
   *
   * @example
   * ```ts run
   * import { SharedChannel } from "@csp-kit/threads";
   *
   * const ch = new SharedChannel<string>(4);
   * if (ch.tryRecv() !== "would-block") throw new Error("an empty channel would block");
   * await ch.send("job");
   * const r = ch.tryRecv();
   * if (r === "would-block") throw new Error("a value is buffered");
   * if (r.isSome()) console.log(r.value); else console.log("closed"); // → job
   * if (!r.isSome() || r.value !== "job") throw new Error("expected job");
   * ```
   */
  tryRecv(): SharedTryRecvResult<T> {
    return this.#core.tryRecv();
  }

  /**
   * Sends `value`, blocking this thread while the channel is full — for worker
   * code written in a blocking style. Uses `Atomics.wait`.
   *
   * **Blocking:** blocks the calling thread (its event loop included) until a
   * receiver on another thread makes room — or, with `{ timeout }`, at most
   * that many milliseconds.
   *
   * **On close:** throws {@link ChannelClosedError} if the channel is closed, or is closed while this call blocks.
   * Broken (see the class): throws {@link SharedChannelBrokenError}.
   *
   * **Cancellation:** `{ timeout }`; or close the channel to release it.
   *
   * **Ordering:** as {@link SharedChannel.send}. Before sleeping it retries for
   * a microsecond or two, which spares a futex round trip when the receiver is
   * busy on another core.
   *
   * Gotchas: this thread's own async waiters cannot run while it blocks.
   *
   * @returns nothing without a timeout; with `{ timeout }`, `"sent"` or
   *   `"timed-out"` (nothing was sent).
   * @throws {@link SharedBlockingOnMainThreadError} on Node's main thread.
   * @throws {@link InvalidTimeoutError} for a timeout that is not a number of milliseconds >= 0.
   * @throws {@link SharedValueTooLargeError}, `SharedSerializationError` or `InvalidSerializerResultError` before anything happens.
   *
   * @example
   * ```ts
   * if (results.sendSync(r, { timeout: 1000 }) === "timed-out") log("main thread is not draining results");
   * ```
   */
  sendSync(value: T): void;
  sendSync(value: T, options: SyncWaitOptions): "sent" | "timed-out";
  sendSync(value: T, options?: SyncWaitOptions): "sent" | "timed-out" | undefined {
    if (options === undefined) {
      this.#core.sendSync(value, Number.POSITIVE_INFINITY);
      return undefined;
    }
    return this.#core.sendSync(value, checkTimeout("sendSync", options.timeout)) ? "sent" : "timed-out";
  }

  /**
   * Receives the next value, blocking this thread while the channel is empty —
   * for worker code written in a blocking style. Uses `Atomics.wait`.
   *
   * **Blocking:** blocks the calling thread until a sender on another thread
   * sends, or the channel is closed — or, with `{ timeout }`, at most that many
   * milliseconds.
   *
   * **On close:** returns the buffered values first, then `None` forever.
   * **Broken**: after the values completely sent, throws {@link SharedChannelBrokenError} instead of returning `None`.
   *
   * **Cancellation:** `{ timeout }`; or close the channel to release it.
   *
   * **Ordering:** as {@link SharedChannel.recv}.
   *
   * @returns `Some(value)`, or `None` when the channel is closed and drained;
   *   with `{ timeout }` also `"timed-out"` (nothing was taken).
   * @throws {@link SharedBlockingOnMainThreadError} on Node's main thread.
   * @throws {@link InvalidTimeoutError} for a timeout that is not a number of milliseconds >= 0.
   *
   * @example
   * ```ts
   * for (let r = jobs.recvSync(); r.isSome(); r = jobs.recvSync()) work(r.value);
   * // or, checking a stop flag between waits:
   * while (running.load()) {
   *   const r = jobs.recvSync({ timeout: 100 });
   *   if (r === "timed-out") continue;
   *   if (r.isNone()) break;
   *   work(r.value);
   * }
   * ```
   */
  recvSync(): Option<T>;
  recvSync(options: SyncWaitOptions): Option<T> | "timed-out";
  recvSync(options?: SyncWaitOptions): Option<T> | "timed-out" {
    const r = this.#core.recvSync(
      options === undefined ? Number.POSITIVE_INFINITY : checkTimeout("recvSync", options.timeout),
    );
    return r === TIMED_OUT ? "timed-out" : r;
  }

  /**
   * Closes the channel for every thread — Go's `close(ch)`. Waiting senders
   * everywhere fail with {@link ChannelClosedError}; waiting receivers get the
   * buffered values, then `None`.
   *
   * **Ordering:** every send that completed before `close()` is delivered; a
   * send racing with it either completes first (and is delivered) or fails.
   *
   * Gotchas: close once, from the sending side; exactly one of several threads
   * racing to close succeeds.
   *
   * @throws {@link ChannelAlreadyClosedError} if any thread already closed it.
   * @throws {@link SharedChannelBrokenError} if the channel is broken (see the class).
   */
  close(): void {
    this.#core.close();
  }

  /**
   * Iterates received values until the channel is closed and drained — Go's
   * `for v := range ch`. Leaving the loop early does not close the channel and
   * takes no value beyond those the loop received.
   *
   * **Blocking:** each step waits as {@link SharedChannel.recv} does.
   *
   * @example
   * ```ts run
   * import { SharedChannel } from "@csp-kit/threads";
   *
   * const jobs = new SharedChannel<string>(4);
   * const { signal } = new AbortController();
   * await jobs.send("a");
   * await jobs.send("b");
   * jobs.close();
   * const ran: string[] = [];
   * const run = async (job: string) => void ran.push(job);
   * for await (const job of jobs.values({ signal })) await run(job);
   * if (ran.join() !== "a,b") throw new Error(`ran ${ran.join()}`);
   * ```
   *
   * @param options - `{ signal }` rejects the pending step with `signal.reason`
   *   when aborted (the loop then throws); no value is lost.
   * @throws `InvalidSignalError` (at once) when `signal` is not an AbortSignal.
   */
  values(options?: WaitOptions): ValuesIterator<T> {
    return new ChannelIterator(this.#core, checkSignal(options?.signal, "SharedChannel.values"));
  }

  /** `for await (const v of ch)`: see {@link SharedChannel.values}. */
  [Symbol.asyncIterator](): ValuesIterator<T> {
    return new ChannelIterator(this.#core, undefined);
  }
}

/** Validates a blocking call's timeout: milliseconds >= 0, or Infinity; `undefined` means Infinity. */
function checkTimeout(method: string, timeout: number | undefined): number {
  if (timeout === undefined) return Number.POSITIVE_INFINITY;
  if (typeof timeout === "number" && timeout >= 0) return timeout; // NaN fails the comparison
  throw new InvalidTimeoutError(method, timeout);
}

/** Validates `stallTimeout`: ms in (0, 2^31 - 1] (rounded up to whole ms), or Infinity (stored as 0: never). */
function checkStallTimeout(timeout: number | undefined): number {
  if (timeout === undefined) return DEFAULT_STALL_TIMEOUT_MS;
  if (timeout === Number.POSITIVE_INFINITY) return 0;
  if (typeof timeout === "number" && timeout > 0 && timeout <= MAX_STALL_TIMEOUT_MS) return Math.ceil(timeout);
  throw new InvalidTimeoutError("constructor", timeout, { option: "stallTimeout" });
}

/** Builds this thread's engine over `buffer`. @throws {@link InvalidSharedHandleError} for a buffer that is not a channel's. */
function buildCore<T>(buffer: SharedArrayBuffer, serializer: Serializer | undefined): SharedCore<T> {
  const shape = readRingShape(buffer);
  const codec = new SlotCodec(buffer, shape.slotBytes - SLOT_HEADER_BYTES, serializer ?? getDefaultSerializer());
  return new SharedCore<T>(new SharedRing(buffer, shape, codec));
}

/** The engine behind a SharedChannel, for tests of this package (not exported from the subpath). */
export function coreOf<T>(ch: SharedChannel<T>): SharedCore<T> {
  return ch[PORT] as SharedCore<T>;
}
