import { describe, expect, it } from "vitest";
import {
  AtomicBool,
  AtomicInt32,
  AtomicInt64,
  AtomicLayout,
  AtomicUint32,
  AtomicUint64,
  InvalidAtomicLayoutError,
} from "../src/index.js";

describe("AtomicLayout", () => {
  it("packs 8-byte fields first, then 4-byte fields, with no padding", () => {
    const layout = new AtomicLayout({ stop: "bool", jobs: "int32", bytes: "int64", seen: "uint64", mask: "uint32" });
    expect(layout.byteLength).toBe(28);
    expect(layout.alignment).toBe(8);
    expect(layout.offsetOf("bytes")).toBe(0);
    expect(layout.offsetOf("seen")).toBe(8);
    expect(layout.offsetOf("stop")).toBe(16);
    expect(layout.offsetOf("jobs")).toBe(20);
    expect(layout.offsetOf("mask")).toBe(24);
  });

  it("bind gives one atomic of the right class per field, all starting at their zero value", () => {
    const layout = new AtomicLayout({ stop: "bool", jobs: "int32", mask: "uint32", bytes: "int64", seen: "uint64" });
    const fields = layout.bind(layout.allocate());
    expect(fields.stop).toBeInstanceOf(AtomicBool);
    expect(fields.jobs).toBeInstanceOf(AtomicInt32);
    expect(fields.mask).toBeInstanceOf(AtomicUint32);
    expect(fields.bytes).toBeInstanceOf(AtomicInt64);
    expect(fields.seen).toBeInstanceOf(AtomicUint64);
    expect([fields.stop.load(), fields.jobs.load(), fields.bytes.load()]).toEqual([false, 0, 0n]);
  });

  it("fields do not disturb each other", () => {
    const layout = new AtomicLayout({ a: "int32", b: "int32", c: "int64" });
    const { a, b, c } = layout.bind(layout.allocate());
    a.store(-1);
    c.store(-1n);
    expect(b.load()).toBe(0);
    b.add(5);
    expect(a.load()).toBe(-1);
    expect(c.load()).toBe(-1n);
  });

  it("binding the same buffer twice gives views of the same values", () => {
    const layout = new AtomicLayout({ count: "int64" });
    const buffer = layout.allocate();
    layout.bind(buffer).count.add(3n);
    expect(layout.bind(buffer).count.load()).toBe(3n);
  });

  it("can live at an aligned offset inside a bigger buffer", () => {
    const layout = new AtomicLayout({ x: "int64", y: "int32" });
    const buffer = new SharedArrayBuffer(64);
    const { x } = layout.bind(buffer, 16);
    x.store(7n);
    expect(new BigInt64Array(buffer)[2]).toBe(7n);
    expect(() => layout.bind(buffer, 4)).toThrow(/multiple of 8/);
    expect(() => layout.bind(buffer, 56)).toThrow(InvalidAtomicLayoutError);
  });

  it("a layout of 4-byte fields only needs 4-byte alignment", () => {
    const layout = new AtomicLayout({ a: "bool", b: "uint32" });
    expect(layout.alignment).toBe(4);
    expect(layout.bind(new SharedArrayBuffer(12), 4).b.load()).toBe(0);
  });

  it("rejects an empty schema, an unknown kind and a non-shared buffer", () => {
    expect(() => new AtomicLayout({})).toThrow(/no fields/);
    expect(() => new AtomicLayout({ x: "float64" } as never)).toThrow(/use one of bool, int32, uint32, int64, uint64/);
    const layout = new AtomicLayout({ x: "int32" });
    expect(() => layout.bind(new ArrayBuffer(4) as unknown as SharedArrayBuffer)).toThrow(InvalidAtomicLayoutError);
    expect(() => layout.offsetOf("y" as "x")).toThrow(/no field "y"/);
  });

  it("bind returns a frozen record", () => {
    const layout = new AtomicLayout({ x: "int32" });
    expect(Object.isFrozen(layout.bind(layout.allocate()))).toBe(true);
  });

  it("a field named __proto__ is an ordinary field, not the prototype of what bind returns", () => {
    const schema = JSON.parse('{"__proto__": "int32", "toString": "bool", "jobs": "int32"}') as Record<
      string,
      "int32" | "bool"
    >;
    const layout = new AtomicLayout(schema);
    expect(layout.byteLength).toBe(12);
    const fields = layout.bind(layout.allocate()) as Record<string, unknown>;
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    expect(Object.hasOwn(fields, "__proto__")).toBe(true);
    expect(Object.getOwnPropertyDescriptor(fields, "__proto__")?.value).toBeInstanceOf(AtomicInt32);
    expect(fields.toString).toBeInstanceOf(AtomicBool);
    expect(Object.keys(fields)).toEqual(["__proto__", "toString", "jobs"]);
    expect(Object.isFrozen(fields)).toBe(true);
  });
});

describe("atomic error messages", () => {
  it("describe what was given grammatically", () => {
    expect(() => new AtomicBool(undefined as unknown as boolean)).not.toThrow();
    expect(() => new AtomicBool(Symbol("s") as unknown as boolean)).toThrow(/\(got a symbol\)$/);
    expect(() => new AtomicBool({} as unknown as boolean)).toThrow(/\(got an object \(Object\)\)$/);
    expect(() => new AtomicBool((() => true) as unknown as boolean)).toThrow(/\(got a function\)$/);
    expect(() => new AtomicBool("yes" as unknown as boolean)).toThrow(/\(got the string "yes"\)$/);
  });
});
