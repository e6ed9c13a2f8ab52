/**
 * Dynamic multiplexing — idiom 3 of the spec: a locked, reference-counted map
 * of shared workers.
 *
 * Go original: `getBrokerProducer` / `unrefBrokerProducer` in sarama's
 * `async_producer.go`. Every partition producer sends through the broker
 * producer of its partition's leader; partitions led by the same broker share
 * one. The first partition that needs a broker starts its broker producer, the
 * last one that lets go of it (its leader moved, or the producer shuts down)
 * stops it — under `brokerLock`, with a reference count per broker producer.
 *
 * Cardinality: one registry per producer; at most one live worker per key.
 * Responsibility: decide when a key's worker starts and stops — nothing about
 * what the worker does. It never blocks on a worker's traffic; it blocks only
 * on its own lock, which it holds while a worker starts or stops, so a
 * concurrent acquire of the same key waits for the outcome instead of starting
 * a second worker.
 *
 * Invariants (over `#entries`, checked by the tests after every step):
 * - an entry exists iff its worker's start has completed and its stop has not
 *   begun, and then its `refs` is >= 1: the acquire that creates an entry takes
 *   its first reference in the same critical section, and the release that
 *   drops `refs` to 0 deletes the entry and stops the worker in the same
 *   critical section;
 * - starts and stops run only with the lock held, so there is never more than
 *   one live worker per key (counting one that is starting or stopping), and a
 *   worker is never stopped while someone holds a reference to it.
 */

import { Mutex, type WaitOptions } from "@csp-kit/mutex";

/** How a registry starts and stops the worker of a key (sarama's `newBrokerProducer` and `close(bp.input)`). */
export interface WorkerFactory<K, W> {
  /**
   * Starts the worker of `key`. Called with the registry locked, only when
   * `key` has no live worker. If it throws or rejects, nothing is registered
   * and the acquire that called it rejects with that error.
   */
  start(key: K): W | PromiseLike<W>;
  /**
   * Stops `worker` (for example: close its input and wait until it drained).
   * Called with the registry locked, once, when the last reference is
   * released; the key is already forgotten, so the next acquire of `key`
   * waits for this stop and then starts a fresh worker.
   */
  stop(worker: W, key: K): void | PromiseLike<void>;
}

/** `release` was given a worker that is not the live, held worker of its key (a double release, or a worker of another key). */
export class WorkerNotHeldError extends Error {
  override readonly name = "WorkerNotHeldError";
}

/** A live worker and how many acquires hold it. `refs >= 1` while the entry is in the map. */
interface Entry<W> {
  readonly worker: W;
  /** References held now. Written only with the registry locked. */
  refs: number;
}

/**
 * A map of shared workers, started on first use and stopped when the last
 * user lets go — sarama's broker producers, keyed by broker.
 *
 * **Blocking:** `acquire` and `release` wait for the registry's lock (FIFO),
 * and then for `factory.start` / `factory.stop` when they call it. One lock
 * covers every key, as sarama's `brokerLock` does: a slow start or stop of one
 * key delays the acquires and releases of the others.
 *
 * **Cancellation:** `acquire(key, { signal })` — an abort while waiting for the
 * lock rejects with `signal.reason` and takes no reference. Once the lock is
 * held the acquire completes (a start in progress is not interrupted).
 *
 * **Ordering:** acquires and releases take effect in the order they obtained
 * the lock (FIFO, so in call order for calls made in one turn). A worker's stop
 * finishes before any later acquire of its key starts the next worker.
 *
 * Gotchas: pair every successful acquire with exactly one release of the worker
 * it returned; a second release of the last reference throws
 * {@link WorkerNotHeldError}. A worker is shared: it must be safe for
 * several users to send to at once (a channel is).
 *
 * @example
 * ```ts
 * const brokers = new SharedWorkers<number, BrokerProducer>({
 *   start: (id) => BrokerProducer.connect(id),
 *   stop: (bp) => bp.shutdown(), // close its input, wait for the in-flight batch
 * });
 * const bp = await brokers.acquire(leader);
 * await bp.input.send(message);
 * await brokers.release(leader, bp); // the last release stops it
 * ```
 */
export class SharedWorkers<K, W> {
  /** sarama's `brokerLock`: held across every read-modify-write of `#entries`, and across start and stop. */
  readonly #mu = new Mutex();
  /** Key -> its live worker and reference count (sarama's `brokers` and `brokerRefs`, in one map). */
  readonly #entries = new Map<K, Entry<W>>();
  readonly #factory: WorkerFactory<K, W>;

  constructor(factory: WorkerFactory<K, W>) {
    this.#factory = factory;
  }

  /** Keys with a live worker now. */
  get size(): number {
    return this.#entries.size;
  }

  /** References held now on the worker of `key` (0 when it has none). A snapshot. */
  refs(key: K): number {
    return this.#entries.get(key)?.refs ?? 0;
  }

  /**
   * Returns the worker of `key`, starting it if `key` has none, and takes a
   * reference on it — sarama's `getBrokerProducer`.
   *
   * **Blocking:** waits for the lock; then, on first use, for `factory.start`.
   * Acquires of a key whose worker is starting (or stopping) wait behind it
   * and share the result.
   *
   * **Cancellation:** `{ signal }` cancels the wait for the lock only; an
   * aborted acquire took no reference.
   *
   * @throws whatever `factory.start` throws (then no reference was taken).
   */
  async acquire(key: K, options?: WaitOptions): Promise<W> {
    using _ = await this.#mu.acquire(options);
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      // First use: start the worker while holding the lock, so no one else starts one for this key.
      entry = { worker: await this.#factory.start(key), refs: 0 };
      this.#entries.set(key, entry);
    }
    entry.refs++;
    return entry.worker;
  }

  /**
   * Gives back a reference taken by {@link SharedWorkers.acquire} — sarama's
   * `unrefBrokerProducer`. The last release stops the worker and forgets the key.
   *
   * **Blocking:** waits for the lock; the last release also waits for `factory.stop`.
   *
   * @throws {@link WorkerNotHeldError} if `worker` is not the live worker of
   *   `key` (nothing changes); whatever `factory.stop` throws (the key is
   *   forgotten all the same).
   */
  async release(key: K, worker: W): Promise<void> {
    using _ = await this.#mu.acquire();
    const entry = this.#entries.get(key);
    if (entry === undefined || entry.worker !== worker) {
      throw new WorkerNotHeldError("release: this worker is not held for this key; release each acquire exactly once");
    }
    entry.refs--;
    if (entry.refs === 0) {
      // The last user let go: forget the key, then stop the worker, still under the lock.
      this.#entries.delete(key);
      await this.#factory.stop(worker, key);
    }
  }

  /** Checks the invariants at the top of this file; throws on the first violation. For tests. */
  assertInvariants(): void {
    for (const [key, entry] of this.#entries) {
      if (!Number.isSafeInteger(entry.refs) || entry.refs < 1) {
        throw new Error(`SharedWorkers invariant violated: key ${String(key)} has ${entry.refs} references`);
      }
    }
  }
}
