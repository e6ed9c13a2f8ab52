/**
 * The idempotent-producer state of one partition, and the checks Kafka makes
 * against it before an idempotent batch is appended (KAFKA.md §3, after
 * Kafka's `ProducerAppendInfo` and `UnifiedLog.analyzeAndValidateProducerState`).
 *
 * Per producer id: its current epoch, the last sequence appended, and the
 * metadata of its last five batches of that epoch (first and last sequence,
 * base and last offset, max timestamp), so that a retried batch is recognised
 * and answered with the offset it got the first time.
 *
 * The checks, in Kafka's order, for each batch with a producer id >= 0:
 *   1. same epoch and [baseSeq, lastSeq] equal to a cached batch → duplicate:
 *      the whole append is answered with that batch's original base offset;
 *   2. epoch older than the producer's → INVALID_PRODUCER_EPOCH (47);
 *   3. a newer epoch and baseSeq != 0 → OUT_OF_ORDER_SEQUENCE_NUMBER (45);
 *   4. same epoch and baseSeq != lastSeq + 1 (wrapping at INT32_MAX) → 45;
 *   5. a producer with no state on this partition: any sequence is accepted;
 *   ok: the batch may be appended.
 * Batches with producer id -1 (any negative id) are never checked. Several
 * batches of one append are checked in order, each against the state the
 * earlier ones would leave (an overlay, committed only after the append); the
 * duplicate check looks at the committed state only, as Kafka's does.
 *
 * Durability: nothing here is written to disk. A durable log rebuilds this
 * table on open by replaying the batch headers it holds ({@link
 * ProducerStateTable.record} for each, oldest first) — the simplest correct
 * way: the table is a function of the batches present, so a restart cannot
 * disagree with the run before it. For the same reason, when whole segments
 * are deleted, {@link ProducerStateTable.forgetBelow} drops the cached
 * batches they held, and producers left with none become unknown (rule 5).
 *
 * Invariants (over `#entries`):
 * - every entry holds 1..5 batches, oldest first, all of the entry's epoch
 *   (an epoch change clears the cache before the new batch is added);
 * - `entry.lastSeq` is the last cached batch's `lastSeq`;
 * - cached base offsets increase strictly; keys are ids >= 0.
 */

import { LogErrorCode } from "./error-codes.js";

/** How many batches per producer Kafka remembers (`NUM_BATCHES_TO_RETAIN`); why clients cap in-flight at 5. */
export const BATCHES_PER_PRODUCER = 5;
/** The largest sequence number; the one after it is 0. */
export const MAX_SEQUENCE = 2_147_483_647;

/** What the checks need of a batch: a subset of its header. */
export interface IdempotentBatch {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly lastOffsetDelta: number;
  readonly maxTimestamp: number;
}

/** What is remembered of one appended batch of a producer. */
export interface ProducerBatchMetadata {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly maxTimestamp: number;
}

/** A read-only copy of one producer's state on this partition. */
export interface ProducerSnapshot {
  readonly producerId: bigint;
  readonly epoch: number;
  readonly lastSeq: number;
  /** Oldest first, at most {@link BATCHES_PER_PRODUCER}. */
  readonly batches: readonly ProducerBatchMetadata[];
}

/** The verdict on the idempotent batches of one append. */
export type ProducerCheck =
  | { readonly kind: "ok" }
  /** Batch `batch` of the append was appended before: answer with `baseOffset`, append nothing. */
  | { readonly kind: "duplicate"; readonly batch: number; readonly baseOffset: number; readonly lastOffset: number }
  /** Batch `batch` fails rule 2, 3 or 4: answer with `errorCode`, append nothing. */
  | {
      readonly kind: "rejected";
      readonly batch: number;
      readonly errorCode: typeof LogErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER | typeof LogErrorCode.INVALID_PRODUCER_EPOCH;
      readonly message: string;
    };

const OK: ProducerCheck = { kind: "ok" };

/** The last sequence of a batch: `baseSequence + lastOffsetDelta`, wrapping past {@link MAX_SEQUENCE} to 0. */
export function lastSequenceOf(baseSequence: number, lastOffsetDelta: number): number {
  return baseSequence > MAX_SEQUENCE - lastOffsetDelta
    ? lastOffsetDelta - (MAX_SEQUENCE - baseSequence) - 1
    : baseSequence + lastOffsetDelta;
}

/** Whether `next` is the sequence right after `last` (Kafka's `inSequence`). */
export function inSequence(last: number, next: number): boolean {
  return next === last + 1 || (next === 0 && last === MAX_SEQUENCE);
}

/** One producer's mutable state. Written only by `record` and `forgetBelow`. */
interface Entry {
  epoch: number;
  lastSeq: number;
  /** Oldest first; replaced (not cleared in place) on an epoch change so snapshots stay intact. */
  batches: ProducerBatchMetadata[];
}

/** The producer state of one partition. */
export class ProducerStateTable {
  /** Producer id → state; an id is present iff it has at least one cached batch. */
  readonly #entries = new Map<bigint, Entry>();

