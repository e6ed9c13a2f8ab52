import { Deque } from "../deque.js";
import { type ChannelBuffer, UNBOUNDED } from "./buffer.js";

/** The `infinite` policy: never full; grows with the backlog and shrinks back as it drains. */
export class InfinitePolicy<T> implements ChannelBuffer<T> {
  readonly kind = "infinite" as const;
  readonly capacity: number = UNBOUNDED;
  readonly dropped = 0;
  readonly items: Deque<T> = new Deque<T>();
  get length(): number {
    return this.items.length;
  }
  full(): boolean {
    return false;
  }
  add(value: T): void {
    this.items.push(value);
  }
  remove(): T {
    return this.items.shift();
  }
}
