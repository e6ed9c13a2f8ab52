import { Deque } from "../deque.js";
import type { ChannelBuffer } from "./buffer.js";

/** The `buffered(n)` policy: holds up to `n` values; a send waits while it is full. */
export class FixedBuffer<T> implements ChannelBuffer<T> {
  readonly kind = "buffered" as const;
  readonly dropped = 0;
  readonly items = new Deque<T>();
  constructor(readonly capacity: number) {}
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
