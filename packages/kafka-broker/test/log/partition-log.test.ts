import { describe, expect, it } from "vitest";
import { isInvalidLogArgumentError, isInvalidLogConfigError, isLogClosedError } from "../../src/errors.js";
import { headerAt, viewOf } from "../../src/internal/log/batch-view.js";
import { UNLIMITED } from "../../src/internal/log/log-config.js";
import { MemoryStore } from "../../src/internal/log/memory-store.js";
import { type AppendResult, PartitionLog } from "../../src/internal/log/partition-log.js";
import { SegmentStore } from "../../src/internal/log/segment-store.js";
import { baseOffsetAt, concat, makeBatch, splitBatches, valuesOf } from "./support/batches.js";
import { recordingLogger, useTempDirs } from "./support/temp-dir.js";

const tempDir = useTempDirs();
const NOW = 1_000_000;

function memoryLog(options: Parameters<typeof PartitionLog.open>[1] = {}): PartitionLog {
  return PartitionLog.open(new MemoryStore(), { retentionMs: UNLIMITED, ...options });
}

function durableLog(dir: string, options: Parameters<typeof PartitionLog.open>[1] = {}): PartitionLog {
  return PartitionLog.open(SegmentStore.open(dir, { logger: recordingLogger() }), {
    retentionMs: UNLIMITED,
    ...options,
  });
}

async function appended(result: Promise<AppendResult>): Promise<Extract<AppendResult, { kind: "appended" }>> {
  const r = await result;
  if (r.kind !== "appended") throw new Error(`expected appended, got ${JSON.stringify(r)}`);
  return r;
}

/** The batches a read returns, split, with their base offsets. */
function readOffsets(log: PartitionLog, offset: number, maxBytes = 1 << 20): number[] {
  const r = log.read(offset, maxBytes);
  if (r.kind !== "records") throw new Error(`out of range: ${offset}`);
  return splitBatches(concat(...r.records)).map((b) => baseOffsetAt(b));
}

describe("PartitionLog.append", () => {
  it("assigns offsets from the log end and rewrites baseOffset and leader epoch in place, CRC intact", async () => {
    const log = memoryLog();
    const first = makeBatch({ values: valuesOf(1, 2, 3) });
    const second = makeBatch({ values: valuesOf(4) });
    expect(await log.append(first, { now: NOW, leaderEpoch: 7 })).toEqual({
      kind: "appended",
      baseOffset: 0,
      lastOffset: 2,
      batchBaseOffsets: [0],
      logStartOffset: 0,
    });
    const r = await appended(log.append(second, { now: NOW, leaderEpoch: 7 }));
    expect([r.baseOffset, r.lastOffset]).toEqual([3, 3]);
    expect(baseOffsetAt(second)).toBe(3);
    const view = viewOf(second);
    expect(view.getInt32(12)).toBe(7);
    expect(headerAt(second, 0, true)).toMatchObject({ baseOffset: 3, size: second.byteLength });
    expect([log.logStartOffset, log.highWatermark, log.logEndOffset]).toEqual([0, 4, 4]);
    log.assertInvariants();
  });

  it("makes the batches readable before the append's promise settles", () => {
    const log = memoryLog();
    void log.append(makeBatch(), { now: NOW });
    expect(log.logEndOffset).toBe(1);
    expect(readOffsets(log, 0)).toEqual([0]);
  });

  it("appends several batches of one produce all or none", async () => {
    const log = memoryLog();
    const r = await appended(log.append(concat(makeBatch({ values: valuesOf(1, 2) }), makeBatch()), { now: NOW }));
    expect(r.batchBaseOffsets).toEqual([0, 2]);
    const bad = makeBatch();
    bad[bad.length - 1]! ^= 1;
    expect(await log.append(concat(makeBatch(), bad), { now: NOW })).toMatchObject({ kind: "rejected", errorCode: 2 });
    await log.append(makeBatch({ producerId: 5n, producerEpoch: 0, baseSequence: 0 }), { now: NOW });
    const outOfOrder = concat(
      makeBatch({ producerId: 5n, producerEpoch: 0, baseSequence: 1 }),
      makeBatch({ producerId: 5n, producerEpoch: 0, baseSequence: 5 }),
    );
    expect(await log.append(outOfOrder, { now: NOW })).toMatchObject({ kind: "rejected", errorCode: 45 });
    expect(log.logEndOffset).toBe(4);
    expect(log.producer(5n)).toMatchObject({ lastSeq: 0 });
    log.assertInvariants();
  });

  it("answers a retried idempotent batch with its original offsets and stores nothing", async () => {
    const log = memoryLog();
    await log.append(makeBatch(), { now: NOW });
    const batch = () => makeBatch({ values: valuesOf(1, 2), producerId: 9n, producerEpoch: 0, baseSequence: 0 });
    const first = await appended(log.append(batch(), { now: NOW }));
    expect(await log.append(batch(), { now: NOW })).toEqual({
      kind: "duplicate",
      baseOffset: first.baseOffset,
      lastOffset: first.lastOffset,
      logStartOffset: 0,
    });
    expect(log.logEndOffset).toBe(3);
    expect(
      await log.append(makeBatch({ producerId: 9n, producerEpoch: 0, baseSequence: 5 }), { now: NOW }),
    ).toMatchObject({ kind: "rejected", errorCode: 45 });
    expect(
      await log.append(makeBatch({ producerId: 9n, producerEpoch: 1, baseSequence: 0 }), { now: NOW }),
    ).toMatchObject({ kind: "appended" });
    expect(
      await log.append(makeBatch({ producerId: 9n, producerEpoch: 0, baseSequence: 2 }), { now: NOW }),
    ).toMatchObject({ kind: "rejected", errorCode: 47 });
  });

  it("rolls a new segment when the next batch would pass segmentBytes", async () => {
    const one = makeBatch().byteLength;
    const log = memoryLog({ segmentBytes: one * 3 });
    for (let i = 0; i < 7; i++) await log.append(makeBatch(), { now: NOW });
    expect(log.segmentBaseOffsets).toEqual([0, 3, 6]);
    // A batch larger than a segment still gets one to itself.
    await log.append(makeBatch({ values: [new Uint8Array(one * 4)] }), { now: NOW });
    expect(log.segmentBaseOffsets).toEqual([0, 3, 6, 7]);
    expect(readOffsets(log, 1)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    log.assertInvariants();
  });

  it("rejects bad arguments with InvalidLogArgumentError, as a rejected promise", async () => {
    const log = memoryLog();
    for (const [records, options] of [
      ["bytes" as unknown as Uint8Array, { now: NOW }],
      [makeBatch(), { now: Number.NaN }],
      [makeBatch(), undefined as unknown as { now: number }],
      [makeBatch(), { now: NOW, leaderEpoch: 2 ** 31 }],
    ] as const) {
      const error = await log.append(records, options).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isInvalidLogArgumentError(error)).toBe(true);
    }
    expect(log.logEndOffset).toBe(0);
  });

  it("refuses everything once closed", async () => {
    const log = memoryLog();
    await log.close();
    expect(isLogClosedError(await log.append(makeBatch(), { now: NOW }).catch((e: unknown) => e))).toBe(true);
    expect(() => log.read(0, 10)).toThrow(/closed/);
  });
});

