// Properties of decoding one partition's part of a fetch: for any run of
// batches (any codec, control batches among them) and any start offset, the
// messages are exactly the data records at or after it, once each, in
// order, and the next offset is past the last batch.
import { type CompressionName, encodeRecordBatch } from "@csp-kit/kafka-protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodePart } from "../../src/internal/decode.js";
import { concat } from "./helpers.js";

const encoder = new TextEncoder();

const batchSpec = fc.record({
  count: fc.integer({ min: 1, max: 6 }),
  control: fc.boolean(),
  codec: fc.constantFrom<CompressionName>("none", "gzip", "snappy", "lz4", "zstd"),
  logAppendTime: fc.boolean(),
});

describe("decodePart", () => {
  it("yields exactly the records at or after the start offset, in order, and skips control batches", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(batchSpec, { minLength: 1, maxLength: 6 }), fc.nat(40), async (specs, startAt) => {
        const parts: Uint8Array[] = [];
        const expected: { offset: bigint; value: string; timestamp: number }[] = [];
        let base = 0n;
        for (const s of specs) {
          const records = Array.from({ length: s.count }, (_, i) => ({
            timestampDelta: i * 10,
            value: encoder.encode(`r${base + BigInt(i)}`),
          }));
          parts.push(
            await encodeRecordBatch(
              {
                baseOffset: base,
                baseTimestamp: 5000,
                maxTimestamp: 9999,
                control: s.control,
                timestampType: s.logAppendTime ? "log-append-time" : "create-time",
                records,
              },
              { compression: s.codec },
            ),
          );
          if (!s.control) {
            for (let i = 0; i < s.count; i++) {
              const offset = base + BigInt(i);
              if (offset >= BigInt(startAt)) {
                expected.push({ offset, value: `r${offset}`, timestamp: s.logAppendTime ? 9999 : 5000 + i * 10 });
              }
            }
          }
          base += BigInt(s.count);
        }
        const from = BigInt(startAt);
        const got = await decodePart("t", 3, concat(...parts), from);
        expect(
          got.messages.map((m) => ({
            offset: m.offset,
            value: new TextDecoder().decode(m.value!),
            timestamp: m.timestamp,
          })),
        ).toEqual(expected);
        expect(got.messages.every((m) => m.topic === "t" && m.partition === 3)).toBe(true);
        expect(got.nextOffset).toBe(from > base ? from : base);
        expect(got.partialOnly).toBe(false);
      }),
      { numRuns: 60 },
    );
  });

  it("ignores a trailing partial batch and reports a response that is nothing else", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 60 }), async (count, cut) => {
        const whole = await encodeRecordBatch({ baseOffset: 0n, records: [{ value: encoder.encode("a") }] });
        const next = await encodeRecordBatch({
          baseOffset: 1n,
          records: Array.from({ length: count }, () => ({ value: encoder.encode("b") })),
        });
        const partial = next.subarray(0, Math.min(cut, next.length - 1));
        const withWhole = await decodePart("t", 0, concat(whole, partial), 0n);
        expect(withWhole.messages.map((m) => m.offset)).toEqual([0n]);
        expect(withWhole).toMatchObject({ nextOffset: 1n, partialOnly: false });
        const only = await decodePart("t", 0, partial, 1n);
        expect(only).toMatchObject({ messages: [], nextOffset: 1n, partialOnly: true });
      }),
      { numRuns: 40 },
    );
  });
});
