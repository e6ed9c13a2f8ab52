/**
 * An in-process cluster: `startCluster({ brokers: 3 })` starts N brokers in
 * this process, each on its own loopback port, sharing one metadata view
 * and one set of partition logs. Leader moves and broker bounces become
 * real for a client (it must follow Metadata), while no record is ever
 * copied: the log belongs to the partition, not to a broker, so moving a
 * leader keeps every record and there is nothing to replicate.
 *
 * ```
 *   client ──► broker 1 ─┐                     ┌─ topic a: p0 led by 1, p1 by 2, p2 by 3
 *   client ──► broker 2 ─┼─► ClusterView ──────┤     (round-robin, placement.ts)
 *   client ──► broker 3 ─┘   (brokers, up/down, └─ topic b: p0 led by 2, …
 *                             controller)        TopicRegistry (1): the logs, once
 *   retention loop (1): select { tick: apply retention · stop }
 * ```
 *
 * - Node ids are 1..N (a single `startBroker` is node 1 by default, so a
 *   cluster of one looks like it); the controller and the coordinator of
 *   every key is the lowest live node.
 * - Every broker answers Metadata with the whole cluster. Produce, Fetch and
 *   ListOffsets sent to a broker that does not lead a partition answer
 *   NOT_LEADER_OR_FOLLOWER (6) for it (with the leader, where the version
 *   has the field); a stale leader epoch answers FENCED_LEADER_EPOCH (74).
 * - `moveLeader` bumps the partition's leader epoch and ends the long polls
 *   on the old leader.
 * - Taking brokers down and up, and every other fault, is `./testing`'s
 *   (`injectFaults(cluster)`).
 *
 * Shutdown (`close`), in order: stop the retention loop; close every
 * broker (its listener and connections); close every log.
 *
 * Invariants:
 * - the brokers' list and their ports never change after start (a broker
 *   taken down keeps both);
 * - every partition's leader is one of the cluster's node ids;
 * - `close()` is idempotent (one promise); a failure during start closes
 *   what was opened and throws.
 */

import { Channel } from "@csp-kit/channel";
import { enableNativeCrc32c } from "@csp-kit/kafka-protocol";
import { realClock } from "@csp-kit/timers";
import type { CreateTopicOptions } from "./broker.js";
import { type BrokerConfig, type BrokerOptions, InvalidBrokerConfigError, validateConfig } from "./config.js";
import { BrokerStartError } from "./errors.js";
import { type ClusterControl, moveLeader, nodeOf, partitionOf, registerControl } from "./internal/cluster/control.js";
import { createTopicChecked } from "./internal/cluster/create-topic.js";
import { BrokerNode } from "./internal/cluster/node.js";
import { roundRobinPlacement } from "./internal/cluster/placement.js";
import { retentionLoop } from "./internal/cluster/retention.js";
import { type ClusterView, lowestLive } from "./internal/cluster/view.js";
import type { ConnectionStats } from "./internal/server/connection.js";
import type { BrokerLogger, LogDetails } from "./internal/server/logger.js";
import { openTopics } from "./internal/start.js";

export {
  isUnknownBrokerError,
  isUnknownTopicError,
  UnknownBrokerError,
  UnknownTopicError,
} from "./internal/cluster/errors.js";

/** The most brokers one cluster may have. */
export const MAX_CLUSTER_BROKERS = 64;

/**
 * Options of {@link startCluster}: the broker options every broker shares
 * (see BrokerOptions for each default), the broker count, and optionally
 * each broker's port. `port`, `nodeId`, `advertisedPort` and `httpPort` are
 * per broker and so not taken here.
 *
 * @example
 * ```ts run
 * import { startCluster } from "@csp-kit/kafka-broker";
 *
 * const cluster = await startCluster({ brokers: 3, defaultPartitions: 6, logLevel: "warn" });
 * cluster.createTopic("orders");
 * const partitions = cluster.stats().topics[0]?.partitions.length;
 * await cluster.close();
 * console.log(cluster.brokers.length, partitions); // → 3 6
 * if (cluster.brokers.length !== 3 || partitions !== 6) throw new Error(`${cluster.brokers.length} brokers, ${partitions} partitions`);
 * ```
 */
