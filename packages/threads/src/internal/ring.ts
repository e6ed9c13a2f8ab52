/**
 * The shared ring under SharedChannel: a bounded multi-producer multi-consumer
 * queue in one SharedArrayBuffer, after Dmitry Vyukov's bounded MPMC queue (a
 * sequence word per slot), plus a close bit, a broken bit, two wait/notify
 * words, two "someone waits" bits in every sequence word, and the recovery of
 * positions that a terminated thread left half-done. Every thread that holds
 * the buffer builds its own `SharedRing` over it; all of them see one queue.
 *
 * Map of this file:
 *   1. layout of the buffer (header words, slots) and creating/attaching one
 *   2. SharedRing — the lock-free operations (enqueue / dequeue / close / len)
 *   3. stalls: recovering what a terminated thread left behind
 *   4. waiting: the registration protocol behind sync waits and async pumps
 *   5. tests and diagnostics
 *
 * ## Positions and sequence numbers
 *
 * Operations are numbered by *positions*. `ENQ` is the next position to claim
 * for writing, `DEQ` the next to read; position `p` lives in slot
 * `p % capacity`. Positions count modulo `posLimit` (a multiple of the
 * capacity, >= 4 × capacity, at most 2^28), so `p % capacity` stays consistent
 * across the wrap. Each slot's sequence word says where the slot is (its low 30
 * bits; the two high bits are the wait bits below), four states per position:
 *
 * ```
 *   4p      FREE(p)       a producer may claim position p
 *   4p + 1  WRITING(p)    the producer of p is copying its value in
 *   4p + 2  FULL(p)       holds the value of p; a consumer may take it
 *   4p + 3  ABANDONED(p)  the producer of p stopped while writing (the channel is broken)
 *
 *   FREE(p) --producer: CAS ENQ p -> p+1 (claim), CAS FREE(p) -> WRITING(p) (begin),
 *             copy the value, CAS WRITING(p) -> FULL(p) (publish)--> FULL(p)
 *   FULL(p) --consumer: copy the value out, CAS FULL(p) -> FREE(p+capacity) (take),
 *             then CAS DEQ p -> p+1 (anyone may do this for it)--> FREE(p+capacity)
 * ```
 *
 * (Sequence numbers count modulo 4 × posLimit; differences are normalised into
 * (−2 posLimit, 2 posLimit].) A consumer *takes* a value with one CAS on the
 * slot's word, after copying the value out (a full slot cannot change until
 * someone takes it, and a copy whose CAS fails is thrown away); advancing `DEQ`
 * afterwards is bookkeeping that any thread finishing a take, or finding the
 * slot of `DEQ` taken already, does (*helping*). So a take has no window in
 * which a thread can stop with the slot held.
 *
 * ## Close and break
 *
 * Bit 30 of `ENQ` is the close bit, set by `Atomics.or`. A producer claims a
 * position only by a CAS on the whole `ENQ` word, so every claim is ordered
 * either before close (the value will be delivered: receivers drain it) or
 * after (the CAS fails and the producer sees the bit). "Closed and drained" is
 * therefore exactly: the close bit is set and `DEQ == ENQ`'s position. Bit 29
 * is the broken bit (section 3): set like the close bit, it also stops every
 * claim; receivers drain what was published, then report the break.
 *
 * ## The failure model (a thread terminated mid-operation)
 *
 * `worker.terminate()` stops a thread at its next function entry or loop
 * back-edge, wherever that is. What a stopped thread can leave behind, and
 * what the survivors do about it:
 *
 * - a take (consumer): nothing. The take is one CAS (before it, nothing
 *   happened; after it, the value is the dead thread's, as if it had died just
 *   after its receive returned); an unadvanced `DEQ` is advanced by the next
 *   receiver. At most one value per receive (a batch's worth for a batch)
 *   goes with the thread.
 * - a claim not yet begun (`ENQ` passed p, slot still FREE(p)): the receivers
 *   that wait at p find it *stalled*; after `stallTimeout` they revoke it —
 *   CAS FREE(p) -> FREE(p + capacity), skipping the position. A live producer
 *   that was only slow finds its begin-CAS failing and claims a new position:
 *   nothing is lost either way (the value was never acknowledged).
 * - a write in progress (WRITING(p)): the value may be half-copied and a
 *   live-but-frozen writer could still be copying, so the slot cannot be
 *   reused. After `stallTimeout` a receiver abandons it — CAS WRITING(p) ->
 *   ABANDONED(p) — and breaks the channel: sends everywhere fail with
 *   SharedChannelBrokenError ("a sending thread stopped while writing"),
 *   receivers take every published value, skip the abandoned position, then
 *   fail the same way. A writer that was only frozen finds its publish-CAS
 *   failing, and its send fails too: no acknowledged value is lost, none is
 *   delivered twice. The window is a few stores with no call and no loop of
 *   ours (SlotCodec.stage prepares the payload before the claim), so
 *   `terminate()` practically never lands in it.
 * - a registration in a waiter count, an unacknowledged wake-up, a mark it
 *   was to hand off, a close it had not yet announced: waits are bounded by
 *   `stallTimeout`, so every survivor that sleeps re-checks the ring at least
 *   that often; a phantom registration costs at most spurious notifies.
 *
 * `stallTimeout` is in the header, the same for every thread (0 = never:
 * nothing is revoked or abandoned, and waits are unbounded).
 *
 * ## Waiting without lost wake-ups
 *
 * `DATA_SEQ` (bumped when a value may have arrived) and `ROOM_SEQ` (when room
 * may have appeared) are the futex words; `RECV_WAITERS` / `SEND_WAITERS` count
 * registered waiters. Receivers only ever wait for one slot — that of `DEQ`,
 * which must become full before anyone can take anything — and senders for
 * that of `ENQ`, which must become free. So a waiter marks that slot: it sets
 * `DATA_WAIT` (receivers) or `ROOM_WAIT` (senders) in the slot's sequence word,
 * by a CAS from the exact word it saw. Every transition of a slot is a CAS that
 * returns the old word, so the thread that fills the slot (or frees it) learns
 * for free whether anyone waits for it, and the common case — nobody waits —
 * costs no notify.
 *
 * A waiter (1) increments its counter, (2) loads the futex word as `key`,
 * (3) retries its operation, (3b) marks the slot it needs (if the slot changed
 * since it looked, the CAS fails and it goes back to (3)), and only then
 * (4) waits while the futex word still equals `key`. The thread whose
 * transition reports the bit runs the *wake protocol*: it loads the counter
 * and, if some waiter has no wake-up in hand (below), bumps the futex word and
 * notifies one waiter. All of these are sequentially consistent atomics: the
 * mark (3b) precedes the transition in the slot word's modification order, and
 * (1)–(2) precede (3b), so the transition's wake protocol sees the registration
 * and its bump comes after `key` was loaded — (4) then returns or is notified.
 *
 * The bit is cleared by the transition that reports it, and the notify wakes
 * one waiter. Others that waited for the same slot must not be forgotten, so a
 * waiter woken by a notify that does not wait again *hands off*: if registered
 * waiters without a wake-up remain, it marks the slot they now need, or — when
 * that slot is ready already — runs the wake protocol for them. A transition
 * that reports a bit for the other side wakes that side spuriously; the woken
 * waiter retries and marks again.
 *
 * ## Not notifying twice (wake accounting)
 *
 * `DATA_WOKEN` / `ROOM_WOKEN` count the wake-ups delivered but not yet acted
 * on: a notifier adds what `Atomics.notify` reports it woke; a waiter whose
 * wait ends with `"ok"` subtracts one (`ack…Wake`) *before* it retries and
 * before it unregisters. The wake protocol skips the notify when
 * `WAITERS <= WOKEN`: every registered waiter already has a wake-up in hand
 * and has not yet retried, so its retry comes after this transition.
 *
 * Invariants (over the header words and the slot sequence words, while no
 * thread is mid-operation and none died mid-operation):
 * - `0 <= (ENQ.pos - DEQ) mod posLimit <= capacity`. (While takes are in
 *   flight `DEQ` may lag behind positions already taken, by at most the number
 *   of such takes; it is advanced only past taken, revoked or abandoned
 *   positions.)
 * - for every position `p` with `DEQ <= p < ENQ.pos`, the slot of `p` holds
 *   FREE(p) (claimed, not begun), WRITING(p), FULL(p) or ABANDONED(p); every
 *   other slot is FREE for its next position.
 * - positions are taken in increasing order: a take of `p` happens after
 *   position `p - 1` was taken, revoked or abandoned.
 * - once the close or broken bit is set it is never cleared, and `ENQ.pos`
 *   never changes again; `BROKEN_AT` is non-zero iff the broken bit is set.
 * - `RECV_WAITERS` / `SEND_WAITERS` >= 0: each waiter decrements exactly what it incremented.
 * - `0 <= DATA_WOKEN <= RECV_WAITERS` (and for the room words) whenever no
 *   thread is between a notify and its accounting (the count can briefly dip
 *   to -1 when a woken waiter acknowledges before its notifier has added).
 * - if a registered receiver sleeps without a wake-up in hand, then the slot
 *   of `DEQ` carries `DATA_WAIT`, or a woken waiter has yet to act (it will
 *   wait again or hand off), or its wait ends within `stallTimeout`; likewise
 *   for senders, `ROOM_WAIT` and `ENQ`.
 * - a wait bit is set only by a CAS from a word whose slot was not ready for
 *   the marker, and cleared only by the slot's next transition.
 * - a slot's payload is written only by the producer whose begin-CAS
 *   succeeded, and read for keeps only by the consumer whose take-CAS
 *   succeeded; the publish CAS is the release, the load that sees FULL the acquire.
 */

