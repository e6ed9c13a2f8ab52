/**
 * What `startBroker` and `startCluster` (through its nodes) both do with a
 * validated configuration: open the topic registry, and listen.
 *
 * Invariants: each function reads only `config`'s fields (never its own
 * defaults), so a single broker and a cluster node with the same options
 * behave alike.
 */

import type { BrokerConfig } from "../config.js";
import { BrokerStartError } from "../errors.js";
import type { Connection, Dispatch } from "./server/connection.js";
import { Listener } from "./server/listener.js";
import { newTopicId, TopicRegistry } from "./topics/topic-registry.js";

/**
 * Opens the topics of `config` (in memory, or its `dataDir`), placing new
 * partitions' leaders with `placeLeaders`.
 *
 * @throws BrokerStartError - the data directory cannot be opened.
 */
export function openTopics(
  config: BrokerConfig,
  placeLeaders: (partitions: number) => readonly number[],
): TopicRegistry {
  try {
    return TopicRegistry.open({
      dataDir: config.dataDir,
      flush: config.flush,
      defaults: {
        retentionMs: config.retentionMs,
        retentionBytes: config.retentionBytes,
        segmentBytes: config.segmentBytes,
        maxMessageBytes: config.maxMessageBytes,
      },
      logger: config.logger,
      clock: config.clock,
      clusterId: config.clusterId ?? newTopicId(),
      placeLeaders,
    });
  } catch (error) {
    throw new BrokerStartError(
      `cannot open the data directory ${config.dataDir}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

/**
 * Listens on `config.host:config.port` with `config`'s connection limits,
 * handing each request to `dispatch`.
 *
 * @throws the listener's error (EADDRINUSE, …); nothing is left listening.
 */
export function listen(
  config: BrokerConfig,
  dispatch: Dispatch,
  onClosed?: (connection: Connection) => void,
): Promise<Listener> {
  return Listener.listen({
    host: config.host,
    port: config.port,
    maxConnections: config.maxConnections,
    maxFrameBytes: config.maxFrameBytes,
    maxInFlightRequests: config.maxInFlightRequests,
    outboxPauseBytes: config.outboxPauseBytes,
    slowClient: config.slowClient,
    dispatch,
    logger: config.logger,
    clock: config.clock,
    onClosed,
  });
}
