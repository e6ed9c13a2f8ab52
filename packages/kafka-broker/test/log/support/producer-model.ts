/**
 * A reference model of KAFKA.md §3's table, written as the table reads:
 * sequences as numbers modulo 2^31, each row a predicate tried in order.
 * Deliberately not the implementation's shape (no overlay class, no wrap
 * helper): per append, a scratch copy of the state is updated batch by batch.
 */

import fc from "fast-check";
import { MAX_SEQUENCE } from "../../../src/internal/log/producer-state.js";

export interface ModelBatch {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly lastOffsetDelta: number;
  readonly maxTimestamp: number;
}

export interface ModelCached {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly maxTimestamp: number;
}

export interface ModelProducer {
  epoch: number;
  lastSeq: number;
  cached: ModelCached[];
}

export type ModelVerdict =
  | { readonly kind: "ok" }
  | { readonly kind: "duplicate"; readonly baseOffset: number; readonly lastOffset: number }
  | { readonly kind: "rejected"; readonly errorCode: 45 | 47 };

const SEQ_SPACE = 2 ** 31;

export function modelLastSeq(b: ModelBatch): number {
  return (b.baseSequence + b.lastOffsetDelta) % SEQ_SPACE;
}

export class ProducerModel {
  producers: Map<bigint, ModelProducer> = new Map<bigint, ModelProducer>();

  check(batches: readonly ModelBatch[]): ModelVerdict {
    const scratch = new Map<bigint, { epoch: number; lastSeq: number }>();
    for (const b of batches) {
      if (b.producerId === -1n || b.producerId < 0n) continue; // producer id -1: no check
      const committed = this.producers.get(b.producerId);
      const known = scratch.get(b.producerId) ?? committed;
      const last = modelLastSeq(b);
      // Row 1: same epoch, exact range of a cached batch.
      const dup =
        committed?.epoch === b.producerEpoch &&
        committed.cached.find((c) => c.firstSeq === b.baseSequence && c.lastSeq === last);
      if (dup) return { kind: "duplicate", baseOffset: dup.baseOffset, lastOffset: dup.lastOffset };
      if (known !== undefined) {
        // Row 2: older epoch.
        if (b.producerEpoch < known.epoch) return { kind: "rejected", errorCode: 47 };
        // Row 3: newer epoch not starting at 0.
        if (b.producerEpoch > known.epoch && b.baseSequence !== 0) return { kind: "rejected", errorCode: 45 };
        // Row 4: same epoch, not the next sequence (only for a producer with committed state; row 5 otherwise).
        if (
          b.producerEpoch === known.epoch &&
          committed !== undefined &&
          b.baseSequence !== (known.lastSeq + 1) % SEQ_SPACE
        )
          return { kind: "rejected", errorCode: 45 };
      }
      scratch.set(b.producerId, { epoch: b.producerEpoch, lastSeq: last });
    }
    return { kind: "ok" };
  }

  commit(b: ModelBatch, baseOffset: number): void {
    if (b.producerId < 0n) return;
    const p = this.producers.get(b.producerId) ?? { epoch: b.producerEpoch, lastSeq: -1, cached: [] };
    if (p.epoch !== b.producerEpoch) p.cached = [];
    p.epoch = b.producerEpoch;
    p.lastSeq = modelLastSeq(b);
    p.cached = [
      ...p.cached,
      {
        firstSeq: b.baseSequence,
        lastSeq: p.lastSeq,
        baseOffset,
        lastOffset: baseOffset + b.lastOffsetDelta,
        maxTimestamp: b.maxTimestamp,
      },
    ].slice(-5);
    this.producers.set(b.producerId, p);
  }

  forgetBelow(offset: number): void {
    for (const [id, p] of [...this.producers]) {
      p.cached = p.cached.filter((c) => c.baseOffset >= offset);
      if (p.cached.length === 0) this.producers.delete(id);
    }
  }

  /** The state as the implementation's `snapshots()` reports it. */
  snapshots(): { producerId: bigint; epoch: number; lastSeq: number; batches: ModelCached[] }[] {
    return [...this.producers]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([producerId, p]) => ({ producerId, epoch: p.epoch, lastSeq: p.lastSeq, batches: p.cached }));
  }
}

export type SeqKind = "next" | "cached" | "gap" | "zero" | "random" | "wrap";

export interface Intent {
  readonly pid: 0 | 1 | 2;
  readonly epochStep: -1 | 0 | 1;
  readonly seq: SeqKind;
  readonly records: number;
  readonly pick: number;
}

/** A batch to be, described relative to the model state it will meet. */
export const intent: fc.Arbitrary<Intent> = fc.record({
  pid: fc.constantFrom<0 | 1 | 2>(0, 1, 1, 2, 2),
  epochStep: fc.constantFrom<-1 | 0 | 1>(0, 0, 0, 1, -1, -1),
  seq: fc.constantFrom<SeqKind>("next", "next", "next", "cached", "cached", "gap", "zero", "random", "wrap"),
  records: fc.integer({ min: 1, max: 4 }),
  pick: fc.nat(),
});

/** Intent pid 0, 1, 2: not idempotent, and two producers. */
export const PIDS: bigint[] = [-1n, 10n, 11n];

/** Turns an intent into a batch, relative to the model's state (and to earlier batches of the same append). */
export function resolveIntent(
  model: ProducerModel,
  it: Intent,
  pending: Map<bigint, { epoch: number; next: number }>,
): ModelBatch {
  const producerId = PIDS[it.pid]!;
  const known = model.producers.get(producerId);
  const state =
    pending.get(producerId) ??
    (known ? { epoch: known.epoch, next: (known.lastSeq + 1) % 2 ** 31 } : { epoch: 0, next: 0 });
  const producerEpoch = Math.max(0, state.epoch + it.epochStep);
  let baseSequence: number;
  let records = it.records;
  switch (it.seq) {
    case "next":
      baseSequence = producerEpoch > state.epoch ? 0 : state.next;
      break;
    case "cached": {
      const cached = known?.cached ?? [];
      const c = cached[it.pick % Math.max(1, cached.length)];
      baseSequence = c?.firstSeq ?? state.next;
      if (c !== undefined) records = ((c.lastSeq - c.firstSeq + 2 ** 31) % 2 ** 31) + 1;
      break;
    }
    case "gap":
      baseSequence = (state.next + 1 + (it.pick % 3)) % 2 ** 31;
      break;
    case "zero":
      baseSequence = 0;
      break;
    case "random":
      baseSequence = it.pick % 40;
      break;
    case "wrap":
      baseSequence = MAX_SEQUENCE - (it.pick % 4);
      break;
  }
  const batch = { producerId, producerEpoch, baseSequence, lastOffsetDelta: records - 1, maxTimestamp: it.pick % 1000 };
  pending.set(producerId, { epoch: producerEpoch, next: (baseSequence + records) % 2 ** 31 });
  return batch;
}
