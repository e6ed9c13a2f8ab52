/**
 * A replication source for the applier example: a socket stand-in whose
 * `read()` blocks until the next event arrives and — the hard case — cannot be
 * interrupted: neither `close()` nor any signal ends a pending read. Only new
 * data (or a broken stream) does, as with a hung TCP peer.
 *
 * Invariants:
 * - every open connection has been handed every event from its start position
 *   on, in position order (its inbox is the stream not read yet).
 * - a closed connection with no pending read is dropped from `#connections`;
 *   one with a pending read stays until that read completes.
 */

import { Channel } from "@csp-kit/channel";

/** One event of the replication stream (a binlog event, reduced to what the example needs). */
export interface BinlogEvent {
  /** Position in the source's log, from 1. */
  readonly position: number;
  /** What to apply. */
  readonly statement: string;
}

/** A connection to the source, streaming events — a MySQL connection after `COM_BINLOG_DUMP`. */
export interface SourceConnection {
  /**
   * Resolves with the next event, or rejects when the stream broke. Takes no
   * signal and may never settle: blocking I/O, like `conn.ReadBinlogEvent()`.
   */
  read(): Promise<BinlogEvent>;
  /** Closes the connection. A read already pending is NOT interrupted. */
  close(): void;
}

/** The source: an append-only log of events, and the connections that stream it. */
export class SimulatedSource {
  /** Every event ever appended, by position - 1. */
  readonly #log: BinlogEvent[] = [];
  /** Connections that may still deliver to a reader (see the invariants). */
  readonly #connections = new Set<SimulatedConnection>();
  /** Errors the next connect attempts fail with, in order; consumed by `connect`. */
  readonly #failures: unknown[] = [];
  /** The start position of every successful connect, in order. */
  readonly connectedFrom: number[] = [];
  /** Connect attempts, failed ones included. */
  connects = 0;

  /** Appends an event and streams it to every connection. */
  append(statement: string): BinlogEvent {
    const event = { position: this.#log.length + 1, statement };
    this.#log.push(event);
    for (const conn of this.#connections) conn.deliver(event);
    return event;
  }

  /** Makes the next connect attempt fail with `error` (call again for several). */
  failNextConnect(error: unknown): void {
    this.#failures.push(error);
  }

  /** Breaks every connection: its next read, after what is already streamed to it, rejects with `error`. */
  breakConnections(error: Error): void {
    for (const conn of this.#connections) conn.deliver(error);
  }

  /** Reads that are waiting now, over all connections (closed ones included). */
  get pendingReads(): number {
    let n = 0;
    for (const conn of this.#connections) n += conn.pendingReads;
    return n;
  }

  /**
   * Opens a connection that streams the events from position `from` on.
   * Fails with the next error given to {@link failNextConnect}, if any; an
   * aborted `signal` rejects with its reason.
   */
  async connect(from: number, signal?: AbortSignal): Promise<SourceConnection> {
    this.connects++;
    await Promise.resolve(); // a connect is never synchronous
    signal?.throwIfAborted();
    if (this.#failures.length > 0) throw this.#failures.shift();
    const conn = new SimulatedConnection(() => this.#connections.delete(conn));
    for (const event of this.#log.slice(from - 1)) conn.deliver(event);
    this.#connections.add(conn);
    this.connectedFrom.push(from);
    return conn;
  }
}

class SimulatedConnection implements SourceConnection {
  /** The stream not read yet: events, or an Error that breaks it. Never closed. */
  readonly #inbox = Channel.infinite<BinlogEvent | Error>();
  /** Reads started and not settled. */
  pendingReads = 0;
  /** Set by `close()`. */
  #closed = false;

  constructor(private readonly forget: () => void) {}

  deliver(item: BinlogEvent | Error): void {
    this.#inbox.trySend(item); // an infinite channel never waits
  }

  async read(): Promise<BinlogEvent> {
    if (this.#closed) throw new Error("read on a closed connection");
    this.pendingReads++;
    try {
      const item = (await this.#inbox.recv()).unwrap(); // the inbox is never closed
      if (item instanceof Error) throw item;
      return item;
    } finally {
      this.pendingReads--;
      if (this.#closed && this.pendingReads === 0) this.forget();
    }
  }

  close(): void {
    this.#closed = true;
    if (this.pendingReads === 0) this.forget();
  }
}