import { InvalidCapacityError } from "@csp-kit/channel";
import { InvalidSharedHandleError } from "../errors.js";
import { MAX_VALUE_BYTES_LIMIT, NUMBER_HEADER, SLOT_HEADER_BYTES, type SlotCodec } from "./codec.js";
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
/** The stall timeout in milliseconds (0: never presume a thread dead). Written once, at creation. */
const W_STALL_MS = 5;
/** 0 while healthy; once broken, 1 + the first abandoned position. */
const W_BROKEN_AT = 6;
/** Producer line: next position to claim (| CLOSED_BIT | BROKEN_BIT), the data futex word, the receivers' count. */
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
const LAYOUT_VERSION = 3;
/** The close bit of the `ENQ` word. */
const CLOSED_BIT = 1 << 30;
/** The broken bit of the `ENQ` word (section 3); positions use the bits below it. */
const BROKEN_BIT = 1 << 29;
const STOP_BITS = CLOSED_BIT | BROKEN_BIT;
const POS_MASK = BROKEN_BIT - 1;
/** In a slot's sequence word: a registered receiver waits for this slot to become full. */
const DATA_WAIT = 1 << 30;
/** In a slot's sequence word: a registered sender waits for this slot to become free (the sign bit). */
const ROOM_WAIT = 1 << 31;
const WAIT_BITS = DATA_WAIT | ROOM_WAIT;
/** The sequence number in a slot's sequence word. */
const SEQ_MASK = DATA_WAIT - 1;
/** The state in the low two bits of a sequence number. */
const S_WRITING = 1;
const S_FULL = 2;
const S_ABANDONED = 3;
/** Positions count modulo a multiple of the capacity up to this bound (sequence numbers 4p + state then stay below 2^30). */
const POS_LIMIT_BOUND = 1 << 28;
/** Largest capacity accepted: keeps posLimit >= 16 × capacity. */
export const MAX_CAPACITY: number = 1 << 24;
/** The payload bytes per slot when the options say nothing: a slot of 128 bytes. */
export const DEFAULT_MAX_VALUE_BYTES = 120;
/** How long a claimed position may stay unpublished before the receivers presume its producer dead. */
export const DEFAULT_STALL_TIMEOUT_MS = 1000;
/** Largest stall timeout accepted (an Int32 of milliseconds, about 24.8 days). */
export const MAX_STALL_TIMEOUT_MS = 0x7fff_ffff;