export interface ClusterOptions extends Omit<BrokerOptions, "port" | "nodeId" | "advertisedPort" | "httpPort"> {
  /** How many brokers, 1 to {@link MAX_CLUSTER_BROKERS}. Default 3. Their node ids are 1..N. */
  readonly brokers?: number | undefined;
  /** The port of each broker, by node id order (0: a free one). Default: all 0. */
  readonly ports?: readonly number[] | undefined;
}

/** One broker of a {@link Cluster}. */
export interface ClusterBroker {
  /** Its node id: 1..N. */
  readonly nodeId: number;
  /** The address it listens on. */
  readonly host: string;
  /** Its port (kept while it is down). */
  readonly port: number;
  /** `host:port` as Metadata advertises it. */
  readonly bootstrap: string;
  /** Whether it listens now (`./testing` can take it down). */
  readonly up: boolean;
}

/** Which broker leads a partition, and at which epoch. */
export interface PartitionLeader {
  /** The node id of the leader. */
  readonly leader: number;
  /** The leader epoch: 0 at creation, one more per move. */
  readonly leaderEpoch: number;
}

/** One partition in {@link ClusterStats}. */
export interface ClusterPartitionStats extends PartitionLeader {
  /** The partition index. */
  readonly partition: number;
  /** The first offset a consumer can read. */
  readonly logStartOffset: number;
  /** The offset the next record will get. */
  readonly highWatermark: number;
  /** Bytes held. */
  readonly bytes: number;
}

/** One broker in {@link ClusterStats}. */
export interface ClusterBrokerStats {
  /** Its node id. */
  readonly nodeId: number;
  /** `host:port` it listens on. */
  readonly listening: string;
  /** Whether it listens now. */
  readonly up: boolean;
  /** Its open connections. */
  readonly connections: readonly ConnectionStats[];
}

/** One topic in {@link ClusterStats}. */
export interface ClusterTopicStats {
  /** The topic's name. */
  readonly name: string;
  /** The topic id, as Kafka prints it. */
  readonly id: string;
  /** Its partitions, by index. */
  readonly partitions: readonly ClusterPartitionStats[];
}

/** A snapshot of a cluster: brokers with their connections, topics with leaders and offsets. */
export interface ClusterStats {
  /** The cluster id clients see in Metadata. */
  readonly clusterId: string;
  /** The node id of the controller (the lowest live broker). */
  readonly controllerId: number;
  /** Every broker, by node id. */
  readonly brokers: readonly ClusterBrokerStats[];
  /** Every topic, in creation order. */
  readonly topics: readonly ClusterTopicStats[];
}

/**
 * A running cluster. Give clients `bootstrap` (every broker) or any one
 * broker's address; `close()` stops it.
 *
 * @example
 * ```ts run
 * import { startCluster } from "@csp-kit/kafka-broker";
 * import { SyncProducer } from "@csp-kit/kafka-producer";
 *
 * const cluster = await startCluster({ brokers: 3, logLevel: "silent" });
 * const producer = new SyncProducer({ bootstrap: [...cluster.bootstrapServers] });
 * const { offset } = await producer.send({ topic: "orders", value: "{}" });
 * await producer.close();
 * await cluster.close();
 * console.log(offset); // → 0n
 * if (offset !== 0n) throw new Error(`offset ${offset}`);
 * ```
 */
export interface Cluster extends AsyncDisposable {
  /** The cluster id clients see in Metadata. */
  readonly clusterId: string;
  /** The brokers, by node id (1..N). */
  readonly brokers: readonly ClusterBroker[];
  /** Every broker's `host:port`, by node id. */
  readonly bootstrapServers: readonly string[];
  /** The same, comma-separated (kcat's `-b`). */
  readonly bootstrap: string;
  /** The validated options the brokers share (`port` and `nodeId` are each broker's own). */
  readonly config: BrokerConfig;
  /**
   * The broker with node id `nodeId`.
   *
   * @throws UnknownBrokerError - no such broker.
   */
  broker(nodeId: number): ClusterBroker;
  /**
   * Creates a topic, as a CreateTopics request would; its leaders are placed round-robin.
   *
   * @throws InvalidBrokerConfigError - an illegal name, an existing topic,
   *   a partition count out of range, an unsupported config.
   */
  createTopic(name: string, options?: CreateTopicOptions): void;
  /** Deletes a topic; resolves false when there is none. */
  deleteTopic(name: string): Promise<boolean>;
  /**
   * Who leads `topic`-`partition` now.
   *
   * @throws UnknownTopicError - no such topic or partition.
   */
  leaderOf(topic: string, partition: number): PartitionLeader;
  /**
   * Makes broker `toBroker` the leader of `topic`-`partition` and returns
   * the new leader epoch (one more than before, even when `toBroker` led
   * already). The records stay; the old leader answers
   * NOT_LEADER_OR_FOLLOWER from now on, and its long polls on the partition
   * end with that answer.
   *
   * Ordering: a request handled after `moveLeader` returns sees the new
   * leader; one handled before (its response maybe still on the way) saw the old.
   *
   * @throws UnknownTopicError, UnknownBrokerError - nothing changed.
   */
  moveLeader(topic: string, partition: number, toBroker: number): number;
  /** Brokers, connections, topics, leaders and offsets now. */
  stats(): ClusterStats;
  /** Stops every broker and closes the logs; idempotent. */
  close(): Promise<void>;
}

