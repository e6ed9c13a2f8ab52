import { Deque } from "../deque.js";
import { type ChannelBuffer, type DropCallback, reportDrop } from "./buffer.js";

/**
 * The `overflowing(n)` policy (core.async's dropping buffer, eapache's
 * OverflowingChannel): never full; adding to a buffer that holds `n` values
 * discards the NEW value, keeps what is buffered, and reports the discarded
 * value to `onDrop` (reason `"overflow"`).
 */
export class OverflowingPolicy<T> implements ChannelBuffer<T> {
  readonly kind = "overflowing" as const;
  /** Values discarded because the buffer was at capacity. */
  dropped = 0;
  readonly items: Deque<T> = new Deque<T>();
  /**
   * @param capacity - validated by the caller (>= 1).
   * @param onDrop - told of each discarded value; undefined: nobody is told (no cost).
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
    this.dropped++;
    if (this.onDrop !== undefined) reportDrop(this.onDrop, value, "overflow");
  }
  remove(): T {
    return this.items.shift();
  }
}
