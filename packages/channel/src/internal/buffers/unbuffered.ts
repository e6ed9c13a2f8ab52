import { Deque } from "../deque.js";
import type { ChannelBuffer } from "./buffer.js";

/**
 * The unbuffered policy (capacity 0): nothing is ever stored, so every send is a
 * rendezvous with a receiver. `full()` is always true; `items` stays empty (and
 * allocates no slots); `add` and `remove` are never called by a channel and
 * throw if they are.
 */
export class UnbufferedPolicy<T> implements ChannelBuffer<T> {
  readonly kind = "unbuffered" as const;
  readonly capacity = 0;
  readonly length = 0;
  readonly dropped = 0;
  readonly items: Deque<T> = new Deque<T>();
  full(): boolean {
    return true;
  }
  add(_value: T): void {
    throw new Error("internal: add() on an unbuffered channel's buffer");
  }
  remove(): T {
    throw new Error("internal: remove() on an unbuffered channel's buffer");
  }
}
