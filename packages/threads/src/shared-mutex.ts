/**
 * SharedMutex — a mutex that lives in a SharedArrayBuffer, so several threads
 * (the main thread and worker_threads / Web Workers) can lock the same one.
 *
 * The lock word is one Int32 with three states — the classic futex mutex of
 * Drepper's "Futexes Are Tricky" (its third version):
 *
 *   UNLOCKED 0 ──compareExchange(0→1): fast lock────────────▶ LOCKED 1
 *   LOCKED 1 / CONTENDED 2 ──exchange(→2): slow lock, then sleep while 2──▶ CONTENDED 2
 *   any ──exchange(→0): unlock──▶ UNLOCKED 0, then if the old value was 2: notify one sleeper
 *
 * Threads sleep with `Atomics.wait` (`lockSync`, blocks the thread) or
 * `Atomics.waitAsync` (`lock`, never blocks the event loop).
 *
 * Invariants:
 * - a caller holds the lock iff its compareExchange(0→1) or exchange(→2) returned 0.
 * - a thread sleeps only on the value 2, and the word stays non-zero until an
 *   unlock, which sees 2 and wakes one sleeper — so no sleeper misses the unlock
 *   that concerns it. (A slow locker that takes the lock leaves 2 behind even if
 *   nobody sleeps; that costs one spurious notify, never a missed one.)
 * - an async `lock` that is aborted while asleep leaves its `waitAsync` behind
 *   (there is no way to withdraw it); if an unlock's wake-up lands on it, it is
 *   passed on with another notify, so an abort never swallows a wake-up.
 */

import { InvalidAtomicLayoutError } from "@csp-kit/atomic";
import type { WaitOptions } from "@csp-kit/channel";
import { signalFault } from "@csp-kit/channel/port";
import { UnlockOfUnlockedError } from "./errors.js";
import { keepAlive } from "./internal/keep-alive.js";
import { waitAsync } from "./internal/wait-async.js";

const UNLOCKED = 0;
const LOCKED = 1;
const CONTENDED = 2;

/** What an uncontended `lock()` returns: one shared resolved promise, no allocation. */
const RESOLVED: Promise<void> = Promise.resolve();

/** The outcome of a sleep that was cut short by abort. */
const ABORTED: unique symbol = Symbol("csp-kit.shared-mutex.aborted");

/**
 * A mutex shared by threads, over a SharedArrayBuffer — Go's `sync.Mutex` for
 * code that runs on several worker threads.
 *
 * **Blocking:** `lock()` waits with `Atomics.waitAsync` and never blocks the
 * event loop — use it on the main thread. `lockSync()` sleeps with
 * `Atomics.wait`, blocking the calling thread — for workers. `tryLock()` never waits.
 *
 * **Ordering:** the n-th unlock happens before the (n+1)-th lock returns, in
 * every thread (Atomics are sequentially consistent, so plain reads and writes
 * made under the lock are visible to the next holder); a failed tryLock
 * establishes nothing. NOT FIFO across threads: a thread that arrives just as
 * the lock is released can take it before a sleeping thread wakes (Go's "normal
 * mode"); no thread is promised a turn.
 *
 * **Cancellation:** `lock({ signal })` — abort is atomic: the lock was taken
 * (the promise resolves) or not (it rejects with `signal.reason`). `lockSync`
 * cannot be cancelled.
 *
 * **Sharing with a worker:** pass {@link SharedMutex.buffer} (and
 * {@link SharedMutex.byteOffset}) — through `workerData` or `postMessage`, which
 * share a SharedArrayBuffer rather than copy it — and rebuild the mutex there
 * with {@link SharedMutex.from}. Several mutexes (and atomics) can live in one
 * buffer at different 4-byte-aligned offsets.
 *
 * **Gotchas:** `lockSync` on the main thread freezes it until the lock is free
 * (browsers forbid `Atomics.wait` there). A thread that dies holding the lock
 * leaves it locked. An async waiter is woken through its thread's event loop: if
 * that thread is busy, the hand-off waits for it.
 *
 * @example
 * ```ts
 * // main.ts
 * const mu = new SharedMutex();
 * const counter = new Int32Array(new SharedArrayBuffer(4));
 * new Worker("./worker.js", { workerData: { mutex: mu.buffer, counter: counter.buffer } });
 * await mu.runExclusive(() => { counter[0]++; });
 *
 * // worker.ts
 * const mu = SharedMutex.from(workerData.mutex);
 * const counter = new Int32Array(workerData.counter);
 * mu.runExclusiveSync(() => { counter[0]++; });
 * ```
 */
export class SharedMutex {
  /** Bytes one SharedMutex occupies in a buffer (one Int32). Its offset must be a multiple of 4. */
  static readonly BYTES = 4;

  /** A one-element view of exactly the lock word (`#word[0]`). Set at construction, never replaced. */
  readonly #word: Int32Array;

