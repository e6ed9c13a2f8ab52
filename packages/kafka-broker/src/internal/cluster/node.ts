/**
 * One broker of a cluster (or the only one of `startBroker`): its node id,
 * its handler context and its listener, which a test can take down and
 * bring back up on the same port (`Listener.suspend` / `resume`). The
 * topics are not the node's: every node of a cluster serves the one shared
 * registry, so a leader move or a broker bounce loses no record.
 *
 * ```
 *   up ──takeDown()──► down ──bringUp()──► up ── … ──close()──► closed
 *    └──────────────────────────close()───────────────────────┘
 * ```
 *
 * Invariants: the node is up exactly when its listener is listening; its
 * port never changes (Metadata names the same address while it is down).
 */

import { realClock } from "@csp-kit/timers";
import type { BrokerConfig } from "../../config.js";
import type { BrokerContext } from "../handlers/context.js";
import { createDispatch } from "../handlers/dispatch.js";
import type { Connection } from "../server/connection.js";
import type { Listener } from "../server/listener.js";
import { listen } from "../start.js";
import type { TopicRegistry } from "../topics/topic-registry.js";
import type { BrokerEndpoint, ClusterView } from "./view.js";

/** What a cluster node needs to start. */
export interface NodeOptions {
  readonly nodeId: number;
  /** The validated options; `port` is where the node listens. */
  readonly config: BrokerConfig;
  readonly topics: TopicRegistry;
  readonly cluster: ClusterView;
}

/** One broker's listener and context; see the file header. */
export class BrokerNode {
  readonly nodeId: number;
  /** What the handlers of this node see. */
  readonly ctx: BrokerContext;
  readonly #listener: Listener;

  /** Wraps a running broker's context and listener (startBroker's, or one made by {@link BrokerNode.start}). */
  constructor(ctx: BrokerContext, listener: Listener) {
    this.nodeId = ctx.nodeId;
    this.ctx = ctx;
    this.#listener = listener;
  }

  /**
   * Starts a cluster node: its context over the shared topics, listening on
   * `config.host:config.port`.
   *
   * @throws the listener's error (EADDRINUSE, …); nothing is left listening.
   */
  static async start(options: NodeOptions): Promise<BrokerNode> {
    const config = options.config;
    let listener: Listener | undefined;
    const ctx: BrokerContext = {
      config,
      topics: options.topics,
      clock: config.clock ?? realClock,
      logger: config.logger,
      nodeId: options.nodeId,
      advertisedHost: config.advertisedHost,
      advertisedPort: () => config.advertisedPort ?? listener?.port ?? config.port,
      cluster: options.cluster,
      hooks: undefined,
    };
    listener = await listen(config, createDispatch(ctx));
    return new BrokerNode(ctx, listener);
  }

  /** The port listened on (kept while the node is down). */
  get port(): number {
    return this.#listener.port;
  }

  /** Whether it is listening now. */
  get up(): boolean {
    return this.#listener.listening;
  }

  /** How Metadata describes this node. */
  endpoint(): BrokerEndpoint {
    return { nodeId: this.nodeId, host: this.ctx.advertisedHost, port: this.ctx.advertisedPort(), up: this.up };
  }

  /** The open connections. */
  connections(): IterableIterator<Connection> {
    return this.#listener.connections();
  }

  /** Stops listening and drops every connection; the node stays down until `bringUp()`. No-op when down. */
  takeDown(): Promise<void> {
    return this.#listener.suspend();
  }

  /**
   * Listens again on the same port. No-op when up.
   *
   * @throws the listener's error (another process took the port meanwhile).
   */
  bringUp(): Promise<void> {
    return this.#listener.resume();
  }

  /** Stops for good: closes the listener and every connection. Idempotent. */
  close(): Promise<void> {
    return this.#listener.close();
  }
}

/** The view of a single broker: itself, always up (a request that reaches it finds it up). */
export function selfView(ctx: () => BrokerContext): ClusterView {
  return {
    brokers: () => {
      const c = ctx();
      return [{ nodeId: c.nodeId, host: c.advertisedHost, port: c.advertisedPort(), up: true }];
    },
    controllerId: () => ctx().nodeId,
  };
}
