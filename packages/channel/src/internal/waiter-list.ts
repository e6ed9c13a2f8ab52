/**
 * An intrusive doubly linked FIFO of waiters: the waiter objects carry their own
 * links, so enqueueing allocates nothing and removing a cancelled waiter is O(1)
 * and immediate (a million aborted receives leave nothing behind).
 *
 * The ring is circular (the oldest waiter's `prev` is the newest) and the list
 * object holds only `head`: a push onto an empty list — every park of a
 * rendezvous — stores one pointer into the (long-lived, old-generation) list
 * object instead of two (`head` and `tail`), and each store of a young waiter
 * into an old object is a write barrier's slow path. The other link stores go
 * into the waiters themselves.
 *
 * Invariants:
 * - a waiter is in at most one list at a time; `w.list === this` iff `w` is in this list.
 * - `head === undefined` iff `size === 0`.
 * - for every waiter `w` in the list, `w.next.prev === w`; following `next` from
 *   `head` visits all `size` waiters, oldest first, and returns to `head`; so
 *   `head.prev` is the newest (a lone waiter links to itself).
 * - a waiter not in any list has `list`, `prev` and `next` all undefined.
 */

/** The link fields a waiter carries. Owned by whichever list holds the waiter. */
export interface Linked {
  /** The list that holds this node, or undefined when the node is in no list. */
  list: object | undefined;
  /** Previous node (circular: the head's is the newest), valid while `list` is set. */
  prev: Linked | undefined;
  /** Next node (circular: the newest's is the head), valid while `list` is set. */
  next: Linked | undefined;
}

/**
 * A FIFO of waiters linked through their own {@link Linked} fields: `push`,
 * `shift` and `remove` (of a cancelled waiter) in O(1), no allocation per
 * waiter. A waiter is in at most one list at a time.
 */
export class WaiterList<W extends Linked> {
  /** Oldest waiter, first to be served; its `prev` is the newest. */
  private head: W | undefined = undefined;
  /** Number of waiters in the list. */
  size = 0;

  /** Appends `w`. Precondition: `w` is in no list. */
  push(w: W): void {
    w.list = this;
    const head = this.head;
    if (head === undefined) {
      w.prev = w;
      w.next = w;
      this.head = w;
    } else linkBefore(head, w);
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

  /** The waiters, oldest first, as they are now (diagnostics and invariant checks; O(n), a snapshot). */
  *[Symbol.iterator](): IterableIterator<W> {
    const now: W[] = [];
    let w = this.head;
    for (let i = 0; i < this.size && w !== undefined; i++, w = w.next as W) now.push(w);
    yield* now;
  }

  /** Removes `w` if this list holds it; returns whether it did. O(1). */
  remove(w: W): boolean {
    if (w.list !== this) return false;
    this.unlink(w);
    return true;
  }

  /** Precondition: `w.list === this`. Leaves `w`'s links all undefined. */
  private unlink(w: W): void {
    const next = w.next as W;
    if (next === w) this.head = undefined;
    else this.unlinkFromRing(w, next);
    w.list = undefined;
    w.prev = undefined;
    w.next = undefined;
    this.size--;
  }

  /** `unlink` of a waiter with neighbours (`next !== w`): closes the ring over it. */
  private unlinkFromRing(w: W, next: W): void {
    const prev = w.prev as Linked;
    prev.next = next;
    next.prev = prev;
    if (this.head === w) this.head = next;
  }
}

/**
 * `push` onto a non-empty list: links `w` in as the newest, between the
 * newest (`head.prev`) and `head`. Out of `push` so that the common push onto
 * an empty list stays small enough to inline into its callers.
 */
function linkBefore(head: Linked, w: Linked): void {
  const tail = head.prev as Linked;
  w.prev = tail;
  w.next = head;
  tail.next = w;
  head.prev = w;
}
