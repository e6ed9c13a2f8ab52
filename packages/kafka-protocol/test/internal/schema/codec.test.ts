import { describe, expect, it } from "vitest";
import {
  defineMessage,
  isProtocolError,
  type MessageSchema,
  metadataRequest,
  ProtocolError,
  produceRequest,
  produceResponse,
  Reader,
  Writer,
} from "../../../src/index.js";

/** A made-up message exercising every kind the interpreter knows. */
const testSchema = {
  name: "TestMessage",
  apiKey: 999,
  type: "request",
  validVersions: "0-3",
  flexibleVersions: "2+",
  fields: [
    { name: "flag", type: "bool", versions: "0+" },
    { name: "small", type: "int8", versions: "0+" },
    { name: "u16", type: "uint16", versions: "0+" },
    { name: "u32", type: "uint32", versions: "0+" },
    { name: "ratio", type: "float64", versions: "0+" },
    { name: "label", type: "string", versions: "1+", nullableVersions: "3+", default: "none" },
    { name: "blob", type: "bytes", versions: "0+" },
    { name: "id", type: "uuid", versions: "0+" },
    { name: "strict", type: "int32", versions: "0-1", default: 7 },
    { name: "loose", type: "int32", versions: "0-1", default: 7, ignorable: true },
    {
      name: "inner",
      type: "Inner",
      versions: "0+",
      nullableVersions: "1+",
      fields: [{ name: "n", type: "int64", versions: "0+", default: -1n }],
    },
    { name: "big", type: "string", versions: "2+", tag: 5, taggedVersions: "2+", default: "" },
    { name: "count", type: "int32", versions: "2+", tag: 1, taggedVersions: "2+", default: 0 },
    { name: "list", type: "[]int16", versions: "0+" },
  ],
} as const satisfies MessageSchema;

interface TestMessage {
  flag: boolean;
  small: number;
  u16: number;
  u32: number;
  ratio: number;
  label: string | null;
  blob: Uint8Array;
  id: string;
  strict: number;
  loose: number;
  inner: { n: bigint } | null;
  big: string;
  count: number;
  list: number[];
}

const codec = defineMessage<TestMessage>(testSchema);

function sample(): TestMessage {
  return {
    flag: true,
    small: -5,
    u16: 65535,
    u32: 4294967295,
    ratio: 0.25,
    label: "none",
    blob: new Uint8Array([1, 2, 3]),
    id: "AAAAAAAAAAAAAAAAAAAAAA",
    strict: 7,
    loose: 7,
    inner: { n: 5n },
    big: "",
    count: 0,
    list: [1, -1],
  };
}

function encode(version: number, value: unknown, w = new Writer(16)): Uint8Array {
  codec.encode(w, version, value as TestMessage);
  return w.finish().slice();
}

function decode(version: number, bytes: Uint8Array): TestMessage {
  const r = new Reader(bytes);
  const v = codec.decode(r, version);
  r.complete("test");
  return v;
}

function thrown(fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (e) {
    if (isProtocolError(e)) return e;
    throw new Error(`expected a ProtocolError, got ${String(e)}`);
  }
  throw new Error("expected a ProtocolError, nothing was thrown");
}