/** `dequeue` found nothing to take and the ring is open (or a claimed value is still being written). */
export const EMPTY: unique symbol = Symbol("csp-kit.shared.empty");
/** `dequeue` found the ring closed and drained; `enqueue` found it closed. */
export const CLOSED: unique symbol = Symbol("csp-kit.shared.closed");
/** `dequeue` found the ring broken and drained; `enqueue` found it broken (or its own write was abandoned). */
export const BROKEN: unique symbol = Symbol("csp-kit.shared.broken");
/** `enqueue` found every slot taken. */
export const FULL: unique symbol = Symbol("csp-kit.shared.full");
/** `enqueue` stored the value. */
export const SENT: unique symbol = Symbol("csp-kit.shared.sent");

/**
 * Where the words of the layout are, for tests that build what a terminated
 * thread leaves behind (a claim without its write, a take without its
 * advance) and for diagnostics. Slot `i` starts at byte
 * `HEADER_BYTES + i × slotBytes`; its sequence word holds `4p + state`.
 */
export const LAYOUT: Readonly<{
  HEADER_BYTES: 192;
  W_ENQ: 16;
  W_DEQ: 32;
  W_BROKEN_AT: 6;
  STATE: { FREE: number; WRITING: number; FULL: number; ABANDONED: number };
}> = Object.freeze({
  HEADER_BYTES,
  W_ENQ,
  W_DEQ,
  W_BROKEN_AT,
  STATE: { FREE: 0, WRITING: S_WRITING, FULL: S_FULL, ABANDONED: S_ABANDONED },
});

/** Options of {@link createRingBuffer} beyond the slot shape. */
export interface RingBufferOptions {
  /** Milliseconds a claimed position may stay unpublished before it is recovered; 0 = never. */
  readonly stallTimeoutMs?: number;
  /** For tests only: a smaller position modulus (a multiple of capacity, >= 4 × capacity) to exercise wrap-around. */
  readonly posLimit?: number;
}

/**
 * Allocates and initialises the buffer of a ring.
 *
 * @param capacity - a whole number in [1, MAX_CAPACITY].
 * @param maxValueBytes - payload bytes per slot, a whole number in [8, MAX_VALUE_BYTES_LIMIT]; rounded up to a multiple of 8.
 * @throws {@link InvalidCapacityError} for a capacity or size outside those bounds.
 */
export function createRingBuffer(
  capacity: number,
  maxValueBytes: number,
  options: RingBufferOptions = {},
): SharedArrayBuffer {
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
  const limit = options.posLimit ?? capacity * Math.floor(POS_LIMIT_BOUND / capacity);
  if (limit % capacity !== 0 || limit < 4 * capacity || limit > POS_LIMIT_BOUND) {
    throw new RangeError(`posLimit must be a multiple of the capacity, >= 4 × capacity and <= 2^28 (got ${limit})`);
  }
  const buffer = new SharedArrayBuffer(total);
  const i32 = new Int32Array(buffer);
  i32[W_MAGIC] = MAGIC;
  i32[W_VERSION] = LAYOUT_VERSION;
  i32[W_CAPACITY] = capacity;
  i32[W_SLOT_BYTES] = slotBytes;
  i32[W_POS_LIMIT] = limit;
  i32[W_STALL_MS] = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  // Slot i starts free for position i (seq = 4i); header words start at 0.
  for (let i = 0; i < capacity; i++) i32[(HEADER_BYTES + i * slotBytes) >> 2] = 4 * i;
  return buffer;
}

