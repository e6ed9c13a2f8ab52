/**
 * The broker's topics: by name and by id, each with its partitions' logs,
 * created (by CreateTopics or automatically by Metadata) and deleted
 * (DeleteTopics); and, for a durable broker, the metadata file that lets a
 * restart find them again, with the producer-id block of InitProducerId.
 *
 * Invariants (over `#byName`, `#byId`, the metadata file):
 * - `#byName` and `#byId` hold the same topics; a topic is in both from the
 *   end of `create` until the start of `delete` (no handler ever sees a
 *   topic whose logs are not open, or half of a deleted one);
 * - in a durable registry, the metadata file names exactly the topics of
 *   `#byName` after every `create` and `delete` returns (it is written
 *   before `create` returns and before `delete` starts closing logs), so a
 *   crash never resurrects a deleted topic nor loses a created one;
 * - `#producerIdNext < #producerIdBlockEnd`, or the block is exhausted and
 *   the next allocation saves a new block end before it hands out an id.
 *
 * Every method but `delete` and `close` is synchronous: between two awaits
 * of a handler, the set of topics cannot change under it.
 */

import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { uuidToString } from "@csp-kit/kafka-protocol";
import type { Clock } from "@csp-kit/timers";
import { MemoryStore } from "../log/memory-store.js";
import { PartitionLog } from "../log/partition-log.js";
import { SegmentStore } from "../log/segment-store.js";
import type { FlushPolicy } from "../log/store.js";
import type { BrokerLogger } from "../server/logger.js";
import { type BrokerMetadata, readMetadata, type TopicRecord, writeMetadata } from "./metadata-file.js";
import { Partition } from "./partition.js";
import { type TopicLogSettings, topicLogSettings } from "./topic-config.js";

/** How many producer ids a durable broker reserves per write of its metadata file. */
export const PRODUCER_ID_BLOCK = 1000;

/** One topic: its name, id, configs and partitions. */
export class Topic {
  constructor(
    readonly name: string,
    /** Kafka's form: URL-safe base64 of 16 random bytes. */
    readonly id: string,
    /** The configs it was created with (those that had a value). */
    readonly configs: Readonly<Record<string, string>>,
    readonly settings: TopicLogSettings,
    readonly partitions: readonly Partition[],
  ) {}
}

/** What the registry needs from the broker's configuration. */
export interface RegistryOptions {
  /** Durable when set: one SegmentStore per partition under it. */
  readonly dataDir: string | undefined;
  readonly flush: FlushPolicy;
  /** The log settings of a topic created without configs. */
  readonly defaults: TopicLogSettings;
  readonly logger: BrokerLogger;
  readonly clock: Clock | undefined;
  /** The cluster id to use when none is stored (or always, in memory). */
  readonly clusterId: string;
  /**
   * The node ids leading a new topic's partitions, one per partition
   * (called once per topic, created or reopened): a single broker leads
   * them all, a cluster spreads them round-robin (internal/cluster/placement.ts).
   */
  readonly placeLeaders: (partitions: number) => readonly number[];
}

/** A new topic id: 16 random bytes, never the zero id, never printed with a leading '-' (as Kafka's `Uuid.randomUuid`). */
export function newTopicId(): string {
  for (;;) {
    const bytes = randomBytes(16);
    if (bytes.every((b) => b === 0)) continue;
    const id = uuidToString(bytes);
    if (!id.startsWith("-")) return id;
  }
}

/** The topics of one broker. Open with {@link TopicRegistry.open}. */
export class TopicRegistry {
  readonly #options: RegistryOptions;
  readonly #byName = new Map<string, Topic>();
  readonly #byId = new Map<string, Topic>();
  /** The cluster id: stored in the metadata file of a durable broker, else the configured one. */
  readonly clusterId: string;
  #producerIdNext: number;
  #producerIdBlockEnd: number;
  #closed = false;

  private constructor(options: RegistryOptions, stored: BrokerMetadata | undefined) {
    this.#options = options;
    this.clusterId = stored?.clusterId ?? options.clusterId;
    this.#producerIdBlockEnd = stored?.producerIdBlockEnd ?? 0;
    this.#producerIdNext = this.#producerIdBlockEnd;
  }

