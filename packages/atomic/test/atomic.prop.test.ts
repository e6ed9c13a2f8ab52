/**
 * Properties of the numeric atomics: a random sequence of operations applied to
 * an atomic and to a plain sequential model (Go's wrap-around arithmetic written
 * with `| 0`, `>>> 0` and `BigInt.asIntN`) gives the same results step by step;
 * and every value outside a type's range is rejected without changing anything.
 */

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AtomicBool,
  AtomicInt32,
  AtomicInt64,
  AtomicUint32,
  AtomicUint64,
  isInvalidAtomicValueError,
} from "../src/index.js";

type Op<T> =
  | { kind: "store" | "add" | "sub" | "swap" | "and" | "or"; operand: T }
  | { kind: "cas"; expected: T; next: T; hit: boolean };

function ops<T>(value: fc.Arbitrary<T>): fc.Arbitrary<Op<T>[]> {
  const simple = fc.record({
    kind: fc.constantFrom("store", "add", "sub", "swap", "and", "or") as fc.Arbitrary<
      "store" | "add" | "sub" | "swap" | "and" | "or"
    >,
    operand: value,
  });
  const cas = fc.record({ kind: fc.constant("cas" as const), expected: value, next: value, hit: fc.boolean() });
  return fc.array(fc.oneof(simple, cas), { maxLength: 60 });
}

interface NumericAtomic<T> {
  load(): T;
  store(v: T): void;
  add(v: T): T;
  sub(v: T): T;
  swap(v: T): T;
  and(v: T): T;
  or(v: T): T;
  compareAndSwap(expected: T, next: T): boolean;
}

/** Runs `sequence` against `atomic` and the model step by step; every result and every load must agree. */
function agree<T>(atomic: NumericAtomic<T>, sequence: Op<T>[], wrap: (v: T) => T, arith: Arith<T>): void {
  let model = atomic.load();
  for (const op of sequence) {
    switch (op.kind) {
      case "store":
        atomic.store(op.operand);
        model = op.operand;
        break;
      case "add":
        model = wrap(arith.add(model, op.operand));
        expect(atomic.add(op.operand)).toBe(model);
        break;
      case "sub":
        model = wrap(arith.sub(model, op.operand));
        expect(atomic.sub(op.operand)).toBe(model);
        break;
      case "swap":
        expect(atomic.swap(op.operand)).toBe(model);
        model = op.operand;
        break;
      case "and":
        expect(atomic.and(op.operand)).toBe(model);
        model = wrap(arith.and(model, op.operand));
        break;
      case "or":
        expect(atomic.or(op.operand)).toBe(model);
        model = wrap(arith.or(model, op.operand));
        break;
      case "cas": {
        const expected = op.hit ? model : op.expected;
        const swapped = expected === model;
        expect(atomic.compareAndSwap(expected, op.next)).toBe(swapped);
        if (swapped) model = op.next;
        break;
      }
    }
    expect(atomic.load()).toBe(model);
  }
}

interface Arith<T> {
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  and(a: T, b: T): T;
  or(a: T, b: T): T;
}

const numbers: Arith<number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  and: (a, b) => a & b,
  or: (a, b) => a | b,
};
const bigints: Arith<bigint> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  and: (a, b) => a & b,
  or: (a, b) => a | b,
};

const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const uint32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const uint64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });

describe("numeric atomics (properties)", () => {
  it("AtomicInt32 agrees with Go's two's-complement model on any sequence of operations", () => {
    fc.assert(
      fc.property(int32, ops(int32), (start, seq) => agree(new AtomicInt32(start), seq, (v) => v | 0, numbers)),
    );
  });

  it("AtomicUint32 agrees with the modulo-2**32 model and stays in [0, 2**32)", () => {
    fc.assert(
      fc.property(uint32, ops(uint32), (start, seq) => agree(new AtomicUint32(start), seq, (v) => v >>> 0, numbers)),
    );
  });

  it("AtomicInt64 agrees with the BigInt.asIntN(64) model", () => {
    fc.assert(
      fc.property(int64, ops(int64), (start, seq) =>
        agree(new AtomicInt64(start), seq, (v) => BigInt.asIntN(64, v), bigints),
      ),
    );
  });

  it("AtomicUint64 agrees with the BigInt.asUintN(64) model", () => {
    fc.assert(
      fc.property(uint64, ops(uint64), (start, seq) =>
        agree(new AtomicUint64(start), seq, (v) => BigInt.asUintN(64, v), bigints),
      ),
    );
  });

  it("AtomicBool agrees with a plain boolean under store, swap and compareAndSwap", () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("store" as const), v: fc.boolean() }),
      fc.record({ kind: fc.constant("swap" as const), v: fc.boolean() }),
      fc.record({ kind: fc.constant("cas" as const), expected: fc.boolean(), v: fc.boolean() }),
    );
    fc.assert(
      fc.property(fc.boolean(), fc.array(op), (start, seq) => {
        const flag = new AtomicBool(start);
        let model = start;
        for (const o of seq) {
          if (o.kind === "store") {
            flag.store(o.v);
            model = o.v;
          } else if (o.kind === "swap") {
            expect(flag.swap(o.v)).toBe(model);
            model = o.v;
          } else {
            const hit = o.expected === model;
            expect(flag.compareAndSwap(o.expected, o.v)).toBe(hit);
            if (hit) model = o.v;
          }
          expect(flag.load()).toBe(model);
        }
      }),
    );
  });

  it("out-of-range and non-integer operands are rejected and leave the value unchanged", () => {
    const badNumber = fc.oneof(
      fc.double({ noInteger: true }),
      fc.integer({ min: 2 ** 32, max: 2 ** 40 }),
      fc.integer({ min: -(2 ** 40), max: -(2 ** 31) - 1 }),
      fc.constant(Number.NaN),
    );
    fc.assert(
      fc.property(badNumber, int32, (bad, start) => {
        const a = new AtomicInt32(start);
        const u = new AtomicUint32(start >>> 0);
        for (const call of [() => a.add(bad), () => a.store(bad), () => u.sub(bad), () => u.or(bad)]) {
          let caught: unknown;
          try {
            call();
          } catch (error) {
            caught = error;
          }
          expect(isInvalidAtomicValueError(caught)).toBe(true);
        }
        expect(a.load()).toBe(start);
        expect(u.load()).toBe(start >>> 0);
      }),
    );
  });
});