/** What a buffer's header says about its shape. */
export interface RingShape {
  readonly capacity: number;
  readonly slotBytes: number;
  readonly posLimit: number;
  /** Milliseconds; 0 = never recover. */
  readonly stallTimeoutMs: number;
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
  const stallTimeoutMs = Atomics.load(i32, W_STALL_MS);
  if (buffer.byteLength !== HEADER_BYTES + capacity * slotBytes) {
    throw new InvalidSharedHandleError("handle.buffer's size does not match its header");
  }
  return { capacity, slotBytes, posLimit, stallTimeoutMs };
}

/** Where a broken ring broke: the first abandoned position. */
export interface BrokenAt {
  readonly position: number;
}

// ---------------------------------------------------------------------------
// 2. SharedRing: the lock-free operations
// ---------------------------------------------------------------------------

/**
 * One thread's view of a ring. All shared state lives in the buffer; the
 * mutable fields here are guesses that save an atomic load per operation and
 * this thread's observation of a stall (section 3).
 */
export class SharedRing {
  /** The whole buffer as Int32 words (header words and slot sequence/header words). */
  readonly ctl: Int32Array;
  readonly capacity: number;
  private readonly slotBytes: number;
  /** `capacity - 1` when the capacity is a power of two (slot index by mask), else -1 (by modulo). */
  private readonly mask: number;
  /** Positions count modulo this; sequence numbers modulo four times this. */
  private readonly posLimit: number;
  /** How long a stall may last before it is recovered, in ms; Infinity when the header says 0 (never). */
  readonly stallTimeoutMs: number;
  /**
   * The clock stalls are timed with (milliseconds, monotonic). Tests replace
   * it to time stalls without sleeping; nothing else writes it.
   */
  now: () => number = () => performance.now();
  /**
   * This thread's guess of the `ENQ` word: the word after its last successful
   * claim. Only ever a starting point — the CAS on `ENQ` is authoritative,
   * and a wrong guess costs one retry — so a single producer skips the initial
   * load. Written only by `enqueue` on this thread.
   */
  private enqHint = 0;
  /**
   * The position after this thread's last take, for the next take of the same
   * batch (in the same synchronous call). Not a guess kept across calls: a
   * take is one CAS on the slot, which does not check `DEQ`, so each call
   * starts from `DEQ` itself (a position remembered across calls could be a
   * whole wrap old and name a full slot that is not the oldest).
   */
  private nextPos = 0;
  /**
   * The stall this thread is timing: the position at `DEQ` that it found
   * claimed but unpublished, the exact sequence number it saw there, since
   * when it has watched that (by `now`), and when it last looked. `-1` when it
   * times none. Written only by the receive paths on this thread (section 3).
   */
  private stallPos = -1;
  private stallSeq = -1;
  private stallSince = 0;
  private stallSeen = 0;

  constructor(
    readonly buffer: SharedArrayBuffer,
    shape: RingShape,
    readonly codec: SlotCodec,
  ) {
    this.ctl = new Int32Array(buffer);
    this.capacity = shape.capacity;
    this.slotBytes = shape.slotBytes;
    this.posLimit = shape.posLimit;
    this.stallTimeoutMs = shape.stallTimeoutMs === 0 ? Number.POSITIVE_INFINITY : shape.stallTimeoutMs;
    this.mask = (shape.capacity & (shape.capacity - 1)) === 0 ? shape.capacity - 1 : -1;
  }

  /** Byte offset of the slot of position `pos`. */
  private slotOf(pos: number): number {
    const mask = this.mask;
    return HEADER_BYTES + (mask >= 0 ? pos & mask : pos % this.capacity) * this.slotBytes;
  }

  /** The position after `pos`. */
  private inc(pos: number): number {
    return pos + 1 === this.posLimit ? 0 : pos + 1;
  }

  /** FREE of the position one lap after `pos` (what a taken or revoked slot becomes). */
  private freeAfter(pos: number): number {
    const next = pos + this.capacity;
    return 4 * (next >= this.posLimit ? next - this.posLimit : next);
  }

  /** `seq - expected` normalised into (−2 posLimit, 2 posLimit]: 0 means "as expected", < 0 "not yet", > 0 "already past". */
  private diff(seq: number, expected: number): number {
    const d = seq - expected;
    const half = 2 * this.posLimit;
    if (d > half) return d - 2 * half;
    if (d <= -half) return d + 2 * half;
    return d;
  }

  /** `b - a` for positions, normalised into (−posLimit/2, posLimit/2]. */
  private posDiff(a: number, b: number): number {
    const d = b - a;
    const limit = this.posLimit;
    if (d > limit / 2) return d - limit;
    if (d <= -limit / 2) return d + limit;
    return d;
  }

