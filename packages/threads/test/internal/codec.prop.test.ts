/**
 * Properties of the slot codec, through a real channel (trySend on one
 * instance, tryRecv on another built from the same handle — the path a value
 * takes between threads): every value that fits comes back as its structured
 * clone (fast-path values `Object.is`-identical), every value that does not fit
 * is refused with SharedValueTooLargeError before anything is written.
 */

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SharedChannel, SharedValueTooLargeError } from "../../src/index.js";
import { assertInvariants } from "../support.js";

/** Any UTF-16 code unit, lone surrogates included (structured clone keeps them, UTF-8 would not). */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const latin1Unit = fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c));
const anyString = fc.oneof(
  fc.string({ unit: codeUnit, maxLength: 80 }),
  fc.string({ unit: latin1Unit, maxLength: 140 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
);

/** Bytes the codec needs for a string: one per unit when all are below 0x100, else two. */
function stringBytes(s: string): number {
  return /^[\0-\xff]*$/.test(s) ? s.length : 2 * s.length;
}

/** A sender and a receiver view of one new channel (as two threads would have). */
function pair<T>(maxValueBytes: number): { tx: SharedChannel<T>; rx: SharedChannel<T> } {
  const tx = new SharedChannel<T>(4, { maxValueBytes });
  return { tx, rx: SharedChannel.from<T>(tx.handle) };
}

describe("slot codec", () => {
  it("round-trips every number exactly (NaN, -0 and infinities included)", () => {
    const { tx, rx } = pair<number>(8);
    fc.assert(
      fc.property(fc.double(), (n) => {
        expect(tx.trySend(n)).toBe("sent");
        const r = rx.tryRecv();
        expect(r !== "would-block" && r.isSome() && Object.is(r.value, n)).toBe(true);
      }),
    );
  });

  it("round-trips a string that fits and refuses one that does not, writing nothing", () => {
    fc.assert(
      fc.property(anyString, fc.integer({ min: 8, max: 128 }), (s, maxValueBytes) => {
        const { tx, rx } = pair<string>(maxValueBytes);
        const limit = tx.maxValueBytes;
        if (stringBytes(s) <= limit) {
          expect(tx.trySend(s)).toBe("sent");
          const r = rx.tryRecv();
          expect(r !== "would-block" && r.isSome() && r.value === s).toBe(true);
        } else {
          let error: unknown;
          try {
            tx.trySend(s);
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(SharedValueTooLargeError);
          expect(error).toMatchObject({ byteLength: stringBytes(s), maxValueBytes: limit });
          expect(rx.len).toBe(0);
        }
        assertInvariants(tx);
      }),
    );
  });

  it("round-trips booleans, null and undefined as themselves", () => {
    const { tx, rx } = pair<unknown>(8);
    fc.assert(
      fc.property(fc.constantFrom(true, false, null, undefined), (v) => {
        tx.trySend(v);
        const r = rx.tryRecv();
        expect(r !== "would-block" && r.isSome() && Object.is(r.value, v)).toBe(true);
      }),
    );
  });

  it("round-trips structured values as their structured clone", () => {
    const { tx, rx } = pair<unknown>(1 << 16);
    const structured = fc.anything({
      maxDepth: 3,
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withSparseArray: true,
      withBoxedValues: true,
    });
    fc.assert(
      fc.property(structured, (v) => {
        expect(tx.trySend(v)).toBe("sent");
        const r = rx.tryRecv();
        expect(r !== "would-block" && r.isSome()).toBe(true);
        expect((r as { value: unknown }).value).toStrictEqual(structuredClone(v));
      }),
    );
  });

  it("keeps slots independent: a batch of mixed values comes back in order", () => {
    const value = fc.oneof(fc.double(), fc.string({ unit: codeUnit, maxLength: 20 }), fc.boolean(), fc.constant(null));
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 4 }), (values) => {
        const { tx, rx } = pair<unknown>(40);
        for (const v of values) expect(tx.trySend(v)).toBe("sent");
        const r = rx.tryRecvBatch();
        expect(r !== "would-block" && r.isSome()).toBe(true);
        const got = (r as { value: unknown[] }).value;
        expect(got.length).toBe(values.length);
        for (const [i, g] of got.entries()) expect(Object.is(g, values[i])).toBe(true);
      }),
    );
  });
});
