/**
 * AtomicInt32 — Go's `atomic.Int32`, over a SharedArrayBuffer.
 *
 * Invariants: `#view` is a one-element view of exactly this atomic's bytes, at an
 * offset aligned to its size, in a SharedArrayBuffer; every read and write of the
 * value goes through `Atomics`; every value written was validated first (type and
 * range), so nothing is ever silently truncated — wrapping happens only as the
 * result of arithmetic, as in Go.
 */

import { park, takeParked } from "./internal/binding.js";
import { checkInt32, checkSlot } from "./internal/check.js";

/**
 * A 32-bit signed integer updated atomically — Go's `atomic.Int32` — stored in
 * a SharedArrayBuffer so that worker threads can share it.
 *
 * **Blocking:** never; every method is one atomic operation, wait-free.
 *
 * **Ordering:** sequentially consistent, like Go's sync/atomic: if an atomic
 * operation B observes the effect of an atomic operation A (in any thread),
 * then A happens before B — and so do the plain writes made before A.
 *
 * **Overflow:** arithmetic wraps around like Go's (two's complement):
 * `2**31 - 1` plus 1 is `-(2**31)`.
 *
 * **Sharing with a worker:** send {@link AtomicInt32.buffer} (and
 * {@link AtomicInt32.byteOffset}) via `workerData` or `postMessage` — a
 * SharedArrayBuffer is shared, not copied — and rebuild it there with
 * {@link AtomicInt32.from}. To put several atomics in one buffer, see {@link AtomicLayout}.
 *
 * **Gotchas:** operands are validated — a fraction, NaN, a bigint or a number
 * outside [-2**31, 2**31 - 1] throws {@link InvalidAtomicValueError} rather than
 * being silently truncated as `Atomics.*` would.
 *
 * @example
 * ```ts
 * const hits = new AtomicInt32();
 * new Worker(url, { workerData: { hits: hits.buffer } });
 * // in the worker: AtomicInt32.from(workerData.hits).add(1);
 * console.log(hits.load());
 * ```
 */
export class AtomicInt32 {
  /** Bytes an AtomicInt32 occupies; also its alignment. */
  static readonly BYTES = 4;

  /** A one-element view of exactly this atomic's bytes; the value is `#view[0]`. Set at construction, never replaced. */
  readonly #view: Int32Array;

  /**
   * Creates an AtomicInt32 holding `initial` (default 0, Go's zero value), in a
   * new 4-byte SharedArrayBuffer.
   *
   * @throws {@link InvalidAtomicValueError} unless `initial` is a whole number in [-2**31, 2**31 - 1].
   */
  constructor(initial = 0) {
    const slot = takeParked();
    if (slot !== undefined) {
      this.#view = new Int32Array(slot.buffer, slot.byteOffset, 1);
      return;
    }
    checkInt32("new AtomicInt32(initial)", initial);
    this.#view = new Int32Array(new SharedArrayBuffer(AtomicInt32.BYTES));
    this.#view[0] = initial;
  }

  /**
   * Binds to the AtomicInt32 at `byteOffset` in `buffer`, without changing its
   * value — how a worker rebuilds one it was sent.
   *
   * @throws {@link InvalidAtomicLayoutError} unless `buffer` is a
   *   SharedArrayBuffer and `byteOffset` a multiple of 4 with 4 bytes left.
   */
  static from(buffer: SharedArrayBuffer, byteOffset = 0): AtomicInt32 {
    park(buffer, checkSlot("AtomicInt32.from", buffer, byteOffset, AtomicInt32.BYTES, AtomicInt32.BYTES));
    return new AtomicInt32();
  }

  /** The SharedArrayBuffer holding the value: send it to another thread. */
  get buffer(): SharedArrayBuffer {
    return this.#view.buffer as SharedArrayBuffer;
  }

  /** Byte offset of the value in {@link AtomicInt32.buffer}. */
  get byteOffset(): number {
    return this.#view.byteOffset;
  }

  /** Atomically loads the value — Go's `Load`. */
  load(): number {
    return Atomics.load(this.#view, 0);
  }

  /**
   * Atomically stores `value` — Go's `Store`.
   * @throws {@link InvalidAtomicValueError} unless `value` is a whole number in [-2**31, 2**31 - 1].
   */
  store(value: number): void {
    Atomics.store(this.#view, 0, checkInt32("AtomicInt32.store(value)", value));
  }

  /**
   * Atomically stores `value` and returns the previous value — Go's `Swap`.
   * @throws {@link InvalidAtomicValueError} as `store`.
   */
  swap(value: number): number {
    return Atomics.exchange(this.#view, 0, checkInt32("AtomicInt32.swap(value)", value));
  }

  /**
   * Atomically sets the value to `next` if it is `expected` — Go's `CompareAndSwap`.
   * @returns whether the swap happened. A failed compareAndSwap writes nothing.
   * @throws {@link InvalidAtomicValueError} unless both are whole numbers in the int32 range.
   */
  compareAndSwap(expected: number, next: number): boolean {
    const old = checkInt32("AtomicInt32.compareAndSwap(expected)", expected);
    const value = checkInt32("AtomicInt32.compareAndSwap(next)", next);
    return Atomics.compareExchange(this.#view, 0, old, value) === old;
  }

  /**
   * Atomically adds `delta` and returns the NEW value — Go's `Add` (note:
   * `Atomics.add` returns the old one). Wraps on overflow.
   * @throws {@link InvalidAtomicValueError} unless `delta` is a whole number in [-2**31, 2**31 - 1].
   */
  add(delta: number): number {
    const d = checkInt32("AtomicInt32.add(delta)", delta);
    return (Atomics.add(this.#view, 0, d) + d) | 0;
  }

  /**
   * Atomically subtracts `delta` and returns the NEW value (Go writes
   * `Add(-delta)`). Wraps on overflow.
   * @throws {@link InvalidAtomicValueError} unless `delta` is a whole number in [-2**31, 2**31 - 1].
   */
  sub(delta: number): number {
    const d = checkInt32("AtomicInt32.sub(delta)", delta);
    return (Atomics.sub(this.#view, 0, d) - d) | 0;
  }

  /**
   * Atomically ANDs the value with `mask` and returns the OLD value — Go 1.23's `And`.
   * @throws {@link InvalidAtomicValueError} unless `mask` is a whole number in the int32 range.
   */
  and(mask: number): number {
    return Atomics.and(this.#view, 0, checkInt32("AtomicInt32.and(mask)", mask));
  }

  /**
   * Atomically ORs the value with `mask` and returns the OLD value — Go 1.23's `Or`.
   * @throws {@link InvalidAtomicValueError} unless `mask` is a whole number in the int32 range.
   */
  or(mask: number): number {
    return Atomics.or(this.#view, 0, checkInt32("AtomicInt32.or(mask)", mask));
  }
}
