/**
 * The resizable policy (eapache's ResizableChannel): a fixed buffer whose
 * capacity `resize` changes while the channel is in use. At any moment it
 * behaves as the kind its capacity names — unbuffered at 0, buffered(n),
 * infinite at {@link UNBOUNDED} — and `kind` reports that kind.
 *
 * Invariant: `capacity` is a whole number >= 0 or UNBOUNDED. After a shrink
 * the buffer may hold more than `capacity` values: none is dropped, `full()`
 * stays true, and the channel stores nothing until it has drained below the
 * new capacity (the one exception to "length <= capacity").
 */

import { Deque } from "../deque.js";
import { type ChannelBuffer, type ChannelKind, UNBOUNDED } from "./buffer.js";

export class ResizableBuffer<T> implements ChannelBuffer<T> {
  readonly dropped = 0;
  readonly items = new Deque<T>();

  /** @param capacity - validated by the caller. */
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
