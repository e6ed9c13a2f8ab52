/**
 * AtomicUint64 — Go's `atomic.Uint64`, over a SharedArrayBuffer.
 *
 * Invariants: `#view` is a one-element view of exactly this atomic's bytes, at an
 * offset aligned to its size, in a SharedArrayBuffer; every read and write of the
 * value goes through `Atomics`; every value written was validated first (type and
 * range), so nothing is ever silently truncated — wrapping happens only as the
 * result of arithmetic, as in Go.
 */

import { park, takeParked } from "./internal/binding.js";
import { checkSlot, checkUint64 } from "./internal/check.js";

/**
 * A 64-bit unsigned integer (a `bigint`) updated atomically — Go's `atomic.Uint64` — stored in
 * a SharedArrayBuffer so that worker threads can share it.
 *
 * **Blocking:** never; every method is one atomic operation, wait-free.
 *
 * **Ordering:** sequentially consistent, like Go's sync/atomic: if an atomic
 * operation B observes the effect of an atomic operation A (in any thread),
 * then A happens before B — and so do the plain writes made before A.
 *
 * **Overflow:** arithmetic wraps around modulo 2n**64n like Go's: values always
 * stay in [0n, 2n**64n).
 *
 * **Sharing with a worker:** send {@link AtomicUint64.buffer} (and
 * {@link AtomicUint64.byteOffset}) via `workerData` or `postMessage` — a
 * SharedArrayBuffer is shared, not copied — and rebuild it there with
 * {@link AtomicUint64.from}. To put several atomics in one buffer, see {@link AtomicLayout}.
 *
 * **Gotchas:** values are `bigint`s, never numbers: `add(1)` throws
 * {@link InvalidAtomicValueError} (write `add(1n)`), as does a negative bigint
 * or one above 2n**64n - 1n.
 *
 * @example
 * ```ts
 * const bytesSent = new AtomicUint64();
 * bytesSent.add(1500n);
 * console.log(bytesSent.load());   // 1500n
 * ```
 */
export class AtomicUint64 {
  /** Bytes an AtomicUint64 occupies; also its alignment. */
  static readonly BYTES = 8;

  /** A one-element view of exactly this atomic's bytes; the value is `#view[0]`. Set at construction, never replaced. */
  readonly #view: BigUint64Array;

  /**
   * Creates an AtomicUint64 holding `initial` (default 0n, Go's zero value), in a
   * new 8-byte SharedArrayBuffer.
   *
   * @throws {@link InvalidAtomicValueError} unless `initial` is a bigint in [0n, 2n**64n - 1n].
   */
  constructor(initial = 0n) {
    const slot = takeParked();
    if (slot !== undefined) {
      this.#view = new BigUint64Array(slot.buffer, slot.byteOffset, 1);
      return;
    }
    checkUint64("new AtomicUint64(initial)", initial);
    this.#view = new BigUint64Array(new SharedArrayBuffer(AtomicUint64.BYTES));
    this.#view[0] = initial;
  }

  /**
   * Binds to the AtomicUint64 at `byteOffset` in `buffer`, without changing its
   * value — how a worker rebuilds one it was sent.
   *
   * @throws {@link InvalidAtomicLayoutError} unless `buffer` is a
   *   SharedArrayBuffer and `byteOffset` a multiple of 8 with 8 bytes left.
   */
  static from(buffer: SharedArrayBuffer, byteOffset = 0): AtomicUint64 {
    park(buffer, checkSlot("AtomicUint64.from", buffer, byteOffset, AtomicUint64.BYTES, AtomicUint64.BYTES));
    return new AtomicUint64();
  }

  /** The SharedArrayBuffer holding the value: send it to another thread. */
  get buffer(): SharedArrayBuffer {
    return this.#view.buffer as SharedArrayBuffer;
  }

  /** Byte offset of the value in {@link AtomicUint64.buffer}. */
  get byteOffset(): number {
    return this.#view.byteOffset;
  }

  /** Atomically loads the value — Go's `Load`. */
  load(): bigint {
    return Atomics.load(this.#view, 0);
  }

  /**
   * Atomically stores `value` — Go's `Store`.
   * @throws {@link InvalidAtomicValueError} unless `value` is a bigint in [0n, 2n**64n - 1n].
   */
  store(value: bigint): void {
    Atomics.store(this.#view, 0, checkUint64("AtomicUint64.store(value)", value));
  }

  /**
   * Atomically stores `value` and returns the previous value — Go's `Swap`.
   * @throws {@link InvalidAtomicValueError} as `store`.
   */
  swap(value: bigint): bigint {
    return Atomics.exchange(this.#view, 0, checkUint64("AtomicUint64.swap(value)", value));
  }

  /**
   * Atomically sets the value to `next` if it is `expected` — Go's `CompareAndSwap`.
   * @returns whether the swap happened. A failed compareAndSwap writes nothing.
   * @throws {@link InvalidAtomicValueError} unless both are bigints in the uint64 range.
   */
  compareAndSwap(expected: bigint, next: bigint): boolean {
    const old = checkUint64("AtomicUint64.compareAndSwap(expected)", expected);
    const value = checkUint64("AtomicUint64.compareAndSwap(next)", next);
    return Atomics.compareExchange(this.#view, 0, old, value) === old;
  }

  /**
   * Atomically adds `delta` and returns the NEW value — Go's `Add` (note:
   * `Atomics.add` returns the old one). Wraps on overflow.
   * @throws {@link InvalidAtomicValueError} unless `delta` is a bigint in [0n, 2n**64n - 1n].
   */
  add(delta: bigint): bigint {
    const d = checkUint64("AtomicUint64.add(delta)", delta);
    return BigInt.asUintN(64, Atomics.add(this.#view, 0, d) + d);
  }

  /**
   * Atomically subtracts `delta` and returns the NEW value (Go writes
   * `Add(^uint64(delta - 1))`). Wraps below zero.
   * @throws {@link InvalidAtomicValueError} unless `delta` is a bigint in [0n, 2n**64n - 1n].
   */
  sub(delta: bigint): bigint {
    const d = checkUint64("AtomicUint64.sub(delta)", delta);
    return BigInt.asUintN(64, Atomics.sub(this.#view, 0, d) - d);
  }

  /**
   * Atomically ANDs the value with `mask` and returns the OLD value — Go 1.23's `And`.
   * @throws {@link InvalidAtomicValueError} unless `mask` is a bigint in the uint64 range.
   */
  and(mask: bigint): bigint {
    return Atomics.and(this.#view, 0, checkUint64("AtomicUint64.and(mask)", mask));
  }

  /**
   * Atomically ORs the value with `mask` and returns the OLD value — Go 1.23's `Or`.
   * @throws {@link InvalidAtomicValueError} unless `mask` is a bigint in the uint64 range.
   */
  or(mask: bigint): bigint {
    return Atomics.or(this.#view, 0, checkUint64("AtomicUint64.or(mask)", mask));
  }
}
