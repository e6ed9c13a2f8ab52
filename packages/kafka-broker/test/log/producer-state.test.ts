import { describe, expect, it } from "vitest";
import {
  type IdempotentBatch,
  inSequence,
  lastSequenceOf,
  MAX_SEQUENCE,
  ProducerStateTable,
} from "../../src/internal/log/producer-state.js";

const batch = (producerId: bigint, producerEpoch: number, baseSequence: number, records = 1): IdempotentBatch => ({
  producerId,
  producerEpoch,
  baseSequence,
  lastOffsetDelta: records - 1,
  maxTimestamp: 0,
});

/** A table where producer 1, epoch 0, appended sequences 0-9 as batches of 2 at offsets 0, 2, … 8. */
function withHistory(): ProducerStateTable {
  const table = new ProducerStateTable();
  for (let i = 0; i < 5; i++) table.record(batch(1n, 0, i * 2, 2), i * 2);
  return table;
}

describe("ProducerStateTable.check, in Kafka's order", () => {
  it("accepts the next sequence", () => {
    expect(withHistory().check([batch(1n, 0, 10, 3)])).toEqual({ kind: "ok" });
  });

  it("answers a retry of any of the last five batches with its original offsets", () => {
    const table = withHistory();
    expect(table.check([batch(1n, 0, 0, 2)])).toEqual({ kind: "duplicate", batch: 0, baseOffset: 0, lastOffset: 1 });
    expect(table.check([batch(1n, 0, 6, 2)])).toEqual({ kind: "duplicate", batch: 0, baseOffset: 6, lastOffset: 7 });
  });

  it("forgets the sixth-newest batch: its retry is out of order", () => {
    const table = withHistory();
    table.record(batch(1n, 0, 10, 2), 10);
    expect(table.check([batch(1n, 0, 0, 2)])).toMatchObject({ kind: "rejected", errorCode: 45 });
    expect(table.get(1n)?.batches.map((b) => b.firstSeq)).toEqual([2, 4, 6, 8, 10]);
  });

  it("answers a same-epoch range that overlaps a cached batch but is not equal to it with 45", () => {
    expect(withHistory().check([batch(1n, 0, 8, 1)])).toMatchObject({ kind: "rejected", errorCode: 45 });
  });

  it("answers a sequence gap with OUT_OF_ORDER_SEQUENCE_NUMBER (45)", () => {
    const verdict = withHistory().check([batch(1n, 0, 12)]);
    expect(verdict).toMatchObject({ kind: "rejected", errorCode: 45, batch: 0 });
    expect(verdict.kind === "rejected" && verdict.message).toContain("does not follow 9");
  });

  it("answers an older epoch with INVALID_PRODUCER_EPOCH (47), even for a cached range", () => {
    const table = withHistory();
    table.record(batch(1n, 1, 0), 10);
    expect(table.check([batch(1n, 0, 10)])).toMatchObject({ kind: "rejected", errorCode: 47 });
    expect(table.check([batch(1n, 0, 0, 2)])).toMatchObject({ kind: "rejected", errorCode: 47 });
  });

  it("accepts a new epoch at sequence 0 and rejects it elsewhere with 45", () => {
    const table = withHistory();
    expect(table.check([batch(1n, 1, 0)])).toEqual({ kind: "ok" });
    expect(table.check([batch(1n, 1, 10)])).toMatchObject({ kind: "rejected", errorCode: 45 });
  });

  it("clears the cache on a new epoch: the old epoch's ranges are no longer duplicates", () => {
    const table = withHistory();
    table.record(batch(1n, 1, 0, 2), 10);
    expect(table.get(1n)).toMatchObject({ epoch: 1, lastSeq: 1, batches: [{ firstSeq: 0, baseOffset: 10 }] });
    expect(table.check([batch(1n, 1, 0, 2)])).toMatchObject({ kind: "duplicate", baseOffset: 10 });
  });

  it("accepts any sequence and epoch from a producer it does not know", () => {
    const table = withHistory();
    expect(table.check([batch(2n, 5, 12345)])).toEqual({ kind: "ok" });
    expect(table.check([batch(2n, 0, 0)])).toEqual({ kind: "ok" });
  });

  it("never checks batches with producer id -1", () => {
    const table = withHistory();
    expect(table.check([batch(-1n, -1, -1), batch(-1n, 0, 0), batch(-1n, 0, 0)])).toEqual({ kind: "ok" });
    table.record(batch(-1n, 0, 0), 50);
    expect(table.size).toBe(1);
  });

  it("checks several batches of one append in order, each against what the earlier ones leave", () => {
    const table = withHistory();
    expect(table.check([batch(1n, 0, 10, 2), batch(1n, 0, 12)])).toEqual({ kind: "ok" });
    expect(table.check([batch(1n, 0, 10, 2), batch(1n, 0, 13)])).toMatchObject({
      kind: "rejected",
      batch: 1,
      errorCode: 45,
    });
    expect(table.check([batch(1n, 1, 0), batch(1n, 0, 10)])).toMatchObject({
      kind: "rejected",
      batch: 1,
      errorCode: 47,
    });
    // A batch repeated within one append is not a duplicate (not yet committed): it is out of order.
    expect(table.check([batch(1n, 0, 10), batch(1n, 0, 10)])).toMatchObject({ kind: "rejected", batch: 1 });
  });

  it("answers the whole append as a duplicate when a later batch repeats a cached one (Kafka returns at once)", () => {
    expect(withHistory().check([batch(1n, 0, 10), batch(1n, 0, 8, 2)])).toMatchObject({
      kind: "duplicate",
      batch: 1,
      baseOffset: 8,
    });
  });

  it("wraps sequences past INT32_MAX to 0", () => {
    const table = new ProducerStateTable();
    table.record(batch(1n, 0, MAX_SEQUENCE - 1, 2), 0);
    expect(table.get(1n)?.lastSeq).toBe(MAX_SEQUENCE);
    expect(table.check([batch(1n, 0, 0)])).toEqual({ kind: "ok" });
    expect(table.check([batch(1n, 0, MAX_SEQUENCE)])).toMatchObject({ kind: "rejected", errorCode: 45 });
    table.record(batch(1n, 0, 0, 1), 2);
    table.record(batch(1n, 0, 1, 3), 3);
    expect(table.get(1n)?.lastSeq).toBe(3);
    // A batch whose own range wraps.
    const wrapping = new ProducerStateTable();
    wrapping.record(batch(9n, 0, MAX_SEQUENCE - 1, 4), 0);
    expect(wrapping.get(9n)?.lastSeq).toBe(1);
    expect(wrapping.check([batch(9n, 0, MAX_SEQUENCE - 1, 4)])).toMatchObject({ kind: "duplicate" });
    expect(wrapping.check([batch(9n, 0, 2)])).toEqual({ kind: "ok" });
  });
});