  /** How many producers have state here. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Checks the batches of one append, in order (rules 1-5 above); changes
   * nothing. Batches with a negative producer id pass unchecked.
   *
   * Precondition: each batch with a producer id >= 0 has `baseSequence >= 0`
   * (the batch parser answers INVALID_RECORD otherwise).
   */
  check(batches: readonly IdempotentBatch[]): ProducerCheck {
    // The overlay: what batches earlier in this append would leave, per producer.
    let overlay: Map<bigint, { epoch: number; lastSeq: number }> | undefined;
    for (let i = 0; i < batches.length; i++) {
      const b = batches[i]!;
      if (b.producerId < 0n) continue;
      const committed = this.#entries.get(b.producerId);
      const lastSeq = lastSequenceOf(b.baseSequence, b.lastOffsetDelta);
      // Rule 1: a retry of a cached batch (committed state only).
      if (committed !== undefined && committed.epoch === b.producerEpoch) {
        for (const m of committed.batches) {
          if (m.firstSeq === b.baseSequence && m.lastSeq === lastSeq)
            return { kind: "duplicate", batch: i, baseOffset: m.baseOffset, lastOffset: m.lastOffset };
        }
      }
      const current = overlay?.get(b.producerId) ?? committed;
      if (current !== undefined) {
        const pid = `producer ${b.producerId}`;
        // Rule 2: a fenced (older) epoch.
        if (b.producerEpoch < current.epoch)
          return {
            kind: "rejected",
            batch: i,
            errorCode: LogErrorCode.INVALID_PRODUCER_EPOCH,
            message: `${pid}: epoch ${b.producerEpoch} is older than its current epoch ${current.epoch}`,
          };
        if (b.producerEpoch !== current.epoch) {
          // Rule 3: a new epoch starts at sequence 0.
          if (b.baseSequence !== 0)
            return {
              kind: "rejected",
              batch: i,
              errorCode: LogErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
              message: `${pid}: new epoch ${b.producerEpoch} must start at sequence 0, not ${b.baseSequence}`,
            };
        } else if (committed !== undefined && !inSequence(current.lastSeq, b.baseSequence)) {
          // Rule 4: a gap, or an old batch that is no longer cached. (Rule 5:
          // while the producer has no committed state, Kafka accepts any
          // sequence, even for later batches of the same append.)
          return {
            kind: "rejected",
            batch: i,
            errorCode: LogErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
            message: `${pid} epoch ${b.producerEpoch}: sequence ${b.baseSequence} does not follow ${current.lastSeq}`,
          };
        }
      }
      overlay ??= new Map();
      overlay.set(b.producerId, { epoch: b.producerEpoch, lastSeq });
    }
    return OK;
  }

  /**
   * Records an appended batch at `baseOffset` (after `check` said ok, or when
   * replaying a log's batches on open: no checks). A negative producer id is
   * ignored. Precondition: `baseOffset` is above every offset recorded so far.
   */
  record(batch: IdempotentBatch, baseOffset: number): void {
    if (batch.producerId < 0n) return;
    let entry = this.#entries.get(batch.producerId);
    if (entry === undefined) {
      entry = { epoch: batch.producerEpoch, lastSeq: -1, batches: [] };
      this.#entries.set(batch.producerId, entry);
    } else if (entry.epoch !== batch.producerEpoch) {
      entry.epoch = batch.producerEpoch;
      entry.batches = [];
    }
    const lastSeq = lastSequenceOf(batch.baseSequence, batch.lastOffsetDelta);
    entry.lastSeq = lastSeq;
    entry.batches.push({
      firstSeq: batch.baseSequence,
      lastSeq,
      baseOffset,
      lastOffset: baseOffset + batch.lastOffsetDelta,
      maxTimestamp: batch.maxTimestamp,
    });
    if (entry.batches.length > BATCHES_PER_PRODUCER) entry.batches.shift();
  }

  /**
   * Forgets the cached batches whose base offset is below `offset` (their
   * segments were deleted); a producer left with none has no state any more.
   */
  forgetBelow(offset: number): void {
    for (const [id, entry] of this.#entries) {
      if (entry.batches[0]!.baseOffset >= offset) continue;
      const kept = entry.batches.filter((m) => m.baseOffset >= offset);
      if (kept.length === 0) this.#entries.delete(id);
      else entry.batches = kept;
    }
  }

  /** A copy of one producer's state, or `undefined` if it has none here. */
  get(producerId: bigint): ProducerSnapshot | undefined {
    const entry = this.#entries.get(producerId);
    return entry === undefined ? undefined : snapshot(producerId, entry);
  }

  /** Copies of every producer's state, by ascending producer id. */
  snapshots(): ProducerSnapshot[] {
    return [...this.#entries]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([id, entry]) => snapshot(id, entry));
  }

  /** Throws if an invariant of the file header does not hold. For tests. */
  assertInvariants(): void {
    for (const [id, entry] of this.#entries) {
      const n = entry.batches.length;
      if (id < 0n) throw new Error(`producer state: negative id ${id} has an entry`);
      if (n < 1 || n > BATCHES_PER_PRODUCER) throw new Error(`producer state: ${id} caches ${n} batches`);
      if (entry.lastSeq !== entry.batches[n - 1]!.lastSeq)
        throw new Error(`producer state: ${id} lastSeq ${entry.lastSeq} is not its last batch's`);
      for (let i = 1; i < n; i++) {
        if (entry.batches[i]!.baseOffset <= entry.batches[i - 1]!.baseOffset)
          throw new Error(`producer state: ${id} cached batches out of offset order`);
      }
    }
  }
}

function snapshot(producerId: bigint, entry: Entry): ProducerSnapshot {
  return { producerId, epoch: entry.epoch, lastSeq: entry.lastSeq, batches: entry.batches.slice() };
}
