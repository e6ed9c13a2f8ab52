/**
 * AtomicInt64 — Go's `atomic.Int64`, over a SharedArrayBuffer.
 *
 * The implementation is shared with the other integer atomics: see
 * internal/integer-atomic.ts for it and its invariants.
 */

import { checkInt64 } from "./internal/check.js";
import { IntegerAtomic, integerKind } from "./internal/integer-atomic.js";

const KIND = integerKind<bigint>({
  name: "AtomicInt64",
  bytes: 8,
  view: (buffer, byteOffset) => new BigInt64Array(buffer, byteOffset, 1),
  check: checkInt64,
  wrap: (v) => BigInt.asIntN(64, v),
});

/**
 * A 64-bit signed integer (a `bigint`) updated atomically — Go's `atomic.Int64` — stored in
 * a SharedArrayBuffer so that worker threads can share it.
 *
 * **Blocking:** never; every method is one atomic operation, wait-free.
 *
 * **Ordering:** sequentially consistent, like Go's sync/atomic: if an atomic
 * operation B observes the effect of an atomic operation A (in any thread),
 * then A happens before B — and so do the plain writes made before A.
 *
 * **Overflow:** arithmetic wraps around like Go's (two's complement):
 * `2n**63n - 1n` plus `1n` is `-(2n**63n)`.
 *
 * **Sharing with a worker:** send {@link AtomicInt64.buffer} (and
 * {@link AtomicInt64.byteOffset}) via `workerData` or `postMessage` — a
 * SharedArrayBuffer is shared, not copied — and rebuild it there with
 * {@link AtomicInt64.from}. To put several atomics in one buffer, see {@link AtomicLayout}.
 *
 * **Gotchas:** values are `bigint`s, never numbers: `add(1)` throws
 * {@link InvalidAtomicValueError} (write `add(1n)`), as does a bigint outside
 * the int64 range. Counting bytes or nanoseconds past 2**53 is what this type
 * is for; for small counters {@link AtomicInt32} is cheaper.
 *
 * @example
 * ```ts run
 * import { AtomicInt64 } from "@csp-kit/atomic";
 *
 * const total = new AtomicInt64();
 * total.add(5n);               // bigint in, bigint out
 * console.log(total.load());   // → 5n
 * if (total.load() !== 5n) throw new Error(`got ${total.load()}`);
 * ```
 */
export class AtomicInt64 extends IntegerAtomic<bigint> {
  /** Bytes an AtomicInt64 occupies; also its alignment. */
  static readonly BYTES = 8;

  /**
   * Creates an AtomicInt64 holding `initial` (default 0n, Go's zero value), in a
   * new 8-byte SharedArrayBuffer.
   *
   * @throws {@link InvalidAtomicValueError} unless `initial` is a bigint in [-(2n**63n), 2n**63n - 1n].
   */
  constructor(initial: bigint = 0n) {
    super(KIND, initial, undefined);
  }

  /**
   * Binds to the AtomicInt64 at `byteOffset` in `buffer`, without changing its
   * value — how a worker rebuilds one it was sent.
   *
   * @throws {@link InvalidAtomicLayoutError} unless `buffer` is a
   *   SharedArrayBuffer and `byteOffset` a multiple of 8 with 8 bytes left.
   */
  static from(buffer: SharedArrayBuffer, byteOffset = 0): AtomicInt64 {
    return IntegerAtomic.attach(AtomicInt64, KIND, buffer, byteOffset);
  }
}
