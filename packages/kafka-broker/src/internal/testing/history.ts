/**
 * The request history of a fault injector (sarama's MockBroker history):
 * every request any broker of the cluster decoded while the injector was
 * attached, in the order the brokers saw them, with what tests ask about —
 * API, version, correlation id, client id, broker, topic-partitions, time —
 * and the faults that were applied to it. Tests query it and wait on it
 * (`waitFor`) instead of sleeping.
 *
 * Invariants:
 * - `#entries` is in `seq` order; `seq` counts from 0 and never repeats,
 *   even after `clear()` or when old entries are dropped at the limit;
 * - `#bytes` is the sum of the record bytes of the Produce requests in
 *   `#entries` (what a kept entry holds on to: its `request` references the
 *   frame); after `record`, `#entries.length <= #limit` and
 *   `#bytes <= #byteLimit` unless the newest entry alone is larger;
 * - a waiter is in `#waiters` until it resolves, times out or is aborted;
 *   every `record` checks each waiter once against the new entry only, so
 *   a wait costs O(1) per request.
 */

import type { DecodedRequest } from "@csp-kit/kafka-protocol";
import { FaultInjectorError, WaitForTimeoutError } from "./errors.js";

const QUERY_KEYS = new Set(["apiKey", "broker", "topic", "partition", "clientId", "since"]);

/** A topic and a partition index. */
export interface TopicPartition {
  /** The topic's name. */
  readonly topic: string;
  /** The partition index. */
  readonly partition: number;
}

/** What the injector did to a request (a request may get several). */
export type AppliedFault = "error" | "latency" | "stall" | "drop-before-handling" | "drop-after-handling";

/** One request as the history keeps it. */
export interface RecordedRequest {
  /** Its place in the history, from 0 (across every broker). */
  readonly seq: number;
  /** The API key (`ApiKey.Produce` is 0, …). */
  readonly apiKey: number;
  /** The API's name, e.g. `"Produce"`. */
  readonly apiName: string;
  /** The request's version. */
  readonly apiVersion: number;
  /** The correlation id the client chose. */
  readonly correlationId: number;
  /** The client id of the request header (null when the client sent none). */
  readonly clientId: string | null;
  /** The node id of the broker that received it. */
  readonly broker: number;
  /** The id of the connection on that broker (unique per broker only). */
  readonly connection: number;
  /** The topic-partitions it names: Produce, Fetch and ListOffsets; empty for the others. */
  readonly topicPartitions: readonly TopicPartition[];
  /** The topics it names (Metadata, CreateTopics, DeleteTopics too; empty for "every topic"). */
  readonly topics: readonly string[];
  /** When the broker decoded it, by the cluster's clock (ms). */
  readonly at: number;
  /** The faults applied to it; empty when it was served normally. */
  readonly faults: readonly AppliedFault[];
  /** The decoded request itself, for what the fields above do not say. */
  readonly request: DecodedRequest;
}

/**
 * What to look for: every given field must match (a topic or partition
 * matches when the request names it). Or a predicate of your own.
 */
export interface RequestQuery {
  /** One API key, or any of several. */
  readonly apiKey?: number | readonly number[] | undefined;
  /** The broker that received it. */
  readonly broker?: number | undefined;
  /** The request names this topic. */
  readonly topic?: string | undefined;
  /** The request names this partition (of `topic`, when given). */
  readonly partition?: number | undefined;
  /** The request header's client id. */
  readonly clientId?: string | undefined;
  /** Only entries with `seq >= since` (from {@link RequestHistory.mark}). */
  readonly since?: number | undefined;
}

/** A query object or a predicate. */
export type RequestMatcher = RequestQuery | ((request: RecordedRequest) => boolean);

/** Options of {@link RequestHistory.waitFor}. */
export interface WaitForOptions {
  /** Give up after this many milliseconds of real time. Default 5000. */
  readonly timeoutMs?: number | undefined;
  /** Wait until this many requests match (counting those already recorded). Default 1. */
  readonly count?: number | undefined;
  /** Stop waiting when aborted (the promise rejects with `signal.reason`). */
  readonly signal?: AbortSignal | undefined;
}

interface Waiter {
  readonly matches: (r: RecordedRequest) => boolean;
  readonly wanted: number;
  seen: number;
  resolve(r: RecordedRequest): void;
}

