/**
 * The broker: `startBroker(options)` opens the topics (in memory, or from a
 * data directory), listens, and returns a handle with its port and
 * `close()`. Inside, the seed's non-blocking broker:
 *
 * ```
 *  Listener (1): accept loop ──► Connection (1 per client): reader ─► handler ─► writer
 *                                                               │ dispatch
 *  TopicRegistry (1) ◄── handlers (Produce, Fetch, Metadata, …) ─┘
 *  retention loop (1): select { tick: apply retention · stop }
 *  HTTP server (0 or 1): GET / (the live dashboard), /api/events (its SSE feed), /api/state, /healthz
 *    DashboardFeed (1 with it): select { tick: sample the TrafficMeter, offer a snapshot to each viewer's ring(1) · stop }
 * ```
 *
 * Shutdown (`close`), in order: stop the retention loop; stop accepting and
 * close every connection (their long polls end; unwritten responses are
 * dropped); stop the HTTP server; close every log (a durable log flushes).
 * A produce acknowledged before `close` began is in the log, and on disk
 * as its flush policy promises.
 *
 * Invariants:
 * - the handle exists only for a broker that listens and has its topics
 *   open; a failure on the way closes what was opened and throws;
 * - after `close()` begins, no connection is accepted and no request is
 *   dispatched on a new connection; `close()` is idempotent (one promise).
 */

import { Channel } from "@csp-kit/channel";
import { crc32cImplementation, enableNativeCrc32c } from "@csp-kit/kafka-protocol";
import { realClock } from "@csp-kit/timers";
import { type BrokerConfig, type BrokerOptions, validateConfig } from "./config.js";
import { BrokerStartError } from "./errors.js";
import { registerControl } from "./internal/cluster/control.js";
import { createTopicChecked } from "./internal/cluster/create-topic.js";
import { BrokerNode, selfView } from "./internal/cluster/node.js";
import { retentionLoop } from "./internal/cluster/retention.js";
import { DashboardFeed } from "./internal/dashboard/feed.js";
import { DisconnectLog } from "./internal/dashboard/snapshot.js";
import { TrafficMeter } from "./internal/dashboard/traffic.js";
import type { BrokerContext } from "./internal/handlers/context.js";
import { createDispatch } from "./internal/handlers/dispatch.js";
import { HttpFrontend } from "./internal/http/http-server.js";
import type { ConnectionStats } from "./internal/server/connection.js";
import type { Listener } from "./internal/server/listener.js";
import { listen, openTopics } from "./internal/start.js";
import type { TopicRegistry } from "./internal/topics/topic-registry.js";

export { BrokerStartError, isBrokerStartError } from "./errors.js";

/** One partition in {@link BrokerStats}. */
export interface PartitionStats {
  /** The partition index. */
  readonly partition: number;
  /** The first offset a consumer can read. */
  readonly logStartOffset: number;
  /** The offset the next record will get (one replica: the log end). */
  readonly highWatermark: number;
  /** Bytes held, all segments. */
  readonly bytes: number;
  /** Long polls waiting on it now. */
  readonly watchers: number;
}

/** One topic in {@link BrokerStats}. */
export interface TopicStats {
  /** The topic's name. */
  readonly name: string;
  /** The topic id, as Kafka prints it. */
  readonly id: string;
  readonly partitions: readonly PartitionStats[];
}

/** A snapshot of the broker: topics with their offsets, and clients with their outbox depth. */
export interface BrokerStats {
  /** This broker's node id. */
  readonly nodeId: number;
  /** The cluster id clients see in Metadata. */
  readonly clusterId: string;
  /** `host:port` listened on. */
  readonly listening: string;
  /** Whether the logs are in a data directory. */
  readonly durable: boolean;
  /** The slow-client policy's description, e.g. `"soft 64 MiB for 60 s"`. */
  readonly slowClientPolicy: string;
  /** Every topic, in creation order. */
  readonly topics: readonly TopicStats[];
  /** Every open connection. */
  readonly connections: readonly ConnectionStats[];
  /** Connections refused at `maxConnections`. */
  readonly refusedConnections: number;
}

/** Options of {@link Broker.createTopic}. */
export interface CreateTopicOptions {
  /** Default: the broker's `defaultPartitions`. */
  readonly partitions?: number | undefined;
  /** Topic configs, as CreateTopics takes them (`retention.ms`, `max.message.bytes`, …). */
  readonly configs?: Readonly<Record<string, string>> | undefined;
}

