/**
 * A FIFO of receive waiters using the intrusive link fields every `RecvWaiter`
 * carries (`list`, `prev`, `next`), so queueing allocates nothing and removing
 * a cancelled waiter is O(1).
 *
 * Invariants:
 * - `w.list === this` iff `w` is in this queue; a waiter is in at most one queue.
 * - `head === undefined` iff `tail === undefined` iff `size === 0`.
 * - a waiter in no queue has `list`, `prev` and `next` all undefined.
 */

import type { RecvWaiter } from "@csp-kit/channel/port";

type Node<T> = RecvWaiter<T>;

export class WaiterQueue<T> {
  /** Oldest waiter, served first; undefined when empty. */
  private head: Node<T> | undefined = undefined;
  /** Newest waiter; undefined when empty. */
  private tail: Node<T> | undefined = undefined;
  /** Number of queued waiters. Written only by push / unlink. */
  size = 0;

  /** Appends `w`. Precondition: `w` is in no queue. */
  push(w: Node<T>): void {
    w.list = this;
    w.prev = this.tail;
    w.next = undefined;
    if (this.tail === undefined) this.head = w;
    else this.tail.next = w;
    this.tail = w;
    this.size++;
  }

  /** Removes and returns the oldest waiter, or undefined when empty. */
  shift(): Node<T> | undefined {
    const w = this.head;
    if (w !== undefined) this.unlink(w);
    return w;
  }

  /** Removes `w` if this queue holds it; returns whether it did. O(1). */
  remove(w: Node<T>): boolean {
    if (w.list !== this) return false;
    this.unlink(w);
    return true;
  }

  /** Visits the waiters oldest first (for invariant checks). */
  forEach(visit: (w: Node<T>) => void): void {
    for (let w = this.head; w !== undefined; w = w.next as Node<T> | undefined) visit(w);
  }

  /** Precondition: `w.list === this`. */
  private unlink(w: Node<T>): void {
    const prev = w.prev as Node<T> | undefined;
    const next = w.next as Node<T> | undefined;
    if (prev === undefined) this.head = next;
    else prev.next = next;
    if (next === undefined) this.tail = prev;
    else next.prev = prev;
    w.list = undefined;
    w.prev = undefined;
    w.next = undefined;
    this.size--;
  }
}
