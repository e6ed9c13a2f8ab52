/**
 * AtomicUint32 — Go's `atomic.Uint32`, over a SharedArrayBuffer.
 *
 * The implementation is shared with the other integer atomics: see
 * internal/integer-atomic.ts for it and its invariants.
 */

import { checkUint32 } from "./internal/check.js";
import { IntegerAtomic, integerKind } from "./internal/integer-atomic.js";

const KIND = integerKind<number>({
  name: "AtomicUint32",
  bytes: 4,
  view: (buffer, byteOffset) => new Uint32Array(buffer, byteOffset, 1),
  check: checkUint32,
  wrap: (v) => v >>> 0,
});

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
 * ```ts run
 * import { AtomicUint32 } from "@csp-kit/atomic";
 *
 * const pending = new AtomicUint32();
 * pending.add(3);
 * pending.sub(1);            // 2 (Go: Add(^uint32(0)))
 * console.log(pending.load()); // → 2
 * if (pending.load() !== 2) throw new Error(`got ${pending.load()}`);
 * ```
 */
export class AtomicUint32 extends IntegerAtomic<number> {
  /** Bytes an AtomicUint32 occupies; also its alignment. */
  static readonly BYTES = 4;

  /**
   * Creates an AtomicUint32 holding `initial` (default 0, Go's zero value), in a
   * new 4-byte SharedArrayBuffer.
   *
   * @throws {@link InvalidAtomicValueError} unless `initial` is a whole number in [0, 2**32 - 1].
   */
  constructor(initial: number = 0) {
    super(KIND, initial, undefined);
  }

  /**
   * Binds to the AtomicUint32 at `byteOffset` in `buffer`, without changing its
   * value — how a worker rebuilds one it was sent.
   *
   * @throws {@link InvalidAtomicLayoutError} unless `buffer` is a
   *   SharedArrayBuffer and `byteOffset` a multiple of 4 with 4 bytes left.
   */
  static from(buffer: SharedArrayBuffer, byteOffset = 0): AtomicUint32 {
    return IntegerAtomic.attach(AtomicUint32, KIND, buffer, byteOffset);
  }
}
