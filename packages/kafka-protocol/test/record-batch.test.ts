import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { COMPRESSION, CompressionRegistry } from "../src/compression/index.js";
import { crc32c } from "../src/crc32c.js";
import { isProtocolError, type ProtocolError } from "../src/errors.js";
import { decodeControlRecord, endTransactionMarker } from "../src/record.js";
import {
  decodeRecordBatch,
  decodeRecordBatches,
  encodeRecordBatch,
  encodeRecordBatchSync,
  type RecordBatch,
  readBatchHeader,
  readBatchHeaders,
  rewriteBatchHeader,
} from "../src/record-batch.js";

/** RecordBatch v2 bytes kcat sent (see the file's `about`). */
const fixtures = JSON.parse(readFileSync(new URL("./fixtures/kcat-record-batches.json", import.meta.url), "utf8")) as {
  batches: Array<{ name: string; hex: string }>;
};

const text = new TextEncoder();
const utf8 = new TextDecoder();
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const fixture = (name: string) => {
  const f = fixtures.batches.find((b) => b.name === name);
  if (f === undefined) throw new Error(`no fixture ${name}`);
  return new Uint8Array(Buffer.from(f.hex, "hex"));
};

/** Plain data for toEqual: byte views become plain arrays of numbers, whatever their class. */
function plain(batch: RecordBatch): unknown {
  return {
    ...batch,
    records: batch.records.map((r) => ({
      ...r,
      key: r.key === null ? null : [...r.key],
      value: r.value === null ? null : [...r.value],
      headers: r.headers.map((h) => ({ key: h.key, value: h.value === null ? null : [...h.value] })),
    })),
  };
}

async function rejection(p: Promise<unknown> | (() => unknown)): Promise<ProtocolError> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (error) {
    expect(isProtocolError(error)).toBe(true);
    return error as ProtocolError;
  }
  throw new Error("expected a ProtocolError");
}

describe("kcat's batches (librdkafka 2.0.2, captured)", () => {
  it("decodes the one-record batch for k1:hello with the layout of KAFKA.md §2.7", async () => {
    const bytes = fixture("k1-hello");
    expect(bytes.length).toBe(75);
    const batch = await decodeRecordBatch(bytes);
    expect(batch).toMatchObject({
      baseOffset: 0n,
      partitionLeaderEpoch: 0,
      compression: 0,
      timestampType: "create-time",
      transactional: false,
      control: false,
      lastOffsetDelta: 0,
      producerId: -1n,
      producerEpoch: -1,
      baseSequence: -1,
    });
    expect(batch.maxTimestamp).toBe(batch.baseTimestamp);
    expect(batch.records).toHaveLength(1);
    const [r] = batch.records;
    expect(utf8.decode(r!.key!)).toBe("k1");
    expect(utf8.decode(r!.value!)).toBe("hello");
    expect(r).toMatchObject({ attributes: 0, timestampDelta: 0, offsetDelta: 0, headers: [] });
    // The 14 record bytes KAFKA.md shows.
    expect(hex(bytes.subarray(61))).toBe("1a000000046b310a68656c6c6f00");
  });

  it.each(["k1-hello", "three-records-with-header"])("re-encodes %s byte for byte", async (name) => {
    const bytes = fixture(name);
    const batch = await decodeRecordBatch(bytes);
    expect(hex(encodeRecordBatchSync(batch))).toBe(hex(bytes));
    expect(hex(await encodeRecordBatch(batch))).toBe(hex(bytes));
  });

  it.each(["gzip", "snappy", "lz4", "zstd"] as const)(
    "decodes the %s batch (raw snappy, LZ4 frame, zstd frame)",
    async (codec) => {
      const bytes = fixture(`twenty-records-${codec}`);
      const batch = await decodeRecordBatch(bytes);
      expect(batch.compression).toBe(COMPRESSION[codec]);
      expect(batch.records).toHaveLength(20);
      batch.records.forEach((r, i) => {
        expect(utf8.decode(r.key!)).toBe(`key${i + 1}`);
        expect(utf8.decode(r.value!)).toBe(`value ${i + 1} ${codec} hello hello hello hello world`);
        expect(r.offsetDelta).toBe(i);
        expect(r.headers.map((h) => [h.key, utf8.decode(h.value!)])).toEqual([["trace", "abc"]]);
      });
      const again = await decodeRecordBatch(await encodeRecordBatch(batch, { compression: codec }));
      expect(plain(again)).toEqual(plain(batch));
    },
  );

  it.each(["gzip", "snappy", "zstd"] as const)(
    "re-encodes the %s batch to kcat's very bytes (same codec library underneath)",
    async (codec) => {
      const bytes = fixture(`twenty-records-${codec}`);
      const batch = await decodeRecordBatch(bytes);
      const level = codec === "gzip" ? 6 : undefined;
      const options = level === undefined ? { compression: codec } : { compression: codec, level };
      expect(hex(await encodeRecordBatch(batch, options))).toBe(hex(bytes));
    },
  );
});

