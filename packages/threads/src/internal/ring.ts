/**
 * The shared ring under SharedChannel: a bounded multi-producer multi-consumer
 * queue in one SharedArrayBuffer, after Dmitry Vyukov's bounded MPMC queue (a
 * sequence number per slot, one CAS per operation), plus a close bit, two
 * wait/notify words and two "someone waits" bits in every sequence word.
 * Every thread that holds the buffer builds its own `SharedRing` over it; all
 * of them see one queue.
 *
 * Map of this file:
 *   1. layout of the buffer (header words, slots) and creating/attaching one
 *   2. SharedRing — the lock-free operations (enqueue / dequeue / close / len)
 *   3. waiting: the registration protocol behind sync waits and async pumps
 *
 * ## Positions and sequence numbers
 *
 * Operations are numbered by *positions*. `ENQ` is the next position to write,
 * `DEQ` the next to read; position `p` lives in slot `p % capacity`. Positions
 * count modulo `posLimit` (a multiple of the capacity, >= 4 × capacity, below
 * 2^29), so they never overflow an Int32 and `p % capacity` stays consistent
 * across the wrap. Each slot's sequence word says what the slot is ready for
 * (its low 30 bits; the two high bits are the wait bits below):
 *
 * ```
 *   seq == 2p       free: a producer may claim position p
 *   seq == 2p + 1   full: holds the value of position p; a consumer may claim it
 *
 *   free(p) --producer CASes ENQ p -> p+1, writes, exchanges 2p+1--> full(p)
 *   full(p) --consumer CASes DEQ p -> p+1, reads, exchanges 2(p+capacity)--> free(p+capacity)
 * ```
 *
 * (Sequence numbers count modulo 2 × posLimit; differences are normalised into
 * (−posLimit, posLimit].) Doubling the position keeps "full for p" and "free for
 * p + capacity" apart even when capacity is 1, which Vyukov's original
 * `seq = p + 1` / `seq = p + capacity` cannot.
 *
 * ## Close
 *
 * Bit 30 of `ENQ` is the close bit, set by `Atomics.or`. A producer claims a
 * position only by a CAS on the whole `ENQ` word, so every claim is ordered
 * either before close (the value will be delivered: receivers drain it) or
 * after (the CAS fails and the producer sees the bit). "Closed and drained" is
 * therefore exactly: the close bit is set and `DEQ == ENQ`'s position.
 *
 * ## Waiting without lost wake-ups
 *
 * `DATA_SEQ` (bumped when a value may have arrived) and `ROOM_SEQ` (when room
 * may have appeared) are the futex words; `RECV_WAITERS` / `SEND_WAITERS` count
 * registered waiters. Receivers only ever wait for one slot — that of `DEQ`,
 * which must become full before anyone can take anything — and senders for
 * that of `ENQ`, which must become free. So a waiter marks that slot: it sets
 * `DATA_WAIT` (receivers) or `ROOM_WAIT` (senders) in the slot's sequence word,
 * by a CAS from the exact word it saw. Every transition of a slot is an
 * `Atomics.exchange` that returns the old word, so the producer that fills the
 * slot (or the consumer that frees it) learns for free whether anyone waits for
 * it, and the common case — nobody waits — costs no atomic operation beyond
 * the three of the queue itself (load the sequence word, CAS the position,
 * exchange the sequence word) and no notify.
 *
 * A waiter (1) increments its counter, (2) loads the futex word as `key`,
 * (3) retries its operation, (3b) marks the slot it needs (if the slot changed
 * since it looked, the CAS fails and it goes back to (3)), and only then
 * (4) waits while the futex word still equals `key`. The thread whose exchange
 * returns a word with the bit runs the *wake protocol*: it loads the counter
 * and, if some waiter has no wake-up in hand (below), bumps the futex word and
 * notifies one waiter. All of these are sequentially consistent atomics: the
 * mark (3b) precedes the transition in the slot word's modification order, and
 * (1)–(2) precede (3b), so the transition's wake protocol sees the registration
 * and its bump comes after `key` was loaded — (4) then returns or is notified.
 * If the slot turned ready before (3b), the CAS fails or (3) finds it ready.
 *
 * The bit is cleared by the transition that reports it, and the notify wakes
 * one waiter. Others that waited for the same slot must not be forgotten, so a
 * waiter woken by a notify that does not wait again *hands off*: if registered
 * waiters without a wake-up remain, it marks the slot they now need, or — when
 * that slot is ready already — runs the wake protocol for them. A waiter that
 * waits again marks the slot itself, which covers the others too. A
 * transition that reports a bit for the other side (a sender's mark on a slot
 * still being written, a receiver's mark on a slot not yet released) wakes
 * that side spuriously; the woken waiter retries and marks again.
 *
 * ## Not notifying twice (wake accounting)
 *
 * A woken waiter may take a while to run (a main thread's `waitAsync` resolves
 * through its event loop). `DATA_WOKEN` / `ROOM_WOKEN` count the wake-ups
 * delivered but not yet acted on: a notifier adds what `Atomics.notify` reports
 * it woke; a waiter whose wait ends with `"ok"` subtracts one (`ack…Wake`)
 * *before* it retries and before it unregisters. The wake protocol skips the
 * notify when `WAITERS <= WOKEN`: then every registered waiter already has a
 * wake-up in hand and has not yet retried, so its retry comes after this
 * transition and sees it.
 *
 * Invariants (over the header words and the slot sequence words):
 * - `0 <= (ENQ.pos - DEQ) mod posLimit <= capacity` (never more claims than slots).
 * - for every position `p` with `DEQ <= p < ENQ.pos`, the slot of `p` holds
 *   `2p` (claimed, being written) or `2p + 1` (full); every other slot is free
 *   for its next position (sequence numbers taken without the wait bits).
 * - once the close bit is set it is never cleared, and `ENQ.pos` never changes again.
 * - `RECV_WAITERS` / `SEND_WAITERS` >= 0: each waiter decrements exactly what it incremented.
 * - `0 <= DATA_WOKEN <= RECV_WAITERS` (and for the room words) whenever no
 *   thread is between a notify and its accounting (the count can briefly dip
 *   to -1 when a woken waiter acknowledges before its notifier has added).
 * - if a registered receiver sleeps without a wake-up in hand, then the slot
 *   of `DEQ` carries `DATA_WAIT`, or a woken waiter has yet to act (it will
 *   wait again or hand off); likewise for senders, `ROOM_WAIT` and `ENQ`.
 * - a wait bit is set only by a CAS from a word whose slot was not ready for
 *   the marker, and cleared only by the exchange of the slot's next transition.
 * - a slot's payload is written only by the producer that claimed it and read
 *   only by the consumer that claimed it; the sequence exchange that passes the
 *   slot on is the release, the sequence load that sees it is the acquire.
 */

