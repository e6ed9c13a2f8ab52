/**
 * A reference model of KAFKA.md §3's table, written as the table reads:
 * sequences as numbers modulo 2^31, each row a predicate tried in order.
 * Deliberately not the implementation's shape (no overlay class, no wrap
 * helper): per append, a scratch copy of the state is updated batch by batch.
 */

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
  producers = new Map<bigint, ModelProducer>();

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
