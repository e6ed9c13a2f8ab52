import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  isProtocolError,
  Reader,
  uuidFromString,
  uuidToString,
  uvarintSize,
  varintSize,
  Writer,
} from "../src/index.js";

const int32 = fc.integer({ min: -2147483648, max: 2147483647 });
const uint32 = fc.integer({ min: 0, max: 4294967295 });
const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const safe = fc.maxSafeInteger();

describe("Writer and Reader round trips", () => {
  it("every primitive decodes to what was encoded, in sequence", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -128, max: 127 }),
        fc.integer({ min: -32768, max: 32767 }),
        int32,
        uint32,
        int64,
        fc.tuple(uint32, int32, safe, int64),
        fc.tuple(fc.string({ unit: "grapheme", maxLength: 40 }), fc.option(fc.string(), { nil: null })),
        fc.tuple(fc.uint8Array({ maxLength: 300 }), fc.option(fc.uint8Array(), { nil: null })),
        fc.boolean(),
        (i8, i16, i32, u32, i64, [uv, v, vl, vlb], [s, ns], [b, nb], bool) => {
          const w = new Writer(16);
          w.int8(i8);
          w.int16(i16);
          w.int32(i32);
          w.uint32(u32);
          w.int64(i64);
          w.uvarint(uv);
          w.varint(v);
          w.varlong(vl);
          w.varlongBig(vlb);
          w.string(s);
          w.nullableString(ns);
          w.compactString(s);
          w.compactNullableString(ns);
          w.bytesField(b);
          w.nullableBytes(nb);
          w.compactBytes(b);
          w.compactNullableBytes(nb);
          w.bool(bool);
          const r = new Reader(w.finish());
          expect(r.int8()).toBe(i8);
          expect(r.int16()).toBe(i16);
          expect(r.int32()).toBe(i32);
          expect(r.uint32()).toBe(u32);
          expect(r.int64()).toBe(i64);
          expect(r.uvarint()).toBe(uv);
          expect(r.varint()).toBe(v);
          expect(r.varlong()).toBe(vl);
          expect(r.varlongBig()).toBe(vlb);
          expect(r.string()).toBe(s);
          expect(r.nullableString()).toBe(ns);
          expect(r.compactString()).toBe(s);
          expect(r.compactNullableString()).toBe(ns);
          expect(r.bytesField()).toEqual(b);
          expect(r.nullableBytes()).toEqual(nb);
          expect(r.compactBytes()).toEqual(b);
          expect(r.compactNullableBytes()).toEqual(nb);
          expect(r.bool()).toBe(bool);
          r.complete("test");
        },
      ),
    );
  });

  it("varint sizes match what the writer writes", () => {
    fc.assert(
      fc.property(uint32, int32, (u, s) => {
        const w = new Writer();
        w.uvarint(u);
        expect(w.offset).toBe(uvarintSize(u));
        w.reset();
        w.varint(s);
        expect(w.offset).toBe(varintSize(s));
      }),
    );
  });

  it("int64Number round-trips every safe integer and refuses others", () => {
    fc.assert(
      fc.property(safe, (n) => {
        const w = new Writer();
        w.int64Number(n);
        expect(new Reader(w.finish()).int64Number()).toBe(n);
        expect(new Reader(w.finish()).int64()).toBe(BigInt(n));
      }),
    );
    const w = new Writer();
    w.int64(2n ** 60n);
    expect(() => new Reader(w.finish()).int64Number()).toThrow(/safe integer/);
  });

  it("a UUID string survives bytes and back", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
        const s = uuidToString(b);
        expect(s).toHaveLength(22);
        expect(uuidFromString(s)).toEqual(b);
      }),
    );
  });

  it("every truncation of an encoded sequence fails with a truncated ProtocolError, never anything else", () => {
    fc.assert(
      fc.property(fc.string(), fc.uint8Array({ maxLength: 50 }), int64, (s, b, n) => {
        const w = new Writer();
        w.compactString(s);
        w.bytesField(b);
        w.int64(n);
        w.varlongBig(n);
        const full = w.finish().slice();
        for (let cut = 0; cut < full.length; cut++) {
          const r = new Reader(full, 0, cut);
          try {
            r.compactString();
            r.bytesField();
            r.int64();
            r.varlongBig();
            expect.unreachable("a truncated read succeeded");
          } catch (e) {
            expect(isProtocolError(e)).toBe(true);
            if (isProtocolError(e)) expect(e.kind).toBe("truncated");
          }
        }
      }),
    );
  });
});

