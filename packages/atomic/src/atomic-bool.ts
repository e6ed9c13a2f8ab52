/**
 * AtomicBool — Go's `atomic.Bool`, over a SharedArrayBuffer.
 *
 * Invariants: `#view` is a one-element view of exactly this atomic's bytes, at an
 * offset aligned to its size, in a SharedArrayBuffer; every read and write of the
 * value goes through `Atomics`; every value written was validated first (type and
 * range), so nothing is ever silently truncated — wrapping happens only as the
 * result of arithmetic, as in Go.
 */

import type { Slot } from "./internal/binding.js";
import { checkBool, checkSlot } from "./internal/check.js";

/** How a boolean is stored: one Int32, 0 or 1 (Int32 is the type `Atomics.wait` accepts, so a thread can sleep on the word). */
const FALSE = 0;
const TRUE = 1;

/**
 * A boolean updated atomically — Go's `atomic.Bool` — stored in a
 * SharedArrayBuffer so that worker threads can share it. The classic use is a
 * stop flag: the main thread sets it, worker loops check it.
 *
 * **Blocking:** never; every method is one atomic operation, wait-free.
 *
 * **Ordering:** sequentially consistent, like Go's sync/atomic: a `load` that
 * sees a `store(true)` also sees every write the storing thread made before it.
 *
 * **Sharing with a worker:** send {@link AtomicBool.buffer} (and
 * {@link AtomicBool.byteOffset}) via `workerData` or `postMessage` and rebuild it
 * there with {@link AtomicBool.from}. To put several atomics in one buffer, see
 * {@link AtomicLayout}.
 *
 * **Gotchas:** takes real booleans only — `store(1)` or `store("yes")` throws
 * {@link InvalidAtomicValueError} instead of guessing. A worker spinning on
 * `load()` keeps a core busy; give the loop real work, or sleep between checks.
 *
 * @example
 * ```ts
 * const stop = new AtomicBool();
 * const worker = new Worker(url, { workerData: { stop: stop.buffer } });
 * // worker: const stop = AtomicBool.from(workerData.stop); while (!stop.load()) step();
 * stop.store(true);
 * ```
 */
export class AtomicBool {
  /** Bytes an AtomicBool occupies (one Int32); also its alignment. */
  static readonly BYTES = 4;

  /** A one-element view of exactly this flag's bytes; the flag is `#view[0]`, 0 or 1. Set at construction, never replaced. */
  readonly #view: Int32Array;

  /** @internal `from`'s path: binds to `slot` (validated), leaving its value as it is; `initial` is ignored. */
  constructor(initial: boolean, slot: Slot);
  /**
   * Creates an AtomicBool holding `initial` (default false, Go's zero value), in
   * a new 4-byte SharedArrayBuffer.
   *
   * @throws {@link InvalidAtomicValueError} unless `initial` is a boolean.
   */
  constructor(initial?: boolean);
  constructor(initial = false, slot?: Slot) {
    if (slot !== undefined) {
      this.#view = new Int32Array(slot.buffer, slot.byteOffset, 1);
      return;
    }
    checkBool("new AtomicBool(initial)", initial);
    this.#view = new Int32Array(new SharedArrayBuffer(AtomicBool.BYTES));
    this.#view[0] = initial ? TRUE : FALSE;
  }

  /**
   * Binds to the AtomicBool at `byteOffset` in `buffer`, without changing it —
   * how a worker rebuilds one it was sent. A zero-filled slot reads as false.
   *
   * @throws {@link InvalidAtomicLayoutError} unless `buffer` is a
   *   SharedArrayBuffer and `byteOffset` a multiple of 4 with 4 bytes left.
   */
  static from(buffer: SharedArrayBuffer, byteOffset = 0): AtomicBool {
    const offset = checkSlot("AtomicBool.from", buffer, byteOffset, AtomicBool.BYTES, AtomicBool.BYTES);
    return new AtomicBool(false, { buffer, byteOffset: offset });
  }

  /** The SharedArrayBuffer holding the flag: send it to another thread. */
  get buffer(): SharedArrayBuffer {
    return this.#view.buffer as SharedArrayBuffer;
  }

  /** Byte offset of the flag in {@link AtomicBool.buffer}. */
  get byteOffset(): number {
    return this.#view.byteOffset;
  }

  /** Atomically loads the flag — Go's `Load`. Any non-zero word reads as true. */
  load(): boolean {
    return Atomics.load(this.#view, 0) !== FALSE;
  }

  /**
   * Atomically stores `value` — Go's `Store`.
   * @throws {@link InvalidAtomicValueError} unless `value` is a boolean.
   */
  store(value: boolean): void {
    Atomics.store(this.#view, 0, checkBool("AtomicBool.store(value)", value) ? TRUE : FALSE);
  }

  /**
   * Atomically stores `value` and returns the previous value — Go's `Swap`.
   * `!flag.swap(true)` is a one-shot "first caller wins" test.
   * @throws {@link InvalidAtomicValueError} unless `value` is a boolean.
   */
  swap(value: boolean): boolean {
    return Atomics.exchange(this.#view, 0, checkBool("AtomicBool.swap(value)", value) ? TRUE : FALSE) !== FALSE;
  }

  /**
   * Atomically sets the flag to `next` if it is `expected` — Go's `CompareAndSwap`.
   * @returns whether the swap happened. A failed compareAndSwap writes nothing.
   * @throws {@link InvalidAtomicValueError} unless both are booleans.
   */
  compareAndSwap(expected: boolean, next: boolean): boolean {
    const old = checkBool("AtomicBool.compareAndSwap(expected)", expected) ? TRUE : FALSE;
    const value = checkBool("AtomicBool.compareAndSwap(next)", next) ? TRUE : FALSE;
    return Atomics.compareExchange(this.#view, 0, old, value) === old;
  }
}