/** The topic-partitions and topics a request names; `topicName` resolves Fetch v13+'s topic ids. */
export function namedBy(
  request: DecodedRequest,
  topicName: (id: string) => string | undefined,
): { topicPartitions: TopicPartition[]; topics: string[] } {
  const topicPartitions: TopicPartition[] = [];
  const topics: string[] = [];
  switch (request.apiKey) {
    case 0: // Produce
      for (const t of request.body.topicData) {
        topics.push(t.name);
        for (const p of t.partitionData) topicPartitions.push({ topic: t.name, partition: p.index });
      }
      break;
    case 1: // Fetch
      for (const t of request.body.topics) {
        const name = request.header.apiVersion >= 13 ? (topicName(t.topicId) ?? t.topicId) : t.topic;
        topics.push(name);
        for (const p of t.partitions) topicPartitions.push({ topic: name, partition: p.partition });
      }
      break;
    case 2: // ListOffsets
      for (const t of request.body.topics) {
        topics.push(t.name);
        for (const p of t.partitions) topicPartitions.push({ topic: t.name, partition: p.partitionIndex });
      }
      break;
    case 3: // Metadata
      for (const t of request.body.topics ?? []) {
        const name = t.name ?? topicName(t.topicId);
        if (name !== undefined) topics.push(name);
      }
      break;
    case 19: // CreateTopics
      for (const t of request.body.topics) topics.push(t.name);
      break;
    case 20: // DeleteTopics
      if (request.header.apiVersion >= 6) {
        for (const t of request.body.topics) {
          const name = t.name ?? topicName(t.topicId);
          if (name !== undefined) topics.push(name);
        }
      } else topics.push(...request.body.topicNames);
      break;
  }
  return { topicPartitions, topics };
}

/** The record bytes a Produce request carries (0 for other APIs). */
function recordBytes(request: DecodedRequest): number {
  if (request.apiKey !== 0) return 0;
  let n = 0;
  for (const t of request.body.topicData) for (const p of t.partitionData) n += p.records?.byteLength ?? 0;
  return n;
}