import { InvalidCapacityError } from "@csp-kit/channel";
import { InvalidSharedHandleError } from "../errors.js";
import { MAX_VALUE_BYTES_LIMIT, SLOT_HEADER_BYTES, type SlotCodec } from "./codec.js";
import { waitAsync } from "./wait-async.js";

// ---------------------------------------------------------------------------
// 1. Layout
// ---------------------------------------------------------------------------

/** Int32 word indices of the header. Producer-side and consumer-side words sit on separate 64-byte lines. */
const W_MAGIC = 0;
const W_VERSION = 1;
const W_CAPACITY = 2;
const W_SLOT_BYTES = 3;
const W_POS_LIMIT = 4;
/** Producer line: next position to write (| CLOSED_BIT), the data futex word, the receivers' count. */
const W_ENQ = 16;
const W_DATA_SEQ = 17;
const W_RECV_WAITERS = 18;
const W_DATA_WOKEN = 19;
/** Consumer line: next position to read, the room futex word, the senders' count. */
const W_DEQ = 32;
const W_ROOM_SEQ = 33;
const W_SEND_WAITERS = 34;
const W_ROOM_WOKEN = 35;
/** Bytes before slot 0 (three 64-byte lines). */
const HEADER_BYTES = 192;

/** "CSPK": marks a buffer made by {@link createRingBuffer}. */
const MAGIC = 0x4353504b;
/** Bumped whenever this layout changes, so two different copies of the package never share a buffer. */
const LAYOUT_VERSION = 2;
/** The close bit of the `ENQ` word; positions use the bits below it. */
const CLOSED_BIT = 1 << 30;
const POS_MASK = CLOSED_BIT - 1;
/** In a slot's sequence word: a registered receiver waits for this slot to become full. */
const DATA_WAIT = 1 << 30;
/** In a slot's sequence word: a registered sender waits for this slot to become free (the sign bit). */
const ROOM_WAIT = 1 << 31;
const WAIT_BITS = DATA_WAIT | ROOM_WAIT;
/** The sequence number in a slot's sequence word. */
const SEQ_MASK = DATA_WAIT - 1;
/** Positions count modulo a multiple of the capacity below this bound (sequence numbers then stay below 2^30). */
const POS_LIMIT_BOUND = 1 << 29;
/** Largest capacity accepted: keeps posLimit >= 32 × capacity. */
export const MAX_CAPACITY = 1 << 24;
/** The payload bytes per slot when the options say nothing: a slot of 128 bytes. */
export const DEFAULT_MAX_VALUE_BYTES = 120;

