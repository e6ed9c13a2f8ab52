import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isProtocolError } from "../src/errors.js";
import type { RecordInput } from "../src/record.js";
import {
  decodeRecordBatch,
  decodeRecordBatches,
  encodeRecordBatch,
  encodeRecordBatchSync,
  type RecordBatch,
} from "../src/record-batch.js";

const int32 = fc.integer({ min: -2147483648, max: 2147483647 });
const bytes = fc.option(fc.uint8Array({ maxLength: 200 }), { nil: null, freq: 4 });

/** A record with every field given, as a decoded record has them. */
const record = fc.record({
  attributes: fc.integer({ min: -128, max: 127 }),
  timestampDelta: fc.oneof(fc.integer({ min: -1000, max: 100_000 }), fc.maxSafeInteger(), fc.integer()),
  offsetDelta: fc.oneof(fc.nat(1000), int32),
  key: bytes,
  value: bytes,
  headers: fc.array(fc.record({ key: fc.string({ unit: "grapheme", maxLength: 20 }), value: bytes }), { maxLength: 4 }),
});

/** A batch with every header field given; `compression` is filled in per codec. */
const batch = fc.record({
  baseOffset: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  partitionLeaderEpoch: int32,
  timestampType: fc.constantFrom("create-time" as const, "log-append-time" as const),
  transactional: fc.boolean(),
  control: fc.boolean(),
  hasDeleteHorizon: fc.boolean(),
  lastOffsetDelta: int32,
  baseTimestamp: fc.maxSafeInteger(),
  maxTimestamp: fc.maxSafeInteger(),
  producerId: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  producerEpoch: fc.integer({ min: -32768, max: 32767 }),
  baseSequence: int32,
  records: fc.array(record, { maxLength: 30 }),
});

/** Byte views of any class (Buffer, Uint8Array) as plain arrays, for deep equality. */
function plain(b: RecordBatch): unknown {
  const arr = (v: Uint8Array | null | undefined) => (v === null || v === undefined ? null : [...v]);
  return {
    ...b,
    records: b.records.map((r) => ({
      ...r,
      key: arr(r.key),
      value: arr(r.value),
      headers: r.headers.map((h) => ({ key: h.key, value: arr(h.value) })),
    })),
  };
}

const CODECS = ["none", "gzip", "snappy", "lz4", "zstd"] as const;
const ID = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;

describe("RecordBatch round trips", () => {
  it.each(CODECS)("decode(encode(batch)) is the batch, compression %s", async (codec) => {
    await fc.assert(
      fc.asyncProperty(batch, async (b) => {
        const input = { ...b, compression: ID[codec] };
        const decoded = await decodeRecordBatch(await encodeRecordBatch(input, { compression: codec }));
        expect(plain(decoded)).toEqual(plain(input as RecordBatch));
      }),
      { numRuns: codec === "none" ? 300 : 80 },
    );
  });

  it("encode(decode(bytes)) is the bytes, for uncompressed batches", async () => {
    await fc.assert(
      fc.asyncProperty(batch, async (b) => {
        const bytes = encodeRecordBatchSync(b);
        const again = encodeRecordBatchSync(await decodeRecordBatch(bytes));
        expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("defaults: records without offsetDelta get their index, maxTimestamp the largest delta", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ value: bytes, timestampDelta: fc.nat(10_000) }), { minLength: 1, maxLength: 20 }),
        fc.nat(2 ** 40),
        async (records: RecordInput[], baseTimestamp) => {
          const decoded = await decodeRecordBatch(encodeRecordBatchSync({ baseTimestamp, records }));
          expect(decoded.records.map((r) => r.offsetDelta)).toEqual(records.map((_, i) => i));
          expect(decoded.lastOffsetDelta).toBe(records.length - 1);
          expect(decoded.maxTimestamp).toBe(baseTimestamp + Math.max(...records.map((r) => r.timestampDelta ?? 0)));
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("concatenated and cut batches", () => {
  it("several batches decode in order; any cut in the last one is returned as incomplete", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(batch, { minLength: 1, maxLength: 4 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (batches, where) => {
          const encoded = batches.map((b) => encodeRecordBatchSync(b));
          const whole = Buffer.concat(encoded);
          const last = encoded[encoded.length - 1]!;
          const cut = whole.length - Math.floor(where * last.length); // cuts 0..last.length-... bytes off
          const view = new Uint8Array(whole.subarray(0, cut));
          const { batches: got, incomplete } = await decodeRecordBatches(view);
          const complete = cut === whole.length ? encoded.length : encoded.length - 1;
          expect(got).toHaveLength(complete);
          expect(incomplete?.length ?? 0).toBe(cut - (whole.length - (cut === whole.length ? 0 : last.length)));
          for (const [i, g] of got.entries()) expect(g.baseOffset).toBe(batches[i]!.baseOffset);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("every strict prefix of one batch fails decodeRecordBatch with a truncated ProtocolError", async () => {
    await fc.assert(
      fc.asyncProperty(batch, fc.nat(), async (b, n) => {
        const bytes = encodeRecordBatchSync(b);
        const prefix = bytes.subarray(0, n % bytes.length);
        const error = await decodeRecordBatch(prefix).catch((e: unknown) => e);
        expect(isProtocolError(error)).toBe(true);
        expect((error as { kind: string }).kind).toBe("truncated");
      }),
      { numRuns: 300 },
    );
  });
});
