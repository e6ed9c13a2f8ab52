/**
 * The one implementation behind AtomicInt32, AtomicUint32, AtomicInt64 and
 * AtomicUint64: a one-element typed-array view over a SharedArrayBuffer, every
 * access through `Atomics`, every operand validated. The four public classes
 * differ only in their {@link IntegerKind}: the view type, the operand check
 * and how a sum wraps (Go's two's-complement / modulo arithmetic).
 *
 * Invariants: `#view` is a one-element view of exactly this atomic's bytes, at
 * an offset aligned to its size, in a SharedArrayBuffer; every value written was
 * validated first (type and range), so nothing is ever silently truncated —
 * wrapping happens only as the result of arithmetic, as in Go.
 */

import type { Slot } from "./binding.js";
import { checkSlot } from "./check.js";

/** The typed arrays an integer atomic can live in. */
type IntegerView = Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

/**
 * `Atomics` typed for one value type: the standard library's overloads cannot
 * be selected through a union of views, so the base class calls them through
 * this narrower signature (each is the same runtime function).
 */
interface AtomicsOf<V> {
  load(view: IntegerView, index: 0): V;
  store(view: IntegerView, index: 0, value: V): V;
  exchange(view: IntegerView, index: 0, value: V): V;
  compareExchange(view: IntegerView, index: 0, expected: V, replacement: V): V;
  add(view: IntegerView, index: 0, value: V): V;
  sub(view: IntegerView, index: 0, value: V): V;
  and(view: IntegerView, index: 0, value: V): V;
  or(view: IntegerView, index: 0, value: V): V;
}

/** The operand names errors cite, per method ("AtomicInt32.add(delta)"); built once per kind. */
type Labels = Record<"init" | "store" | "swap" | "expected" | "next" | "add" | "sub" | "and" | "or", string>;

/** What distinguishes one integer atomic from another. Build it with {@link integerKind}. */
export interface IntegerKind<V extends number | bigint> {
  /** The public class name, used in error messages ("AtomicInt32.add(delta)"). */
  readonly name: string;
  /** Bytes per value; also the alignment. */
  readonly bytes: 4 | 8;
  /** Creates the one-element view at `byteOffset` of `buffer`. */
  readonly view: (buffer: SharedArrayBuffer, byteOffset: number) => IntegerView;
  /** Validates an operand: returns it, or throws InvalidAtomicValueError naming `where`. */
  readonly check: (where: string, value: unknown) => V;
  /** Wraps an exact sum or difference into the type's range, as Go's arithmetic does. */
  readonly wrap: (value: V) => V;
  /** Error labels, precomputed so that no operation builds a string. */
  readonly labels: Labels;
}

/** Completes a kind description with its precomputed error labels. */
export function integerKind<V extends number | bigint>(kind: Omit<IntegerKind<V>, "labels">): IntegerKind<V> {
  const n = kind.name;
  return {
    ...kind,
    labels: {
      init: `new ${n}(initial)`,
      store: `${n}.store(value)`,
      swap: `${n}.swap(value)`,
      expected: `${n}.compareAndSwap(expected)`,
      next: `${n}.compareAndSwap(next)`,
      add: `${n}.add(delta)`,
      sub: `${n}.sub(delta)`,
      and: `${n}.and(mask)`,
      or: `${n}.or(mask)`,
    },
  };
}

export abstract class IntegerAtomic<V extends number | bigint> {
  /** A one-element view of exactly this atomic's bytes; the value is `#view[0]`. Set at construction, never replaced. */
  readonly #view: IntegerView;
  /** The kind's rules. Set at construction, never replaced. */
  readonly #kind: IntegerKind<V>;