/** `dequeue` found nothing to take and the ring is open (or a claimed value is still being written). */
export const EMPTY: unique symbol = Symbol("csp-kit.shared.empty");
/** `dequeue` found the ring closed and drained; `enqueue` found it closed. */
export const CLOSED: unique symbol = Symbol("csp-kit.shared.closed");
/** `enqueue` found every slot taken. */
export const FULL: unique symbol = Symbol("csp-kit.shared.full");
/** `enqueue` stored the value. */
export const SENT: unique symbol = Symbol("csp-kit.shared.sent");

/**
 * Allocates and initialises the buffer of a ring.
 *
 * @param capacity - a whole number in [1, MAX_CAPACITY].
 * @param maxValueBytes - payload bytes per slot, a whole number in [8, MAX_VALUE_BYTES_LIMIT]; rounded up to a multiple of 8.
 * @param posLimit - for tests only: a smaller position modulus (a multiple of capacity, >= 4 × capacity) to exercise wrap-around.
 * @throws {@link InvalidCapacityError} for a capacity or size outside those bounds.
 */
export function createRingBuffer(capacity: number, maxValueBytes: number, posLimit?: number): SharedArrayBuffer {
  if (!Number.isSafeInteger(capacity) || capacity < 1 || capacity > MAX_CAPACITY) {
    const got = typeof capacity === "number" ? String(capacity) : `a ${typeof capacity}`;
    throw new InvalidCapacityError(
      `new SharedChannel(capacity): capacity must be a whole number from 1 to ${MAX_CAPACITY} (got ${got}); ` +
        "a SharedChannel is always buffered",
      capacity,
    );
  }
  if (!Number.isSafeInteger(maxValueBytes) || maxValueBytes < 8 || maxValueBytes > MAX_VALUE_BYTES_LIMIT) {
    const got = typeof maxValueBytes === "number" ? String(maxValueBytes) : `a ${typeof maxValueBytes}`;
    throw new InvalidCapacityError(
      `new SharedChannel(capacity, { maxValueBytes }): maxValueBytes must be a whole number from 8 to ` +
        `${MAX_VALUE_BYTES_LIMIT} (got ${got})`,
      maxValueBytes,
    );
  }
  const slotBytes = SLOT_HEADER_BYTES + Math.ceil(maxValueBytes / 8) * 8;
  const total = HEADER_BYTES + capacity * slotBytes;
  if (total > 0x7fff_fff8) {
    throw new InvalidCapacityError(
      `new SharedChannel(${capacity}, { maxValueBytes: ${maxValueBytes} }) would need ${total} bytes of shared memory; ` +
        "lower the capacity or maxValueBytes",
      capacity,
    );
  }
  const limit = posLimit ?? capacity * Math.floor(POS_LIMIT_BOUND / capacity);
  if (limit % capacity !== 0 || limit < 4 * capacity || limit > POS_LIMIT_BOUND) {
    throw new RangeError(`posLimit must be a multiple of the capacity, >= 4 × capacity and <= 2^29 (got ${limit})`);
  }
  const buffer = new SharedArrayBuffer(total);
  const i32 = new Int32Array(buffer);
  i32[W_MAGIC] = MAGIC;
  i32[W_VERSION] = LAYOUT_VERSION;
  i32[W_CAPACITY] = capacity;
  i32[W_SLOT_BYTES] = slotBytes;
  i32[W_POS_LIMIT] = limit;
  // Slot i starts free for position i (seq = 2i); header words start at 0.
  for (let i = 0; i < capacity; i++) i32[(HEADER_BYTES + i * slotBytes) >> 2] = 2 * i;
  return buffer;
}

/** What a buffer's header says about its shape. */
export interface RingShape {
  readonly capacity: number;
  readonly slotBytes: number;
  readonly posLimit: number;
}

/**
 * Checks that `buffer` was made by {@link createRingBuffer} (this layout version)
 * and returns its shape.
 *
 * @throws {@link InvalidSharedHandleError} otherwise.
 */