  /**
   * Claims the next position and copies the prepared value `p` into it.
   * Returns SENT, FULL (every slot taken; nothing happened), CLOSED (nothing
   * happened) or BROKEN (the ring is broken; nothing happened — or this very
   * write stalled past the timeout and was abandoned: then the value was not
   * delivered either). Precondition: `p` came from `codec.prepare`.
   *
   * A FULL answer is given only when `ENQ` did not move while we looked, so it
   * is never a stale view; it may still be transient (a consumer has copied
   * the oldest value but not yet taken it) — a sender that waits marks that
   * slot, so the taking consumer wakes it.
   */
  enqueue(p: unknown): typeof SENT | typeof FULL | typeof CLOSED | typeof BROKEN {
    const ctl = this.ctl;
    const codec = this.codec;
    let header = -1;
    let word = this.enqHint;
    claim: for (;;) {
      // The stop bits are never cleared, so even a guessed word that carries one is the truth.
      if ((word & STOP_BITS) !== 0) return (word & BROKEN_BIT) !== 0 ? BROKEN : CLOSED;
      const base = this.slotOf(word);
      const at = base >> 2;
      let sw = Atomics.load(ctl, at);
      const free = 4 * word;
      const d = sw === free ? 0 : this.diff(sw & SEQ_MASK, free);
      if (d < 0) {
        const fresh = Atomics.load(ctl, W_ENQ);
        if (fresh === word) return FULL;
        word = fresh;
        continue;
      }
      if (d > 0) {
        word = Atomics.load(ctl, W_ENQ);
        continue;
      }
      // Everything that loops or calls over the value happens here, before the claim.
      if (header < 0) header = codec.stage(p);
      const next = this.inc(word);
      const seen = Atomics.compareExchange(ctl, W_ENQ, word, next);
      if (seen !== word) {
        word = seen;
        continue;
      }
      this.enqHint = next;
      // Claimed. Begin writing, unless a receiver revoked the claim meanwhile (section 3):
      // then claim another position (nothing was written, nothing is lost).
      for (;;) {
        const r = Atomics.compareExchange(ctl, at, sw, sw + S_WRITING);
        if (r === sw) break;
        if ((r & SEQ_MASK) !== free) {
          word = Atomics.load(ctl, W_ENQ);
          continue claim;
        }
        sw = r; // a wait bit changed; the slot is still ours
      }
      // WRITING: from here to the publish, no call of ours and no loop (see "The failure model").
      const off = base + SLOT_HEADER_BYTES;
      if (header === NUMBER_HEADER) codec.f64[off >> 3] = codec.stagedNumber;
      else if (codec.stagedBytes !== undefined) codec.u8.set(codec.stagedBytes, off);
      else if (codec.stagedUnits !== undefined) codec.u16.set(codec.stagedUnits, off >> 1);
      ctl[at + 1] = header;
      // Publish: WRITING(word) -> FULL(word), clearing the wait bits (reported below). The bits can
      // change under us at most twice (each is set once, and only the publish clears them), so
      // three attempts, written out, always suffice unless the write was abandoned.
      const writing = free + S_WRITING;
      const full = free + S_FULL;
      let old = sw + S_WRITING;
      let r = Atomics.compareExchange(ctl, at, old, full);
      if (r !== old) {
        if ((r & SEQ_MASK) !== writing) return BROKEN;
        old = r;
        r = Atomics.compareExchange(ctl, at, old, full);
        if (r !== old) {
          if ((r & SEQ_MASK) !== writing) return BROKEN;
          old = r;
          r = Atomics.compareExchange(ctl, at, old, full);
          if (r !== old) return this.publishSlow(at, writing, full);
        }
      }
      if ((old & WAIT_BITS) !== 0) this.wakeFor(old, 1);
      return SENT;
    }
  }

  /** The publish after three lost CASes (cannot happen, see `enqueue`): loops until it lands or finds the write abandoned. */
  private publishSlow(at: number, writing: number, full: number): typeof SENT | typeof BROKEN {
    for (;;) {
      const old = Atomics.load(this.ctl, at);
      if ((old & SEQ_MASK) !== writing) return BROKEN;
      if (Atomics.compareExchange(this.ctl, at, old, full) === old) {
        if ((old & WAIT_BITS) !== 0) this.wakeFor(old, 1);
        return SENT;
      }
    }
  }