describe("PartitionLog.read", () => {
  async function threeBatches(): Promise<{ log: PartitionLog; size: number }> {
    const log = memoryLog();
    for (let i = 0; i < 3; i++) await log.append(makeBatch({ values: valuesOf(i, i) }), { now: NOW });
    return { log, size: makeBatch({ values: valuesOf(0, 0) }).byteLength };
  }

  it("returns whole batches up to maxBytes, and at least one (KIP-74)", async () => {
    const { log, size } = await threeBatches();
    expect(readOffsets(log, 0, size * 2)).toEqual([0, 2]);
    expect(readOffsets(log, 0, size * 2 + size - 1)).toEqual([0, 2]);
    expect(readOffsets(log, 0, 1)).toEqual([0]);
    expect(readOffsets(log, 0, 0)).toEqual([0]);
    expect(log.read(0, 1, { minOneBatch: false })).toMatchObject({ kind: "records", records: [], byteLength: 0 });
  });

  it("starts at the batch holding the offset, even in its middle", async () => {
    const { log } = await threeBatches();
    expect(readOffsets(log, 3)).toEqual([2, 4]);
  });

  it("answers the log end with no records and beyond it with OFFSET_OUT_OF_RANGE", async () => {
    const { log } = await threeBatches();
    expect(log.read(6, 100)).toEqual({
      kind: "records",
      records: [],
      byteLength: 0,
      highWatermark: 6,
      logStartOffset: 0,
    });
    expect(log.read(7, 100)).toEqual({ kind: "out-of-range", errorCode: 1, logStartOffset: 0, logEndOffset: 6 });
    expect(log.read(-1, 100)).toMatchObject({ kind: "out-of-range" });
  });

  it("rejects a maxBytes or offset that is not a safe integer", async () => {
    const { log } = await threeBatches();
    for (const [offset, max] of [
      [0, -1],
      [0, 1.5],
      [0.5, 10],
      [Number.NaN, 10],
    ]) {
      let thrown: unknown;
      try {
        log.read(offset!, max!);
      } catch (error) {
        thrown = error;
      }
      expect(isInvalidLogArgumentError(thrown)).toBe(true);
    }
  });
});

