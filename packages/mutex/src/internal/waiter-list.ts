/**
 * An intrusive doubly linked FIFO of waiters. The waiter objects carry their own
 * links, so enqueueing allocates nothing and removing an aborted waiter is O(1)
 * and immediate: a million aborted lock attempts leave nothing behind.
 *
 * Invariants:
 * - a node is in at most one list at a time; `node.list === this` iff the node is in this list.
 * - `head === undefined` iff `tail === undefined` iff `size === 0`.
 * - a node in no list has `list`, `prev` and `next` all undefined.
 */

/** The link fields a node carries. Written only by the list that holds the node. */
export interface Linked {
  /** The list that holds this node; undefined while the node is in no list. */
  list: object | undefined;
  /** Previous node (towards the head); valid while `list` is set. */
  prev: Linked | undefined;
  /** Next node (towards the tail); valid while `list` is set. */
  next: Linked | undefined;
}

export class WaiterList<W extends Linked> {
  /** Oldest node, the next to be served; undefined when empty. */
  private head: W | undefined = undefined;
  /** Newest node; undefined when empty. */
  private tail: W | undefined = undefined;
  /** Number of nodes in the list. Written only by `push` and `unlink`. */
  size = 0;

  /** Appends `w`. Precondition: `w` is in no list. O(1). */
  push(w: W): void {
    w.list = this;
    w.prev = this.tail;
    w.next = undefined;
    if (this.tail === undefined) this.head = w;
    else this.tail.next = w;
    this.tail = w;
    this.size++;
  }

  /** The oldest node, without removing it; undefined when empty. */
  peek(): W | undefined {
    return this.head;
  }

  /** Removes and returns the oldest node; undefined when empty. O(1). */
  shift(): W | undefined {
    const w = this.head;
    if (w !== undefined) this.unlink(w);
    return w;
  }

  /** Removes `w` if this list holds it; returns whether it did. O(1). */
  remove(w: W): boolean {
    if (w.list !== this) return false;
    this.unlink(w);
    return true;
  }

  /** Iterates the nodes oldest first. The list must not change during iteration (diagnostics only). */
  *[Symbol.iterator](): IterableIterator<W> {
    for (let w = this.head; w !== undefined; w = w.next as W | undefined) yield w;
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