describe("sequence arithmetic", () => {
  it("lastSequenceOf and inSequence wrap at INT32_MAX", () => {
    expect(lastSequenceOf(5, 3)).toBe(8);
    expect(lastSequenceOf(MAX_SEQUENCE, 0)).toBe(MAX_SEQUENCE);
    expect(lastSequenceOf(MAX_SEQUENCE, 1)).toBe(0);
    expect(lastSequenceOf(MAX_SEQUENCE - 2, 5)).toBe(2);
    expect(inSequence(MAX_SEQUENCE, 0)).toBe(true);
    expect(inSequence(-1, 0)).toBe(true);
    expect(inSequence(4, 6)).toBe(false);
  });
});

describe("ProducerStateTable.forgetBelow", () => {
  it("drops the cached batches below an offset and forgets producers left with none", () => {
    const table = withHistory();
    table.record(batch(2n, 0, 0), 10);
    table.forgetBelow(5);
    expect(table.get(1n)?.batches.map((b) => b.baseOffset)).toEqual([6, 8]);
    expect(table.get(1n)?.lastSeq).toBe(9);
    table.forgetBelow(10);
    expect(table.get(1n)).toBeUndefined();
    expect(table.get(2n)).toBeDefined();
    // Forgotten means unknown again: any sequence is accepted.
    expect(table.check([batch(1n, 0, 77)])).toEqual({ kind: "ok" });
    table.assertInvariants();
  });
});