  /**
   * Creates a SharedMutex. Without arguments it allocates its own 4-byte
   * SharedArrayBuffer, unlocked. With a buffer, it binds to the lock word at
   * `byteOffset` without changing it (the same as {@link SharedMutex.from}); a
   * new, zero-filled buffer is an unlocked mutex.
   *
   * @throws {@link InvalidAtomicLayoutError} (from `@csp-kit/atomic`: the lock
   *   word is an atomic Int32) if `buffer` is not a SharedArrayBuffer, or
   *   `byteOffset` is not a multiple of 4 leaving 4 bytes in the buffer.
   */
  constructor(buffer?: SharedArrayBuffer, byteOffset = 0) {
    const sab = buffer ?? new SharedArrayBuffer(SharedMutex.BYTES);
    checkBuffer(sab, byteOffset);
    this.#word = new Int32Array(sab, byteOffset, 1);
  }

  /**
   * Rebuilds, in this thread, the SharedMutex whose word is at `byteOffset` in
   * `buffer` — typically in a worker, from the `buffer` the creator sent.
   *
   * @throws {@link InvalidAtomicLayoutError} as the constructor.
   *
   * @example
   * ```ts
   * const mu = SharedMutex.from(workerData.mutexBuffer);
   * ```
   */
  static from(buffer: SharedArrayBuffer, byteOffset = 0): SharedMutex {
    return new SharedMutex(buffer, byteOffset);
  }

  /** The SharedArrayBuffer holding the lock word: send it to another thread. */
  get buffer(): SharedArrayBuffer {
    return this.#word.buffer as SharedArrayBuffer;
  }

  /** Byte offset of the lock word in {@link SharedMutex.buffer}. */
  get byteOffset(): number {
    return this.#word.byteOffset;
  }

  /** Whether some thread holds the lock now. A snapshot: another thread may change it at once. */
  get locked(): boolean {
    return Atomics.load(this.#word, 0) !== UNLOCKED;
  }

  /**
   * Locks if the mutex is free now. Never waits; works on any thread.
   * A failed tryLock establishes nothing.
   */
  tryLock(): boolean {
    return Atomics.compareExchange(this.#word, 0, UNLOCKED, LOCKED) === UNLOCKED;
  }

  /**
   * Locks, waiting without blocking the event loop (`Atomics.waitAsync`).
   *
   * **Blocking:** resolves at once (a shared resolved promise, no allocation) if
   * the mutex is free; otherwise sleeps until an unlock wakes this thread and
   * it wins the lock. While it waits it keeps this thread's event loop alive
   * (a pending `Atomics.waitAsync` alone does not), so a worker whose only
   * work is `await mu.lock()` does not exit before it gets the lock.
   *
   * **Cancellation:** `{ signal }` — granted or not at all (see the class). A
   * `signal` that is not an AbortSignal (the AbortController itself, `null`)
   * rejects with `InvalidSignalError`, even when the mutex is free; nothing is taken.
   *
   * **Ordering:** the n-th unlock, in any thread, happens before the (n+1)-th lock returns.
   */
  lock(options?: WaitOptions): Promise<void> {
    const signal = options?.signal;
    const fault = signalFault(signal, "SharedMutex.lock");
    if (fault !== undefined) return Promise.reject(fault);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.tryLock()) return RESOLVED;
    return this.#lockSlow(signal);
  }

  /**
   * The contended path of `lock`. Precondition: a tryLock just failed.
   * Loop: announce contention with exchange(→2); a 0 back means we own the lock.
   * Otherwise sleep while the word is 2, then try again.
   */
  async #lockSlow(signal: AbortSignal | undefined): Promise<void> {
    // A pending waitAsync does not keep the thread alive: without this, a worker
    // whose only work is this lock() would exit while it waits.
    keepAlive(true);
    try {
      await this.#contend(signal);
    } finally {
      keepAlive(false);
    }
  }