  /**
   * Binds to `slot` (validated by {@link IntegerAtomic.attach}) when given, or
   * allocates a new SharedArrayBuffer holding `initial` (validated).
   */
  protected constructor(kind: IntegerKind<V>, initial: V, slot: Slot | undefined) {
    this.#kind = kind;
    if (slot !== undefined) {
      this.#view = kind.view(slot.buffer, slot.byteOffset);
      return;
    }
    const value = kind.check(kind.labels.init, initial);
    this.#view = kind.view(new SharedArrayBuffer(kind.bytes), 0);
    (Atomics as unknown as AtomicsOf<V>).store(this.#view, 0, value);
  }

  /**
   * An instance of `cls` bound to the slot at `byteOffset` of `buffer`,
   * validated for `kind`; the value is left as it is. Precondition: `cls`'s
   * constructor only forwards to this class's with `kind` (so running this
   * constructor with `cls` as `new.target` builds the same object, minus the
   * allocation).
   */
  protected static attach<A extends IntegerAtomic<number> | IntegerAtomic<bigint>>(
    cls: abstract new (...args: never[]) => A,
    kind: IntegerKind<number> | IntegerKind<bigint>,
    buffer: SharedArrayBuffer,
    byteOffset: number,
  ): A {
    const slot: Slot = {
      buffer,
      byteOffset: checkSlot(`${kind.name}.from`, buffer, byteOffset, kind.bytes, kind.bytes),
    };
    return Reflect.construct(IntegerAtomic, [kind, undefined, slot], cls) as A;
  }

  #op(): AtomicsOf<V> {
    return Atomics as unknown as AtomicsOf<V>;
  }

  #check(label: keyof Labels, value: unknown): V {
    return this.#kind.check(this.#kind.labels[label], value);
  }

  /** The SharedArrayBuffer holding the value: send it to another thread. */
  get buffer(): SharedArrayBuffer {
    return this.#view.buffer as SharedArrayBuffer;
  }

  /** Byte offset of the value in `buffer`. */
  get byteOffset(): number {
    return this.#view.byteOffset;
  }

  /** Atomically loads the value — Go's `Load`. */
  load(): V {
    return this.#op().load(this.#view, 0);
  }

  /**
   * Atomically stores `value` — Go's `Store`.
   * @throws InvalidAtomicValueError unless `value` is in the type's range.
   */
  store(value: V): void {
    this.#op().store(this.#view, 0, this.#check("store", value));
  }

  /**
   * Atomically stores `value` and returns the previous value — Go's `Swap`.
   * @throws InvalidAtomicValueError as `store`.
   */
  swap(value: V): V {
    return this.#op().exchange(this.#view, 0, this.#check("swap", value));
  }

  /**
   * Atomically sets the value to `next` if it is `expected` — Go's `CompareAndSwap`.
   * @returns whether the swap happened. A failed compareAndSwap writes nothing.
   * @throws InvalidAtomicValueError unless both are in the type's range.
   */
  compareAndSwap(expected: V, next: V): boolean {
    const old = this.#check("expected", expected);
    const value = this.#check("next", next);
    return this.#op().compareExchange(this.#view, 0, old, value) === old;
  }

  /**
   * Atomically adds `delta` and returns the NEW value — Go's `Add` (note:
   * `Atomics.add` returns the old one). Wraps on overflow, as Go does.
   * @throws InvalidAtomicValueError unless `delta` is in the type's range.
   */
  add(delta: V): V {
    const d = this.#check("add", delta);
    return this.#kind.wrap(((this.#op().add(this.#view, 0, d) as number) + (d as number)) as V);
  }

  /**
   * Atomically subtracts `delta` and returns the NEW value (Go writes
   * `Add(-delta)`). Wraps on overflow, as Go does.
   * @throws InvalidAtomicValueError unless `delta` is in the type's range.
   */
  sub(delta: V): V {
    const d = this.#check("sub", delta);
    return this.#kind.wrap(((this.#op().sub(this.#view, 0, d) as number) - (d as number)) as V);
  }

  /**
   * Atomically ANDs the value with `mask` and returns the OLD value — Go 1.23's `And`.
   * @throws InvalidAtomicValueError unless `mask` is in the type's range.
   */
  and(mask: V): V {
    return this.#op().and(this.#view, 0, this.#check("and", mask));
  }

  /**
   * Atomically ORs the value with `mask` and returns the OLD value — Go 1.23's `Or`.
   * @throws InvalidAtomicValueError unless `mask` is in the type's range.
   */
  or(mask: V): V {
    return this.#op().or(this.#view, 0, this.#check("or", mask));
  }
}
