/**
 * A growable FIFO whose memory follows its length: a small circular array,
 * and beyond it a chain of fixed-size chunks.
 *
 * Two regions, oldest values first:
 *
 *   ring  (slots, head, mask)   a circular array of a power-of-two size, at most
 *                               KEEP slots. It starts empty (no slots at all, so
 *                               an unused `buffered(1_000_000)` costs a few words)
 *                               and doubles while it fills, up to KEEP.
 *   spill (first … last)        linear chunks of CHUNK slots, linked oldest to
 *                               newest; used only once the ring is full at KEEP.
 *
 * A value pushed while the spill holds anything goes to the spill, so every ring
 * value is older than every spill value; `shift` empties the ring first, then
 * reads the spill's first chunk, dropping each chunk as soon as it is used up.
 * When only a few values (MOVE_BACK) are left in the spill and the ring is
 * empty, they move back into a ring and spill mode ends.
 *
 * Why this shape: a ring that keeps doubling copies every value once per
 * doubling as it grows, and again as it halves while draining; an infinite
 * channel whose producer runs a million values ahead paid ~1.5 copies per
 * value for that. Chunks are never copied: growing links a fresh chunk and
 * draining drops one, so a backlog of any size gives its memory back chunk by
 * chunk as it drains. The ring serves the common steady state (a channel that
 * fills and drains a few hundred values over and over) without allocating per
 * cycle: it is kept, not released, when it empties outside spill mode.
 *
 * Invariants:
 * - `slots.length` is 0 or a power of two in [MIN_SIZE, KEEP]; `mask === slots.length - 1`.
 * - `0 <= spillLength <= length`; the ring holds the oldest `length - spillLength`
 *   values, at `slots[(head + i) & mask]`; every other ring slot holds `undefined`.
 * - spill mode: `spillLength > 0` iff `first !== undefined` iff `last !== undefined`.
 *   The spill's values are `first.slots[read ..]`, the middle chunks (full), and
 *   `last.slots[.. write)`, with `read < CHUNK` and `0 < write <= CHUNK`; every
 *   other chunk slot holds `undefined` or was never written, so the deque never
 *   retains a removed value.
 * - the spill starts only when a push finds the ring full at KEEP slots; once
 *   the ring drains in spill mode it is released (or, with MOVE_BACK values
 *   left, refilled from the spill, ending spill mode).
 * - in spill mode after the ring drained, `spillLength > MOVE_BACK`.
 * - memory: outside spill mode at most KEEP slots (8 KiB), so an emptied deque
 *   holds at most KEEP; in spill mode at most `length + 2 * CHUNK + KEEP`
 *   slots, and `length + 2 * CHUNK` once the ring has drained.
 */

/** Smallest backing array allocated once the deque holds anything. */
const MIN_SIZE = 8;
/** Largest ring; ring arrays are never shrunk (8 KiB of pointers at most). */
const KEEP = 1024;
/** Slots per spill chunk (8 KiB: a regular young-generation object, cheap to allocate and to drop). */
const CHUNK = 1024;
/** Once the ring has drained in spill mode and the spill holds this many values or fewer, they move back into a ring. */
const MOVE_BACK = 64;

/** One spill chunk. Each slot is written once (by `push`) and cleared once (by `shift`). */
class Chunk<T> {
  readonly slots: (T | undefined)[] = new Array<T | undefined>(CHUNK);
  /** The next newer chunk; set once, when the spill grows past this one. */
  next: Chunk<T> | undefined = undefined;
}

export class Deque<T> {
  /** Ring store; replaced on growth, released as described above. Empty array means "nothing allocated". */
  private slots: (T | undefined)[] = [];
  /** `slots.length - 1`; -1 while nothing is allocated (then the ring is empty and no index is computed). */
  private mask = -1;
  /** Index of the oldest ring value; meaningful only while the ring holds values. */
  private head = 0;
  /** Number of live values, ring and spill. */
  length = 0;
  /** Number of live values in the spill; 0 outside spill mode. */
  private spillLength = 0;
  /** Oldest spill chunk (read from) and newest (written to); both undefined outside spill mode. */
  private first: Chunk<T> | undefined = undefined;
  private last: Chunk<T> | undefined = undefined;
  /** Next index to read in `first` / to write in `last`; meaningful only in spill mode. */
  private read = 0;
  private write = 0;

  /** Number of slots currently allocated (for memory tests and diagnostics). */
  get allocated(): number {
    let n = this.slots.length;
    for (let c = this.first; c !== undefined; c = c.next) n += CHUNK;
    return n;
  }

  /** Appends `value` at the tail. Amortised O(1); copies only while the ring grows to KEEP. */
  push(value: T): void {
    const slots = this.slots;
    if (this.spillLength === 0 && this.length < slots.length) {
      slots[(this.head + this.length) & this.mask] = value;
      this.length++;
      return;
    }
    this.pushSlow(value);
  }

