/**
 * What every part of the consumer shares: the configuration, the client
 * transport (pool and metadata), the partition consumers by partition, and
 * the reference-counted broker consumers.
 *
 * ```
 * consumePartition ─► dispatcher (1/partition) ─ref, subscribe─► broker consumer (1/broker, ref-counted)
 *                        ▲ trigger                                   │ subscription manager + fetch loop
 *                        │                                           ▼ one part per partition, acks WaitGroup
 *                        └──────── re-dispatch ◄──────────── response feeder (1/partition) ─► messages
 * ```
 *
 * Invariants:
 * - `#brokerConsumers` maps a broker id to the one live broker consumer for
 *   it and its reference count (the dispatchers attached); it is only read
 *   and written under `#lock`, because getting one awaits nothing but must
 *   not interleave with an unref that closes it (idiom 3: a
 *   reference-counted map under a lock); a broker consumer whose count
 *   reaches zero has its input closed and leaves the map;
 * - an abandoned broker consumer (its connection failed) leaves the map at
 *   once but lives until its last reference goes;
 * - `children` holds a partition from `consumePartition` until its
 *   partition consumer has finished (both of its tasks ended).
 */

import {
  type BrokerConnection,
  type BrokerPool,
  type MetadataCache,
  MetadataError,
  parseAddress,
} from "@csp-kit/kafka-client";
import { ApiKey, KafkaError, KafkaErrorCode } from "@csp-kit/kafka-protocol";
import { Mutex } from "@csp-kit/mutex";
import type { ConsumerConfig, OffsetPosition } from "../config.js";
import { BrokerConsumer } from "./broker-consumer.js";
import type { Child } from "./child.js";

/** The shared state of one consumer. See the module header. */
export class ConsumerCore {
  readonly config: ConsumerConfig;
  /** Connections for metadata and ListOffsets. */
  readonly pool: BrokerPool;
  /**
   * Connections for the fetch loops, apart from `pool`: a broker answers a
   * connection's requests in order, so a ListOffsets or Metadata request
   * behind a long poll would wait up to `maxWaitTime`.
   */
  readonly fetchPool: BrokerPool;
  readonly metadata: MetadataCache;
  /** Partition consumers by `childKey`. */
  readonly children: Map<string, Child> = new Map<string, Child>();
  /** Every broker consumer not yet ended (for close). */
  readonly running: Set<Promise<void>> = new Set<Promise<void>>();
  readonly #lock = new Mutex();
  readonly #brokerConsumers = new Map<number, { bc: BrokerConsumer; refs: number }>();
  readonly #refs = new Map<BrokerConsumer, number>();
  /** The address map of `pool` that `fetchPool` was last given; replaced by each metadata response. */
  #fetchAddresses: ReadonlyMap<number, string> | undefined;

  constructor(config: ConsumerConfig, pool: BrokerPool, fetchPool: BrokerPool, metadata: MetadataCache) {
    this.config = config;
    this.pool = pool;
    this.fetchPool = fetchPool;
    this.metadata = metadata;
  }

  /** The fetch loops' connection to broker `nodeId` (`fetchPool`, given the brokers the metadata named). */
  fetchConnection(nodeId: number): Promise<BrokerConnection> {
    const addresses = this.pool.addresses;
    if (this.#fetchAddresses !== addresses) {
      this.#fetchAddresses = addresses;
      this.fetchPool.setBrokers(
        [...addresses].map(([id, address]) => {
          const { host, port } = parseAddress(address);
          return { nodeId: id, host, port };
        }),
      );
    }
    return this.fetchPool.get(nodeId);
  }

  /** The broker consumer for `nodeId`, with one more reference (idiom 3). */
  async refBrokerConsumer(nodeId: number): Promise<BrokerConsumer> {
    await this.#lock.lock();
    try {
      let entry = this.#brokerConsumers.get(nodeId);
      if (entry === undefined) {
        const bc = new BrokerConsumer(this, nodeId);
        entry = { bc, refs: 0 };
        this.#brokerConsumers.set(nodeId, entry);
        const done = bc.done.finally(() => this.running.delete(done));
        this.running.add(done);
      }
      entry.refs++;
      this.#refs.set(entry.bc, (this.#refs.get(entry.bc) ?? 0) + 1);
      return entry.bc;
    } finally {
      this.#lock.unlock();
    }
  }

  /** Drops one reference to `bc`; the last one closes its input. */
  async unrefBrokerConsumer(bc: BrokerConsumer): Promise<void> {
    await this.#lock.lock();
    try {
      const refs = (this.#refs.get(bc) ?? 1) - 1;
      const entry = this.#brokerConsumers.get(bc.nodeId);
      if (entry?.bc === bc) entry.refs = refs;
      if (refs > 0) {
        this.#refs.set(bc, refs);
        return;
      }
      this.#refs.delete(bc);
      if (entry?.bc === bc) this.#brokerConsumers.delete(bc.nodeId);
      bc.input.close();
    } finally {
      this.#lock.unlock();
    }
  }

  /** Takes a failed broker consumer out of the map so new references get a fresh one. */
  abandon(bc: BrokerConsumer): void {
    if (this.#brokerConsumers.get(bc.nodeId)?.bc === bc) this.#brokerConsumers.delete(bc.nodeId);
  }

  /**
   * The leader of `topic`/`partition` after a metadata refresh.
   *
   * @throws a `KafkaError` (LEADER_NOT_AVAILABLE, UNKNOWN_TOPIC_OR_PARTITION) or a `MetadataError`.
   */
  async leader(topic: string, partition: number): Promise<number> {
    await this.metadata.refresh([topic]);
    const info = this.metadata.topic(topic);
    const p = info?.partitions.find((x) => x.partition === partition);
    if (info === undefined || p === undefined) {
      throw new KafkaError(KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION, { apiKey: ApiKey.Metadata, topic, partition });
    }
    if (p.leader < 0) {
      throw new KafkaError(p.errorCode !== 0 ? p.errorCode : KafkaErrorCode.LEADER_NOT_AVAILABLE, {
        apiKey: ApiKey.Metadata,
        topic,
        partition,
      });
    }
    return p.leader;
  }

  /**
   * The oldest or newest offset of `topic`/`partition`, asked of its leader
   * (ListOffsets with timestamp -2 or -1) — sarama's `Client.GetOffset`.
   *
   * @throws a `KafkaError` from the response, a `MetadataError` or a `BrokerConnectionError`.
   */
  async listOffset(topic: string, partition: number, position: OffsetPosition): Promise<bigint> {
    const leader = await this.leader(topic, partition);
    const connection = await this.pool.get(leader);
    const response = await connection.request(ApiKey.ListOffsets, {
      replicaId: -1,
      isolationLevel: this.config.isolationLevel === "read-committed" ? 1 : 0,
      topics: [
        {
          name: topic,
          partitions: [
            {
              partitionIndex: partition,
              currentLeaderEpoch: -1,
              timestamp: position === "oldest" ? -2n : -1n,
              maxNumOffsets: 1,
            },
          ],
        },
      ],
      timeoutMs: this.config.net.readTimeout,
    });
    const p = response?.topics.find((t) => t.name === topic)?.partitions.find((x) => x.partitionIndex === partition);
    if (p === undefined)
      throw new MetadataError(`ListOffsets did not answer for topic "${topic}" partition ${partition}`);
    if (p.errorCode !== 0) throw new KafkaError(p.errorCode, { apiKey: ApiKey.ListOffsets, topic, partition });
    return p.offset >= 0n ? p.offset : (p.oldStyleOffsets[0] ?? -1n);
  }
}