describe("PartitionLog.offsetForTimestamp", () => {
  async function timed(...timestamps: number[]): Promise<PartitionLog> {
    const log = memoryLog({ segmentBytes: makeBatch().byteLength * 2 });
    for (const t of timestamps) await log.append(makeBatch({ baseTimestamp: t }), { now: NOW });
    return log;
  }

  it("answers -2 with the log start, -1 with the high watermark", async () => {
    const log = await timed(10, 20, 30);
    log.deleteRecordsBefore(1);
    expect(log.offsetForTimestamp(-2)).toEqual({ offset: 1, timestamp: -1 });
    expect(log.offsetForTimestamp(-1)).toEqual({ offset: 3, timestamp: -1 });
  });

  it("finds the first batch at or after the log start holding a timestamp at or after the one asked", async () => {
    const log = await timed(10, 50, 20, 30, 60, 40);
    expect(log.offsetForTimestamp(0)).toEqual({ offset: 0, timestamp: 10 });
    expect(log.offsetForTimestamp(10)).toEqual({ offset: 0, timestamp: 10 });
    expect(log.offsetForTimestamp(11)).toEqual({ offset: 1, timestamp: 50 });
    expect(log.offsetForTimestamp(55)).toEqual({ offset: 4, timestamp: 60 });
    expect(log.offsetForTimestamp(61)).toBeUndefined();
    log.deleteRecordsBefore(2);
    expect(log.offsetForTimestamp(11)).toEqual({ offset: 2, timestamp: 20 });
    expect(log.offsetForTimestamp(45)).toEqual({ offset: 4, timestamp: 60 });
  });

  it("rejects negative timestamps other than the specials", async () => {
    const log = await timed(10);
    expect(() => log.offsetForTimestamp(-3)).toThrow(/-1 \(latest\) or -2 \(earliest\)/);
  });
});

describe("PartitionLog retention", () => {
  const size = makeBatch().byteLength;

  it("deletes the oldest whole segments while the rest stays at or above retentionBytes", async () => {
    const log = memoryLog({ segmentBytes: size * 2, retentionBytes: size * 3 });
    for (let i = 0; i < 7; i++) await log.append(makeBatch(), { now: NOW });
    expect(log.segmentBaseOffsets).toEqual([0, 2, 4, 6]);
    expect(log.applyRetention(NOW)).toEqual({ deletedSegments: 2, deletedBytes: size * 4, logStartOffset: 4 });
    expect(log.sizeInBytes).toBe(size * 3);
    expect(log.read(3, 100)).toMatchObject({ kind: "out-of-range" });
    log.assertInvariants();
  });

  it("deletes segments whose newest batch is older than retentionMs, stopping at the first that is not", async () => {
    const log = memoryLog({ segmentBytes: size * 2, retentionMs: 100 });
    for (const t of [0, 10, 500, 20, 30, 40]) await log.append(makeBatch({ baseTimestamp: t }), { now: NOW });
    expect(log.applyRetention(200)).toMatchObject({ deletedSegments: 1, logStartOffset: 2 });
    // Segment [2, 3] holds timestamp 500: it stops the pass even though [4, 5] is older.
    expect(log.applyRetention(599)).toMatchObject({ deletedSegments: 0 });
    expect(log.applyRetention(601)).toMatchObject({ deletedSegments: 2, logStartOffset: 6 });
    // Everything went: an empty segment at the log end carries on.
    expect(log.segmentBaseOffsets).toEqual([6]);
    expect([log.logStartOffset, log.logEndOffset]).toEqual([6, 6]);
    expect(await appended(log.append(makeBatch(), { now: NOW }))).toMatchObject({ baseOffset: 6 });
    log.assertInvariants();
  });

  it("ages a batch without a timestamp by its append time", async () => {
    const log = memoryLog({ retentionMs: 100 });
    await log.append(makeBatch({ maxTimestamp: -1 }), { now: 5_000 });
    expect(log.applyRetention(5_100)).toMatchObject({ deletedSegments: 0 });
    expect(log.applyRetention(5_101)).toMatchObject({ deletedSegments: 1 });
  });

  it("forgets idempotent producers whose batches were all deleted", async () => {
    const log = memoryLog({ segmentBytes: size, retentionBytes: 0 });
    await log.append(makeBatch({ producerId: 1n, producerEpoch: 0, baseSequence: 0 }), { now: NOW });
    await log.append(makeBatch({ producerId: 2n, producerEpoch: 0, baseSequence: 0 }), { now: NOW });
    log.applyRetention(NOW);
    expect(log.producers().map((p) => p.producerId)).toEqual([]);
    // Unknown again: a sequence that would have been a gap is accepted.
    expect(
      await log.append(makeBatch({ producerId: 1n, producerEpoch: 0, baseSequence: 40 }), { now: NOW }),
    ).toMatchObject({
      kind: "appended",
    });
  });

  it("rejects out-of-range options with InvalidLogConfigError", () => {
    for (const options of [
      { segmentBytes: 0 },
      { retentionBytes: -1 },
      { retentionMs: 1.5 },
      { maxBatchBytes: 10 },
      { segmentBytes: 2 ** 31 },
    ]) {
      let thrown: unknown;
      try {
        PartitionLog.open(new MemoryStore(), options);
      } catch (error) {
        thrown = error;
      }
      expect(isInvalidLogConfigError(thrown)).toBe(true);
    }
  });
});