export function readRingShape(buffer: unknown): RingShape {
  if (!(buffer instanceof SharedArrayBuffer))
    throw new InvalidSharedHandleError("handle.buffer is not a SharedArrayBuffer");
  if (buffer.byteLength < HEADER_BYTES)
    throw new InvalidSharedHandleError("handle.buffer is too small to be a SharedChannel");
  const i32 = new Int32Array(buffer, 0, HEADER_BYTES >> 2);
  if (Atomics.load(i32, W_MAGIC) !== MAGIC)
    throw new InvalidSharedHandleError("handle.buffer is not a SharedChannel buffer");
  if (Atomics.load(i32, W_VERSION) !== LAYOUT_VERSION) {
    throw new InvalidSharedHandleError(
      `the buffer was made by a different version of @csp-kit/threads (layout ${Atomics.load(i32, W_VERSION)}, ` +
        `this copy reads layout ${LAYOUT_VERSION}); use one version of the package on every thread`,
    );
  }
  const capacity = Atomics.load(i32, W_CAPACITY);
  const slotBytes = Atomics.load(i32, W_SLOT_BYTES);
  const posLimit = Atomics.load(i32, W_POS_LIMIT);
  if (buffer.byteLength !== HEADER_BYTES + capacity * slotBytes) {
    throw new InvalidSharedHandleError("handle.buffer's size does not match its header");
  }
  return { capacity, slotBytes, posLimit };
}

// ---------------------------------------------------------------------------
// 2. SharedRing: the lock-free operations
// ---------------------------------------------------------------------------

/**
 * One thread's view of a ring. All shared state lives in the buffer; the only
 * mutable fields here are two guesses that save an atomic load per operation.
 */
export class SharedRing {
  /** The whole buffer as Int32 words (header words and slot sequence/header words). */
  readonly ctl: Int32Array;
  readonly capacity: number;
  private readonly slotBytes: number;
  /** `capacity - 1` when the capacity is a power of two (slot index by mask), else -1 (by modulo). */
  private readonly mask: number;
  /** Positions count modulo this; sequence numbers modulo twice this. */
  private readonly posLimit: number;
  /**
   * This thread's guess of the `ENQ` word: the word after its last successful
   * enqueue. Only ever a starting point — the CAS on `ENQ` is authoritative,
   * and a wrong guess costs one retry — so a single producer skips the initial
   * load. Written only by `enqueue` on this thread.
   */
  private enqHint = 0;
  /** This thread's guess of `DEQ`, likewise. Written only by `dequeue` on this thread. */
  private deqHint = 0;

  constructor(
    readonly buffer: SharedArrayBuffer,
    shape: RingShape,
    readonly codec: SlotCodec,
  ) {
    this.ctl = new Int32Array(buffer);
    this.capacity = shape.capacity;
    this.slotBytes = shape.slotBytes;
    this.posLimit = shape.posLimit;
    this.mask = (shape.capacity & (shape.capacity - 1)) === 0 ? shape.capacity - 1 : -1;
  }

  /** Byte offset of the slot of position `pos`. */
  private slotOf(pos: number): number {
    const mask = this.mask;
    return HEADER_BYTES + (mask >= 0 ? pos & mask : pos % this.capacity) * this.slotBytes;
  }

  /** `seq - expected` normalised into (−posLimit, posLimit]: 0 means "as expected", < 0 "not yet", > 0 "already past". */
  private diff(seq: number, expected: number): number {
    const d = seq - expected;
    const limit = this.posLimit;
    if (d > limit) return d - 2 * limit;
    if (d <= -limit) return d + 2 * limit;
    return d;
  }

  /**
   * Claims the next position and writes the prepared value `p` into it.
   * Returns SENT, FULL (every slot taken; nothing happened) or CLOSED (nothing happened).
   * Precondition: `p` came from `codec.prepare` (so the write cannot fail after the claim).
   *
   * A FULL answer is given only when `ENQ` did not move while we looked, so it
   * is never a stale view; it may still be transient (a consumer has claimed
   * the oldest slot but not yet released it) — a sender that waits marks that
   * slot, so the releasing consumer wakes it.
   */
  enqueue(p: unknown): typeof SENT | typeof FULL | typeof CLOSED {
    const ctl = this.ctl;
    let word = this.enqHint;
    for (;;) {
      // The close bit is never cleared, so even a guessed word that carries it is the truth.
      if ((word & CLOSED_BIT) !== 0) return CLOSED;
      const base = this.slotOf(word);
      const seq = Atomics.load(ctl, base >> 2);
      const d = seq === 2 * word ? 0 : this.diff(seq & SEQ_MASK, 2 * word);
      if (d === 0) {
        const next = word + 1 === this.posLimit ? 0 : word + 1;
        const seen = Atomics.compareExchange(ctl, W_ENQ, word, next);
        if (seen === word) {
          this.enqHint = next;
          this.codec.write(base, p);
          const old = Atomics.exchange(ctl, base >> 2, 2 * word + 1);
          if ((old & WAIT_BITS) !== 0) this.wakeFor(old, 1);
          return SENT;
        }
        word = seen;
      } else if (d < 0) {
        const fresh = Atomics.load(ctl, W_ENQ);
        if (fresh === word) return FULL;
        word = fresh;
      } else {
        word = Atomics.load(ctl, W_ENQ);
      }
    }
  }

