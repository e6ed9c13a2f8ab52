/**
 * An intrusive doubly linked FIFO of waiters: the waiter objects carry their own
 * links, so enqueueing allocates nothing and removing a cancelled waiter is O(1)
 * and immediate (a million aborted receives leave nothing behind).
 *
 * Invariants:
 * - a waiter is in at most one list at a time; `w.list === this` iff `w` is in this list.
 * - `head === undefined` iff `tail === undefined` iff `size === 0`.
 * - a waiter not in any list has `list`, `prev` and `next` all undefined.
 */

/** The link fields a waiter carries. Owned by whichever list holds the waiter. */
export interface Linked {
  /** The list that holds this node, or undefined when the node is in no list. */
  list: object | undefined;
  /** Previous node (towards the head), valid while `list` is set. */
  prev: Linked | undefined;
  /** Next node (towards the tail), valid while `list` is set. */
  next: Linked | undefined;
}

export class WaiterList<W extends Linked> {
  /** Oldest waiter, first to be served. */
  private head: W | undefined = undefined;
  /** Newest waiter. */
  private tail: W | undefined = undefined;
  /** Number of waiters in the list. */
  size = 0;

  /** Appends `w`. Precondition: `w` is in no list. */
  push(w: W): void {
    w.list = this;
    w.prev = this.tail;
    w.next = undefined;
    if (this.tail === undefined) this.head = w;
    else this.tail.next = w;
    this.tail = w;
    this.size++;
  }

  /** Removes and returns the oldest waiter, or undefined when empty. */
  shift(): W | undefined {
    const w = this.head;
    if (w !== undefined) this.unlink(w);
    return w;
  }

  /** The oldest waiter without removing it. */
  peek(): W | undefined {
    return this.head;
  }

  /** The waiters, oldest first (diagnostics and invariant checks; O(n)). */
  *[Symbol.iterator](): IterableIterator<W> {
    for (let w = this.head; w !== undefined; w = w.next as W | undefined) yield w;
  }

  /** Removes `w` if this list holds it; returns whether it did. O(1). */
  remove(w: W): boolean {
    if (w.list !== this) return false;
    this.unlink(w);
    return true;
  }

  /** Precondition: `w.list === this`. */
  private unlink(w: W): void {
    const { prev, next } = w;
    if (prev === undefined) this.head = next as W | undefined;
    else prev.next = next;
    if (next === undefined) this.tail = prev as W | undefined;
    else next.prev = prev;
    w.list = undefined;
    w.prev = undefined;
    w.next = undefined;
    this.size--;
  }
}
