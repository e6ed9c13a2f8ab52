/**
 * The topic producer — sarama's `topicProducer`.
 *
 * Cardinality: one per topic, created lazily by the dispatcher.
 * Job: choose each new message's partition with the partitioner (over all
 *   partitions when it `requiresConsistency`, else over the writable ones),
 *   and route every envelope to its partition producer, created lazily.
 * Never blocks on: a failing metadata service for long: metadata refreshes
 *   go through a circuit breaker (sarama's: 3 errors open it, 1 success
 *   closes it, 10 s open), so a dead cluster fails messages fast.
 * Channels: `input` (from the dispatcher); out to partition producers.
 * Shutdown: when `input` is closed, it closes every partition producer's
 *   input and waits for them.
 *
 * Invariants:
 * - a message's partition is set here once, for `retries === 0`; retried
 *   messages and fins keep theirs;
 * - `#partitions` holds one partition producer per partition index.
 */

import { Channel } from "@csp-kit/channel";
import type { TopicInfo } from "@csp-kit/kafka-client";
import { CircuitBreaker } from "@csp-kit/resiliency";
import { MetadataError, PartitionerError } from "../../errors.js";
import type { ProducerMessage } from "../../message.js";
import type { PartitionEnvelope } from "../envelope.js";
import { handOff } from "../hand-off.js";
import type { ProducerCore } from "../producer-core.js";
import { type LeaderLookup, PartitionProducer, type PartitionProducerFactory } from "./partition-producer.js";

/** One topic's producer. See the module header. */
export class TopicProducer {
  readonly topic: string;
  readonly input: Channel<PartitionEnvelope>;
  readonly done: Promise<void>;
  readonly #core: ProducerCore;
  readonly #breaker: CircuitBreaker;
  readonly #partitions = new Map<number, { input: Channel<PartitionEnvelope>; done: Promise<void> }>();
  readonly #makePartitionProducer: PartitionProducerFactory;

  constructor(core: ProducerCore, topic: string, makePartitionProducer?: PartitionProducerFactory) {
    this.#core = core;
    this.topic = topic;
    this.input = new Channel(core.config.channelBufferSize);
    this.#breaker = new CircuitBreaker({
      errorThreshold: 3,
      successThreshold: 1,
      timeout: 10_000,
      clock: core.config.clock,
    });
    this.#makePartitionProducer = makePartitionProducer ?? ((c, t, p, l) => new PartitionProducer(c, t, p, l));
    this.done = this.#run();
  }

  async #run(): Promise<void> {
    const core = this.#core;
    for (let batch = await this.input.recvBatch(); batch.isSome(); batch = await this.input.recvBatch()) {
      for (const e of batch.value) {
        if (e.kind === "message" && e.partition < 0) {
          try {
            e.partition = this.#chooseNow(e.message) ?? (await this.#choose(e.message));
          } catch (error) {
            await core.returnError(e.message, -1, error);
            continue;
          }
        }
        const p = handOff(this.#partitionProducer(e.partition).input, e);
        if (p !== undefined) await p;
      }
    }
    for (const pp of this.#partitions.values()) pp.input.close();
    await Promise.all([...this.#partitions.values()].map((pp) => pp.done));
  }

  /**
   * The partition for `message` from the cached metadata, without an await;
   * undefined when the topic is not cached yet (then `#choose` refreshes).
   * Throws as `#choose` does.
   */
  #chooseNow(message: ProducerMessage): number | undefined {
    const info = this.#core.metadata.topic(this.topic);
    if (info === undefined) return undefined;
    return this.#pick(message, info);
  }

  async #choose(message: ProducerMessage): Promise<number> {
    let info = this.#core.metadata.topic(this.topic);
    if (info === undefined) {
      await this.#refresh();
      info = this.#core.metadata.topic(this.topic);
    }
    if (info === undefined || info.partitions.length === 0) {
      throw new MetadataError(`topic "${this.topic}" has no partitions in the cluster metadata`);
    }
    return this.#pick(message, info);
  }

  /** Runs the partitioner over `info`'s partitions (all, or those with a leader). */
  #pick(message: ProducerMessage, info: TopicInfo): number {
    const { partitioner } = this.#core.config;
    if (info.partitions.length === 0) {
      throw new MetadataError(`topic "${this.topic}" has no partitions in the cluster metadata`);
    }
    const candidates = partitioner.requiresConsistency ? info.partitions : info.partitions.filter((p) => p.leader >= 0);
    if (candidates.length === 0) throw new MetadataError(`topic "${this.topic}" has no partition with a leader`);
    let index: number;
    try {
      index = partitioner.partition(message, candidates.length);
    } catch (error) {
      throw new PartitionerError(`the partitioner threw for topic "${this.topic}"`, { cause: error });
    }
    const chosen = Number.isInteger(index) ? candidates[index] : undefined;
    if (chosen === undefined) {
      throw new PartitionerError(
        `the partitioner returned ${String(index)} for topic "${this.topic}", which has ${candidates.length} partitions: return an integer in [0, numPartitions)`,
      );
    }
    return chosen.partition;
  }

  #refresh(): Promise<void> {
    return this.#breaker.run(() => this.#core.metadata.refresh([this.topic]));
  }

  #partitionProducer(partition: number): { input: Channel<PartitionEnvelope>; done: Promise<void> } {
    let pp = this.#partitions.get(partition);
    if (pp === undefined) {
      const leader: LeaderLookup = async (refresh) => {
        if (refresh || this.#core.metadata.leader(this.topic, partition) < 0) await this.#refresh();
        return this.#core.metadata.leader(this.topic, partition);
      };
      pp = this.#makePartitionProducer(this.#core, this.topic, partition, leader);
      this.#partitions.set(partition, pp);
    }
    return pp;
  }
}