  /**
   * Claims the oldest full position and reads its value (a {@link Serialized}
   * still to be finished by `codec.finish` for non-fast-path values). Returns
   * the value, EMPTY (nothing to take now) or CLOSED (closed and drained).
   *
   * EMPTY also covers "a producer claimed the next position but has not
   * finished writing it": that producer publishes shortly (and wakes a receiver
   * that marked the slot), so the caller waits rather than reporting CLOSED
   * early. CLOSED is answered only when `DEQ` did not move while we looked and
   * equals the closed `ENQ`'s position: then no value can ever arrive again.
   */
  dequeue(): unknown {
    const ctl = this.ctl;
    let pos = this.deqHint;
    for (;;) {
      const base = this.slotOf(pos);
      const seq = Atomics.load(ctl, base >> 2);
      const d = seq === 2 * pos + 1 ? 0 : this.diff(seq & SEQ_MASK, 2 * pos + 1);
      if (d === 0) {
        const next = pos + 1 === this.posLimit ? 0 : pos + 1;
        const seen = Atomics.compareExchange(ctl, W_DEQ, pos, next);
        if (seen === pos) {
          this.deqHint = next;
          const raw = this.codec.read(base);
          const free = pos + this.capacity;
          const old = Atomics.exchange(ctl, base >> 2, 2 * (free >= this.posLimit ? free - this.posLimit : free));
          if ((old & WAIT_BITS) !== 0) this.wakeFor(old, 1);
          return raw;
        }
        pos = seen;
      } else if (d < 0) {
        const fresh = Atomics.load(ctl, W_DEQ);
        if (fresh !== pos) {
          pos = fresh;
          continue;
        }
        const enq = Atomics.load(ctl, W_ENQ);
        return (enq & POS_MASK) === pos && (enq & CLOSED_BIT) !== 0 ? CLOSED : EMPTY;
      } else {
        pos = Atomics.load(ctl, W_DEQ);
      }
    }
  }

  /**
   * Claims up to `max` consecutive full positions with one CAS and appends
   * their values to `out`, decoded (`codec.finish`). Returns how many it took
   * (>= 1), or EMPTY / CLOSED exactly as `dequeue` would. Precondition:
   * `max >= 1`. Stops at the first position that is not full yet, so it never
   * waits for a value still being written.
   *
   * Values are decoded before they are claimed (a full slot does not change
   * until it is claimed, and a torn read is discarded when the claim fails),
   * so a value that does not decode is never taken as part of a batch: the
   * batch ends before it. If the *first* value does not decode, it is claimed
   * alone and the decoder's error is thrown when `claimFailing` (the receive
   * that takes it fails, as `dequeue` + `finish` would), and EMPTY is returned
   * without claiming anything otherwise (for the rest of a batch whose first
   * value was already taken).
   *
   * @throws the decoder's error, for an undecodable first value with `claimFailing`.
   */
  dequeueMany(max: number, out: unknown[], claimFailing: boolean): number | typeof EMPTY | typeof CLOSED {
    const ctl = this.ctl;
    const limit = this.posLimit;
    const capacity = this.capacity;
    const codec = this.codec;
    const room = Math.min(max, capacity);
    const from = out.length;
    let pos = this.deqHint;
    for (;;) {
      const base = this.slotOf(pos);
      const seq = Atomics.load(ctl, base >> 2);
      const d = seq === 2 * pos + 1 ? 0 : this.diff(seq & SEQ_MASK, 2 * pos + 1);
      if (d === 0) {
        let k = 1;
        for (let q = pos + 1 === limit ? 0 : pos + 1; k < room; k++, q = q + 1 === limit ? 0 : q + 1) {
          if ((Atomics.load(ctl, this.slotOf(q) >> 2) & SEQ_MASK) !== 2 * q + 1) break;
        }
        // Decode before claiming: stop before the first value that does not decode.
        let failure: { error: unknown } | undefined;
        let take = k;
        for (let j = 0, q = pos; j < k; j++, q = q + 1 === limit ? 0 : q + 1) {
          try {
            out.push(codec.finish(codec.read(this.slotOf(q))));
          } catch (error) {
            failure = { error };
            take = j;
            break;
          }
        }
        if (take === 0) {
          if (!claimFailing) return EMPTY;
          take = 1;
        }
        const end = pos + take >= limit ? pos + take - limit : pos + take;
        const seen = Atomics.compareExchange(ctl, W_DEQ, pos, end);
        if (seen !== pos) {
          out.length = from;
          pos = seen;
          continue;
        }
        this.deqHint = end;
        let bits = 0;
        for (let j = 0, q = pos; j < take; j++, q = q + 1 === limit ? 0 : q + 1) {
          const free = q + capacity;
          bits |= Atomics.exchange(ctl, this.slotOf(q) >> 2, 2 * (free >= limit ? free - limit : free));
        }
        if ((bits & WAIT_BITS) !== 0) this.wakeFor(bits, take);
        if (failure !== undefined && out.length === from) throw failure.error;
        return take;
      }
      if (d < 0) {
        const fresh = Atomics.load(ctl, W_DEQ);
        if (fresh !== pos) {
          pos = fresh;
          continue;
        }
        const enq = Atomics.load(ctl, W_ENQ);
        return (enq & POS_MASK) === pos && (enq & CLOSED_BIT) !== 0 ? CLOSED : EMPTY;
      }
      pos = Atomics.load(ctl, W_DEQ);
    }
  }