/**
 * A running broker. Clients connect to `bootstrap`; `close()` stops it.
 *
 * @example
 * ```ts run
 * import { startBroker } from "@csp-kit/kafka-broker";
 * import { SyncProducer } from "@csp-kit/kafka-producer";
 *
 * const broker = await startBroker({ port: 0, logLevel: "silent" });
 * const producer = new SyncProducer({ bootstrap: [broker.bootstrap] });
 * await producer.send({ topic: "orders", value: "{}" }); // the topic is created on first use
 * await producer.close();
 * const topics = broker.stats().topics.map((t) => t.name);
 * await broker.close();
 * console.log(topics); // → ["orders"]
 * if (topics.join() !== "orders") throw new Error(`topics ${topics.join()}`);
 * ```
 */
export interface Broker extends AsyncDisposable {
  /** The address listened on. */
  readonly host: string;
  /** The port listened on (the system's choice when the option was 0). */
  readonly port: number;
  /** `host:port` as clients should be given it (the advertised address). */
  readonly bootstrap: string;
  /** The port of the HTTP server (the dashboard at `/`, the JSON state at `/api/state`), when `httpPort` was set. */
  readonly httpPort: number | undefined;
  /** The cluster id clients see in Metadata (kept in the data directory across restarts). */
  readonly clusterId: string;
  /** This broker's node id: the leader of every partition and the controller. */
  readonly nodeId: number;
  /** The validated configuration. */
  readonly config: BrokerConfig;
  /**
   * Creates a topic, as a CreateTopics request would.
   *
   * @throws InvalidBrokerConfigError - an illegal name, an existing topic,
   *   a partition count out of range, an unsupported config.
   */
  createTopic(name: string, options?: CreateTopicOptions): void;
  /** Deletes a topic; resolves false when there is none. */
  deleteTopic(name: string): Promise<boolean>;
  /** Topics, offsets and connections now. */
  stats(): BrokerStats;
  /** Stops the broker (see the file header); resolves when everything is closed. Idempotent. */
  close(): Promise<void>;
}

class RunningBroker implements Broker {
  readonly host: string;
  readonly clusterId: string;
  readonly nodeId: number;
  readonly config: BrokerConfig;
  readonly #listener: Listener;
  readonly #topics: TopicRegistry;
  readonly #ctx: BrokerContext;
  readonly #http: HttpFrontend | undefined;
  readonly #stopRetention: Channel<void>;
  readonly #retention: Promise<void>;
  #closing: Promise<void> | undefined;

  constructor(
    config: BrokerConfig,
    ctx: BrokerContext,
    listener: Listener,
    http: HttpFrontend | undefined,
    stopRetention: Channel<void>,
    retention: Promise<void>,
  ) {
    this.config = config;
    this.host = config.host;
    this.#ctx = ctx;
    this.#topics = ctx.topics;
    this.clusterId = ctx.topics.clusterId;
    this.nodeId = config.nodeId;
    this.#listener = listener;
    this.#http = http;
    this.#stopRetention = stopRetention;
    this.#retention = retention;
  }

  get port(): number {
    return this.#listener.port;
  }

  get bootstrap(): string {
    return `${this.#ctx.advertisedHost}:${this.#ctx.advertisedPort()}`;
  }

  get httpPort(): number | undefined {
    return this.#http?.port;
  }

