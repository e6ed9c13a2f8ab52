/**
 * The consumer — sarama's `Consumer`: the entry point that makes partition
 * consumers, and owns the client transport (connections and metadata) they
 * share.
 *
 * ```
 * new Consumer(options) ── consumePartition(topic, p, offset) ──► PartitionConsumer
 *                                                                   ├─ dispatcher (finds the leader)
 *                                                                   ├─ subscribed to a broker consumer (1/broker)
 *                                                                   └─ response feeder ─► messages
 * ```
 *
 * Invariants: a partition is consumed by at most one partition consumer of
 * this consumer at a time (`core.children`); after `close()` begins, no
 * partition consumer is made.
 */

import { BrokerPool, MetadataCache } from "@csp-kit/kafka-client";
import { enableNativeCrc32c, isKafkaError, KafkaErrorCode } from "@csp-kit/kafka-protocol";
import { type ConsumerConfig, type ConsumerOptions, type OffsetPosition, validateConfig } from "./config.js";
import {
  ConsumerClosedError,
  type ConsumerError,
  InvalidConsumerConfigError,
  OffsetOutOfRangeError,
  PartitionAlreadyConsumedError,
  UnknownPartitionError,
} from "./errors.js";
import { Child, childKey } from "./internal/child.js";
import { ConsumerCore } from "./internal/consumer-core.js";
import { dispatch } from "./internal/dispatcher.js";
import { PartitionConsumer } from "./partition-consumer.js";

/** Where `consumePartition` starts: an offset, or the oldest or newest end of the log. */
export type StartOffset = bigint | number | OffsetPosition;

/**
 * sarama's `Consumer`: consumes partitions, each on its own
 * {@link PartitionConsumer}. No consumer groups (and so no committed
 * offsets): you say where each partition starts.
 *
 * Connections are made lazily, by the first call that needs one.
 *
 * @example
 * ```ts run
 * import { startBroker } from "@csp-kit/kafka-broker";
 * import { Consumer } from "@csp-kit/kafka-consumer";
 * import { SyncProducer } from "@csp-kit/kafka-producer";
 *
 * const broker = await startBroker({ port: 0, logLevel: "silent" });
 * broker.createTopic("orders", { partitions: 1 });
 * const producer = new SyncProducer({ bootstrap: [broker.bootstrap] });
 * await producer.sendMany([{ topic: "orders", value: "a" }, { topic: "orders", value: "b" }]);
 * await producer.close();
 *
 * const consumer = new Consumer({ bootstrap: [broker.bootstrap] });
 * const pc = await consumer.consumePartition("orders", 0, "oldest");
 * const got: string[] = [];
 * for await (const m of pc.messages) {
 *   console.log(m.offset, new TextDecoder().decode(m.value ?? undefined)); // → 0n a, then 1n b
 *   got.push(new TextDecoder().decode(m.value ?? undefined));
 *   if (got.length === 2) break; // messages never ends by itself: it waits for more
 * }
 * await consumer.close();
 * await broker.close();
 * if (got.join() !== "a,b") throw new Error(`got ${got.join()}`);
 * ```
 */
export class Consumer {
  /** The validated configuration. */
  readonly config: ConsumerConfig;
  readonly #core: ConsumerCore;
  readonly #consumers = new Set<PartitionConsumer>();
  #closing: Promise<void> | undefined;
  /** The one attempt to load the native CRC-32C (`nativeCrc32c`), made by the first consumePartition. */
  #native: Promise<boolean> | undefined;

  /**
   * Makes a consumer (no connection yet).
   *
   * @throws {@link InvalidConsumerConfigError} from `validateConfig`.
   */
  constructor(options: ConsumerOptions) {
    const config = validateConfig(options);
    this.config = config;
    const poolOptions = {
      bootstrap: config.bootstrap,
      clientId: config.clientId,
      dialTimeout: config.net.dialTimeout,
      readTimeout: config.net.readTimeout,
      tls: config.net.tls,
      clock: config.clock,
      retryMax: config.metadata.retryMax,
      retryBackoff: config.metadata.retryBackoff,
    };
    const pool = new BrokerPool(poolOptions);
    const metadata = new MetadataCache(pool, {
      clock: config.clock,
      refreshFrequency: config.metadata.refreshFrequency,
    });
    this.#core = new ConsumerCore(config, pool, new BrokerPool(poolOptions), metadata);
  }

  /**
   * The partition ids of `topic`, sorted — sarama's `Consumer.Partitions`.
   *
   * @throws {@link UnknownPartitionError} when the cluster does not know the
   *   topic; a `MetadataError` when no broker answers;
   *   {@link ConsumerClosedError} after `close()`.
   */
  async partitions(topic: string): Promise<number[]> {
    this.#checkOpen("partitions");
    try {
      await this.#core.metadata.refresh([topic]);
    } catch (error) {
      throw unknownTopic(topic, error);
    }
    const info = this.#core.metadata.topic(topic);
    if (info === undefined) throw unknownTopic(topic, undefined);
    return info.partitions.map((p) => p.partition);
  }

  /**
   * The oldest offset (the log start) or the newest (the high watermark,
   * the offset the next message will get) of a partition — sarama's
   * `Client.GetOffset` with `OffsetOldest` / `OffsetNewest`.
   *
   * @throws a `KafkaError`, `MetadataError` or `BrokerConnectionError`;
   *   {@link ConsumerClosedError} after `close()`.
   */
  async getOffset(topic: string, partition: number, position: OffsetPosition): Promise<bigint> {
    this.#checkOpen("getOffset");
    return await this.#core.listOffset(topic, partition, position);
  }