  /**
   * Takes the oldest value (a {@link Serialized} still to be finished by
   * `codec.finish` for non-fast-path values). Returns the value, EMPTY
   * (nothing to take now), CLOSED (closed and drained) or BROKEN (broken and
   * drained).
   *
   * EMPTY also covers "a producer claimed the next position but has not
   * published it": that producer publishes shortly (and wakes a receiver that
   * marked the slot), or — if it was terminated — this thread recovers the
   * position once it has seen it stalled for `stallTimeout` (section 3); so
   * the caller waits (at most `stallTimeout` at a time) rather than
   * reporting CLOSED early. CLOSED / BROKEN are answered only when `DEQ`
   * equals the stopped `ENQ`'s position: then no value can ever arrive again.
   */
  dequeue(): unknown {
    const ctl = this.ctl;
    let pos = Atomics.load(ctl, W_DEQ);
    for (;;) {
      const base = this.slotOf(pos);
      const at = base >> 2;
      let word = Atomics.load(ctl, at);
      const full = 4 * pos + S_FULL;
      const d = (word & SEQ_MASK) === full ? 0 : this.diff(word & SEQ_MASK, full);
      if (d === 0) {
        // Copy the value out first: a full slot does not change until someone takes it.
        const raw = this.codec.read(base);
        const free = this.freeAfter(pos);
        for (;;) {
          const r = Atomics.compareExchange(ctl, at, word, free);
          if (r === word) {
            this.taken(pos, word);
            return raw;
          }
          if ((r & SEQ_MASK) !== full) break; // someone else took it
          word = r; // a wait bit changed
        }
        continue;
      }
      if (d > 0) {
        pos = this.helpPast(pos);
        continue;
      }
      // Not full yet for pos: free (unclaimed or claimed-not-begun) or being written.
      const fresh = Atomics.load(ctl, W_DEQ);
      if (fresh !== pos) {
        pos = fresh;
        continue;
      }
      const enq = Atomics.load(ctl, W_ENQ);
      if ((enq & POS_MASK) === pos) {
        this.stallPos = -1;
        if ((enq & BROKEN_BIT) !== 0) return BROKEN;
        return (enq & CLOSED_BIT) !== 0 ? CLOSED : EMPTY;
      }
      if (!this.recoverIfStalled(pos, word)) return EMPTY;
    }
  }

  /**
   * Takes up to `max` values, oldest first, and appends them to `out`,
   * decoded (`codec.finish`). Returns how many it took (>= 1), or EMPTY /
   * CLOSED / BROKEN exactly as `dequeue` would. Precondition: `max >= 1`.
   * Stops at the first position that is not full yet, so it never waits for
   * a value still being written.
   *
   * Each value is copied and decoded before it is taken (a copy whose take
   * fails is thrown away), so a value that does not decode is never taken as
   * part of a batch: the batch ends before it. If the *first* value does not
   * decode, it is taken alone and the decoder's error thrown when
   * `claimFailing` (the receive that takes it fails, as `dequeue` + `finish`
   * would); otherwise EMPTY is returned and nothing is taken (for the rest of
   * a batch whose first value was already taken).
   *
   * @throws the decoder's error, for an undecodable first value with `claimFailing`.
   */
  dequeueMany(
    max: number,
    out: unknown[],
    claimFailing: boolean,
  ): number | typeof EMPTY | typeof CLOSED | typeof BROKEN {
    const room = Math.min(max, this.capacity);
    // The first value: through `dequeue` (which also helps, times stalls and answers CLOSED/BROKEN),
    // or, for the rest of a batch, only if it is full and decodes.
    if (claimFailing) {
      const raw = this.dequeue();
      if (raw === EMPTY || raw === CLOSED || raw === BROKEN) return raw;
      out.push(this.codec.finish(raw));
    } else {
      const first = this.takeDecoded(Atomics.load(this.ctl, W_DEQ));
      if (first === EMPTY) return EMPTY;
      out.push(first.value);
    }
    let k = 1;
    for (; k < room; k++) {
      const next = this.takeDecoded(this.nextPos);
      if (next === EMPTY) break;
      out.push(next.value);
    }
    return k;
  }

  /**
   * Takes the value at `from` (`DEQ`, or the position after this call's
   * previous take) if it is full and decodes, decoding it before the take;
   * EMPTY (taking nothing) when the slot is not full or the value does not
   * decode. No stall handling: for the greedy part of a batch.
   */
  private takeDecoded(from: number): { value: unknown } | typeof EMPTY {
    const ctl = this.ctl;
    let pos = from;
    for (;;) {
      const base = this.slotOf(pos);
      const at = base >> 2;
      let word = Atomics.load(ctl, at);
      const full = 4 * pos + S_FULL;
      const d = (word & SEQ_MASK) === full ? 0 : this.diff(word & SEQ_MASK, full);
      if (d > 0) {
        pos = this.helpPast(pos);
        continue;
      }
      if (d < 0) {
        const fresh = Atomics.load(ctl, W_DEQ);
        if (fresh === pos) return EMPTY;
        pos = fresh;
        continue;
      }
      let value: unknown;
      try {
        value = this.codec.finish(this.codec.read(base));
      } catch {
        // Undecodable (or a torn copy of a slot taken meanwhile): take nothing; look again only if it moved.
        if ((Atomics.load(ctl, at) & SEQ_MASK) === full) return EMPTY;
        continue;
      }
      const free = this.freeAfter(pos);
      for (;;) {
        const r = Atomics.compareExchange(ctl, at, word, free);
        if (r === word) {
          this.taken(pos, word);
          return { value };
        }
        if ((r & SEQ_MASK) !== full) break;
        word = r;
      }
    }
  }

  /** This thread took `pos` (its take-CAS returned `word`): bookkeeping after the one CAS that mattered. */
  private taken(pos: number, word: number): void {
    const next = this.inc(pos);
    this.nextPos = next;
    this.stallPos = -1;
    this.advanceDeq(next);
    if ((word & WAIT_BITS) !== 0) this.wakeFor(word, 1);
  }