describe("defineMessage", () => {
  it("round-trips every primitive kind at every version", () => {
    for (let v = 0; v <= 3; v++) {
      const value = { ...sample(), label: v >= 1 ? "x" : "none", strict: v <= 1 ? 9 : 7, loose: v <= 1 ? 9 : 7 };
      expect(decode(v, encode(v, value))).toStrictEqual(value);
    }
  });

  it("gives an absent field its default on decode, and a fresh array or struct each time", () => {
    // An absent field may be left out of the value; decoded, it holds its default.
    const { label: _, ...noLabel } = sample();
    expect(decode(0, encode(0, noLabel)).label).toBe("none");
    const b = metadataRequest.decode(new Reader(new Uint8Array([0, 0, 0, 0])), 0);
    const c = metadataRequest.decode(new Reader(new Uint8Array([0, 0, 0, 0])), 0);
    expect(b).toStrictEqual({
      topics: [],
      allowAutoTopicCreation: true,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
    expect(b.topics).not.toBe(c.topics);
  });

  it("refuses a version outside the range with unsupported-version, before touching the writer", () => {
    const w = new Writer();
    for (const version of [-1, 4, 1.5, Number.NaN]) {
      expect(thrown(() => codec.encode(w, version, sample())).kind).toBe("unsupported-version");
      expect(thrown(() => codec.decode(new Reader(new Uint8Array(64)), version)).kind).toBe("unsupported-version");
    }
    expect(w.offset).toBe(0);
    expect(thrown(() => produceRequest.encode(w, 12, produceRequest.defaults(11))).message).toMatch(
      /ProduceRequest v12 is not supported: this package implements v0 to v11/,
    );
  });

  it("names the field that cannot be encoded, and leaves the writer where it was", () => {
    const w = new Writer(16);
    w.int32(42);
    const bad = {
      ...produceRequest.defaults(7),
      topicData: [
        {
          name: "t",
          partitionData: [
            { index: 0, records: null },
            { index: 2 ** 31, records: null },
          ],
        },
      ],
    };
    const e = thrown(() => produceRequest.encode(w, 7, bad));
    expect(e.kind).toBe("invalid-value");
    expect(e.message).toMatch(/^ProduceRequest v7: topicData\[0\]\.partitionData\[1\]\.index: an int32 field needs/);
    expect(w.offset).toBe(4);
  });

  it("refuses a missing inline field, null where the version is not nullable, and a wrong container", () => {
    const { label: _, ...noLabel } = sample();
    expect(thrown(() => encode(1, noLabel)).message).toMatch(/label: the field is missing/);
    expect(thrown(() => encode(2, { ...sample(), label: null })).message).toMatch(/label: the field is not nullable/);
    expect(decode(3, encode(3, { ...sample(), label: null })).label).toBeNull();
    expect(thrown(() => encode(0, { ...sample(), inner: null })).message).toMatch(/inner: the field is not nullable/);
    expect(thrown(() => encode(0, { ...sample(), list: "no" })).message).toMatch(/list: an array field needs an array/);
    expect(thrown(() => encode(0, { ...sample(), list: [1, null] })).message).toMatch(/list\[1\]: an array element/);
    expect(thrown(() => encode(0, { ...sample(), inner: [] })).message).toMatch(
      /inner: expected an object \(Inner\), got an array of 0/,
    );
    expect(thrown(() => encode(0, 5)).message).toMatch(/expected an object \(TestMessage\), got 5/);
  });

  it("refuses a non-default value for a non-ignorable field the version lacks, and drops an ignorable one", () => {
    const e = thrown(() => encode(2, { ...sample(), strict: 8 }));
    expect(e.message).toMatch(
      /strict: the field exists only in versions 0-1; at this version it must hold its default \(7\)/,
    );
    expect(decode(2, encode(2, { ...sample(), loose: 8 })).loose).toBe(7);
    // Kafka's own rule on a real message: a transactional id cannot travel in Produce v2.
    const p = { ...produceRequest.defaults(2), transactionalId: "tx" };
    expect(thrown(() => produceRequest.encode(new Writer(), 2, p)).message).toMatch(
      /transactionalId: the field exists only in versions 3\+/,
    );
  });

  it("writes a nullable struct with its marker byte", () => {
    const bytes = encode(1, { ...sample(), inner: null, label: "x" });
    expect(decode(1, bytes).inner).toBeNull();
    expect(decode(1, encode(1, { ...sample(), label: "x" })).inner).toStrictEqual({ n: 5n });
  });
});

describe("tagged fields", () => {
  it("are written only when they differ from their default, in ascending tag order", () => {
    const atDefault = encode(2, sample());
    const withTags = encode(2, { ...sample(), big: "b", count: 3 });
    expect(withTags.length).toBeGreaterThan(atDefault.length);
    // The last bytes: count 2, tag 1 (size 4, int32 3), tag 5 (size 2, compact "b").
    expect([...withTags.subarray(withTags.length - 11)]).toEqual([2, 1, 4, 0, 0, 0, 3, 5, 2, 2, 0x62]);
    expect(atDefault[atDefault.length - 1]).toBe(0);
  });

  it("take a multi-byte size when larger than 127 bytes, across writer growth", () => {
    for (const n of [126, 127, 128, 300, 20000]) {
      const value = { ...sample(), big: "y".repeat(n) };
      expect(decode(2, encode(2, value, new Writer(16)))).toStrictEqual(value);
    }
  });

  it("count as their default when undefined", () => {
    const { big: _, count: __, ...rest } = sample();
    expect(encode(2, rest)).toEqual(encode(2, sample()));
  });

  it("skip unknown tags on read, and refuse tags out of order", () => {
    const base = encode(2, sample());
    const body = base.subarray(0, base.length - 1);
    const unknown = new Uint8Array([...body, 2, 3, 2, 0xaa, 0xbb, 9, 0]);
    expect(decode(2, unknown)).toStrictEqual(sample());
    const disordered = new Uint8Array([...body, 2, 5, 1, 1, 3, 0]);
    expect(thrown(() => decode(2, disordered)).message).toMatch(/tags must ascend/);
    const overlong = new Uint8Array([...body, 1, 1, 5, 0, 0, 0, 3, 0]);
    expect(thrown(() => decode(2, overlong)).message).toMatch(/trailing byte/);
  });
});

describe("decoding", () => {
  it("refuses a null array that the version does not allow", () => {
    const bytes = new Uint8Array([0xff, 0xff, 0xff, 0xff]);
    expect(thrown(() => metadataRequest.decode(new Reader(bytes), 0)).message).toMatch(/topics: the array is null/);
    expect(metadataRequest.decode(new Reader(bytes), 1).topics).toBeNull();
  });

  it("refuses an array count the frame cannot hold before allocating it", () => {
    // Produce v3 response: responses count 2**31 - 1 with four bytes left.
    const bytes = new Uint8Array([0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
    const e = thrown(() => produceResponse.decode(new Reader(bytes), 3));
    expect(e.kind).toBe("truncated");
    expect(e.message).toMatch(/^ProduceResponse v3: an array declares 2147483647 elements/);
  });

  it("returns views for byte fields, so decoding copies no payload", () => {
    const value = {
      ...produceRequest.defaults(7),
      topicData: [{ name: "t", partitionData: [{ index: 0, records: new Uint8Array([9, 8, 7]) }] }],
    };
    const w = new Writer();
    produceRequest.encode(w, 7, value);
    const bytes = w.finish();
    const records = produceRequest.decode(new Reader(bytes), 7).topicData[0]!.partitionData[0]!.records!;
    expect(records.buffer).toBe(bytes.buffer);
  });
});

describe("schema mistakes", () => {
  const broken = (fields: MessageSchema["fields"]): MessageSchema => ({
    name: "Broken",
    apiKey: 998,
    type: "request",
    validVersions: "0-1",
    flexibleVersions: "1+",
    fields,
  });
  const compileAt =
    (schema: MessageSchema, version = 0) =>
    () =>
      defineMessage(schema).defaults(version);

  it("are TypeErrors naming the field, raised when a version is first used", () => {
    expect(compileAt(broken([{ name: "a", type: "int33", versions: "0+" }]))).toThrow(
      /Broken\.a: unknown type "int33"/,
    );
    expect(compileAt(broken([{ name: "a", type: "int32", versions: "0+", nullableVersions: "0+" }]))).toThrow(
      /cannot be nullable/,
    );
    expect(compileAt(broken([{ name: "a", type: "int8", versions: "0+", default: 300 }]))).toThrow(/default 300/);
    expect(compileAt(broken([{ name: "a", type: "string", versions: "0+", default: null }]))).toThrow(/null default/);
    expect(compileAt(broken([{ name: "a", type: "int8", versions: "0+", tag: 0 }]))).toThrow(/come together/);
    expect(compileAt(broken([{ name: "a", type: "int8", versions: "zero" }]))).toThrow(/version range "zero"/);
    expect(
      compileAt(
        broken([
          { name: "a", type: "int8", versions: "1+", tag: 0, taggedVersions: "1+" },
          { name: "b", type: "int8", versions: "1+", tag: 0, taggedVersions: "1+" },
        ]),
        1,
      ),
    ).toThrow(/tag 0 is used twice/);
    expect(compileAt(broken([{ name: "a", type: "[]E", versions: "0+", fields: [] }]))).toThrow(
      /element takes no bytes/,
    );
    expect(() => defineMessage(broken([]), { minVersion: 0, maxVersion: 2 })).toThrow(/outside the schema's 0-1/);
  });
});

describe("defaults", () => {
  it("builds a value whose every field holds its default at that version", () => {
    expect(produceResponse.defaults(10)).toStrictEqual({ responses: [], throttleTimeMs: 0, nodeEndpoints: [] });
    expect(codec.defaults(2)).toMatchObject({
      label: "none",
      strict: 7,
      inner: { n: -1n },
      id: "AAAAAAAAAAAAAAAAAAAAAA",
    });
  });
});

describe("ProtocolError", () => {
  it("is the only error the codec throws for bad input", () => {
    expect(thrown(() => encode(0, { ...sample(), blob: "text" }))).toBeInstanceOf(ProtocolError);
  });
});