/** Turns a matcher into a predicate. */
export function compileMatcher(matcher: RequestMatcher): (r: RecordedRequest) => boolean {
  if (typeof matcher === "function") return matcher;
  if (typeof matcher !== "object" || matcher === null)
    throw new FaultInjectorError("a request matcher must be a query object or a predicate function");
  for (const k of Object.keys(matcher))
    if (!QUERY_KEYS.has(k))
      throw new FaultInjectorError(
        `unknown request query field ${JSON.stringify(k)}: use ${[...QUERY_KEYS].join(", ")}${k === "count" || k === "timeoutMs" ? ` (${k} goes in waitFor's options, the second argument)` : ""}`,
      );
  const { apiKey, broker, topic, partition, clientId, since } = matcher;
  const keys = apiKey === undefined ? undefined : typeof apiKey === "number" ? [apiKey] : apiKey;
  return (r) => {
    if (since !== undefined && r.seq < since) return false;
    if (keys !== undefined && !keys.includes(r.apiKey)) return false;
    if (broker !== undefined && r.broker !== broker) return false;
    if (clientId !== undefined && r.clientId !== clientId) return false;
    if (partition !== undefined)
      return r.topicPartitions.some((tp) => tp.partition === partition && (topic === undefined || tp.topic === topic));
    if (topic !== undefined) return r.topics.includes(topic);
    return true;
  };
}

function describe(r: RecordedRequest): string {
  const where =
    r.topicPartitions.length > 0 ? ` ${r.topicPartitions.map((tp) => `${tp.topic}-${tp.partition}`).join(",")}` : "";
  return `#${r.seq} ${r.apiName} v${r.apiVersion} to broker ${r.broker}${where}`;
}

/**
 * The requests recorded while a fault injector is attached. Read it with
 * `all()`, `filter()`, `count()`, `last()`; wait with `waitFor()`.
 */
export class RequestHistory {
  readonly #entries: RecordedRequest[] = [];
  readonly #waiters = new Set<Waiter>();
  readonly #limit: number;
  readonly #byteLimit: number;
  /** Record bytes held by the kept Produce entries (see the invariants). */
  #bytes = 0;
  readonly #weights = new WeakMap<RecordedRequest, number>();
  #nextSeq = 0;

  /** @internal Keeps at most `limit` entries and `byteLimit` bytes of Produce records (the oldest go first). */
  constructor(limit: number, byteLimit: number) {
    this.#limit = limit;
    this.#byteLimit = byteLimit;
  }

  /** Every entry kept, oldest first. */
  all(): readonly RecordedRequest[] {
    return this.#entries.slice();
  }

  /** The entries that match, oldest first. */
  filter(matcher: RequestMatcher): RecordedRequest[] {
    return this.#entries.filter(compileMatcher(matcher));
  }

  /** How many entries match (every entry when no matcher is given). */
  count(matcher?: RequestMatcher): number {
    return matcher === undefined ? this.#entries.length : this.filter(matcher).length;
  }

  /** The latest entry that matches, if any. */
  last(matcher?: RequestMatcher): RecordedRequest | undefined {
    const matches = matcher === undefined ? () => true : compileMatcher(matcher);
    for (let i = this.#entries.length - 1; i >= 0; i--) if (matches(this.#entries[i]!)) return this.#entries[i];
    return undefined;
  }

  /**
   * The `seq` the next request will get: pass it as `since` to look only at
   * what comes after this point.
   */
  mark(): number {
    return this.#nextSeq;
  }

  /** Forgets every entry (seq numbers go on). Waiters keep waiting for new entries. */
  clear(): void {
    this.#entries.length = 0;
    this.#bytes = 0;
  }

  /**
   * Resolves with the `count`-th request that matches (default the first),
   * counting those already recorded; rejects with a WaitForTimeoutError
   * after `timeoutMs` (default 5000, real time), with `signal.reason`, or
   * with a FaultInjectorError for a bad matcher or option.
   *
   * Cancellation: the waiter is removed at once on timeout or abort.
   * @example
   * ```ts run
   * import { startCluster } from "@csp-kit/kafka-broker";
   * import { injectFaults } from "@csp-kit/kafka-broker/testing";
   * import { SyncProducer } from "@csp-kit/kafka-producer";
   * import { ApiKey } from "@csp-kit/kafka-protocol";
   *
   * const cluster = await startCluster({ brokers: 1, logLevel: "silent" });
   * const faults = injectFaults(cluster);
   * const producer = new SyncProducer({ bootstrap: [...cluster.bootstrapServers] });
   * const since = faults.history.mark();
   * await producer.send({ topic: "orders", value: "{}" });
   * const produce = await faults.history.waitFor({ apiKey: ApiKey.Produce, since });
   * console.log(produce.apiName, produce.topics); // → Produce ["orders"]
   * await producer.close();
   * faults.detach();
   * await cluster.close();
   * if (produce.topics.join() !== "orders") throw new Error(`topics ${produce.topics.join()}`);
   * ```
   */
  waitFor(matcher: RequestMatcher, options: WaitForOptions = {}): Promise<RecordedRequest> {
    let matches: (r: RecordedRequest) => boolean;
    try {
      matches = compileMatcher(matcher);
    } catch (error) {
      return Promise.reject(error);
    }
    const wanted = options.count ?? 1;
    const timeoutMs = options.timeoutMs ?? 5000;
    if (!Number.isSafeInteger(wanted) || wanted < 1)
      return Promise.reject(
        new FaultInjectorError(`waitFor: count must be a positive integer (got ${String(wanted)})`),
      );
    if (!(timeoutMs >= 0))
      return Promise.reject(new FaultInjectorError(`waitFor: timeoutMs must be >= 0 (got ${timeoutMs})`));
    let seen = 0;
    for (const r of this.#entries) if (matches(r) && ++seen === wanted) return Promise.resolve(r);
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.#waiters.delete(waiter);
      };
      const waiter: Waiter = {
        matches,
        wanted,
        seen,
        resolve: (r) => {
          finish();
          resolve(r);
        },
      };
      const onAbort = (): void => {
        finish();
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        finish();
        const recent = this.#entries.slice(-5).map(describe).join("; ");
        reject(
          new WaitForTimeoutError(
            `waitFor: ${waiter.seen} of ${wanted} matching requests within ${timeoutMs} ms; the last recorded: ${recent || "none"}`,
            waiter.seen,
            wanted,
          ),
        );
      }, timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.add(waiter);
    });
  }

  /** @internal Appends an entry (the injector calls it once per request, its faults decided), then serves the waiters. */
  record(entry: Omit<RecordedRequest, "seq">): RecordedRequest {
    const recorded: RecordedRequest = { seq: this.#nextSeq++, ...entry };
    const weight = recordBytes(entry.request);
    this.#entries.push(recorded);
    if (weight > 0) this.#weights.set(recorded, weight);
    this.#bytes += weight;
    while (this.#entries.length > this.#limit || (this.#bytes > this.#byteLimit && this.#entries.length > 1)) {
      const dropped = this.#entries.shift()!;
      this.#bytes -= this.#weights.get(dropped) ?? 0;
    }
    for (const w of [...this.#waiters]) if (w.matches(recorded) && ++w.seen === w.wanted) w.resolve(recorded);
    return recorded;
  }
}
