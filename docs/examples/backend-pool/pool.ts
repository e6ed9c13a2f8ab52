/**
 * The backend pool — idiom 7 of the spec: a pool of connections held in a
 * buffered channel, with a timeout to dial a new one and a timeout to give one
 * back.
 *
 * Go original: the connection pool of the Go services talks (the same shape
 * as go-couchbase's `connectionPool`): idle connections wait in a
 * `chan *Conn` whose capacity is the pool size. `Get` selects between an idle
 * connection and `time.After(dialAfter)` — if none comes back in time, dial a
 * new one. `Put` selects between room in the channel and
 * `time.After(returnTimeout)` — if the pool stays full, close the connection.
 * The channel is the whole pool: no lock, no list, no counter.
 *
 * Never blocks: a `get` waits at most `dialAfter` before dialing, a `put` at
 * most `returnTimeout` before closing; `close()` never waits.
 */

import { Channel } from "@csp-kit/channel";
import { recv, select, send } from "@csp-kit/select";
import { after, type Clock } from "@csp-kit/timers";

/** Settings of a {@link Pool}. */
export interface PoolOptions<C> {
  /** Opens a new connection to the backend. */
  readonly dial: () => Promise<C>;
  /** Closes a connection the pool does not keep. Must not block. */
  readonly close: (conn: C) => void;
  /** Most idle connections kept (the capacity of the channel). */
  readonly size: number;
  /** How long a `get` waits for an idle connection before dialing a new one, in ms. */
  readonly dialAfter: number;
  /** How long a `put` waits for room in a full pool before closing the connection, in ms. */
  readonly returnTimeout: number;
  /** The clock of both timeouts; the real clock when absent (tests pass a `ManualClock`). */
  readonly clock?: Clock;
}

/** What became of a connection given back with {@link Pool.put}. */
export type PutOutcome = "pooled" | "closed";

/**
 * A pool of backend connections in a buffered channel.
 *
 * **Ordering:** idle connections are handed out in the order they were put
 * back (FIFO); gets waiting for one are served in arrival order.
 *
 * **Gotchas:** the pool bounds the IDLE connections, not the open ones: under
 * load every `get` that waited `dialAfter` in vain dials, and the surplus is
 * closed when it is given back to a full pool. That is the design: the pool
 * smooths reuse; it is not a limit on concurrency (use a semaphore for that).
 *
 * @example
 * ```ts
 * const pool = new Pool({ dial, close: (c) => c.close(), size: 4, dialAfter: 5, returnTimeout: 50 });
 * const conn = await pool.get();
 * try { await conn.request("ping"); } finally { await pool.put(conn); }
 * ```
 */
export class Pool<C> {
  /** The idle connections. Capacity `size`; closed by `close()`, then drained by it. */
  readonly #idle: Channel<C>;
  /** Aborted by `close()`: withdraws the puts waiting for room. */
  readonly #shutdown = new AbortController();
  readonly #options: PoolOptions<C>;
  /** What happened so far, for the curious (and the tests). */
  readonly stats = { dialed: 0, reused: 0, closedOnReturn: 0 };

  /** @throws RangeError unless `size` is a whole number >= 1. */
  constructor(options: PoolOptions<C>) {
    if (!Number.isSafeInteger(options.size) || options.size < 1) {
      throw new RangeError(`Pool: size must be a whole number >= 1 (got ${options.size})`);
    }
    this.#options = options;
    this.#idle = Channel.buffered<C>(options.size);
  }

  /** Idle connections in the pool now. */
  get idle(): number {
    return this.#idle.len;
  }

  /**
   * Takes an idle connection, or dials a new one if none becomes idle within
   * `dialAfter` ms — Go: `select { case c := <-p.conns: … case <-time.After(d): dial() }`.
   *
   * **Blocking:** at most `dialAfter` ms waiting for an idle connection (not at
   * all if one is idle now), then however long the dial takes.
   *
   * **On close:** rejects with an Error once the pool is closed, also for a get
   * that was waiting.
   *
   * @throws (rejects) what `dial` throws.
   */
  async get(): Promise<C> {
    const r = await select({
      idle: recv(this.#idle),
      dial: recv(after(this.#options.dialAfter, this.#options)), // options carries { clock }
    });
    if (r.case === "idle") {
      if (r.value.isNone()) throw new Error("Pool.get: the pool is closed");
      this.stats.reused++;
      return r.value.value;
    }
    this.stats.dialed++;
    return this.#options.dial();
  }

  /**
   * Gives a connection back: it waits in the pool for the next `get`, or is
   * closed if the pool stays full for `returnTimeout` ms — Go:
   * `select { case p.conns <- c: case <-time.After(d): c.Close() }`.
   *
   * **Blocking:** at most `returnTimeout` ms (not at all if there is room, or a
   * get is waiting).
   *
   * **On close:** a connection put back into a closed pool, or while the pool
   * closes, is closed; the promise resolves `"closed"`.
   *
   * @returns `"pooled"` or `"closed"`.
   */
  async put(conn: C): Promise<PutOutcome> {
    const signal = this.#shutdown.signal;
    if (!signal.aborted) {
      try {
        const r = await select(
          { pooled: send(this.#idle, conn), full: recv(after(this.#options.returnTimeout, this.#options)) },
          { signal },
        );
        if (r.case === "pooled") return "pooled";
        this.stats.closedOnReturn++;
      } catch (error) {
        if (!signal.aborted) throw error;
      }
    }
    this.#options.close(conn);
    return "closed";
  }

  /**
   * Closes the pool and every idle connection. Puts waiting for room close
   * their connection; gets waiting for an idle one reject. Never waits.
   * Connections handed out and not yet returned are the caller's to put back
   * (they are then closed). Closing twice does nothing.
   */
  close(): void {
    if (this.#shutdown.signal.aborted) return;
    this.#shutdown.abort(); // first: no put is left waiting to send on the channel we close next
    this.#idle.close();
    for (let r = this.#idle.tryRecv(); r !== "would-block" && r.isSome(); r = this.#idle.tryRecv()) {
      this.#options.close(r.value);
    }
  }
}