/** A logger that adds `broker: nodeId` to every line. */
function nodeLogger(logger: BrokerLogger, nodeId: number): BrokerLogger {
  const at =
    (level: keyof BrokerLogger) =>
    (message: string, details: LogDetails): void =>
      logger[level](message, { broker: nodeId, ...details });
  return { error: at("error"), warn: at("warn"), info: at("info"), debug: at("debug") };
}

class RunningCluster implements Cluster {
  readonly clusterId: string;
  readonly config: BrokerConfig;
  readonly brokers: readonly ClusterBroker[];
  readonly #control: ClusterControl;
  readonly #stopRetention: Channel<void>;
  readonly #retention: Promise<void>;
  #closing: Promise<void> | undefined;

  constructor(config: BrokerConfig, control: ClusterControl, stopRetention: Channel<void>, retention: Promise<void>) {
    this.config = config;
    this.clusterId = control.topics.clusterId;
    this.#control = control;
    this.#stopRetention = stopRetention;
    this.#retention = retention;
    this.brokers = Object.freeze(
      control.nodes.map(
        (node): ClusterBroker => ({
          nodeId: node.nodeId,
          host: config.host,
          port: node.port,
          bootstrap: `${node.ctx.advertisedHost}:${node.ctx.advertisedPort()}`,
          get up() {
            return node.up;
          },
        }),
      ),
    );
  }

  get bootstrapServers(): readonly string[] {
    return this.brokers.map((b) => b.bootstrap);
  }

  get bootstrap(): string {
    return this.bootstrapServers.join(",");
  }

