/**
 * The two directions of a channel as interfaces — Go's `<-chan T` and
 * `chan<- T`. A `Channel<T>` is both; a function that only receives (or only
 * sends) says so by taking a `Receiver<T>` (or `Sender<T>`), and receive-only
 * sources such as timer channels implement `Receiver<T>` alone.
 */

import type { Option } from "ts-results-es";
import type { TryRecvResult, TrySendResult, WaitOptions } from "./channel.js";
import type { HasPort } from "./port.js";

/**
 * The receive half of a channel — Go's `<-chan T`. It has the receive API of a
 * `Channel<T>` and a port (`HasPort<T>`), so a `select` receive case accepts it;
 * it has no send API.
 *
 * **Blocking:** `recv()` resolves when a value is delivered; `tryRecv()` never waits.
 *
 * **On close:** `recv()` resolves `None` once closed and drained, and iteration ends.
 *
 * **Cancellation:** `{ signal }` on `recv` / `values` — abort removes the waiting
 * receive at once and rejects with `signal.reason`; no value was taken.
 *
 * **Ordering:** waiting receivers are served in arrival order.
 *
 * @typeParam T - the values delivered.
 *
 * @example
 * ```ts run
 * import { Channel, type Receiver } from "@csp-kit/channel";
 *
 * async function drain<T>(source: Receiver<T>): Promise<T[]> {
 *   const out: T[] = [];
 *   for await (const v of source) out.push(v);
 *   return out;
 * }
 * const ch = new Channel<number>(2); // a Channel is a Receiver (and a Sender)
 * await ch.send(1);
 * await ch.send(2);
 * ch.close();
 * const got = await drain(ch);
 * if (got.join() !== "1,2") throw new Error(`got ${got.join()}`);
 * ```
 */
export interface Receiver<T> extends HasPort<T>, AsyncIterable<T> {
  /** Whether the channel has been closed (buffered values may remain to receive). */
  readonly closed: boolean;
  /** Receives the next value — Go's `v, ok := <-c`: `Some(value)`, or `None` once closed and drained. */
  recv(options?: WaitOptions): Promise<Option<T>>;
  /** Receives without waiting: `Some(value)`, `None` (closed and drained) or `"would-block"`. */
  tryRecv(): TryRecvResult<T>;
  /** Iterates received values until the channel is closed and drained — Go's `for v := range c`. */
  values(options?: WaitOptions): ValuesIterator<T>;
  /** `for await (const v of c)`: see {@link Receiver.values}. */
  [Symbol.asyncIterator](): ValuesIterator<T>;
}

/**
 * The iterator of `for await` over a channel and of `values()`: an async
 * iterator of `T` that finishes with `undefined` and is its own iterable.
 * It is TypeScript 5.6's `AsyncIterableIterator<T, undefined, undefined>`,
 * spelled so that TypeScript 5.0–5.5 (whose `AsyncIterableIterator` takes one
 * type argument) read it too.
 *
 * @typeParam T - the values delivered.
 */
export interface ValuesIterator<T> extends AsyncIterator<T, undefined, undefined> {
  /** Returns the iterator itself. */
  [Symbol.asyncIterator](): ValuesIterator<T>;
}

/**
 * The send half of a channel — Go's `chan<- T`. It has the send API of a
 * `Channel<T>` and a port, so a `select` send case accepts it.
 *
 * **Blocking:** `send()` waits for room or a receiver; `trySend()` never waits.
 *
 * **On close:** `send()` rejects with `ChannelClosedError`; `trySend()` returns `"closed"`.
 *
 * **Cancellation:** `{ signal }` on `send` — abort removes the waiting send at
 * once and rejects with `signal.reason`; the value was not sent.
 *
 * @typeParam T - the values accepted.
 */
export interface Sender<T> extends HasPort<T> {
  /** Whether the channel has been closed. */
  readonly closed: boolean;
  /** Sends `value` — Go's `c <- value`. */
  send(value: T, options?: WaitOptions): Promise<void>;
  /** Sends without waiting: `"sent"`, `"would-block"` or `"closed"`. */
  trySend(value: T): TrySendResult;
  /** Closes the channel — Go's `close(c)`; only the sending side closes. */
  close(): void;
}
