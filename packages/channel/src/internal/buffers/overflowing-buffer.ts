import { Deque } from "../deque.js";
import type { ChannelBuffer } from "./buffer.js";

/**
 * The `overflowing(n)` policy (core.async's dropping buffer, eapache's
 * OverflowingChannel): never full; adding to a buffer that holds `n` values
 * discards the NEW value and keeps what is buffered.
 */
export class OverflowingBuffer<T> implements ChannelBuffer<T> {
  readonly kind = "overflowing" as const;
  /** Values discarded because the buffer was at capacity. */
  dropped = 0;
  readonly items = new Deque<T>();
  constructor(readonly capacity: number) {}
  get length(): number {
    return this.items.length;
  }
  full(): boolean {
    return false;
  }
  add(value: T): void {
    if (this.items.length >= this.capacity) this.dropped++;
    else this.items.push(value);
  }
  remove(): T {
    return this.items.shift();
  }
}