  broker(nodeId: number): ClusterBroker {
    const node = nodeOf(this.#control, nodeId);
    return this.brokers[this.#control.nodes.indexOf(node)]!;
  }

  createTopic(name: string, options: CreateTopicOptions = {}): void {
    createTopicChecked(this.#control.topics, this.config, name, options);
  }

  deleteTopic(name: string): Promise<boolean> {
    return this.#control.topics.delete(name);
  }

  leaderOf(topic: string, partition: number): PartitionLeader {
    const p = partitionOf(this.#control, topic, partition);
    return { leader: p.leader, leaderEpoch: p.leaderEpoch };
  }

  moveLeader(topic: string, partition: number, toBroker: number): number {
    return moveLeader(this.#control, topic, partition, toBroker);
  }

  stats(): ClusterStats {
    const nodes = this.#control.nodes;
    return {
      clusterId: this.clusterId,
      controllerId: lowestLive(nodes.map((n) => n.endpoint())),
      brokers: nodes.map((n) => ({
        nodeId: n.nodeId,
        listening: `${this.config.host}:${n.port}`,
        up: n.up,
        connections: [...n.connections()].map((c) => c.stats()),
      })),
      topics: [...this.#control.topics.topics()].map((t) => ({
        name: t.name,
        id: t.id,
        partitions: t.partitions.map((p) => ({
          partition: p.index,
          leader: p.leader,
          leaderEpoch: p.leaderEpoch,
          logStartOffset: p.log.logStartOffset,
          highWatermark: p.log.highWatermark,
          bytes: p.log.sizeInBytes,
        })),
      })),
    };
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#stopRetention.close();
      await this.#retention;
      await Promise.all(this.#control.nodes.map((n) => n.close()));
      await this.#control.topics.close();
      this.config.logger.info("cluster stopped", { brokers: this.#control.nodes.length });
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** Checks the cluster-only options; returns the broker count and ports. */
function clusterShape(options: ClusterOptions): { count: number; ports: readonly number[] } {
  for (const option of ["port", "nodeId", "advertisedPort", "httpPort"] as const)
    if ((options as Record<string, unknown>)[option] !== undefined)
      throw new InvalidBrokerConfigError(
        option,
        (options as Record<string, unknown>)[option],
        `is per broker and not a cluster option${option === "port" ? ": use ports: [p1, p2, …]" : ""}`,
      );
  const count = options.brokers ?? 3;
  if (typeof count !== "number" || !Number.isSafeInteger(count) || count < 1 || count > MAX_CLUSTER_BROKERS)
    throw new InvalidBrokerConfigError("brokers", count, `must be an integer from 1 to ${MAX_CLUSTER_BROKERS}`);
  const ports = options.ports ?? new Array<number>(count).fill(0);
  if (!Array.isArray(ports) || ports.length !== count)
    throw new InvalidBrokerConfigError("ports", ports, `must be an array of ${count} ports, one per broker`);
  for (const port of ports)
    if (typeof port !== "number" || !Number.isSafeInteger(port) || port < 0 || port > 65535)
      throw new InvalidBrokerConfigError("ports", ports, "must hold integers from 0 to 65535");
  return { count, ports };
}

/**
 * Starts a cluster of `brokers` brokers (default 3, node ids 1..N) in this
 * process, each listening on its own port of `host`, all sharing one set of
 * topics and logs. Resolves once every broker listens.
 *
 * Blocking: until every port is bound and, with `dataDir`, every
 * partition's log recovered (one data directory holds the whole cluster's
 * logs: each partition's log exists once).
 *
 * Gotchas: leaders and leader epochs are not kept in the data directory; a
 * restart places the leaders afresh (round-robin, epoch 0).
 *
 * @throws InvalidBrokerConfigError - an option out of range, or a per-broker
 *   option (`port`, `nodeId`, `advertisedPort`, `httpPort`) given (nothing started).
 * @throws BrokerStartError - a port is taken, the data directory cannot be
 *   read; with the cause. Nothing is left listening or open.
 * @example
 * ```ts run
 * import { startCluster } from "@csp-kit/kafka-broker";
 *
 * const cluster = await startCluster({ brokers: 3, logLevel: "silent" });
 * cluster.createTopic("orders", { partitions: 3 });
 * const before = cluster.leaderOf("orders", 0);
 * console.log(before); // → { leader: 1, leaderEpoch: 0 }
 * cluster.moveLeader("orders", 0, 2);
 * const after = cluster.leaderOf("orders", 0);
 * console.log(after); // → { leader: 2, leaderEpoch: 1 }
 * await cluster.close();
 * if (before.leader !== 1 || after.leader !== 2 || after.leaderEpoch <= before.leaderEpoch) throw new Error(JSON.stringify(after));
 * ```
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const { count, ports } = clusterShape(options);
  const { brokers: _brokers, ports: _ports, ...shared } = options;
  const config = validateConfig(shared);
  const clock = config.clock ?? realClock;
  if (config.nativeCrc32c) await enableNativeCrc32c();
  const nodeIds = Array.from({ length: count }, (_, i) => i + 1);
  const topics = openTopics(config, roundRobinPlacement(nodeIds));
  const nodes: BrokerNode[] = [];
  const view: ClusterView = {
    brokers: () => nodes.map((n) => n.endpoint()),
    controllerId: () => lowestLive(view.brokers()),
  };
  for (const [i, nodeId] of nodeIds.entries()) {
    try {
      nodes.push(
        await BrokerNode.start({
          nodeId,
          config: { ...config, port: ports[i]!, nodeId, logger: nodeLogger(config.logger, nodeId) },
          topics,
          cluster: view,
        }),
      );
    } catch (error) {
      await Promise.all(nodes.map((n) => n.close()));
      await topics.close();
      throw new BrokerStartError(
        `cannot listen on ${config.host}:${ports[i]} (broker ${nodeId}): ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }
  const control: ClusterControl = { nodes, topics, clock, injector: undefined };
  const stopRetention = Channel.unbuffered<void>();
  const retention = retentionLoop(topics, config.retentionCheckIntervalMs, clock, stopRetention);
  const cluster = new RunningCluster(config, control, stopRetention, retention);
  registerControl(cluster, control);
  config.logger.info("cluster started", {
    brokers: cluster.bootstrap,
    storage: config.dataDir === undefined ? "memory" : config.dataDir,
    topics: topics.size,
  });
  return cluster;
}