  /**
   * Sets the close bit and wakes every waiter on both words. Returns `false`
   * when the ring was already closed (by this or any other thread); exactly one
   * caller ever gets `true`.
   */
  close(): boolean {
    const ctl = this.ctl;
    const old = Atomics.or(ctl, W_ENQ, CLOSED_BIT);
    if ((old & CLOSED_BIT) !== 0) return false;
    this.wake(W_DATA_SEQ, W_DATA_WOKEN, Number.POSITIVE_INFINITY);
    this.wake(W_ROOM_SEQ, W_ROOM_WOKEN, Number.POSITIVE_INFINITY);
    return true;
  }

  /** Whether the close bit is set (by any thread). */
  get closed(): boolean {
    return (Atomics.load(this.ctl, W_ENQ) & CLOSED_BIT) !== 0;
  }

  /**
   * Values sent and not yet received, as of a moment during the call (other
   * threads keep moving); always within [0, capacity]. Counts claimed positions,
   * so a value being written or read right now is included.
   */
  get length(): number {
    const deq = Atomics.load(this.ctl, W_DEQ);
    const enq = Atomics.load(this.ctl, W_ENQ) & POS_MASK;
    let n = enq - deq;
    if (n < 0) n += this.posLimit;
    return Math.min(n, this.capacity);
  }

  // -------------------------------------------------------------------------
  // 3. Waiting (see "Waiting without lost wake-ups" at the top)
  // -------------------------------------------------------------------------

  /**
   * A transition's old sequence word carried wait bits (`bits`): runs the wake
   * protocol for each side marked. `count` is how many slots the transition
   * passed on (a batch receive frees several at once).
   */
  private wakeFor(bits: number, count: number): void {
    if ((bits & DATA_WAIT) !== 0) this.wakeData(1);
    if ((bits & ROOM_WAIT) !== 0) this.wakeRoom(count);
  }

  /** The wake protocol for receivers: notifies up to `count` unless every registered one has a wake-up in hand. */
  private wakeData(count: number): void {
    const ctl = this.ctl;
    if (Atomics.load(ctl, W_RECV_WAITERS) > Atomics.load(ctl, W_DATA_WOKEN)) this.wake(W_DATA_SEQ, W_DATA_WOKEN, count);
  }

  /** The wake protocol for senders. */
  private wakeRoom(count: number): void {
    const ctl = this.ctl;
    if (Atomics.load(ctl, W_SEND_WAITERS) > Atomics.load(ctl, W_ROOM_WOKEN)) this.wake(W_ROOM_SEQ, W_ROOM_WOKEN, count);
  }

  /** Bumps futex word `seq`, wakes up to `count` threads waiting on it, and counts them in `woken`. */
  private wake(seq: number, woken: number, count: number): void {
    const ctl = this.ctl;
    Atomics.add(ctl, seq, 1);
    const n = Atomics.notify(ctl, seq, count);
    if (n > 0) Atomics.add(ctl, woken, n);
  }

  /** Step (1)–(2) for a receiver: registers and returns the key to wait on. Pair with {@link SharedRing.unregisterReceiver}. */
  registerReceiver(): number {
    Atomics.add(this.ctl, W_RECV_WAITERS, 1);
    return Atomics.load(this.ctl, W_DATA_SEQ);
  }

