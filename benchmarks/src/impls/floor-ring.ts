/**
 * W8's floor: the least a cross-thread channel of numbers can cost — a
 * hand-written single-producer single-consumer ring of `Float64` slots in a
 * SharedArrayBuffer. The producer (a worker) blocks with `Atomics.wait` when
 * the ring is full; the consumer (the main thread) takes values synchronously
 * while there are any and waits with `Atomics.waitAsync` when it is empty.
 * No close (the consumer knows how many values come), no MPMC, no codec, no
 * abort.
 *
 * Layout: Int32 words HEAD (values written) and CONSUMER_WAITS in one cache
 * line, TAIL (values read) and PRODUCER_WAITS in the next, so each side's hot
 * word is not false-shared with the other's; then `capacity` Float64 slots.
 * HEAD and TAIL only grow (modulo 2^32, compared by difference). Each side
 * caches the other's counter and re-reads it only when its cached copy says
 * "full" (producer) or "empty" (consumer).
 *
 * Sleeping (no lost wake-up, at most one notify per sleep):
 * - a side that finds nothing to do spins briefly re-reading the other's
 *   counter; then it sets its own WAITS word to 1, re-reads the counter once
 *   more, and sleeps on its WAITS word while it is still 1;
 * - the other side publishes its counter first, then, only if it reads the
 *   WAITS word as 1, swaps it to 0 and notifies.
 * All accesses are sequentially consistent Atomics: either the notifier's
 * swap comes after the sleeper's store (the notifier sees 1 and wakes it, and
 * a wait that starts after the swap sees 0 and returns at once), or before it
 * (then the sleeper's re-read sees the new counter). A wake-up can be
 * spurious, never lost; a sleeper re-checks and may sleep again.
 */

const HEAD = 0;
const CONSUMER_WAITS = 1;
/** TAIL and PRODUCER_WAITS start a cache line (64 bytes = 16 words) after HEAD. */
const TAIL = 16;
const PRODUCER_WAITS = 17;
/** The slots start one more cache line further. */
const SLOTS_BYTE_OFFSET = 128;
/** Re-reads of the other side's counter before announcing a sleep. */
const SPIN = 64;

/** `tryRecv()` found the ring empty. */
export const RING_EMPTY: unique symbol = Symbol("floor-ring.empty");

type WaitAsyncResult = { async: false; value: string } | { async: true; value: Promise<string> };
/** `Atomics.waitAsync` (ES2024, Node >= 16), typed here because the project's lib is ES2022. */
const waitAsync = (Atomics as unknown as { waitAsync: (ta: Int32Array, i: number, v: number) => WaitAsyncResult })
  .waitAsync;

/** A new ring of `capacity` (a power of two) slots, to hand to both sides. */
export function createRing(capacity: number): SharedArrayBuffer {
  if (!Number.isInteger(capacity) || capacity < 1 || (capacity & (capacity - 1)) !== 0)
    throw new RangeError(`capacity must be a power of two (got ${capacity})`);
  return new SharedArrayBuffer(SLOTS_BYTE_OFFSET + 8 * capacity);
}

abstract class RingSide {
  /** The control words (two cache lines). */
  protected readonly ctl: Int32Array;
  protected readonly slots: Float64Array;
  protected readonly mask: number;
  protected readonly capacity: number;
  constructor(buffer: SharedArrayBuffer) {
    this.ctl = new Int32Array(buffer, 0, SLOTS_BYTE_OFFSET >> 2);
    this.slots = new Float64Array(buffer, SLOTS_BYTE_OFFSET);
    this.capacity = this.slots.length;
    this.mask = this.capacity - 1;
  }

  /** Wakes the other side if it announced a sleep on `waits`. Call after publishing a counter. */
  protected wake(waits: number): void {
    const ctl = this.ctl;
    if (Atomics.load(ctl, waits) !== 0 && Atomics.exchange(ctl, waits, 0) !== 0) Atomics.notify(ctl, waits);
  }
}

/** The producer's side (a worker thread: it blocks). */
export class RingProducer extends RingSide {
  /** Values written; mirrors HEAD (only this side writes it). */
  private head = 0;
  /** TAIL as last read: the ring has at least `capacity - (head - tail)` free slots. */
  private tail = 0;

  /** Writes `value`, blocking this thread while the ring is full. */
  pushSync(value: number): void {
    if (((this.head - this.tail) | 0) === this.capacity) this.waitForRoom();
    this.slots[this.head & this.mask] = value;
    this.head = (this.head + 1) | 0;
    Atomics.store(this.ctl, HEAD, this.head);
    this.wake(CONSUMER_WAITS);
  }

  private waitForRoom(): void {
    const ctl = this.ctl;
    for (;;) {
      for (let i = 0; i < SPIN; i++) {
        this.tail = Atomics.load(ctl, TAIL);
        if (((this.head - this.tail) | 0) !== this.capacity) return;
      }
      Atomics.store(ctl, PRODUCER_WAITS, 1);
      this.tail = Atomics.load(ctl, TAIL);
      if (((this.head - this.tail) | 0) !== this.capacity) return; // the flag stays up: at worst one spare notify
      Atomics.wait(ctl, PRODUCER_WAITS, 1);
    }
  }
}

/** The consumer's side (the main thread: it never blocks). */
export class RingConsumer extends RingSide {
  /** Values read; mirrors TAIL (only this side writes it). */
  private tail = 0;
  /** HEAD as last read: values below it are known to be there. */
  private head = 0;

  /** Takes the oldest value now, or `RING_EMPTY`. */
  tryRecv(): number | typeof RING_EMPTY {
    if (this.head === this.tail) {
      this.head = Atomics.load(this.ctl, HEAD);
      if (this.head === this.tail) return RING_EMPTY;
    }
    const value = this.slots[this.tail & this.mask] as number;
    this.tail = (this.tail + 1) | 0;
    Atomics.store(this.ctl, TAIL, this.tail);
    this.wake(PRODUCER_WAITS);
    return value;
  }

  /** Waits for a value. Precondition: `tryRecv()` just returned `RING_EMPTY`. */
  async recv(): Promise<number> {
    const ctl = this.ctl;
    for (;;) {
      for (let i = 0; i < SPIN; i++) {
        const v = this.tryRecv();
        if (v !== RING_EMPTY) return v;
      }
      Atomics.store(ctl, CONSUMER_WAITS, 1);
      const v = this.tryRecv();
      if (v !== RING_EMPTY) return v; // the flag stays up: at worst one spare notify
      const r = waitAsync(ctl, CONSUMER_WAITS, 1);
      if (r.async) await r.value;
    }
  }
}