  /**
   * Opens the registry: in memory, empty; durable, every topic the metadata
   * file names, each partition's log recovered from its directory.
   *
   * @throws MetadataFileError, LogStorageError, InvalidLogConfigError - the
   *   data directory cannot be read; nothing is left open.
   */
  static open(options: RegistryOptions): TopicRegistry {
    const stored = options.dataDir === undefined ? undefined : readMetadata(options.dataDir);
    const registry = new TopicRegistry(options, stored);
    try {
      for (const record of stored?.topics ?? []) registry.#open(record);
    } catch (error) {
      for (const topic of registry.#byName.values()) for (const p of topic.partitions) void p.log.close();
      throw error;
    }
    if (options.dataDir !== undefined && stored === undefined) registry.#save();
    return registry;
  }

  /** Every topic, in creation order. */
  topics(): IterableIterator<Topic> {
    return this.#byName.values();
  }

  /** The topic named `name`, if any. */
  get(name: string): Topic | undefined {
    return this.#byName.get(name);
  }

  /** The topic whose id is `id`, if any. */
  getById(id: string): Topic | undefined {
    return this.#byId.get(id);
  }

  /** How many topics exist. */
  get size(): number {
    return this.#byName.size;
  }

  /**
   * Creates a topic. Preconditions (the handlers check them and answer with
   * an error code otherwise): `name` is legal and unused, `partitions >= 1`,
   * `configs` passed {@link topicLogSettings}.
   *
   * @throws LogStorageError - a partition directory cannot be created; no topic is added.
   */
  create(name: string, partitions: number, configs: Readonly<Record<string, string>>): Topic {
    this.#checkOpen();
    if (this.#byName.has(name)) throw new Error(`TopicRegistry.create: topic ${name} exists`);
    const dataDir = this.#options.dataDir;
    if (dataDir !== undefined) this.#removeLeftovers(dataDir, name);
    const topic = this.#open({ name, id: newTopicId(), partitions, configs });
    if (dataDir !== undefined) {
      try {
        this.#save();
      } catch (error) {
        this.#forget(topic);
        for (const p of topic.partitions) void p.log.close();
        throw error;
      }
    }
    this.#options.logger.info("topic created", { topic: name, partitions, configs });
    return topic;
  }

  /**
   * Deletes a topic: gone for every handler at once, its long polls woken
   * (they find it gone), its logs closed and, durable, its directories removed.
   *
   * @returns false when there is no such topic.
   */
  async delete(name: string): Promise<boolean> {
    this.#checkOpen();
    const topic = this.#byName.get(name);
    if (topic === undefined) return false;
    this.#forget(topic);
    const dataDir = this.#options.dataDir;
    if (dataDir !== undefined) this.#save();
    for (const p of topic.partitions) p.notify();
    await Promise.all(topic.partitions.map((p) => p.log.close()));
    if (dataDir !== undefined)
      for (const p of topic.partitions) rmSync(join(dataDir, `${name}-${p.index}`), { recursive: true, force: true });
    this.#options.logger.info("topic deleted", { topic: name });
    return true;
  }

  /**
   * A new producer id for InitProducerId: never one handed out before by
   * this broker (durable: across restarts too, by whole blocks).
   */
  allocateProducerId(): bigint {
    this.#checkOpen();
    if (this.#producerIdNext >= this.#producerIdBlockEnd) {
      this.#producerIdBlockEnd = this.#producerIdNext + PRODUCER_ID_BLOCK;
      if (this.#options.dataDir !== undefined) this.#save();
    }
    return BigInt(this.#producerIdNext++);
  }

  /** One retention pass over every partition; a failing partition is logged and the others go on. */
  applyRetention(now: number): void {
    for (const topic of this.#byName.values())
      for (const p of topic.partitions) {
        try {
          const r = p.log.applyRetention(now);
          if (r.deletedSegments > 0)
            this.#options.logger.debug("retention deleted segments", {
              topic: topic.name,
              partition: p.index,
              ...r,
            });
        } catch (error) {
          this.#options.logger.warn("retention failed", {
            topic: topic.name,
            partition: p.index,
            error: String(error),
          });
        }
      }
  }

  /** Closes every log (flushing a durable one). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const logs: Promise<void>[] = [];
    for (const topic of this.#byName.values()) for (const p of topic.partitions) logs.push(p.log.close());
    await Promise.all(logs);
  }

  #checkOpen(): void {
    if (this.#closed) throw new Error("TopicRegistry: the broker is closed");
  }

  /** Opens the logs of `record`'s partitions and adds the topic. */
  #open(record: TopicRecord): Topic {
    const result = topicLogSettings(this.#options.defaults, record.configs);
    if (!result.ok) throw new Error(`topic ${record.name}: ${result.message}`);
    const s = result.settings;
    const logOptions = {
      segmentBytes: s.segmentBytes,
      retentionBytes: s.retentionBytes,
      retentionMs: s.retentionMs,
      maxBatchBytes: s.maxMessageBytes,
    };
    const partitions: Partition[] = [];
    const leaders = this.#options.placeLeaders(record.partitions);
    try {
      for (let i = 0; i < record.partitions; i++) {
        const store =
          this.#options.dataDir === undefined
            ? new MemoryStore()
            : SegmentStore.open(join(this.#options.dataDir, `${record.name}-${i}`), {
                flush: this.#options.flush,
                logger: this.#options.logger,
                clock: this.#options.clock,
              });
        partitions.push(new Partition(record.name, i, PartitionLog.open(store, logOptions), leaders[i]!));
      }
    } catch (error) {
      for (const p of partitions) void p.log.close();
      throw error;
    }
    const topic = new Topic(record.name, record.id, record.configs, s, partitions);
    this.#byName.set(topic.name, topic);
    this.#byId.set(topic.id, topic);
    return topic;
  }

  #forget(topic: Topic): void {
    this.#byName.delete(topic.name);
    this.#byId.delete(topic.id);
  }

  /** Removes partition directories of `name` that no topic owns (a deletion cut short by a crash). */
  #removeLeftovers(dataDir: string, name: string): void {
    if (!existsSync(dataDir)) return;
    const pattern = new RegExp(`^${name.replace(/[.]/g, "\\.")}-\\d+$`);
    for (const entry of readdirSync(dataDir)) {
      if (!pattern.test(entry)) continue;
      this.#options.logger.warn("removing a leftover partition directory before creating the topic again", {
        directory: entry,
      });
      rmSync(join(dataDir, entry), { recursive: true, force: true });
    }
  }

  #save(): void {
    const dataDir = this.#options.dataDir;
    if (dataDir === undefined) return;
    writeMetadata(dataDir, {
      clusterId: this.clusterId,
      producerIdBlockEnd: this.#producerIdBlockEnd,
      topics: [...this.#byName.values()].map((t) => ({
        name: t.name,
        id: t.id,
        partitions: t.partitions.length,
        configs: t.configs,
      })),
    });
  }
}
