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
 * Async waits, two levels (as SharedChannel's pumps): each instance keeps its
 * waiting `lock()` calls in a local FIFO `queue` — one intrusive node per
 * wait, watching its signal through the signal's one shared listener — and
 * has at most one *pump*: one `Atomics.waitAsync` on the word, armed while the
 * queue is non-empty. The pump takes the lock for the head of the queue (the
 * exchange(→2) of the slow path) and grants it in the same synchronous turn,
 * then waits again while waiters remain. An aborted wait leaves the queue at
 * once (O(1)); only the pump's pending `waitAsync` cannot be withdrawn, and
 * there is one per instance however many waits are aborted.
 *
 * Invariants:
 * - a caller holds the lock iff its compareExchange(0→1) or exchange(→2) returned 0.
 * - a thread sleeps only on the value 2, and the word stays non-zero until an
 *   unlock, which sees 2 and wakes one sleeper — so no sleeper misses the unlock
 *   that concerns it. (A slow locker that takes the lock leaves 2 behind even if
 *   nobody sleeps; that costs one spurious notify, never a missed one.)
 * - if `#queue.size > 0` then `#pumping` (a queued wait always has a pump that
 *   will serve it); `#pumping` is cleared only by a pump that found the queue
 *   empty, so there is at most one pending `waitAsync` per instance.
 * - every waiter in `#queue` is unsettled: it is removed in the same
 *   synchronous turn in which it is granted or aborted.
 * - a wake-up that reaches a pump whose queue is empty is passed on with
 *   another notify, so an abort never swallows a wake-up meant for someone else.
 * - `#holdsAlive` iff `#queue.size > 0`: a thread with a pending lock stays alive.
 */

import { InvalidAtomicLayoutError } from "@csp-kit/atomic";
import type { WaitOptions } from "@csp-kit/channel";
import { type AbortLinks, type Linked, signalFault, unwatchAbort, WaiterList, watchAbort } from "@csp-kit/channel/port";
import { UnlockOfUnlockedError } from "./errors.js";
import { keepAlive } from "./internal/keep-alive.js";
import { waitAsync } from "./internal/wait-async.js";

const UNLOCKED = 0;
const LOCKED = 1;
const CONTENDED = 2;

/** What an uncontended `lock()` returns: one shared resolved promise, no allocation. */
const RESOLVED: Promise<void> = Promise.resolve();

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
 * **Memory:** a waiting `lock()` is one small object, removed at once when its
 * signal aborts; waits on one signal share one abort listener; an instance has
 * at most one pending `Atomics.waitAsync`, however many waits were aborted.
 * Async waiters of one instance are served in arrival order.
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
  /** This instance's waiting `lock()` calls, oldest first. Added by `lock`; removed when granted or aborted. */
  readonly #queue = new WaiterList<LockWaiter>();
  /**
   * Whether the pump runs: set by `#ensurePump` when the first waiter queues,
   * cleared only by `#serve` / `#onWake` finding the queue empty. While set,
   * a `waitAsync` may be pending (it is, unless `#serve` is on the stack).
   */
  #pumping = false;
  /** Whether this instance holds the thread alive (keep-alive); follows "the queue is non-empty". */
  #holdsAlive = false;
  /** Bound once, so waiting allocates no closure. */
  readonly #onWakeBound = (result: string): void => this.#onWake(result);
  /** How an aborted waiter leaves the queue: O(1). Precondition: `w` is queued and unsettled. */
  readonly #cancelBound = (w: LockWaiter): void => {
    this.#queue.remove(w);
    this.#settle();
  };

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
   * ```ts run
   * import { SharedMutex } from "@csp-kit/threads";
   *
   * const created = new SharedMutex();
   * const workerData = { mutexBuffer: created.buffer }; // what the creator posts to a worker
   * const mu = SharedMutex.from(workerData.mutexBuffer);
   * await mu.runExclusive(() => {
   *   if (!created.locked) throw new Error("one lock word, seen through both");
   * });
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
    // Waiters of this instance go first (local FIFO): the fast path is only for an empty queue.
    if (this.#queue.size === 0 && this.tryLock()) return RESOLVED;
    return new Promise<void>((resolve, reject) => {
      const w = new LockWaiter(this.#cancelBound, resolve, reject);
      this.#queue.push(w);
      if (signal !== undefined) watchAbort(signal, w);
      this.#settle();
      this.#ensurePump();
    });
  }

  /** Keeps `#holdsAlive` equal to "the queue is non-empty" (a pending waitAsync alone does not keep a Node thread alive). */
  #settle(): void {
    const want = this.#queue.size > 0;
    if (want === this.#holdsAlive) return;
    this.#holdsAlive = want;
    keepAlive(want);
  }

  /** Precondition: the queue is non-empty. Starts the pump unless it runs already. */
  #ensurePump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    this.#serve();
  }

  /**
   * The pump: while waiters are queued, takes the lock for the head with the
   * slow path's exchange(→2) and grants it (in the same synchronous turn), or —
   * when the lock is held — starts one `waitAsync` on the value 2 and returns.
   * Precondition: `#pumping`, and no wait of this pump is pending.
   */
  #serve(): void {
    const word = this.#word;
    const queue = this.#queue;
    for (;;) {
      const head = queue.peek();
      if (head === undefined) {
        this.#pumping = false;
        return;
      }
      if (Atomics.exchange(word, 0, CONTENDED) === UNLOCKED) {
        queue.shift();
        this.#settle();
        head.grant();
        continue;
      }
      const sleep = waitAsync(word, 0, CONTENDED);
      // Not a promise: the word was no longer 2 when we looked; retry at once.
      if (typeof sleep === "string") continue;
      sleep.then(this.#onWakeBound);
      return;
    }
  }

  /**
   * The pump's wait ended. With waiters queued, serve them; with none (they
   * were aborted, or granted by the fast path meanwhile), stop — and if this
   * was an unlock's notify, pass it on: it may have been meant for a sleeper
   * elsewhere.
   */
  #onWake(result: string): void {
    if (this.#queue.size > 0) {
      this.#serve();
      return;
    }
    this.#pumping = false;
    if (result === "ok") Atomics.notify(this.#word, 0, 1);
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

/**
 * One waiting `lock()` call: a node of its mutex's queue and of its signal's
 * watch list. Settles exactly once: `grant` (the pump took the lock for it)
 * or `onAbort`, whichever sets `done` first; both leave the queue in the same
 * synchronous turn.
 */
class LockWaiter implements Linked, AbortLinks {
  /** @internal link owned by the mutex's queue. */
  list: object | undefined = undefined;
  /** @internal link owned by the mutex's queue. */
  prev: Linked | undefined = undefined;
  /** @internal link owned by the mutex's queue. */
  next: Linked | undefined = undefined;
  /** @internal link owned by the signal's watch list. */
  abortList: object | undefined = undefined;
  /** @internal link owned by the signal's watch list. */
  abortPrev: AbortLinks | undefined = undefined;
  /** @internal link owned by the signal's watch list. */
  abortNext: AbortLinks | undefined = undefined;
  /** Set once, by `grant` or `onAbort`. */
  done = false;

  constructor(
    /** Takes this waiter off its mutex's queue. */
    private readonly cancel: (w: LockWaiter) => void,
    private readonly resolve: () => void,
    private readonly reject: (reason: unknown) => void,
  ) {}

  /** The lock was taken for this waiter. Precondition: dequeued, not done. */
  grant(): void {
    this.done = true;
    unwatchAbort(this);
    this.resolve();
  }

  /** The signal aborted: atomic — a waiter already granted ignores it. */
  onAbort(reason: unknown): void {
    if (this.done) return;
    this.done = true;
    this.cancel(this);
    this.reject(reason);
  }
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
