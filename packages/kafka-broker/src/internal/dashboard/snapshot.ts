/**
 * What the dashboard shows, as one self-contained value: a snapshot of the
 * broker (topics, offsets, clients), its throughput (now and the last
 * minute) and its recent disconnects. Each snapshot is complete, so a viewer
 * that misses some (the feed drops stale ones) loses nothing but
 * intermediate frames.
 *
 * Also here: {@link DisconnectLog}, the last disconnects with their
 * reasons, fed by the listener as each connection ends.
 *
 * Invariants: a snapshot's lists hold at most {@link MAX_ROWS} rows each
 * (the totals say how many there were); the disconnect log holds at most its
 * capacity, newest last.
 */

import type { BrokerStats } from "../../broker.js";
import type { Connection } from "../server/connection.js";
import type { Rates } from "./throughput.js";
import type { TrafficTotals } from "./traffic.js";

/** The most rows of each list a snapshot carries (a dashboard, not an export). */
export const MAX_ROWS = 500;

/** One connection as the dashboard lists it. */
export interface ClientRow {
  readonly id: number;
  readonly clientId: string | null;
  readonly remote: string;
  readonly requests: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** Response bytes produced and not yet taken by the client. */
  readonly outboxBytes: number;
  /** Responses started and not yet written. */
  readonly outboxResponses: number;
  /** The outbox is over its pause limit: the broker has stopped reading this client's requests. */
  readonly slow: boolean;
}

/** One ended connection. */
export interface DisconnectRow {
  /** When it ended (the clock's ms). */
  readonly at: number;
  readonly id: number;
  readonly clientId: string | null;
  readonly remote: string;
  readonly requests: number;
  /** Why it ended, as the broker logged it. */
  readonly reason: string;
}

/** The dashboard server's own viewers. */
export interface ViewerStats {
  /** Event-stream viewers connected now. */
  readonly connected: number;
  /** Snapshots a viewer's one-slot channel dropped because the viewer was behind. */
  readonly dropped: number;
  /** Viewers disconnected for not taking their stream. */
  readonly disconnected: number;
}

/** Everything the page shows at one time. */
export interface DashboardSnapshot {
  /** When it was taken (the clock's ms). */
  readonly time: number;
  readonly broker: {
    readonly nodeId: number;
    readonly clusterId: string;
    readonly listening: string;
    readonly durable: boolean;
    readonly slowClientPolicy: string;
    readonly refusedConnections: number;
  };
  readonly topics: BrokerStats["topics"];
  readonly topicCount: number;
  readonly throughput: {
    /** Over the last second. */
    readonly now: Rates;
    /** One point per second, the last minute, oldest first. */
    readonly series: readonly Rates[];
    readonly totals: Readonly<TrafficTotals>;
  };
  readonly clients: readonly ClientRow[];
  readonly clientCount: number;
  /** Newest first. */
  readonly disconnects: readonly DisconnectRow[];
  readonly viewers: ViewerStats;
}

/** The last disconnects, with their reasons. See the file header. */
export class DisconnectLog {
  readonly #capacity: number;
  readonly #rows: DisconnectRow[] = [];
  readonly #now: () => number;

  constructor(capacity: number, now: () => number) {
    this.#capacity = capacity;
    this.#now = now;
  }

  /** Records a connection that has ended (its `run()` resolved). */
  record(connection: Connection): void {
    const s = connection.stats();
    this.#rows.push({
      at: this.#now(),
      id: s.id,
      clientId: s.clientId,
      remote: s.remote,
      requests: s.requests,
      reason: connection.closeReason ?? "the client ended the connection",
    });
    if (this.#rows.length > this.#capacity) this.#rows.shift();
  }

  /** Newest first (a copy). */
  rows(): DisconnectRow[] {
    return this.#rows.slice().reverse();
  }
}

/** What {@link buildSnapshot} reads. */
export interface SnapshotSources {
  readonly stats: BrokerStats;
  readonly time: number;
  readonly now: Rates;
  readonly series: readonly Rates[];
  readonly totals: Readonly<TrafficTotals>;
  readonly disconnects: readonly DisconnectRow[];
  readonly viewers: ViewerStats;
  /** A client whose outbox holds more than this is flagged slow. */
  readonly outboxPauseBytes: number;
}

/** Assembles one snapshot. Precondition: none; it only reads. */
export function buildSnapshot(src: SnapshotSources): DashboardSnapshot {
  const { stats } = src;
  return {
    time: src.time,
    broker: {
      nodeId: stats.nodeId,
      clusterId: stats.clusterId,
      listening: stats.listening,
      durable: stats.durable,
      slowClientPolicy: stats.slowClientPolicy,
      refusedConnections: stats.refusedConnections,
    },
    topics: stats.topics.slice(0, MAX_ROWS),
    topicCount: stats.topics.length,
    throughput: { now: src.now, series: src.series, totals: { ...src.totals } },
    clients: stats.connections.slice(0, MAX_ROWS).map((c) => ({
      id: c.id,
      clientId: c.clientId,
      remote: c.remote,
      requests: c.requests,
      bytesIn: c.bytesIn,
      bytesOut: c.bytesOut,
      outboxBytes: c.outboxBytes,
      outboxResponses: c.outboxResponses,
      slow: c.outboxBytes > src.outboxPauseBytes,
    })),
    clientCount: stats.connections.length,
    disconnects: src.disconnects,
    viewers: src.viewers,
  };
}
