/**
 * A growable circular FIFO whose memory follows its length.
 *
 * The backing array has a power-of-two size so that indices wrap with a mask.
 * It starts empty (no array slots at all) and doubles when full, so an unused
 * `buffered(1_000_000)` channel costs a few words. Arrays larger than KEEP slots
 * halve when a quarter full and are released when emptied, so a drained infinite
 * channel gives its memory back. Arrays of up to KEEP slots are kept as they
 * are: a channel that fills and drains a few hundred values over and over (the
 * common steady state) would otherwise reallocate on every cycle.
 *
 * Invariants:
 * - `slots.length` is 0 or a power of two >= MIN_SIZE; `mask === slots.length - 1`.
 * - `0 <= length <= slots.length`.
 * - the live items are `slots[(head + i) & mask]` for `0 <= i < length`;
 *   every other slot holds `undefined`, so the deque never retains a removed value.
 * - if `slots.length > KEEP` then `length > slots.length / 4` held after the
 *   last removal (shrinking is checked on every removal), and an emptied deque
 *   holds at most KEEP slots: at most 8 KiB of memory once drained.
 */

/** Smallest backing array allocated once the deque holds anything. */
const MIN_SIZE = 8;
/** Backing arrays up to this many slots are never shrunk (8 KiB of pointers). */
const KEEP = 1024;

export class Deque<T> {
  /** Backing store; replaced wholesale on grow/shrink. Empty array means "nothing allocated". */
  private slots: (T | undefined)[] = [];
  /** `slots.length - 1`; -1 while nothing is allocated (then `length` is 0 and no index is computed). */
  private mask = -1;
  /** Index of the oldest item; meaningful only while `length > 0`. */
  private head = 0;
  /** Number of live items. */
  length = 0;

  /** Number of slots currently allocated (for memory tests and diagnostics). */
  get allocated(): number {
    return this.slots.length;
  }

  /** Appends `value` at the tail. Amortised O(1). */
  push(value: T): void {
    if (this.length === this.slots.length) this.resize(this.slots.length === 0 ? MIN_SIZE : this.slots.length * 2);
    this.slots[(this.head + this.length) & this.mask] = value;
    this.length++;
  }

  /** Removes and returns the oldest item. Precondition: `length > 0`. */
  shift(): T {
    const slots = this.slots;
    const head = this.head;
    const value = slots[head] as T;
    slots[head] = undefined;
    this.head = (head + 1) & this.mask;
    this.length--;
    if (slots.length > KEEP) {
      if (this.length === 0) this.release();
      else if (this.length <= slots.length >>> 2) this.resize(slots.length >>> 1);
    }
    return value;
  }

  /** Returns the oldest item without removing it. Precondition: `length > 0`. */
  peek(): T {
    return this.slots[this.head] as T;
  }

  /** Removes every item and returns them oldest first; releases the backing store. */
  drain(): T[] {
    const out = new Array<T>(this.length);
    for (let i = 0; i < out.length; i++) out[i] = this.slots[(this.head + i) & this.mask] as T;
    this.release();
    return out;
  }

  /** Drops the backing store. Postcondition: empty, nothing allocated. */
  private release(): void {
    this.slots = [];
    this.mask = -1;
    this.head = 0;
    this.length = 0;
  }

  /** Copies the live items into a fresh array of `size` slots. Precondition: `size >= length`, power of two. */
  private resize(size: number): void {
    const next = new Array<T | undefined>(size);
    for (let i = 0; i < this.length; i++) next[i] = this.slots[(this.head + i) & this.mask];
    for (let i = this.length; i < size; i++) next[i] = undefined;
    this.slots = next;
    this.mask = size - 1;
    this.head = 0;
  }
}
