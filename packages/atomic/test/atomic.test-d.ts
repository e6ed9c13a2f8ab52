import { describe, expectTypeOf, it } from "vitest";
import { AtomicBool, AtomicInt32, AtomicInt64, AtomicLayout, AtomicUint32, AtomicUint64 } from "../src/index.js";

describe("types", () => {
  it("AtomicInt64 and AtomicUint64 take and return bigint", () => {
    const a = new AtomicInt64();
    expectTypeOf(a.load()).toEqualTypeOf<bigint>();
    expectTypeOf(a.add).parameter(0).toEqualTypeOf<bigint>();
    expectTypeOf(a.add(1n)).toEqualTypeOf<bigint>();
    expectTypeOf(a.compareAndSwap(1n, 2n)).toEqualTypeOf<boolean>();
    // @ts-expect-error a number is not a bigint: write 1n
    a.add(1);
    expectTypeOf(new AtomicUint64().swap(1n)).toEqualTypeOf<bigint>();
    expectTypeOf(AtomicInt64).constructorParameters.toEqualTypeOf<[initial?: bigint | undefined]>();
  });

  it("the 32-bit atomics take and return number", () => {
    expectTypeOf(new AtomicInt32().add(1)).toEqualTypeOf<number>();
    expectTypeOf(new AtomicUint32().sub(1)).toEqualTypeOf<number>();
    // @ts-expect-error a bigint is not a number
    new AtomicInt32().store(1n);
  });

  it("AtomicBool takes and returns boolean", () => {
    const flag = new AtomicBool();
    expectTypeOf(flag.load()).toEqualTypeOf<boolean>();
    expectTypeOf(flag.swap(true)).toEqualTypeOf<boolean>();
    // @ts-expect-error AtomicBool has no arithmetic
    flag.add(1);
  });

  it("from returns the class it is called on", () => {
    const buffer = new SharedArrayBuffer(8);
    expectTypeOf(AtomicInt32.from(buffer)).toEqualTypeOf<AtomicInt32>();
    expectTypeOf(AtomicInt64.from(buffer, 0)).toEqualTypeOf<AtomicInt64>();
    expectTypeOf(new AtomicBool().buffer).toEqualTypeOf<SharedArrayBuffer>();
  });

  it("AtomicLayout.bind types each field by its kind", () => {
    const layout = new AtomicLayout({ stop: "bool", jobs: "int32", mask: "uint32", bytes: "int64", seen: "uint64" });
    const fields = layout.bind(layout.allocate());
    expectTypeOf(fields.stop).toEqualTypeOf<AtomicBool>();
    expectTypeOf(fields.jobs).toEqualTypeOf<AtomicInt32>();
    expectTypeOf(fields.mask).toEqualTypeOf<AtomicUint32>();
    expectTypeOf(fields.bytes).toEqualTypeOf<AtomicInt64>();
    expectTypeOf(fields.seen).toEqualTypeOf<AtomicUint64>();
    // @ts-expect-error no such field
    void fields.missing;
    // @ts-expect-error offsetOf knows the field names
    layout.offsetOf("missing");
    // @ts-expect-error unknown kind
    new AtomicLayout({ x: "float64" });
  });
});
