import { Deque } from "../deque.js";
import { type ChannelBuffer, type DropCallback, reportDrop } from "./buffer.js";

/**
 * The `ring(n)` policy (core.async's sliding buffer, eapache's RingChannel):
 * never full; adding to a buffer that holds `n` values drops the OLDEST one,
 * and reports it to `onDrop` (reason `"ring-overwrite"`) once the new value is
 * stored.
 */
export class RingPolicy<T> implements ChannelBuffer<T> {
  readonly kind = "ring" as const;
  /** Values dropped to make room; grows by one per add at capacity. */
  dropped = 0;
  readonly items: Deque<T> = new Deque<T>();
  /**
   * @param capacity - validated by the caller (>= 1).
   * @param onDrop - told of each evicted value; undefined: nobody is told (no cost).
   */
  constructor(
    readonly capacity: number,
    private readonly onDrop: DropCallback<T> | undefined = undefined,
  ) {}
  get length(): number {
    return this.items.length;
  }
  full(): boolean {
    return false;
  }
  add(value: T): void {
    if (this.items.length < this.capacity) {
      this.items.push(value);
      return;
    }
    const evicted = this.items.shift();
    this.dropped++;
    this.items.push(value);
    if (this.onDrop !== undefined) reportDrop(this.onDrop, evicted, "ring-overwrite");
  }
  remove(): T {
    return this.items.shift();
  }
}