describe("PartitionLog.deleteRecordsBefore", () => {
  it("moves the log start, deletes segments wholly below it, and keeps the one it falls in", async () => {
    const size = makeBatch({ values: valuesOf(1, 2) }).byteLength;
    const log = memoryLog({ segmentBytes: size * 2 });
    for (let i = 0; i < 5; i++) await log.append(makeBatch({ values: valuesOf(1, 2) }), { now: NOW });
    expect(log.segmentBaseOffsets).toEqual([0, 4, 8]);
    expect(log.deleteRecordsBefore(5)).toEqual({ kind: "deleted", logStartOffset: 5 });
    expect(log.segmentBaseOffsets).toEqual([4, 8]);
    expect(readOffsets(log, 5)).toEqual([4, 6, 8]);
    expect(log.read(4, 100)).toMatchObject({ kind: "out-of-range" });
    expect(log.deleteRecordsBefore(2)).toEqual({ kind: "deleted", logStartOffset: 5 });
    expect(log.deleteRecordsBefore(11)).toMatchObject({ kind: "out-of-range", errorCode: 1, highWatermark: 10 });
    expect(log.deleteRecordsBefore(-1)).toEqual({ kind: "deleted", logStartOffset: 10 });
    expect(log.read(10, 100)).toMatchObject({ kind: "records", records: [] });
    log.assertInvariants();
  });
});

describe("PartitionLog segments below the log start", () => {
  it("deletes the segment a roll leaves wholly below a log start moved to the log end", async () => {
    const log = memoryLog({ segmentBytes: makeBatch().byteLength });
    await log.append(makeBatch(), { now: NOW });
    expect(log.deleteRecordsBefore(1)).toEqual({ kind: "deleted", logStartOffset: 1 });
    expect(log.segmentBaseOffsets).toEqual([0]); // the active segment stays, even below the log start
    await log.append(makeBatch(), { now: NOW });
    expect(log.segmentBaseOffsets).toEqual([1]);
    log.assertInvariants();
  });
});

describe("a durable PartitionLog across a restart", () => {
  it("keeps its batches, log start and producer state", async () => {
    const dir = tempDir();
    const size = makeBatch().byteLength;
    const log = durableLog(dir, { segmentBytes: size * 2 });
    const idempotent = (seq: number) => makeBatch({ producerId: 4n, producerEpoch: 3, baseSequence: seq });
    for (let i = 0; i < 5; i++) await log.append(idempotent(i), { now: NOW });
    log.deleteRecordsBefore(3);
    const before = log.read(3, 1 << 20);
    await log.close();

    const again = durableLog(dir, { segmentBytes: size * 2 });
    again.assertInvariants();
    expect([again.logStartOffset, again.logEndOffset, again.segmentBaseOffsets]).toEqual([3, 5, [2, 4]]);
    expect(again.read(3, 1 << 20)).toEqual(before);
    expect(again.producer(4n)).toMatchObject({ epoch: 3, lastSeq: 4 });
    // A retry of the last batch is still recognised; the next sequence is still expected.
    expect(await again.append(idempotent(4), { now: NOW })).toMatchObject({ kind: "duplicate", baseOffset: 4 });
    expect(await again.append(idempotent(6), { now: NOW })).toMatchObject({ kind: "rejected", errorCode: 45 });
    expect(await again.append(idempotent(5), { now: NOW })).toMatchObject({ kind: "appended", baseOffset: 5 });
    await again.close();
  });

  it("starts an empty directory at offset 0 and an emptied one at its old log end", async () => {
    const dir = tempDir();
    const log = durableLog(dir, { retentionBytes: 0 });
    expect([log.logStartOffset, log.logEndOffset]).toEqual([0, 0]);
    await log.append(makeBatch({ values: valuesOf(1, 2, 3) }), { now: NOW });
    log.applyRetention(NOW);
    await log.close();
    const again = durableLog(dir);
    expect([again.logStartOffset, again.logEndOffset, again.segmentBaseOffsets]).toEqual([3, 3, [3]]);
    await again.close();
  });
});