  async #contend(signal: AbortSignal | undefined): Promise<void> {
    const word = this.#word;
    while (Atomics.exchange(word, 0, CONTENDED) !== UNLOCKED) {
      const sleep = waitAsync(word, 0, CONTENDED);
      // Not a promise: the word was no longer 2 when we looked; retry at once.
      if (typeof sleep === "string") continue;
      if (signal === undefined) {
        await sleep;
        continue;
      }
      const outcome = await wokenOrAborted(sleep, signal);
      if (outcome === ABORTED) {
        // Our sleep stays registered; a wake-up meant for a live waiter may land on it: pass it on.
        void sleep.then((result) => {
          if (result === "ok") Atomics.notify(word, 0, 1);
        });
        throw signal.reason;
      }
      if (signal.aborted) {
        // Woken, but aborted before we could retry: abort wins (we took nothing); pass the wake-up on.
        Atomics.notify(word, 0, 1);
        throw signal.reason;
      }
    }
  }

  /**
   * Locks, sleeping with `Atomics.wait` — blocks the calling thread until the
   * lock is taken. For worker threads.
   *
   * **Cancellation:** none; use `tryLock` in a loop, or `lock()` with a signal.
   *
   * **Gotchas:** on the main thread this freezes the event loop (Node allows it;
   * browsers throw). Never call it while holding the lock (self-deadlock).
   */
  lockSync(): void {
    const word = this.#word;
    if (Atomics.compareExchange(word, 0, UNLOCKED, LOCKED) === UNLOCKED) return;
    while (Atomics.exchange(word, 0, CONTENDED) !== UNLOCKED) Atomics.wait(word, 0, CONTENDED);
  }

  /**
   * Unlocks and, if a thread may be sleeping on the mutex, wakes one. Any
   * thread may unlock (as in Go, the lock has no owner).
   *
   * **Ordering:** happens before the next lock, in any thread, returns.
   *
   * @throws {@link UnlockOfUnlockedError} if the mutex is not locked; nothing changes.
   */
  unlock(): void {
    const previous = Atomics.exchange(this.#word, 0, UNLOCKED);
    if (previous === UNLOCKED) throw new UnlockOfUnlockedError("SharedMutex.unlock");
    if (previous !== LOCKED) Atomics.notify(this.#word, 0, 1);
  }

  /** `lock()`, returning an idempotent {@link Guard} for `using`. */
  async acquire(options?: WaitOptions): Promise<Guard> {
    await this.lock(options);
    return new UnlockGuard(this);
  }

  /** `lockSync()`, returning an idempotent {@link Guard} for `using` (workers). */
  acquireSync(): Guard {
    this.lockSync();
    return new UnlockGuard(this);
  }

  /**
   * Runs `fn` holding the lock (taken with `lock()`, without blocking the event
   * loop); unlocks when `fn` settles. `{ signal }` cancels the wait only: once
   * the lock is granted, `fn` runs even if the signal aborts afterwards.
   */
  async runExclusive<R>(fn: () => R | PromiseLike<R>, options?: WaitOptions): Promise<Awaited<R>> {
    await this.lock(options);
    try {
      return await fn();
    } finally {
      this.unlock();
    }
  }

  /**
   * Runs the synchronous `fn` holding the lock (taken with `lockSync()`, which
   * blocks the thread); unlocks when `fn` returns or throws. For workers.
   */
  runExclusiveSync<R>(fn: () => R): R {
    this.lockSync();
    try {
      return fn();
    } finally {
      this.unlock();
    }
  }
}

/**
 * The release handle of one SharedMutex acquisition, for `using` — the same
 * contract as `Guard` in `@csp-kit/mutex`:
 *
 * ```ts
 * {
 *   using guard = await mu.acquire();
 *   // ... critical section ...
 * } // unlocked here, even on throw
 * ```
 *
 * **Release is idempotent:** the first `release()` (or `[Symbol.dispose]()`)
 * unlocks; later calls do nothing. Every acquisition gets its own guard.
 */
export interface Guard extends Disposable {
  /** Unlocks the first time it is called; afterwards a no-op. */
  release(): void;
  /** Whether `release()` (or dispose) has been called. */
  readonly released: boolean;
}

/** The one {@link Guard} implementation: remembers its mutex and forgets it on first use. */
class UnlockGuard implements Guard {
  /** The mutex to unlock; cleared by the first `release()`. Undefined means released. */
  #mutex: SharedMutex | undefined;
  constructor(mutex: SharedMutex) {
    this.#mutex = mutex;
  }
  get released(): boolean {
    return this.#mutex === undefined;
  }
  release(): void {
    const mutex = this.#mutex;
    if (mutex === undefined) return;
    // Cleared first: if unlock throws (it was already unlocked with the Go-style unlock), a retry must not try again.
    this.#mutex = undefined;
    mutex.unlock();
  }
  [Symbol.dispose](): void {
    this.release();
  }
}

/** Resolves with the sleep's result, or with ABORTED if `signal` aborts first. Removes its listener either way. */
function wokenOrAborted<T>(sleep: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
  return new Promise<T | typeof ABORTED>((resolve) => {
    const onAbort = () => resolve(ABORTED);
    signal.addEventListener("abort", onAbort, { once: true });
    void sleep.then((result) => {
      signal.removeEventListener("abort", onAbort);
      resolve(result);
    });
  });
}

/** Validates where a lock word goes: a 4-byte-aligned Int32 inside a SharedArrayBuffer. */
function checkBuffer(buffer: unknown, byteOffset: unknown): void {
  if (Object.prototype.toString.call(buffer) !== "[object SharedArrayBuffer]") {
    throw new InvalidAtomicLayoutError(
      "SharedMutex(buffer): the buffer must be a SharedArrayBuffer (an ArrayBuffer would be copied, not shared, " +
        "when sent to a worker)",
    );
  }
  const length = (buffer as SharedArrayBuffer).byteLength;
  if (
    typeof byteOffset !== "number" ||
    !Number.isSafeInteger(byteOffset) ||
    byteOffset < 0 ||
    byteOffset % 4 !== 0 ||
    byteOffset + SharedMutex.BYTES > length
  ) {
    throw new InvalidAtomicLayoutError(
      `SharedMutex(buffer, byteOffset): byteOffset must be a multiple of 4 in [0, ${length - SharedMutex.BYTES}] ` +
        `for a buffer of ${length} bytes (got ${String(byteOffset)})`,
    );
  }
}