  /**
   * The slot of `pos` has moved past it (taken, revoked or abandoned):
   * makes sure `DEQ` is past it too, and returns the position to look at
   * next. Precondition: `pos` is `DEQ` or behind it (every position a receive
   * looks at is; only positions past `DEQ` are ever skipped).
   */
  private helpPast(pos: number): number {
    const ctl = this.ctl;
    const next = this.inc(pos);
    const seen = Atomics.compareExchange(ctl, W_DEQ, pos, next);
    return seen === pos ? next : seen;
  }

  /**
   * Moves `DEQ` forward to `to` unless it is there or beyond already.
   * Precondition: every position before `to` was taken, revoked or abandoned.
   * `DEQ` is behind `to` only by positions whose takes are still to advance
   * it — at most a few, far fewer than a capacity's worth; a farther `DEQ` is
   * ahead (it moved on by a whole lap meanwhile) and is left alone.
   */
  private advanceDeq(to: number): void {
    const ctl = this.ctl;
    const bound = 2 * this.capacity;
    let d = Atomics.load(ctl, W_DEQ);
    for (;;) {
      const behind = this.posDiff(d, to);
      if (behind <= 0 || behind > bound) return;
      const seen = Atomics.compareExchange(ctl, W_DEQ, d, to);
      if (seen === d) return;
      d = seen;
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
    this.wakeAll();
    return true;
  }

  /** Whether the close bit is set (by any thread). */
  get closed(): boolean {
    return (Atomics.load(this.ctl, W_ENQ) & CLOSED_BIT) !== 0;
  }

  /** Where the ring broke, or `undefined` while it is healthy (section 3). */
  get brokenAt(): BrokenAt | undefined {
    const at = Atomics.load(this.ctl, W_BROKEN_AT);
    return at === 0 ? undefined : { position: at - 1 };
  }

  /**
   * Values sent and not yet received, as of a moment during the call (other
   * threads keep moving); always within [0, capacity]. Counts claimed
   * positions, so a value being written or read right now is included.
   */
  get length(): number {
    const deq = Atomics.load(this.ctl, W_DEQ);
    const enq = Atomics.load(this.ctl, W_ENQ) & POS_MASK;
    let n = enq - deq;
    if (n < 0) n += this.posLimit;
    return Math.min(n, this.capacity);
  }

  // -------------------------------------------------------------------------
  // 3. Stalls (see "The failure model" at the top)
  // -------------------------------------------------------------------------

  /**
   * The slot of `pos` (`DEQ`) holds `word`, not full, although `ENQ` passed
   * `pos`: its producer has not published. Times the stall; once this thread
   * has seen exactly this state for `stallTimeout`, recovers it — a claim not
   * begun is revoked (the position skipped), a write in progress is abandoned
   * and the ring broken. Returns `true` when the caller should look again
   * (recovered, or the slot changed under the recovery CAS), `false` to
   * answer EMPTY.
   */
  private recoverIfStalled(pos: number, word: number): boolean {
    const seq = word & SEQ_MASK;
    const now = this.now();
    // Only time a stall this thread watched without a long gap of its own: a gap (this thread
    // was stopped, say by SIGSTOP, and the producer with it) restarts the watch, so a producer
    // that had no chance to run is never presumed dead. Waits are bounded by stallTimeout, so a
    // thread that waits at the stall looks at least that often.
    const gap = now - this.stallSeen;
    this.stallSeen = now;
    if (this.stallPos !== pos || this.stallSeq !== seq || gap > 2 * this.stallTimeoutMs) {
      this.stallPos = pos;
      this.stallSeq = seq;
      this.stallSince = now;
      return false;
    }
    if (now - this.stallSince < this.stallTimeoutMs) return false;
    this.stallPos = -1;
    const at = this.slotOf(pos) >> 2;
    const ctl = this.ctl;
    if ((seq & 3) === S_WRITING) {
      if (Atomics.compareExchange(ctl, at, word, seq - S_WRITING + S_ABANDONED) !== word) return true;
      this.breakAt(pos);
    } else {
      if (Atomics.compareExchange(ctl, at, word, this.freeAfter(pos)) !== word) return true;
    }
    if ((word & WAIT_BITS) !== 0) this.wakeFor(word, 1);
    this.helpPast(pos);
    return true;
  }

  /** A write at `pos` was abandoned: records where, sets the broken bit and wakes everyone. */
  private breakAt(pos: number): void {
    const ctl = this.ctl;
    Atomics.compareExchange(ctl, W_BROKEN_AT, 0, pos + 1);
    const old = Atomics.or(ctl, W_ENQ, BROKEN_BIT);
    if ((old & BROKEN_BIT) === 0) this.wakeAll();
  }

  // -------------------------------------------------------------------------
  // 4. Waiting (see "Waiting without lost wake-ups" at the top)
  // -------------------------------------------------------------------------

  /** Bumps both futex words and wakes every waiter (close, break). */
  private wakeAll(): void {
    this.wake(W_DATA_SEQ, W_DATA_WOKEN, Number.POSITIVE_INFINITY);
    this.wake(W_ROOM_SEQ, W_ROOM_WOKEN, Number.POSITIVE_INFINITY);
  }

  /**
   * A transition's old sequence word carried wait bits (`bits`): runs the wake
   * protocol for each side marked. `count` is how many slots the transition
   * passed on.
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
      const word = Atomics.load(ctl, at);
      const d = this.diff(word & SEQ_MASK, 4 * pos + S_FULL);
      if (d === 0) return false;
      if (d > 0) {
        // Taken, revoked or abandoned, and DEQ not yet past it: help, then look again.
        this.helpPast(pos);
        continue;
      }
      if ((word & DATA_WAIT) !== 0 || Atomics.compareExchange(ctl, at, word, word | DATA_WAIT) === word) return true;
    }
  }

  /**
   * Step (3b) for a sender: marks the slot of `ENQ` so that the transition
   * freeing it wakes a sender. Returns `true` when the mark is in place,
   * `false` when that slot is free already or the ring is closed or broken
   * (retry instead). Precondition: registered, and a retry after registering
   * found the ring full.
   */
  armRoom(): boolean {
    const ctl = this.ctl;
    for (;;) {
      const word = Atomics.load(ctl, W_ENQ);
      if ((word & STOP_BITS) !== 0) return false;
      const at = this.slotOf(word) >> 2;
      const seq = Atomics.load(ctl, at);
      const d = this.diff(seq & SEQ_MASK, 4 * word);
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
   * and at most `stallTimeout`, acknowledges a wake-up and returns how the
   * wait ended. A `"timed-out"` wait consumed no wake-up, like `"not-equal"`.
   * Worker threads only.
   */
  waitForDataSync(key: number, timeoutMs: number): string {
    const result = Atomics.wait(this.ctl, W_DATA_SEQ, key, Math.min(timeoutMs, this.stallTimeoutMs));
    this.ackDataWake(result);
    return result;
  }

  /** Step (4), blocking, for a sender: sleeps while `ROOM_SEQ === key`; as {@link SharedRing.waitForDataSync}. */
  waitForRoomSync(key: number, timeoutMs: number): string {
    const result = Atomics.wait(this.ctl, W_ROOM_SEQ, key, Math.min(timeoutMs, this.stallTimeoutMs));
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
   * Step (4), without blocking, bounded by `stallTimeout`: the outcome now (a
   * string) when `DATA_SEQ` already differs from `key`, else a promise of it.
   * The caller must pass the outcome to {@link SharedRing.ackDataWake}.
   */
  waitForData(key: number): Promise<string> | string {
    return waitAsync(this.ctl, W_DATA_SEQ, key, this.stallTimeoutMs);
  }

  /** The sender-side counterpart of {@link SharedRing.waitForData}; pass the outcome to {@link SharedRing.ackRoomWake}. */
  waitForRoom(key: number): Promise<string> | string {
    return waitAsync(this.ctl, W_ROOM_SEQ, key, this.stallTimeoutMs);
  }

  // -------------------------------------------------------------------------
  // 5. Tests and diagnostics
  // -------------------------------------------------------------------------

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
   * violation. For tests; precondition: no operation is in flight on any
   * thread, and none was cut short by a terminated thread.
   */
  assertInvariants(): void {
    const fail = (what: string) => {
      throw new Error(`shared ring invariant violated: ${what}`);
    };
    const ctl = this.ctl;
    const enqWord = Atomics.load(ctl, W_ENQ);
    const enq = enqWord & POS_MASK;
    const deq = Atomics.load(ctl, W_DEQ);
    let n = enq - deq;
    if (n < 0) n += this.posLimit;
    if (n > this.capacity) fail(`${n} claimed positions exceed capacity ${this.capacity}`);
    if (enq >= this.posLimit || deq >= this.posLimit) fail("a position is beyond posLimit");
    if (((enqWord & BROKEN_BIT) !== 0) !== (Atomics.load(ctl, W_BROKEN_AT) !== 0))
      fail("the broken bit and BROKEN_AT disagree");
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
      // Positions [DEQ, ENQ) are claimed (FREE: not begun, WRITING, FULL or ABANDONED); the rest of
      // the slots are free for their next position. Seen from one thread with no operation in
      // flight only FULL and ABANDONED can occur, but other threads may be mid-operation.
      if (k < n) {
        if (seq - 4 * pos < 0 || seq - 4 * pos > S_ABANDONED) fail(`slot of claimed position ${pos} has seq ${seq}`);
      } else if (seq !== 4 * pos) {
        fail(`slot of free position ${pos} has seq ${seq}, expected ${4 * pos}`);
      }
      // A mark outlives no transition: receivers mark only the slot of DEQ while it is not full,
      // senders only the slot of ENQ while it is not free (with no operation in flight).
      if ((word & DATA_WAIT) !== 0 && (k !== 0 || seq === 4 * pos + S_FULL))
        fail(`slot of position ${pos} carries DATA_WAIT but is not the empty slot of DEQ`);
      if ((word & ROOM_WAIT) !== 0 && (k !== 0 || n !== this.capacity))
        fail(`slot of position ${pos} carries ROOM_WAIT but the ring is not full at it`);
    }
  }
}
