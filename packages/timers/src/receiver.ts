/**
 * `Receiver<T>`: the receive half of a channel, as one interface. Every channel
 * this package hands out (`after()`, `Timer.c`, `Ticker.c`, `done()`) is a
 * `Receiver`, and so is every `Channel<T>` of `@csp-kit/channel` (structurally),
 * so code that only receives can accept either.
 */

import type { Option, TryRecvResult, WaitOptions } from "@csp-kit/channel";
import type { HasPort } from "@csp-kit/channel/port";

/**
 * A receive-only channel — Go's `<-chan T`. It has the receive API of a
 * `Channel<T>` and a port (`HasPort<T>`), so a `select` receive case accepts it;
 * it has no send API, so nothing can send to it.
 *
 * **Blocking:** `recv()` resolves when a value is delivered; `tryRecv()` never waits.
 *
 * **On close:** `recv()` resolves `None` and iteration ends. Timer and ticker
 * channels never close (as in Go); a `done()` channel closes when its signal aborts.
 *
 * **Cancellation:** `{ signal }` on `recv` / `values` — abort removes the waiting
 * receive at once and rejects with `signal.reason`; no value was taken (a timer
 * whose receive was aborted still holds its value for the next receive).
 *
 * **Ordering:** waiting receivers are served in arrival order, and before any
 * non-blocking `tryRecv` that arrives while they wait.
 *
 * Gotchas: ranging over a one-shot timer's channel yields once and then waits
 * forever, as `for range t.C` does in Go.
 *
 * @typeParam T - the values delivered: the due time (a number) for timers and
 *   tickers, `never` for `done()` channels.
 */
export interface Receiver<T> extends HasPort<T>, AsyncIterable<T, undefined, undefined> {
  /** Whether the channel has closed: always `false` for timers and tickers; `signal.aborted` for `done()`. */
  readonly closed: boolean;
  /** Receives the next value — Go's `v, ok := <-c`: `Some(value)`, or `None` once closed. */
  recv(options?: WaitOptions): Promise<Option<T>>;
  /** Receives without waiting: `Some(value)`, `None` (closed) or `"would-block"`. */
  tryRecv(): TryRecvResult<T>;
  /** Iterates received values until the channel closes — Go's `for v := range c`. */
  values(options?: WaitOptions): AsyncIterableIterator<T, undefined, undefined>;
  /** `for await (const v of c)`: see {@link Receiver.values}. */
  [Symbol.asyncIterator](): AsyncIterableIterator<T, undefined, undefined>;
}
