/**
 * Mutation fuzzing of the record-batch decoders: 12,000 batches derived from
 * kcat's captured batches and from batches of every codec that this package
 * encodes, each cut, flipped, overwritten or spliced, half of them with the
 * CRC recomputed so that the mutation reaches the records (and the codecs)
 * instead of stopping at the checksum. Every outcome must be a decoded batch
 * or a ProtocolError; no hang (the test's timeout), no other error, and no
 * batch whose record count the bytes could not hold.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { crc32c } from "../../src/crc32c.js";
import { isProtocolError } from "../../src/errors.js";
import { MIN_RECORD_BYTES } from "../../src/record.js";
import { decodeRecordBatches, encodeRecordBatch, readBatchHeaders } from "../../src/record-batch.js";

const CASES = 12_000;
const MAX_DECOMPRESSED = 1 << 20;

/** xorshift32: a seeded, reproducible stream of uint32s. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

async function corpus(): Promise<Uint8Array[]> {
  const fixtures = JSON.parse(
    readFileSync(new URL("../fixtures/kcat-record-batches.json", import.meta.url), "utf8"),
  ) as { batches: Array<{ hex: string }> };
  const seeds: Uint8Array[] = fixtures.batches.map((b) => new Uint8Array(Buffer.from(b.hex, "hex")));
  const text = new TextEncoder();
  const records = Array.from({ length: 25 }, (_, i) => ({
    key: i % 3 === 0 ? null : text.encode(`key-${i}`),
    value: i % 5 === 0 ? null : text.encode(`value ${i} `.repeat(i % 7)),
    timestampDelta: i * 3,
    headers: i % 2 === 0 ? [{ key: "h", value: text.encode(String(i)) }] : [],
  }));
  for (const compression of ["none", "gzip", "snappy", "lz4", "zstd"] as const) {
    seeds.push(await encodeRecordBatch({ baseTimestamp: 1_700_000_000_000, records }, { compression }));
  }
  return seeds;
}

/** One mutation of `seed`, chosen by `next`. */
function mutate(seed: Uint8Array, next: () => number): Uint8Array {
  let b = Uint8Array.from(seed);
  const rounds = 1 + (next() % 4);
  for (let k = 0; k < rounds; k++) {
    const at = b.length === 0 ? 0 : next() % b.length;
    switch (next() % 7) {
      case 0: // flip one bit
        if (b.length > 0) b[at]! ^= 1 << (next() % 8);
        break;
      case 1: // random byte
        if (b.length > 0) b[at] = next() & 255;
        break;
      case 2: // truncate
        b = b.subarray(0, at);
        break;
      case 3: {
        // an extreme int32 over a header field or anywhere
        const fields = [8, 12, 23, 53, 57, at];
        const where = fields[next() % fields.length]!;
        const values = [0, -1, 0x7fffffff, -0x80000000, 1, 48, 49, b.length];
        if (where + 4 <= b.length)
          new DataView(b.buffer, b.byteOffset).setInt32(where, values[next() % values.length]!);
        break;
      }
      case 4: {
        // splice: duplicate or delete a run
        const n = 1 + (next() % 16);
        const copy = new Uint8Array(b.length + n);
        copy.set(b.subarray(0, at));
        copy.set(b.subarray(at, at + n), at);
        copy.set(b.subarray(at), at + Math.min(n, b.length - at));
        b = next() % 2 === 0 ? copy.subarray(0, b.length + Math.min(n, b.length - at)) : b.subarray(0, at);
        break;
      }
      case 5: // varint bombs inside the records
        if (b.length > 61) b.fill(0xff, 61 + (next() % (b.length - 61)), Math.min(b.length, at + 1 + (next() % 10)));
        break;
      default: // a second batch glued on (or a piece of one)
        b = Uint8Array.from([...b, ...seed.subarray(0, next() % (seed.length + 1))]);
    }
  }
  // Half the time make the CRC of the first batch right again.
  if (next() % 2 === 0 && b.length >= 61) {
    const end = Math.min(b.length, 12 + Math.max(0, new DataView(b.buffer, b.byteOffset).getInt32(8)));
    if (end >= 21) new DataView(b.buffer, b.byteOffset).setUint32(17, crc32c(b.subarray(21, end)));
  }
  return b;
}

describe("record-batch decoders under mutation", () => {
  it(`decode ${CASES} mutated batches to a result or a ProtocolError, nothing else`, async () => {
    const seeds = await corpus();
    const seed = 0x5eed_c0de;
    const next = rng(seed);
    const outcomes = { decoded: 0, rejected: 0 } as Record<string, number>;
    for (let i = 0; i < CASES; i++) {
      const input = mutate(seeds[i % seeds.length]!, next);
      try {
        const { batches } = await decodeRecordBatches(input, { maxDecompressedBytes: MAX_DECOMPRESSED });
        for (const b of batches) {
          // An uncompressed batch's records came from its bytes: never more than they can hold.
          if (b.compression === 0) expect(b.records.length * MIN_RECORD_BYTES).toBeLessThanOrEqual(input.length);
        }
        outcomes.decoded!++;
      } catch (error) {
        if (!isProtocolError(error)) {
          throw new Error(`case ${i} (seed ${seed}) threw a non-ProtocolError: ${String(error)}`, { cause: error });
        }
        outcomes[error.kind] = (outcomes[error.kind] ?? 0) + 1;
        outcomes.rejected!++;
      }
      try {
        readBatchHeaders(input);
      } catch (error) {
        expect(isProtocolError(error)).toBe(true);
      }
    }
    // The mix must exercise both paths and more than the checksum.
    expect(outcomes.decoded).toBeGreaterThan(CASES / 20);
    expect(outcomes.rejected).toBeGreaterThan(CASES / 4);
    expect(Object.keys(outcomes).length).toBeGreaterThanOrEqual(6);
  });
});
