/**
 * The cluster as every broker of it sees it: which brokers exist, where
 * they listen, which are up, and who is the controller. One view is shared
 * by all the brokers of a cluster (a single broker has a view of one), so
 * every broker answers Metadata with the whole cluster. Which broker leads a
 * partition, and at which epoch, lives on the partition itself
 * (topics/partition.ts), in the one topic registry the brokers share.
 *
 * Invariants:
 * - `brokers()` lists every broker of the cluster, up or down, by node id
 *   ascending; the list never changes after the cluster starts (a broker
 *   taken down keeps its id and port, and comes back on them);
 * - `controllerId()` is the lowest node id of a broker that is up, or the
 *   lowest node id of all when none is (a request that reaches a broker
 *   always finds that broker up, so it never sees the fallback).
 */

/** One broker of the cluster as Metadata and FindCoordinator describe it. */
export interface BrokerEndpoint {
  /** Its node id. */
  readonly nodeId: number;
  /** The host clients are told to connect to. */
  readonly host: string;
  /** The port clients are told to connect to. */
  readonly port: number;
  /** Whether it is listening now (a broker taken down by a test is not). */
  readonly up: boolean;
}

/** The shared view; see the file header. */
export interface ClusterView {
  /** Every broker, by node id ascending, up or down. */
  brokers(): readonly BrokerEndpoint[];
  /** The lowest node id of a live broker: the controller, and the coordinator of every key. */
  controllerId(): number;
}

/** The node id a cluster's controller query answers: the lowest live one, else the lowest of all. */
export function lowestLive(brokers: readonly BrokerEndpoint[]): number {
  for (const b of brokers) if (b.up) return b.nodeId;
  return brokers[0]?.nodeId ?? -1;
}