describe("batches written by other clients' encoders", () => {
  const peers = JSON.parse(readFileSync(new URL("./fixtures/peer-record-batches.json", import.meta.url), "utf8")) as {
    batches: Array<{ name: string; hex: string }>;
  };

  it.each(peers.batches.map((b) => [b.name, b.hex] as const))("decodes %s", async (name, hexBytes) => {
    const bytes = new Uint8Array(Buffer.from(hexBytes, "hex"));
    const batch = await decodeRecordBatch(bytes);
    expect(batch.compression).toBe(name.endsWith("gzip") ? 1 : 0);
    expect(batch.baseTimestamp).toBe(1_760_000_000_000);
    expect(batch.lastOffsetDelta).toBe(2);
    expect(batch.producerId).toBe(-1n);
    const show = (b: Uint8Array | null) => (b === null ? null : utf8.decode(b));
    expect(
      batch.records.map((r) => [
        show(r.key),
        show(r.value),
        r.offsetDelta,
        r.timestampDelta,
        r.headers.map((h) => `${h.key}=${show(h.value)}`),
      ]),
    ).toEqual([
      ["k1", "hello", 0, 0, ["h1=v1"]],
      [null, "world", 1, 10, []],
      ["k3", null, 2, 20, ["a=1", "b=2"]],
    ]);
    if (batch.compression === 0) expect(hex(encodeRecordBatchSync(batch))).toBe(hexBytes);
  });
});

describe("encodeRecordBatch", () => {
  it("fills in the documented defaults", async () => {
    const bytes = await encodeRecordBatch({
      baseTimestamp: 1_700_000_000_000,
      records: [{ value: text.encode("a") }, { value: text.encode("b"), timestampDelta: 7 }],
    });
    const batch = await decodeRecordBatch(bytes);
    expect(batch).toMatchObject({
      baseOffset: 0n,
      partitionLeaderEpoch: -1,
      lastOffsetDelta: 1,
      maxTimestamp: 1_700_000_000_007,
      producerId: -1n,
      producerEpoch: -1,
      baseSequence: -1,
    });
    expect(batch.records.map((r) => [r.offsetDelta, r.key])).toEqual([
      [0, null],
      [1, null],
    ]);
  });

  it("writes batchLength as total - 12 and the CRC-32C of bytes 21..end", () => {
    const bytes = encodeRecordBatchSync({ baseTimestamp: 0, records: [{ key: text.encode("k"), value: null }] });
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(view.getInt32(8)).toBe(bytes.length - 12);
    expect(view.getUint32(17)).toBe(crc32c(bytes.subarray(21)));
  });

  it("encodes the attribute bits: codec, LogAppendTime, transactional, control, delete horizon", async () => {
    const bytes = await encodeRecordBatch(
      {
        baseTimestamp: 5,
        timestampType: "log-append-time",
        transactional: true,
        control: true,
        hasDeleteHorizon: true,
        records: [endTransactionMarker("commit", 3)],
      },
      { compression: "gzip" },
    );
    expect(readBatchHeader(bytes).attributes).toBe(1 | 8 | 16 | 32 | 64);
  });

  it("rejects values the wire cannot carry with an invalid-value ProtocolError naming the field", async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ records: [{ value: "a string" }] }, /record 0: value must be a Uint8Array/],
      [{ records: [{ offsetDelta: 2 ** 31 }] }, /record 0: offsetDelta must be an int32/],
      [{ records: [{}, { timestampDelta: 0.5 }] }, /record 1: timestampDelta/],
      [{ records: [{ headers: [{ key: 1, value: null }] }] }, /header 0 needs a string key/],
      [{ records: [], producerEpoch: 40_000 }, /producerEpoch/],
      [{ records: [], baseOffset: 1 }, /baseOffset must be a bigint/],
      [{}, /records array/],
    ];
    for (const [input, message] of cases) {
      const error = await rejection(() => encodeRecordBatchSync(input as never));
      expect(error.kind).toBe("invalid-value");
      expect(error.message).toMatch(message);
    }
  });

  it("rejects an unknown codec name or id with unsupported-compression", async () => {
    expect((await rejection(encodeRecordBatch({ records: [] }, { compression: "brotli" }))).kind).toBe(
      "unsupported-compression",
    );
    expect((await rejection(encodeRecordBatch({ records: [] }, { compression: 6 }))).kind).toBe(
      "unsupported-compression",
    );
  });

  it("uses a codec registered by the user, under its own id", async () => {
    const codecs = new CompressionRegistry();
    codecs.register({
      id: 7,
      name: "reverse",
      compress: async (d) => Uint8Array.from(d).reverse(),
      decompress: async (d) => Uint8Array.from(d).reverse(),
    });
    const bytes = await encodeRecordBatch(
      { records: [{ value: text.encode("xyz") }] },
      { compression: "reverse", codecs },
    );
    // Kafka defines codecs 0..4 only: a broker's header check refuses id 7 ...
    expect((await rejection(() => readBatchHeader(bytes))).kind).toBe("unsupported-compression");
    // ... while the registry that knows it reads and decodes it.
    expect(readBatchHeader(bytes, 0, { codecs }).compression).toBe(7);
    const batch = await decodeRecordBatch(bytes, { codecs });
    expect(utf8.decode(batch.records[0]!.value!)).toBe("xyz");
    expect((await rejection(decodeRecordBatch(bytes))).kind).toBe("unsupported-compression");
  });
});

