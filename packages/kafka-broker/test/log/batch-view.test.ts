import { describe, expect, it } from "vitest";
import { assignOffset, BatchField, headerAt, parseBatches, viewOf } from "../../src/internal/log/batch-view.js";
import { LogErrorCode } from "../../src/internal/log/error-codes.js";
import { concat, makeBatch, resealCrc, valuesOf } from "./support/batches.js";

const MAX = 1_048_588;

describe("parseBatches", () => {
  it("reads the header of one batch", () => {
    const bytes = makeBatch({
      values: valuesOf(1, 2, 3),
      baseTimestamp: 5_000,
      producerId: 7n,
      producerEpoch: 2,
      baseSequence: 10,
    });
    const parsed = parseBatches(bytes, MAX);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.headers).toHaveLength(1);
    expect(parsed.headers[0]).toMatchObject({
      position: 0,
      size: bytes.byteLength,
      lastOffsetDelta: 2,
      recordsCount: 3,
      maxTimestamp: 5_002,
      producerId: 7n,
      producerEpoch: 2,
      baseSequence: 10,
    });
  });

  it("splits several batches back to back", () => {
    const a = makeBatch({ values: valuesOf(1) });
    const b = makeBatch({ values: valuesOf(2, 3) });
    const parsed = parseBatches(concat(a, b), MAX);
    expect(parsed.ok && parsed.headers.map((h) => [h.position, h.size])).toEqual([
      [0, a.byteLength],
      [a.byteLength, b.byteLength],
    ]);
  });

  it("answers CORRUPT_MESSAGE for a flipped byte under the CRC", () => {
    const bytes = makeBatch();
    bytes[bytes.length - 2]! ^= 0x40;
    const parsed = parseBatches(bytes, MAX);
    expect(parsed).toMatchObject({ ok: false, errorCode: LogErrorCode.CORRUPT_MESSAGE });
    expect(!parsed.ok && parsed.message).toContain("CRC");
  });

  it("answers CORRUPT_MESSAGE for a cut-short batch, a bad length and a bad magic byte", () => {
    const whole = makeBatch();
    expect(parseBatches(whole.subarray(0, whole.length - 1), MAX)).toMatchObject({ errorCode: 2 });
    expect(parseBatches(whole.subarray(0, 10), MAX)).toMatchObject({ errorCode: 2 });
    const shortLength = whole.slice();
    viewOf(shortLength).setInt32(BatchField.batchLength, 20);
    expect(parseBatches(shortLength, MAX)).toMatchObject({ errorCode: 2 });
    const magic1 = whole.slice();
    magic1[BatchField.magic] = 1;
    expect(parseBatches(magic1, MAX)).toMatchObject({ errorCode: 2 });
  });

  it("fails the whole input when its last batch is bad", () => {
    const good = makeBatch();
    const bad = makeBatch();
    bad[bad.length - 1]! ^= 1;
    expect(parseBatches(concat(good, bad), MAX)).toMatchObject({ ok: false, errorCode: 2 });
    expect(parseBatches(concat(good, good.subarray(0, 30)), MAX)).toMatchObject({ ok: false, errorCode: 2 });
  });

  it("answers CORRUPT_MESSAGE for an unknown codec, MESSAGE_TOO_LARGE above the limit", () => {
    expect(parseBatches(makeBatch({ attributes: 5 }), MAX)).toMatchObject({ errorCode: 2 });
    const big = makeBatch({ values: [new Uint8Array(200)] });
    expect(parseBatches(big, big.byteLength - 1)).toMatchObject({ errorCode: LogErrorCode.MESSAGE_TOO_LARGE });
    expect(parseBatches(big, big.byteLength).ok).toBe(true);
  });

  it("answers INVALID_RECORD for no batch, a count that disagrees with lastOffsetDelta, or a producer id without a sequence", () => {
    expect(parseBatches(new Uint8Array(0), MAX)).toMatchObject({ errorCode: LogErrorCode.INVALID_RECORD });
    expect(parseBatches(makeBatch({ values: [] }), MAX)).toMatchObject({ errorCode: 87 });
    const miscounted = makeBatch({ values: valuesOf(1, 2) });
    viewOf(miscounted).setInt32(BatchField.recordsCount, 3);
    resealCrc(miscounted, 0);
    expect(parseBatches(miscounted, MAX)).toMatchObject({ errorCode: 87 });
    expect(parseBatches(makeBatch({ producerId: 3n, producerEpoch: 0, baseSequence: -1 }), MAX)).toMatchObject({
      errorCode: 87,
    });
  });
});

describe("the in-place rewrite", () => {
  it("leaves the CRC valid: baseOffset and partitionLeaderEpoch are not covered", () => {
    const bytes = makeBatch({ values: valuesOf(1, 2) });
    assignOffset(bytes, 0, 2 ** 40 + 12345, 9);
    expect(headerAt(bytes, 0, true)).toMatchObject({ baseOffset: 2 ** 40 + 12345, size: bytes.length });
    const view = viewOf(bytes);
    expect(view.getBigInt64(BatchField.baseOffset)).toBe(BigInt(2 ** 40 + 12345));
    expect(view.getInt32(BatchField.partitionLeaderEpoch)).toBe(9);
  });
});

describe("headerAt", () => {
  it("reports a problem instead of throwing, and skips the CRC when asked", () => {
    const bytes = makeBatch();
    bytes[bytes.length - 1]! ^= 1;
    expect(headerAt(bytes, 0, true)).toEqual({ problem: expect.stringContaining("CRC") });
    expect(headerAt(bytes, 0, false)).toMatchObject({ baseOffset: 0, recordsCount: 1 });
    expect(headerAt(bytes.subarray(0, 30), 0, false)).toEqual({ problem: expect.any(String) });
  });
});
