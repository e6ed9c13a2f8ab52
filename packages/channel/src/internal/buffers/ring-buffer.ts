import { Deque } from "../deque.js";
import type { ChannelBuffer } from "./buffer.js";

/**
 * The `ring(n)` policy (core.async's sliding buffer, eapache's RingChannel):
 * never full; adding to a buffer that holds `n` values drops the OLDEST one.
 */
export class RingBuffer<T> implements ChannelBuffer<T> {
  readonly kind = "ring" as const;
  /** Values dropped to make room; grows by one per add at capacity. */
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
    if (this.items.length >= this.capacity) {
      this.items.shift();
      this.dropped++;
    }
    this.items.push(value);
  }
  remove(): T {
    return this.items.shift();
  }
}
