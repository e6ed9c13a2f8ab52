import { Deque } from "../deque.js";
import { type ChannelBuffer, type ChannelKind, UNBOUNDED } from "./buffer.js";

/**
 * The `buffered(n)` policy: holds up to `n` values; a send waits while it is
 * full. Also the policy of a resizable channel (eapache's ResizableChannel),
 * whose `capacity` the channel changes while in use: then it behaves as the
 * kind its capacity names — unbuffered at 0, buffered(n), infinite at
 * {@link UNBOUNDED} — and `kind` reports that kind.
 *
 * After a shrink it may hold more than `capacity` values: none is dropped,
 * `full()` stays true, and the channel stores nothing until it has drained
 * below the new capacity (the one exception to "length <= capacity").
 */
export class BufferedPolicy<T> implements ChannelBuffer<T> {
  readonly dropped = 0;
  readonly items: Deque<T> = new Deque<T>();
  /** @param capacity - validated by the caller; changed only by a resizable channel. */
  constructor(public capacity: number) {}
  get kind(): ChannelKind {
    return this.capacity === 0 ? "unbuffered" : this.capacity === UNBOUNDED ? "infinite" : "buffered";
  }
  get length(): number {
    return this.items.length;
  }
  full(): boolean {
    return this.items.length >= this.capacity;
  }
  add(value: T): void {
    this.items.push(value);
  }
  remove(): T {
    return this.items.shift();
  }
}