  /** Undoes one {@link SharedRing.registerReceiver}. Precondition: any wake-up was acknowledged first. */
  unregisterReceiver(): void {
    Atomics.sub(this.ctl, W_RECV_WAITERS, 1);
  }

  /** Step (1)–(2) for a sender. Pair with {@link SharedRing.unregisterSender}. */
  registerSender(): number {
    Atomics.add(this.ctl, W_SEND_WAITERS, 1);
    return Atomics.load(this.ctl, W_ROOM_SEQ);
  }

  /** Undoes one {@link SharedRing.registerSender}. Precondition: any wake-up was acknowledged first. */
  unregisterSender(): void {
    Atomics.sub(this.ctl, W_SEND_WAITERS, 1);
  }

  /**
   * Step (3b) for a receiver: marks the slot of `DEQ` so that the transition
   * making it full wakes a receiver. Returns `true` when the mark is in place
   * (go to sleep), `false` when that slot is full already (retry instead).
   * Precondition: registered, and a retry after registering found nothing.
   */
  armData(): boolean {
    const ctl = this.ctl;
    for (;;) {
      const pos = Atomics.load(ctl, W_DEQ);
      const at = this.slotOf(pos) >> 2;
      const seq = Atomics.load(ctl, at);
      const d = this.diff(seq & SEQ_MASK, 2 * pos + 1);
      if (d === 0) return false;
      // d > 0: the slot was taken and freed again, so DEQ moved on; look again.
      if (d > 0) continue;
      if ((seq & DATA_WAIT) !== 0 || Atomics.compareExchange(ctl, at, seq, seq | DATA_WAIT) === seq) return true;
    }
  }

  /**
   * Step (3b) for a sender: marks the slot of `ENQ` so that the transition
   * freeing it wakes a sender. Returns `true` when the mark is in place,
   * `false` when that slot is free already or the ring is closed (retry instead).
   * Precondition: registered, and a retry after registering found the ring full.
   */
  armRoom(): boolean {
    const ctl = this.ctl;
    for (;;) {
      const word = Atomics.load(ctl, W_ENQ);
      if ((word & CLOSED_BIT) !== 0) return false;
      const at = this.slotOf(word) >> 2;
      const seq = Atomics.load(ctl, at);
      const d = this.diff(seq & SEQ_MASK, 2 * word);
      if (d === 0) return false;
      if (d > 0) continue;
      if ((seq & ROOM_WAIT) !== 0 || Atomics.compareExchange(ctl, at, seq, seq | ROOM_WAIT) === seq) return true;
    }
  }

  /**
   * Called by a receiver that was woken by a notify (and acknowledged it) and
   * does not wait again: the transition that woke it cleared the mark other
   * sleeping receivers relied on. If any registered receiver has no wake-up in
   * hand, marks the slot they need now — or, when that slot is full already,
   * wakes one of them. Precondition: this receiver has unregistered.
   */
  handOffData(): void {
    const ctl = this.ctl;
    if (Atomics.load(ctl, W_RECV_WAITERS) > Atomics.load(ctl, W_DATA_WOKEN) && !this.armData()) this.wakeData(1);
  }

  /** The sender-side counterpart of {@link SharedRing.handOffData}. */
  handOffRoom(): void {
    const ctl = this.ctl;
    if (Atomics.load(ctl, W_SEND_WAITERS) > Atomics.load(ctl, W_ROOM_WOKEN) && !this.armRoom()) this.wakeRoom(1);
  }

  /**
   * Step (4), blocking: sleeps while `DATA_SEQ === key`, at most `timeoutMs`
   * (`Infinity`: no limit), acknowledges a wake-up and returns how the wait
   * ended. A `"timed-out"` wait consumed no wake-up, like `"not-equal"`.
   * Worker threads only.
   */
  waitForDataSync(key: number, timeoutMs: number): string {
    const result = Atomics.wait(this.ctl, W_DATA_SEQ, key, timeoutMs);
    this.ackDataWake(result);
    return result;
  }

  /** Step (4), blocking, for a sender: sleeps while `ROOM_SEQ === key`; as {@link SharedRing.waitForDataSync}. */
  waitForRoomSync(key: number, timeoutMs: number): string {
    const result = Atomics.wait(this.ctl, W_ROOM_SEQ, key, timeoutMs);
    this.ackRoomWake(result);
    return result;
  }

  /**
   * A receiver's wait ended with `result`; if it was woken by a notify
   * (`"ok"`), takes that wake-up off the books. Call before retrying.
   */
  ackDataWake(result: string): void {
    if (result === "ok") Atomics.sub(this.ctl, W_DATA_WOKEN, 1);
  }