  /**
   * `push` when the ring is full or the spill is in use: append to the spill's
   * newest chunk, grow the ring (below KEEP) or link a new chunk. Out of
   * `push` (as `shiftSpilled` is out of `shift`) so that the ring-only case,
   * inlined into every channel operation, stays a few bytecodes long.
   */
  private pushSlow(value: T): void {
    if (this.spillLength > 0 && this.write < CHUNK) {
      (this.last as Chunk<T>).slots[this.write++] = value;
      this.spillLength++;
      this.length++;
      return;
    }
    if (this.spillLength === 0 && this.slots.length < KEEP) {
      this.resize(this.slots.length === 0 ? MIN_SIZE : this.slots.length * 2);
      this.slots[(this.head + this.length) & this.mask] = value;
      this.length++;
      return;
    }
    const chunk = new Chunk<T>();
    if (this.last === undefined) {
      this.first = chunk;
      this.read = 0;
    } else {
      this.last.next = chunk;
    }
    this.last = chunk;
    chunk.slots[0] = value;
    this.write = 1;
    this.spillLength++;
    this.length++;
  }

  /** Removes and returns the oldest item. Precondition: `length > 0`. */
  shift(): T {
    if (this.spillLength > 0) return this.shiftSpilled();
    const slots = this.slots;
    const head = this.head;
    const value = slots[head] as T;
    slots[head] = undefined;
    this.head = (head + 1) & this.mask;
    this.length--;
    return value;
  }

  /** `shift` in spill mode: from the ring while it holds values, then from the oldest chunk. */
  private shiftSpilled(): T {
    if (this.length > this.spillLength) {
      const slots = this.slots;
      const head = this.head;
      const value = slots[head] as T;
      slots[head] = undefined;
      this.head = (head + 1) & this.mask;
      if (--this.length === this.spillLength) this.ringDrained();
      return value;
    }
    const first = this.first as Chunk<T>;
    const read = this.read;
    const value = first.slots[read] as T;
    first.slots[read] = undefined;
    this.read = read + 1;
    this.length--;
    if (--this.spillLength <= MOVE_BACK || read + 1 === CHUNK) this.chunkDrained();
    return value;
  }

  /**
   * Spill mode, the ring just emptied: the spill's values move back into the
   * ring if they are few (MOVE_BACK), else the ring is released until the
   * spill drains. Precondition: spill mode, the ring holds nothing.
   */
  private ringDrained(): void {
    if (this.spillLength <= MOVE_BACK) this.moveBack(this.slots);
    else this.releaseRing();
  }

  /**
   * Spill mode, a value was just read from the first chunk: leave spill mode
   * if few values remain (they move into a fresh ring), else drop the first
   * chunk once it is used up. Precondition: spill mode, the ring holds nothing.
   */
  private chunkDrained(): void {
    if (this.spillLength <= MOVE_BACK) {
      this.moveBack(this.spillLength === 0 ? [] : new Array<T | undefined>(KEEP).fill(undefined));
    } else if (this.read === CHUNK) {
      this.first = (this.first as Chunk<T>).next;
      this.read = 0;
    }
  }

  /** Returns the oldest item without removing it. Precondition: `length > 0`. */
  peek(): T {
    if (this.length > this.spillLength) return this.slots[this.head] as T;
    return (this.first as Chunk<T>).slots[this.read] as T;
  }

  /** Removes every item and returns them oldest first; releases the ring and the spill. */
  drain(): T[] {
    const out: T[] = [];
    while (this.length > 0) out.push(this.shift());
    this.releaseRing();
    return out;
  }

  /** Drops the ring's store. Precondition: the ring holds no value. */
  private releaseRing(): void {
    this.slots = [];
    this.mask = -1;
    this.head = 0;
  }

  /**
   * Leaves spill mode: moves the spill's remaining values (at most MOVE_BACK)
   * to the front of `ring` and drops the chunks. Precondition: spill mode, the
   * ring holds no value, `spillLength <= MOVE_BACK`; `ring` has KEEP slots,
   * all undefined.
   */
  private moveBack(ring: (T | undefined)[]): void {
    let chunk = this.first as Chunk<T>;
    let i = this.read;
    for (let k = 0; k < this.spillLength; k++) {
      if (i === chunk.slots.length) {
        chunk = chunk.next as Chunk<T>;
        i = 0;
      }
      ring[k] = chunk.slots[i++];
    }
    this.slots = ring;
    this.mask = ring.length - 1;
    this.head = 0;
    this.first = this.last = undefined;
    this.spillLength = 0;
  }

  /** Copies the ring's values into a fresh array of `size` slots. Precondition: not spill mode, `size >= length`, power of two. */
  private resize(size: number): void {
    const next = new Array<T | undefined>(size);
    for (let i = 0; i < this.length; i++) next[i] = this.slots[(this.head + i) & this.mask];
    for (let i = this.length; i < size; i++) next[i] = undefined;
    this.slots = next;
    this.mask = size - 1;
    this.head = 0;
  }
}
