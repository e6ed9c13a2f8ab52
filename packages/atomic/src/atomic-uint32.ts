/**
 * AtomicUint32 — Go's `atomic.Uint32`, over a SharedArrayBuffer.
 *
 * Invariants: `#view` is a one-element view of exactly this atomic's bytes, at an
 * offset aligned to its size, in a SharedArrayBuffer; every read and write of the
 * value goes through `Atomics`; every value written was validated first (type and
 * range), so nothing is ever silently truncated — wrapping happens only as the
 * result of arithmetic, as in Go.
 */

import { park, takeParked } from "./internal/binding.js";
import { checkSlot, checkUint32 } from "./internal/check.js";

/**
 * A 32-bit unsigned integer updated atomically — Go's `atomic.Uint32` — stored in
 * a SharedArrayBuffer so that worker threads can share it.
 *
 * **Blocking:** never; every method is one atomic operation, wait-free.
 *
 * **Ordering:** sequentially consistent, like Go's sync/atomic: if an atomic
 * operation B observes the effect of an atomic operation A (in any thread),
 * then A happens before B — and so do the plain writes made before A.
 *
 * **Overflow:** arithmetic wraps around modulo 2**32 like Go's: values always
 * stay in [0, 2**32); `0` minus 1 is `2**32 - 1`.
 *
 * **Sharing with a worker:** send {@link AtomicUint32.buffer} (and
 * {@link AtomicUint32.byteOffset}) via `workerData` or `postMessage` — a
 * SharedArrayBuffer is shared, not copied — and rebuild it there with
 * {@link AtomicUint32.from}. To put several atomics in one buffer, see {@link AtomicLayout}.
 *
 * **Gotchas:** operands are validated — a fraction, NaN, a bigint, a negative
 * number or one above 2**32 - 1 throws {@link InvalidAtomicValueError} rather
 * than being silently truncated as `Atomics.*` would. To subtract, use `sub`.
 *
 * @example
 * ```ts
 * const pending = new AtomicUint32();
 * pending.add(3);
 * pending.sub(1);            // 2 (Go: Add(^uint32(0)))
 * console.log(pending.load());
 * ```
 */
export class AtomicUint32 {
  /** Bytes an AtomicUint32 occupies; also its alignment. */
  static readonly BYTES = 4;

  /** A one-element view of exactly this atomic's bytes; the value is `#view[0]`. Set at construction, never replaced. */
  readonly #view: Uint32Array;

  /**
   * Creates an AtomicUint32 holding `initial` (default 0, Go's zero value), in a
   * new 4-byte SharedArrayBuffer.
   *
   * @throws {@link InvalidAtomicValueError} unless `initial` is a whole number in [0, 2**32 - 1].
   */
  constructor(initial = 0) {
    const slot = takeParked();
    if (slot !== undefined) {
      this.#view = new Uint32Array(slot.buffer, slot.byteOffset, 1);
      return;
    }
    checkUint32("new AtomicUint32(initial)", initial);
    this.#view = new Uint32Array(new SharedArrayBuffer(AtomicUint32.BYTES));
    this.#view[0] = initial;
  }

  /**
   * Binds to the AtomicUint32 at `byteOffset` in `buffer`, without changing its
   * value — how a worker rebuilds one it was sent.
   *
   * @throws {@link InvalidAtomicLayoutError} unless `buffer` is a
   *   SharedArrayBuffer and `byteOffset` a multiple of 4 with 4 bytes left.
   */
  static from(buffer: SharedArrayBuffer, byteOffset = 0): AtomicUint32 {
    park(buffer, checkSlot("AtomicUint32.from", buffer, byteOffset, AtomicUint32.BYTES, AtomicUint32.BYTES));
    return new AtomicUint32();
  }

  /** The SharedArrayBuffer holding the value: send it to another thread. */
  get buffer(): SharedArrayBuffer {
    return this.#view.buffer as SharedArrayBuffer;
  }

  /** Byte offset of the value in {@link AtomicUint32.buffer}. */
  get byteOffset(): number {
    return this.#view.byteOffset;
  }

  /** Atomically loads the value — Go's `Load`. */
  load(): number {
    return Atomics.load(this.#view, 0);
  }

  /**
   * Atomically stores `value` — Go's `Store`.
   * @throws {@link InvalidAtomicValueError} unless `value` is a whole number in [0, 2**32 - 1].
   */
  store(value: number): void {
    Atomics.store(this.#view, 0, checkUint32("AtomicUint32.store(value)", value));
  }

  /**
   * Atomically stores `value` and returns the previous value — Go's `Swap`.
   * @throws {@link InvalidAtomicValueError} as `store`.
   */
  swap(value: number): number {
    return Atomics.exchange(this.#view, 0, checkUint32("AtomicUint32.swap(value)", value));
  }

  /**
   * Atomically sets the value to `next` if it is `expected` — Go's `CompareAndSwap`.
   * @returns whether the swap happened. A failed compareAndSwap writes nothing.
   * @throws {@link InvalidAtomicValueError} unless both are whole numbers in the uint32 range.
   */
  compareAndSwap(expected: number, next: number): boolean {
    const old = checkUint32("AtomicUint32.compareAndSwap(expected)", expected);
    const value = checkUint32("AtomicUint32.compareAndSwap(next)", next);
    return Atomics.compareExchange(this.#view, 0, old, value) === old;
  }

  /**
   * Atomically adds `delta` and returns the NEW value — Go's `Add` (note:
   * `Atomics.add` returns the old one). Wraps on overflow.
   * @throws {@link InvalidAtomicValueError} unless `delta` is a whole number in [0, 2**32 - 1].
   */
  add(delta: number): number {
    const d = checkUint32("AtomicUint32.add(delta)", delta);
    return (Atomics.add(this.#view, 0, d) + d) >>> 0;
  }

  /**
   * Atomically subtracts `delta` and returns the NEW value (Go writes
   * `Add(^uint32(delta - 1))`). Wraps below zero.
   * @throws {@link InvalidAtomicValueError} unless `delta` is a whole number in [0, 2**32 - 1].
   */
  sub(delta: number): number {
    const d = checkUint32("AtomicUint32.sub(delta)", delta);
    return (Atomics.sub(this.#view, 0, d) - d) >>> 0;
  }

  /**
   * Atomically ANDs the value with `mask` and returns the OLD value — Go 1.23's `And`.
   * @throws {@link InvalidAtomicValueError} unless `mask` is a whole number in the uint32 range.
   */
  and(mask: number): number {
    return Atomics.and(this.#view, 0, checkUint32("AtomicUint32.and(mask)", mask));
  }

  /**
   * Atomically ORs the value with `mask` and returns the OLD value — Go 1.23's `Or`.
   * @throws {@link InvalidAtomicValueError} unless `mask` is a whole number in the uint32 range.
   */
  or(mask: number): number {
    return Atomics.or(this.#view, 0, checkUint32("AtomicUint32.or(mask)", mask));
  }
}