describe("Reader on hostile input", () => {
  it("an array count of 2**31-1 in a 20-byte frame is an error, not an allocation", () => {
    const frame = new Uint8Array(20);
    new DataView(frame.buffer).setInt32(0, 0x7fffffff);
    const r = new Reader(frame);
    expect(() => r.arrayLength(1)).toThrow(/declares 2147483647 elements/);
    expect(r.offset).toBe(0);
  });

  it("a compact array count the frame cannot hold is refused before allocating", () => {
    const w = new Writer();
    w.uvarint(4000000000);
    expect(() => new Reader(w.finish()).compactArrayLength(1)).toThrow(/declares/);
  });

  it("a varint that runs past 5 bytes is bad-varint", () => {
    const r = new Reader(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x7f));
    try {
      r.uvarint();
      expect.unreachable();
    } catch (e) {
      expect(isProtocolError(e) && e.kind).toBe("bad-varint");
    }
  });

  it("a varlong past 10 bytes is bad-varint", () => {
    const r = new Reader(new Uint8Array(11).fill(0xff));
    expect(() => r.varlongBig()).toThrow(/longer than 64 bits/);
  });

  it("negative lengths other than the null sentinel are invalid-value", () => {
    const r = new Reader(Uint8Array.of(0xff, 0xfe, 0x00));
    expect(() => r.nullableString()).toThrow(/negative/);
  });

  it("tagged fields: unknown tags are skipped, known ones handed over bounded, descending tags refused", () => {
    const w = new Writer();
    w.uvarint(2);
    w.uvarint(1);
    w.uvarint(4);
    w.int32(42);
    w.uvarint(7);
    w.uvarint(2);
    w.int16(-1);
    w.int8(9);
    const seen: number[] = [];
    const r = new Reader(w.finish());
    r.taggedFields((tag, f) => {
      if (tag === 1) seen.push(f.int32());
      else f.raw(f.remaining());
    });
    expect(seen).toEqual([42]);
    expect(r.int8()).toBe(9);
    const skip = new Reader(w.finish());
    skip.taggedFields();
    expect(skip.int8()).toBe(9);
    const bad = new Writer();
    bad.uvarint(2);
    bad.uvarint(3);
    bad.uvarint(0);
    bad.uvarint(1);
    bad.uvarint(0);
    expect(() => new Reader(bad.finish()).taggedFields()).toThrow(/must ascend/);
  });

  it("random bytes through every reader method throw only ProtocolError", () => {
    const methods = [
      "int8",
      "int16",
      "int32",
      "int64",
      "int64Number",
      "uvarint",
      "varint",
      "varlong",
      "varlongBig",
      "string",
      "nullableString",
      "compactString",
      "compactNullableString",
      "bytesField",
      "nullableBytes",
      "compactBytes",
      "compactNullableBytes",
      "uuid",
      "taggedFields",
    ] as const;
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 40 }),
        fc.array(fc.constantFrom(...methods), { maxLength: 12 }),
        (bytes, calls) => {
          const r = new Reader(bytes);
          try {
            for (const m of calls) (r[m] as () => unknown)();
            r.arrayLength(1);
          } catch (e) {
            expect(isProtocolError(e)).toBe(true);
          }
          expect(r.offset).toBeLessThanOrEqual(bytes.length);
        },
      ),
    );
  });
});

describe("Writer refuses what the wire cannot carry", () => {
  it.each([
    ["int32", 2 ** 31],
    ["int32", 1.5],
    ["int16", Number.NaN],
    ["uvarint", -1],
    ["varint", 2 ** 31],
  ] as const)("%s(%s) throws invalid-value and appends nothing", (method, value) => {
    const w = new Writer();
    expect(() => (w[method] as (v: number) => void)(value)).toThrow(/needs an integer/);
    expect(w.offset).toBe(0);
  });

  it("a classic string over 32,767 bytes is refused", () => {
    expect(() => new Writer().string("x".repeat(32768))).toThrow(/at most 32,767/);
  });

  it("reserved fields are patched after growth", () => {
    const w = new Writer(16);
    const at = w.reserve32();
    w.raw(new Uint8Array(1000).fill(7));
    w.patchInt32(at, w.offset - at - 4);
    const r = new Reader(w.finish());
    expect(r.int32()).toBe(1000);
  });
});
