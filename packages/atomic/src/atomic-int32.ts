/**
 * AtomicInt32 — Go's `atomic.Int32`, over a SharedArrayBuffer.
 *
 * The implementation is shared with the other integer atomics: see
 * internal/integer-atomic.ts for it and its invariants.
 */

import { checkInt32 } from "./internal/check.js";
import { IntegerAtomic, integerKind } from "./internal/integer-atomic.js";

const KIND = integerKind<number>({
  name: "AtomicInt32",
  bytes: 4,
  view: (buffer, byteOffset) => new Int32Array(buffer, byteOffset, 1),
  check: checkInt32,
  wrap: (v) => v | 0,
});

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
export class AtomicInt32 extends IntegerAtomic<number> {
  /** Bytes an AtomicInt32 occupies; also its alignment. */
  static readonly BYTES = 4;

  /**
   * Creates an AtomicInt32 holding `initial` (default 0, Go's zero value), in a
   * new 4-byte SharedArrayBuffer.
   *
   * @throws {@link InvalidAtomicValueError} unless `initial` is a whole number in [-2**31, 2**31 - 1].
   */
  constructor(initial: number = 0) {
    super(KIND, initial, undefined);
  }

  /**
   * Binds to the AtomicInt32 at `byteOffset` in `buffer`, without changing its
   * value — how a worker rebuilds one it was sent.
   *
   * @throws {@link InvalidAtomicLayoutError} unless `buffer` is a
   *   SharedArrayBuffer and `byteOffset` a multiple of 4 with 4 bytes left.
   */
  static from(buffer: SharedArrayBuffer, byteOffset = 0): AtomicInt32 {
    return IntegerAtomic.attach(AtomicInt32, KIND, buffer, byteOffset);
  }
}
