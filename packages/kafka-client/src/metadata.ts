/**
 * The metadata cache: brokers, and per topic its partitions and their
 * leaders, refreshed from Metadata requests.
 *
 * Cardinality: one per client.
 * Job: answer "how many partitions, which are writable, who leads p" from
 *   the last response, and refresh on demand (a leader moved) or on a timer
 *   (`metadata.refreshFrequency`).
 * Never blocks on: a refresh already running. Concurrent refreshes of the
 *   same topics share one request (`#inFlight`).
 * Retries: a refresh whose connection broke (a `BrokerConnectionError`:
 *   the broker went away mid-request) is tried again, up to `retryMax`
 *   times, `retryBackoff` ms apart, on whichever broker answers next (the
 *   pool drops the broken connection). Answers that are errors are not
 *   retried here: the caller decides.
 * Shutdown: `close()` stops the timer; the pool is closed by its owner.
 *
 * Invariants:
 * - `#topics` holds a topic only after a response that listed it without a
 *   topic-level error; its `partitions` are sorted by index;
 * - a partition with leader -1 (or a partition-level error) is not writable.
 */

import { ApiKey, errorByCode, KafkaError } from "@csp-kit/kafka-protocol";
import type { Clock, ClockHandle } from "@csp-kit/timers";
import { isBrokerConnectionError, MetadataError } from "./errors.js";
import type { BrokerPool } from "./pool.js";

/** One partition as metadata describes it. */
export interface PartitionInfo {
  readonly partition: number;
  /** The leader's broker id, -1 when there is none. */
  readonly leader: number;
  readonly errorCode: number;
}

/** One topic. */
export interface TopicInfo {
  readonly name: string;
  readonly partitions: readonly PartitionInfo[];
}

const ZERO_UUID = "AAAAAAAAAAAAAAAAAAAAAA";

/** The metadata cache. See the module header. */
export class MetadataCache {
  readonly #pool: BrokerPool;
  readonly #topics = new Map<string, TopicInfo>();
  readonly #inFlight = new Map<string, Promise<void>>();
  readonly #clock: Clock;
  readonly #retryMax: number;
  readonly #retryBackoff: number;
  #timer: ClockHandle | undefined;
  #closed = false;

  /**
   * @param options - `refreshFrequency` ms between background refreshes (0:
   *   none); `retryMax` (default 0) and `retryBackoff` (ms, default 100):
   *   how often and how far apart a refresh whose connection broke is tried again.
   */
  constructor(
    pool: BrokerPool,
    options: {
      readonly clock: Clock;
      readonly refreshFrequency: number;
      readonly retryMax?: number | undefined;
      readonly retryBackoff?: number | undefined;
    },
  ) {
    this.#pool = pool;
    this.#clock = options.clock;
    this.#retryMax = options.retryMax ?? 0;
    this.#retryBackoff = options.retryBackoff ?? 100;
    const every = options.refreshFrequency;
    if (every > 0) {
      const tick = () => {
        if (this.#closed) return;
        const topics = [...this.#topics.keys()];
        if (topics.length > 0) void this.refresh(topics).catch(() => {});
        this.#timer = this.#clock.setTimeout(tick, every);
      };
      this.#timer = this.#clock.setTimeout(tick, every);
    }
  }

  /** The cached topic, or undefined before its first successful refresh. */
  topic(name: string): TopicInfo | undefined {
    return this.#topics.get(name);
  }

  /** The leader of `topic`/`partition` from the cache, -1 when unknown. */
  leader(topic: string, partition: number): number {
    return this.#topics.get(topic)?.partitions[partition]?.leader ?? -1;
  }

  /** Fetches metadata for `topics` and updates the cache (auto-creating topics the broker allows to). */
  refresh(topics: readonly string[]): Promise<void> {
    const key = [...topics].sort().join("\u0000");
    const running = this.#inFlight.get(key);
    if (running !== undefined) return running;
    const p = this.#refreshWithRetries(topics).finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, p);
    return p;
  }

  async #refreshWithRetries(topics: readonly string[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#refresh(topics);
        return;
      } catch (e) {
        if (!isBrokerConnectionError(e) || attempt >= this.#retryMax || this.#closed) throw e;
      }
      await new Promise<void>((resolve) => this.#clock.setTimeout(resolve, this.#retryBackoff));
    }
  }

  async #refresh(topics: readonly string[]): Promise<void> {
    let connection: Awaited<ReturnType<BrokerPool["any"]>>;
    try {
      connection = await this.#pool.any();
    } catch (e) {
      throw new MetadataError("no broker answered a metadata request: check the bootstrap list", { cause: e });
    }
    const response = await connection.request(ApiKey.Metadata, {
      topics: topics.map((name) => ({ topicId: ZERO_UUID, name })),
      allowAutoTopicCreation: true,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
    if (response === undefined) throw new MetadataError("a metadata request got no response");
    this.#pool.setBrokers(response.brokers);
    for (const t of response.topics) {
      if (t.name === null) continue;
      if (t.errorCode !== 0) {
        this.#topics.delete(t.name);
        continue;
      }
      const partitions = t.partitions
        .map((p) => ({
          partition: p.partitionIndex,
          leader: p.errorCode === 0 ? p.leaderId : -1,
          errorCode: p.errorCode,
        }))
        .sort((a, b) => a.partition - b.partition);
      this.#topics.set(t.name, { name: t.name, partitions });
    }
    const missing = response.topics.find((t) => t.name !== null && topics.includes(t.name) && t.errorCode !== 0);
    if (missing !== undefined) {
      const info = errorByCode(missing.errorCode);
      throw new MetadataError(`metadata for topic "${missing.name}" failed: ${info.name}`, {
        cause: new KafkaError(missing.errorCode),
      });
    }
  }

  /** Stops the refresh timer. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
  }
}
