/**
 * AtomicUint64 — Go's `atomic.Uint64`, over a SharedArrayBuffer.
 *
 * The implementation is shared with the other integer atomics: see
 * internal/integer-atomic.ts for it and its invariants.
 */

import { checkUint64 } from "./internal/check.js";
import { IntegerAtomic, integerKind } from "./internal/integer-atomic.js";

const KIND = integerKind<bigint>({
  name: "AtomicUint64",
  bytes: 8,
  view: (buffer, byteOffset) => new BigUint64Array(buffer, byteOffset, 1),
  check: checkUint64,
  wrap: (v) => BigInt.asUintN(64, v),
});

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
 * ```ts run
 * import { AtomicUint64 } from "@csp-kit/atomic";
 *
 * const bytesSent = new AtomicUint64();
 * bytesSent.add(1500n);
 * console.log(bytesSent.load());   // → 1500n
 * if (bytesSent.load() !== 1500n) throw new Error(`got ${bytesSent.load()}`);
 * ```
 */
export class AtomicUint64 extends IntegerAtomic<bigint> {
  /** Bytes an AtomicUint64 occupies; also its alignment. */
  static readonly BYTES = 8;

  /**
   * Creates an AtomicUint64 holding `initial` (default 0n, Go's zero value), in a
   * new 8-byte SharedArrayBuffer.
   *
   * @throws {@link InvalidAtomicValueError} unless `initial` is a bigint in [0n, 2n**64n - 1n].
   */
  constructor(initial: bigint = 0n) {
    super(KIND, initial, undefined);
  }

  /**
   * Binds to the AtomicUint64 at `byteOffset` in `buffer`, without changing its
   * value — how a worker rebuilds one it was sent.
   *
   * @throws {@link InvalidAtomicLayoutError} unless `buffer` is a
   *   SharedArrayBuffer and `byteOffset` a multiple of 8 with 8 bytes left.
   */
  static from(buffer: SharedArrayBuffer, byteOffset = 0): AtomicUint64 {
    return IntegerAtomic.attach(AtomicUint64, KIND, buffer, byteOffset);
  }
}
