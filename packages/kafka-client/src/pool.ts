/**
 * The broker connection pool: one connection per broker, made on first use,
 * re-made with backoff after it breaks.
 *
 * Cardinality: one per client (each producer and each consumer holds its
 *   own).
 * Job: map a broker id (from metadata) or "any broker" (for metadata
 *   requests) to a live `BrokerConnection`.
 * Never blocks on: another broker. Each broker's dial is its own promise;
 *   two callers asking for the same broker share it (the map holds the
 *   promise, set before the first await, so no second dial can start).
 * Reconnect: through a `Retrier` (exponential backoff from
 *   `metadata.retryBackoff`, `metadata.retryMax` retries); a connection that
 *   closes removes itself, and the next `get` dials again.
 * Shutdown: `close()` ends every connection gracefully (`end()`: queued
 *   writes leave first) and refuses new ones.
 *
 * Invariants:
 * - `#connections` holds at most one entry per address: a promise of the
 *   connection being dialled or the connection itself; an entry whose
 *   connection closed is removed by that connection's close handler;
 * - `addresses` is replaced by metadata only (`setBrokers`).
 */

import { exponentialBackoff, Retrier } from "@csp-kit/resiliency";
import { BrokerConnection, type ConnectionOptions } from "./connection.js";
import { BrokerConnectionError } from "./errors.js";

/** Settings of a {@link BrokerPool}. */
export interface PoolOptions extends ConnectionOptions {
  readonly bootstrap: readonly string[];
  /** Retries of a dial (default 3). */
  readonly retryMax: number;
  /** The first wait between dials, ms; doubled each time up to 10 s. */
  readonly retryBackoff: number;
}

/** One connection per broker. See the module header. */
export class BrokerPool {
  readonly #options: PoolOptions;
  readonly #connections = new Map<string, Promise<BrokerConnection>>();
  readonly #retrier: Retrier;
  /** Broker id → `host:port`, from the last metadata. */
  addresses: Map<number, string> = new Map<number, string>();
  #closed = false;

  constructor(options: PoolOptions) {
    this.#options = options;
    this.#retrier = new Retrier(exponentialBackoff(options.retryMax, options.retryBackoff, 10_000), {
      clock: options.clock,
    });
  }

  /** Replaces the broker list (from a metadata response). */
  setBrokers(brokers: Iterable<{ nodeId: number; host: string; port: number }>): void {
    this.addresses = new Map([...brokers].map((b) => [b.nodeId, `${b.host}:${b.port}`]));
  }

  /**
   * The connection to broker `nodeId`, dialling (with retries) when needed.
   *
   * @throws {@link BrokerConnectionError} when the id is unknown or every dial failed.
   */
  get(nodeId: number): Promise<BrokerConnection> {
    const address = this.addresses.get(nodeId);
    if (address === undefined) {
      return Promise.reject(new BrokerConnectionError(`node ${nodeId}`, "no such broker in the cluster metadata"));
    }
    return this.connect(address);
  }

  /** The connection to `address` (the pool's, or a new one with retries). */
  connect(address: string): Promise<BrokerConnection> {
    if (this.#closed) return Promise.reject(new BrokerConnectionError(address, "the client is closed"));
    const existing = this.#connections.get(address);
    if (existing !== undefined) return existing;
    const dial = this.#retrier.run(() => BrokerConnection.connect(address, this.#options));
    this.#connections.set(address, dial);
    dial.then(
      (c) => {
        if (this.#closed) c.close();
        c.onClose(() => {
          if (this.#connections.get(address) === dial) this.#connections.delete(address);
        });
      },
      () => {
        if (this.#connections.get(address) === dial) this.#connections.delete(address);
      },
    );
    return dial;
  }

  /**
   * Some live connection: a known broker's, else the bootstrap list's in
   * order (the first that answers).
   *
   * @throws {@link BrokerConnectionError} the last dial's, when none answers.
   */
  async any(): Promise<BrokerConnection> {
    const candidates = [...new Set([...this.addresses.values(), ...this.#options.bootstrap])];
    let last: unknown = new BrokerConnectionError(candidates.join(","), "no broker to ask");
    for (const address of candidates) {
      try {
        return await this.connect(address);
      } catch (e) {
        last = e;
      }
    }
    throw last;
  }

  /**
   * Ends every connection gracefully (see `BrokerConnection.end`: what was
   * written, acks-0 produce requests included, reaches the broker) and
   * resolves once all have closed; later calls reject. Idempotent.
   */
  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#connections.values()];
    this.#connections.clear();
    const settled = await Promise.allSettled(all);
    await Promise.all(settled.map((s) => (s.status === "fulfilled" ? s.value.end() : undefined)));
  }

  /**
   * Closes every connection at once (see `BrokerConnection.close`): requests
   * still outstanding reject — what a consumer wants for its long polls,
   * whose answers nobody waits for any more. Later calls reject. Idempotent.
   */
  async destroy(): Promise<void> {
    this.#closed = true;
    const all = [...this.#connections.values()];
    this.#connections.clear();
    for (const s of await Promise.allSettled(all)) if (s.status === "fulfilled") s.value.close();
  }
}