describe("readBatchHeader and rewriteBatchHeader (the broker's view)", () => {
  it("validates without decompressing and rewrites baseOffset and leader epoch without touching the CRC", async () => {
    const bytes = Uint8Array.from(fixture("twenty-records-zstd"));
    const before = readBatchHeader(bytes);
    expect(before).toMatchObject({ byteLength: bytes.length, magic: 2, compression: 4, recordsCount: 20 });
    rewriteBatchHeader(bytes, 0, { baseOffset: 1234567890123n, partitionLeaderEpoch: 9 });
    const after = readBatchHeader(bytes);
    expect(after.crc).toBe(before.crc);
    expect(after).toMatchObject({ baseOffset: 1234567890123n, partitionLeaderEpoch: 9 });
    const batch = await decodeRecordBatch(bytes);
    expect(batch.baseOffset).toBe(1234567890123n);
  });

  it("stamps LogAppendTime and recomputes the CRC", async () => {
    const bytes = Uint8Array.from(fixture("k1-hello"));
    rewriteBatchHeader(bytes, 0, { logAppendTime: 1_800_000_000_000 });
    const batch = await decodeRecordBatch(bytes);
    expect(batch.timestampType).toBe("log-append-time");
    expect(batch.maxTimestamp).toBe(1_800_000_000_000);
  });

  it("reads the headers of concatenated batches and reports a trailing partial batch", () => {
    const a = fixture("k1-hello");
    const b = fixture("twenty-records-lz4");
    const both = new Uint8Array([...a, ...b, ...b.subarray(0, 30)]);
    const { headers, incomplete } = readBatchHeaders(both);
    expect(headers.map((h) => [h.byteOffset, h.byteLength])).toEqual([
      [0, a.length],
      [a.length, b.length],
    ]);
    expect(incomplete?.length).toBe(30);
  });

  it("fails each way a header can be wrong, with its own kind", async () => {
    const good = fixture("k1-hello");
    const mutate = (at: number, v: number) => {
      const b = Uint8Array.from(good);
      b[at] = v;
      return b;
    };
    expect((await rejection(() => readBatchHeader(good.subarray(0, 40)))).kind).toBe("truncated");
    expect((await rejection(() => readBatchHeader(mutate(16, 1)))).kind).toBe("bad-magic");
    expect((await rejection(() => readBatchHeader(mutate(70, 0x41)))).kind).toBe("bad-crc");
    expect((await rejection(() => readBatchHeader(mutate(11, 10)))).kind).toBe("invalid-value");
    // Codec 5, with the CRC made right again: refused as unsupported, not as corrupt.
    const codec5 = mutate(22, 5);
    new DataView(codec5.buffer).setUint32(17, crc32c(codec5.subarray(21)));
    expect((await rejection(() => readBatchHeader(codec5))).kind).toBe("unsupported-compression");
  });
});

