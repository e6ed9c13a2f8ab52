/**
 * A stand-in for a replication stream that threads share: an append-only log
 * of int32 events in a SharedArrayBuffer, written by one thread and read, with
 * a blocking read that gives up after a timeout, by another. The reader thread
 * of the stop-flag example blocks in it the way Dolt's binlog producer blocks
 * in `conn.ReadBinlogEvent()`.
 *
 * Layout: one Int32Array; word 0 is the number of events published, words
 * 1..capacity are the events.
 *
 * Invariants:
 * - the published count only grows, by one per append, up to the capacity;
 * - an event's word is written before the count that publishes it (both
 *   sequentially consistent), so a reader that sees count > p sees event p;
 * - one writer: `append` is not safe to call from two threads at once.
 */

/** Index of the published-count word. */
const LENGTH = 0;
/** Index of the word of event 0. */
const FIRST = 1;

/** What a blocking read reports when nothing arrived within its timeout. */
export type TimedOut = "timed-out";

/**
 * An append-only log of int32 events shared by threads: one writer appends,
 * readers block (with a timeout) until the event at their position exists.
 *
 * **Blocking:** `readSync` blocks the calling thread with `Atomics.wait` for at
 * most its timeout; `append` never blocks.
 *
 * **Ordering:** an append happens before every read that returns its event.
 *
 * **Sharing:** send {@link SharedEventLog.buffer} to another thread and rebuild
 * the log there with {@link SharedEventLog.from}.
 *
 * @example
 * ```ts
 * const log = new SharedEventLog(1024); // main thread: the writer
 * log.append(42);
 * // reader thread:
 * const log = SharedEventLog.from(workerData.log);
 * const event = log.readSync(0, 100); // 42, or "timed-out" after 100 ms
 * ```
 */
export class SharedEventLog {
  /** Word 0: published count; then the events. Set at construction, never replaced. */
  readonly #words: Int32Array;

  /**
   * Creates an empty log with room for `capacity` events, in a new
   * SharedArrayBuffer — or, given the buffer of an existing log, binds to it
   * (what {@link SharedEventLog.from} does).
   * @throws {RangeError} unless `capacity` is a whole number >= 1.
   */
  constructor(capacity: number | SharedArrayBuffer) {
    if (typeof capacity === "number") {
      if (!Number.isSafeInteger(capacity) || capacity < 1) {
        throw new RangeError(`SharedEventLog: capacity must be a whole number >= 1 (got ${capacity})`);
      }
      this.#words = new Int32Array(new SharedArrayBuffer((capacity + FIRST) * Int32Array.BYTES_PER_ELEMENT));
    } else {
      this.#words = new Int32Array(capacity);
    }
  }

  /** Binds to the log whose buffer another thread sent; writes nothing. */
  static from(buffer: SharedArrayBuffer): SharedEventLog {
    return new SharedEventLog(buffer);
  }

  /** The SharedArrayBuffer holding the log: send it to another thread. */
  get buffer(): SharedArrayBuffer {
    return this.#words.buffer as SharedArrayBuffer;
  }

  /** How many events the log can hold. */
  get capacity(): number {
    return this.#words.length - FIRST;
  }

  /** Events published so far (a snapshot). */
  get length(): number {
    return Atomics.load(this.#words, LENGTH);
  }

  /**
   * Appends `event` and wakes the readers waiting for it. Single writer.
   * @returns the event's position.
   * @throws {RangeError} if `event` is not an int32, or the log is full.
   */
  append(event: number): number {
    if (!Number.isSafeInteger(event) || event !== (event | 0)) {
      throw new RangeError(`SharedEventLog.append: events are int32 values (got ${event})`);
    }
    const position = Atomics.load(this.#words, LENGTH);
    if (position >= this.capacity) throw new RangeError(`SharedEventLog.append: the log is full (${this.capacity})`);
    Atomics.store(this.#words, FIRST + position, event); // the event first,
    Atomics.store(this.#words, LENGTH, position + 1); // then the count that publishes it
    Atomics.notify(this.#words, LENGTH);
    return position;
  }

  /**
   * Returns the event at `position`, blocking this thread until it is
   * published or `timeoutMs` has passed — a socket read with a deadline.
   *
   * **Blocking:** returns at once if the event exists; otherwise blocks the
   * whole thread (its event loop included) in `Atomics.wait`, and is woken by
   * the append that publishes the event, or by the timeout.
   *
   * Gotchas: for worker threads. (Node lets the main thread block too, but
   * then nothing else runs there meanwhile; browsers forbid it.)
   *
   * @returns the event, or `"timed-out"` if it was not published in time.
   */
  readSync(position: number, timeoutMs: number): number | TimedOut {
    if (Atomics.load(this.#words, LENGTH) <= position) {
      // Sleeps only while the count is still `position`: an append in between makes this return at once.
      Atomics.wait(this.#words, LENGTH, position, timeoutMs);
    }
    return Atomics.load(this.#words, LENGTH) > position ? Atomics.load(this.#words, FIRST + position) : "timed-out";
  }
}