  createTopic(name: string, options: CreateTopicOptions = {}): void {
    createTopicChecked(this.#topics, this.config, name, options);
  }

  deleteTopic(name: string): Promise<boolean> {
    return this.#topics.delete(name);
  }

  stats(): BrokerStats {
    const topics: TopicStats[] = [];
    for (const t of this.#topics.topics())
      topics.push({
        name: t.name,
        id: t.id,
        partitions: t.partitions.map((p) => ({
          partition: p.index,
          logStartOffset: p.log.logStartOffset,
          highWatermark: p.log.highWatermark,
          bytes: p.log.sizeInBytes,
          watchers: p.watchers,
        })),
      });
    return {
      nodeId: this.nodeId,
      clusterId: this.clusterId,
      listening: `${this.host}:${this.port}`,
      durable: this.config.dataDir !== undefined,
      slowClientPolicy: this.config.slowClient.description,
      topics,
      connections: [...this.#listener.connections()].map((c) => c.stats()),
      refusedConnections: this.#listener.refused,
    };
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      const listening = `${this.host}:${this.port}`;
      this.#stopRetention.close();
      await this.#retention;
      await this.#listener.close();
      await this.#http?.close();
      await this.#topics.close();
      this.#ctx.logger.info("broker stopped", { listening });
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Starts a broker: validates `options` (see BrokerOptions for every
 * default), opens the topics, listens, and resolves with the running
 * broker. Clients use `broker.bootstrap`; `await broker.close()` stops it.
 *
 * Blocking: until the port is bound and, with `dataDir`, every partition's
 * log recovered.
 *
 * @throws InvalidBrokerConfigError - an option out of range (nothing started).
 * @throws BrokerStartError - the port is taken, the address is not this
 *   machine's, the data directory cannot be read; with the cause. Nothing
 *   is left listening or open.
 * @example
 * ```ts run
 * import { startBroker } from "@csp-kit/kafka-broker";
 *
 * const broker = await startBroker({ port: 0, logLevel: "silent", defaultPartitions: 3 });
 * console.log(`Kafka at ${broker.bootstrap}`); // → Kafka at 127.0.0.1:<port>
 * broker.createTopic("orders");
 * const partitions = broker.stats().topics[0]?.partitions.length;
 * await broker.close();
 * if (partitions !== 3) throw new Error(`orders has ${partitions} partitions`);
 * ```
 */
export async function startBroker(options: BrokerOptions = {}): Promise<Broker> {
  const config = validateConfig(options);
  const clock = config.clock ?? realClock;
  const logger = config.logger;
  // Process-wide, and idempotent: the first broker that asks loads the native CRC-32C.
  if (config.nativeCrc32c) await enableNativeCrc32c();
  const topics = openTopics(config, (partitions) => new Array<number>(partitions).fill(config.nodeId));
  let listener: Listener | undefined;
  const ctx: BrokerContext = {
    config,
    topics,
    clock,
    logger,
    nodeId: config.nodeId,
    advertisedHost: config.advertisedHost,
    advertisedPort: () => config.advertisedPort ?? listener?.port ?? config.port,
    cluster: selfView(() => ctx),
    hooks: undefined,
  };
  let http: HttpFrontend | undefined;
  let httpFailed = false;
  let broker: Broker | undefined;
  // The dashboard's meter and disconnect log exist only with the HTTP server: without it, nothing is counted.
  const dashboard =
    config.httpPort === undefined
      ? undefined
      : { meter: new TrafficMeter(), disconnects: new DisconnectLog(50, () => clock.now()) };
  try {
    listener = await listen(
      config,
      dashboard === undefined ? createDispatch(ctx) : dashboard.meter.wrap(createDispatch(ctx)),
      dashboard === undefined ? undefined : (c) => dashboard.disconnects.record(c),
    );
    if (dashboard !== undefined && config.httpPort !== undefined) {
      const stats = (): BrokerStats => {
        if (broker === undefined) throw new Error("the broker is starting");
        return broker.stats();
      };
      const counter = { disconnected: 0 };
      const feed = new DashboardFeed({
        sampleIntervalMs: 250,
        clock,
        meter: dashboard.meter,
        disconnects: dashboard.disconnects,
        stats,
        outboxPauseBytes: config.outboxPauseBytes,
        viewersDisconnected: () => counter.disconnected,
      });
      try {
        http = await HttpFrontend.listen(
          { host: config.host, port: config.httpPort, feed, state: stats, logger, clock },
          counter,
        );
      } catch (error) {
        await feed.close();
        httpFailed = true;
        throw error;
      }
    }
  } catch (error) {
    await listener?.close();
    await topics.close();
    throw new BrokerStartError(
      `cannot listen on ${config.host}:${httpFailed ? config.httpPort : config.port}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const stopRetention = Channel.unbuffered<void>();
  const retention = retentionLoop(topics, config.retentionCheckIntervalMs, clock, stopRetention);
  broker = new RunningBroker(config, ctx, listener, http, stopRetention, retention);
  // What `./testing` reaches through the handle: this broker as a cluster of one.
  registerControl(broker, { nodes: [new BrokerNode(ctx, listener)], topics, clock, injector: undefined });
  logger.info("broker started", {
    listening: `${config.host}:${listener.port}`,
    advertised: broker.bootstrap,
    storage: config.dataDir === undefined ? "memory" : config.dataDir,
    topics: topics.size,
    crc32c: crc32cImplementation(),
  });
  return broker;
}