describe("decodeRecordBatches", () => {
  it("returns several batches and the bytes of a trailing partial one", async () => {
    const a = fixture("three-records-with-header");
    const b = fixture("twenty-records-gzip");
    for (let cut = 0; cut < b.length; cut += 17) {
      const bytes = new Uint8Array([...a, ...b.subarray(0, cut)]);
      const { batches, incomplete } = await decodeRecordBatches(bytes);
      expect(batches).toHaveLength(1);
      expect(incomplete === null ? 0 : incomplete.length).toBe(cut);
    }
    const { batches, incomplete } = await decodeRecordBatches(new Uint8Array([...a, ...b]));
    expect(batches.map((x) => x.records.length)).toEqual([3, 20]);
    expect(incomplete).toBeNull();
  });

  it("refuses a recordsCount of 2**31 - 1 in a 75-byte batch before allocating", async () => {
    const bytes = Uint8Array.from(fixture("k1-hello"));
    new DataView(bytes.buffer).setInt32(57, 0x7fffffff);
    const error = await rejection(decodeRecordBatch(bytes, { verifyCrc: false }));
    expect(error.kind).toBe("truncated");
    expect(error.message).toMatch(/declares 2147483647 records/);
  });

  it("refuses a negative recordsCount (2**31 read as int32)", async () => {
    const bytes = Uint8Array.from(fixture("k1-hello"));
    new DataView(bytes.buffer).setUint32(57, 0x80000000);
    expect((await rejection(decodeRecordBatch(bytes, { verifyCrc: false }))).kind).toBe("invalid-value");
  });

  it("reports a flipped payload byte as bad-crc", async () => {
    const bytes = Uint8Array.from(fixture("twenty-records-snappy"));
    bytes[bytes.length - 5]! ^= 0x10;
    expect((await rejection(decodeRecordBatches(bytes))).kind).toBe("bad-crc");
  });

  it("caps decompression at maxDecompressedBytes with a too-large error", async () => {
    const records = Array.from({ length: 200 }, () => ({ value: new Uint8Array(1000) }));
    for (const compression of ["gzip", "snappy", "lz4", "zstd"] as const) {
      const bytes = await encodeRecordBatch({ records }, { compression });
      const error = await rejection(decodeRecordBatch(bytes, { maxDecompressedBytes: 100_000 }));
      expect(error.kind).toBe("too-large");
      expect(error.message).toMatch(/maxDecompressedBytes/);
      expect((await decodeRecordBatch(bytes, { maxDecompressedBytes: 300_000 })).records).toHaveLength(200);
    }
  });

  it("refuses a record whose fields do not fill its declared length", async () => {
    const bytes = encodeRecordBatchSync({ baseTimestamp: 0, records: [{ value: text.encode("hello") }] });
    const tampered = Uint8Array.from(bytes);
    tampered[61] = 0x1c; // length 14 instead of 13: the record claims a byte of the end
    new DataView(tampered.buffer).setUint32(17, crc32c(tampered.subarray(21)));
    expect((await rejection(decodeRecordBatch(tampered))).kind).toBe("truncated");
  });
});

describe("control records", () => {
  it("encode and decode commit and abort markers", async () => {
    for (const kind of ["commit", "abort"] as const) {
      const bytes = await encodeRecordBatch({
        producerId: 42n,
        producerEpoch: 1,
        transactional: true,
        control: true,
        records: [endTransactionMarker(kind, 17)],
      });
      const batch = await decodeRecordBatch(bytes);
      expect(batch.control && batch.transactional).toBe(true);
      expect(decodeControlRecord(batch.records[0]!)).toEqual({
        version: 0,
        type: kind === "abort" ? 0 : 1,
        kind,
        coordinatorEpoch: 17,
      });
    }
  });

  it("names KRaft's types and marks others unknown; a short key is invalid", async () => {
    const key = (type: number) => new Uint8Array([0, 0, type >> 8, type & 255]);
    expect(decodeControlRecord({ key: key(2), value: null }).kind).toBe("leader-change");
    expect(decodeControlRecord({ key: key(6), value: null }).kind).toBe("kraft-voters");
    expect(decodeControlRecord({ key: key(300), value: null }).kind).toBe("unknown");
    expect((await rejection(() => decodeControlRecord({ key: new Uint8Array(3), value: null }))).kind).toBe(
      "invalid-value",
    );
    expect((await rejection(() => decodeControlRecord({ key: key(1), value: new Uint8Array(2) }))).kind).toBe(
      "invalid-value",
    );
  });
});