  /**
   * Starts consuming `topic`/`partition` at `offset` — sarama's
   * `ConsumePartition`. `"oldest"` is the log start, `"newest"` the high
   * watermark (only messages produced from now on), a number or bigint an
   * exact offset (which must be in `[oldest, newest]`). Without an offset,
   * `offsets.initial` (default "newest").
   *
   * Blocking: until the start offset is known and the partition is
   * subscribed at its leader (metadata and ListOffsets round trips).
   *
   * @throws {@link PartitionAlreadyConsumedError} when this consumer
   *   already consumes the partition; {@link OffsetOutOfRangeError} for an
   *   offset outside the log (unless `offsets.resetOnOutOfRange` is set);
   *   {@link UnknownPartitionError} for a partition the topic does not
   *   have; a `KafkaError` / `MetadataError` / `BrokerConnectionError` when
   *   the cluster cannot be asked; {@link InvalidConsumerConfigError} for a
   *   malformed argument; {@link ConsumerClosedError} after `close()`.
   */
  async consumePartition(topic: string, partition: number, offset?: StartOffset): Promise<PartitionConsumer> {
    this.#checkOpen("consumePartition");
    if (typeof topic !== "string" || topic.length === 0) {
      throw new InvalidConsumerConfigError("topic", topic, "must be a non-empty string");
    }
    if (!Number.isInteger(partition) || partition < 0 || partition > 0x7fffffff) {
      throw new InvalidConsumerConfigError("partition", partition, "must be a whole number >= 0");
    }
    const start = offset ?? this.config.offsets.initial;
    if (
      start !== "oldest" &&
      start !== "newest" &&
      !(typeof start === "bigint" && start >= 0n) &&
      !(typeof start === "number" && Number.isSafeInteger(start) && start >= 0)
    ) {
      throw new InvalidConsumerConfigError(
        "offset",
        start,
        'must be "oldest", "newest", or an offset >= 0 (a number or bigint)',
      );
    }
    const core = this.#core;
    if (this.config.nativeCrc32c) {
      this.#native ??= enableNativeCrc32c();
      await this.#native;
    }
    const key = childKey(topic, partition);
    if (core.children.has(key)) throw new PartitionAlreadyConsumedError(topic, partition);
    const child = new Child(core, topic, partition, -1n);
    core.children.set(key, child);
    try {
      child.offset = await this.#startingOffset(topic, partition, start);
      await dispatch(child);
    } catch (error) {
      core.children.delete(key);
      if (child.broker !== null) await core.unrefBrokerConsumer(child.broker);
      throw error;
    }
    const pc = new PartitionConsumer(child, () => {
      if (core.children.get(key) === child) core.children.delete(key);
      this.#consumers.delete(pc);
    });
    this.#consumers.add(pc);
    if (this.#closing !== undefined) {
      // close() began while this partition was being set up: it must not outlive the consumer.
      await pc.close();
      throw new ConsumerClosedError("consumePartition");
    }
    return pc;
  }

  /** sarama's `chooseStartingOffset`: resolves "oldest"/"newest" and checks an explicit offset against the log. */
  async #startingOffset(topic: string, partition: number, start: StartOffset): Promise<bigint> {
    const core = this.#core;
    let oldest: bigint;
    try {
      oldest = await core.listOffset(topic, partition, "oldest");
    } catch (error) {
      if (isKafkaError(error) && error.code === KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
        throw new UnknownPartitionError(
          topic,
          partition,
          `topic "${topic}" has no partition ${partition}: check the topic name and its partition count`,
          { cause: error },
        );
      }
      throw error;
    }
    if (start === "oldest") return oldest;
    const newest = await core.listOffset(topic, partition, "newest");
    if (start === "newest") return newest;
    const at = BigInt(start);
    if (at >= oldest && at <= newest) return at;
    const reset = this.config.offsets.resetOnOutOfRange;
    if (reset === "oldest") return oldest;
    if (reset === "newest") return newest;
    throw new OffsetOutOfRangeError(topic, partition, at, oldest, newest);
  }

  /**
   * Closes every partition consumer still open (as their `close()` does,
   * discarding unread messages and errors), then the connections. sarama
   * asks you to close the partition consumers first; here it is done for
   * you. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const closing: Promise<ConsumerError[]>[] = [];
      for (const pc of this.#consumers) closing.push(pc.close());
      await Promise.all(closing);
      // Closing the connections ends any long poll in flight, so the broker consumers end at once.
      this.#core.metadata.close();
      await Promise.all([this.#core.pool.destroy(), this.#core.fetchPool.destroy()]);
      await Promise.all([...this.#core.running]);
    })();
    return this.#closing;
  }

  #checkOpen(what: string): void {
    if (this.#closing !== undefined) throw new ConsumerClosedError(what);
  }
}

function unknownTopic(topic: string, cause: unknown): UnknownPartitionError {
  return new UnknownPartitionError(
    topic,
    -1,
    `topic "${topic}" is not known to the cluster: check its name (the broker may not create topics on demand)`,
    cause === undefined ? undefined : { cause },
  );
}
