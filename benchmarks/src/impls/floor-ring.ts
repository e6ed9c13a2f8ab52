/**
 * W8's floor: the least a cross-thread channel of numbers can cost — a
 * hand-written single-producer single-consumer ring of `Float64` slots in a
 * SharedArrayBuffer. The producer (a worker) blocks with `Atomics.wait` when
 * the ring is full; the consumer (the main thread) takes values synchronously
 * while there are any and waits with `Atomics.waitAsync` when it is empty.
 * Nobody is notified unless the other side announced that it waits. No close
 * (the consumer knows how many values come), no MPMC, no codec, no abort.
 *
 * Layout: `ctl` = Int32Array [HEAD, TAIL, CONSUMER_WAITS, PRODUCER_WAITS],
 * then `capacity` Float64 slots. HEAD counts values written, TAIL values read;
 * both only grow (modulo 2^32, compared by difference).
 *
 * Invariants:
 * - 0 <= HEAD - TAIL <= capacity; slot `k & mask` holds value k while TAIL <= k < HEAD.
 * - only the producer writes HEAD and only the consumer writes TAIL.
 * - a side sets its WAITS word before re-reading the other's counter and waiting
 *   on it, and the other side reads WAITS after publishing its counter (all
 *   sequentially consistent): no wake-up is lost.
 * - only a side writes its own WAITS word (set before waiting, cleared once it
 *   has what it waited for); the other side only reads it. (An earlier version
 *   let the notifier clear it: a notify caused by a stale flag could then erase
 *   a fresh announcement, and both threads slept — W8's floor hung at full size.)
 */

const HEAD = 0;
const TAIL = 1;
const CONSUMER_WAITS = 2;
const PRODUCER_WAITS = 3;
const CTL_BYTES = 16;

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
  return new SharedArrayBuffer(CTL_BYTES + 8 * capacity);
}

abstract class RingSide {
  /** The four control words. */
  protected readonly ctl: Int32Array;
  protected readonly slots: Float64Array;
  protected readonly mask: number;
  protected readonly capacity: number;
  constructor(buffer: SharedArrayBuffer) {
    this.ctl = new Int32Array(buffer, 0, 4);
    this.slots = new Float64Array(buffer, CTL_BYTES);
    this.capacity = this.slots.length;
    this.mask = this.capacity - 1;
  }
}

/** The producer's side (a worker thread: it blocks). */
export class RingProducer extends RingSide {
  /** Values written; mirrors HEAD (only this side writes it). */
  private head = 0;

  /** Writes `value`, blocking this thread while the ring is full. */
  pushSync(value: number): void {
    const ctl = this.ctl;
    if (((this.head - Atomics.load(ctl, TAIL)) | 0) === this.capacity) {
      // Full: announce, re-check, sleep on TAIL's value (a notify that races ahead
      // of the wait is caught by the value compare). Only this side clears its
      // own flag: were the consumer to clear it, a stale notify could erase a
      // fresh announcement and lose the wake-up.
      Atomics.store(ctl, PRODUCER_WAITS, 1);
      for (;;) {
        const tail = Atomics.load(ctl, TAIL);
        if (((this.head - tail) | 0) !== this.capacity) break;
        Atomics.wait(ctl, TAIL, tail);
      }
      Atomics.store(ctl, PRODUCER_WAITS, 0);
    }
    this.slots[this.head & this.mask] = value;
    this.head = (this.head + 1) | 0;
    Atomics.store(ctl, HEAD, this.head);
    if (Atomics.load(ctl, CONSUMER_WAITS) === 1) Atomics.notify(ctl, HEAD);
  }
}

/** The consumer's side (the main thread: it never blocks). */
export class RingConsumer extends RingSide {
  /** Values read; mirrors TAIL (only this side writes it). */
  private tail = 0;

  /** Takes the oldest value now, or `RING_EMPTY`. */
  tryRecv(): number | typeof RING_EMPTY {
    const ctl = this.ctl;
    if (Atomics.load(ctl, HEAD) === this.tail) return RING_EMPTY;
    const value = this.slots[this.tail & this.mask] as number;
    this.tail = (this.tail + 1) | 0;
    Atomics.store(ctl, TAIL, this.tail);
    if (Atomics.load(ctl, PRODUCER_WAITS) === 1) Atomics.notify(ctl, TAIL);
    return value;
  }

  /** Waits for a value. Precondition: `tryRecv()` just returned `RING_EMPTY`. */
  async recv(): Promise<number> {
    const ctl = this.ctl;
    Atomics.store(ctl, CONSUMER_WAITS, 1);
    for (;;) {
      const v = this.tryRecv();
      if (v !== RING_EMPTY) {
        Atomics.store(ctl, CONSUMER_WAITS, 0);
        return v;
      }
      const head = Atomics.load(ctl, HEAD);
      if (head !== this.tail) continue;
      const r = waitAsync(ctl, HEAD, head);
      if (r.async) await r.value;
    }
  }
}