  /** The sender-side counterpart of {@link SharedRing.ackDataWake}. */
  ackRoomWake(result: string): void {
    if (result === "ok") Atomics.sub(this.ctl, W_ROOM_WOKEN, 1);
  }

  /**
   * Step (4), without blocking: the outcome now (a string) when `DATA_SEQ`
   * already differs from `key`, else a promise of it. The caller must pass the
   * outcome to {@link SharedRing.ackDataWake}.
   */
  waitForData(key: number): Promise<string> | string {
    return waitAsync(this.ctl, W_DATA_SEQ, key);
  }

  /** The sender-side counterpart of {@link SharedRing.waitForData}; pass the outcome to {@link SharedRing.ackRoomWake}. */
  waitForRoom(key: number): Promise<string> | string {
    return waitAsync(this.ctl, W_ROOM_SEQ, key);
  }

  /** Registered receivers and senders, across all threads (tests and diagnostics). */
  get registered(): { receivers: number; senders: number; dataWoken: number; roomWoken: number } {
    const ctl = this.ctl;
    return {
      receivers: Atomics.load(ctl, W_RECV_WAITERS),
      senders: Atomics.load(ctl, W_SEND_WAITERS),
      dataWoken: Atomics.load(ctl, W_DATA_WOKEN),
      roomWoken: Atomics.load(ctl, W_ROOM_WOKEN),
    };
  }

  /** The two futex words (tests and diagnostics): each moves only when a wake-up is sent on it. */
  get wakeWords(): { data: number; room: number } {
    return { data: Atomics.load(this.ctl, W_DATA_SEQ), room: Atomics.load(this.ctl, W_ROOM_SEQ) };
  }

  /**
   * Checks the invariants at the top of this file; throws on the first
   * violation. For tests; precondition: no operation is in flight on any thread.
   */
  assertInvariants(): void {
    const fail = (what: string) => {
      throw new Error(`shared ring invariant violated: ${what}`);
    };
    const ctl = this.ctl;
    const enq = Atomics.load(ctl, W_ENQ) & POS_MASK;
    const deq = Atomics.load(ctl, W_DEQ);
    let n = enq - deq;
    if (n < 0) n += this.posLimit;
    if (n > this.capacity) fail(`${n} claimed positions exceed capacity ${this.capacity}`);
    if (enq >= this.posLimit || deq >= this.posLimit) fail("a position is beyond posLimit");
    const recvWaiters = Atomics.load(ctl, W_RECV_WAITERS);
    const sendWaiters = Atomics.load(ctl, W_SEND_WAITERS);
    if (recvWaiters < 0 || sendWaiters < 0) fail("negative waiter count");
    const dataWoken = Atomics.load(ctl, W_DATA_WOKEN);
    const roomWoken = Atomics.load(ctl, W_ROOM_WOKEN);
    if (dataWoken < 0 || dataWoken > recvWaiters) fail(`DATA_WOKEN ${dataWoken} outside [0, ${recvWaiters}]`);
    if (roomWoken < 0 || roomWoken > sendWaiters) fail(`ROOM_WOKEN ${roomWoken} outside [0, ${sendWaiters}]`);
    for (let k = 0; k < this.capacity; k++) {
      const pos = (deq + k) % this.posLimit;
      const word = Atomics.load(ctl, this.slotOf(pos) >> 2);
      const seq = word & SEQ_MASK;
      // Positions [DEQ, ENQ) are claimed (being written: 2p, or full: 2p + 1); the rest of the slots
      // are free for their next position. Seen from one thread with no operation in flight, "being
      // written" cannot occur, but other threads may be mid-operation, so it is allowed.
      if (k < n) {
        if (seq !== 2 * pos + 1 && seq !== 2 * pos) fail(`slot of claimed position ${pos} has seq ${seq}`);
      } else if (seq !== 2 * pos) {
        fail(`slot of free position ${pos} has seq ${seq}, expected ${2 * pos}`);
      }
      // A mark outlives no transition: receivers mark only the slot of DEQ while it is not full,
      // senders only the slot of ENQ while it is not free (with no operation in flight).
      if ((word & DATA_WAIT) !== 0 && (k !== 0 || seq === 2 * pos + 1))
        fail(`slot of position ${pos} carries DATA_WAIT but is not the empty slot of DEQ`);
      if ((word & ROOM_WAIT) !== 0 && (k !== 0 || n !== this.capacity))
        fail(`slot of position ${pos} carries ROOM_WAIT but the ring is not full at it`);
    }
  }
}
