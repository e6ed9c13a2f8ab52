/**
 * What every pipeline stage shares: the configuration, the in-flight
 * WaitGroup, the ways a message leaves the pipeline (success, error, retry),
 * the reference-counted broker producers, and the idempotent producer state.
 *
 * ```
 * user ─input─► dispatcher (1) ─► topic producer (1/topic) ─► partition producer (1/partition)
 *                  ▲                                               │ syn · messages · fin
 *                  │ retried                                       ▼
 *            retry handler (1) ◄──────── retries ◄──────── broker producer (1/broker, ref-counted)
 * successes / errors ◄── returnSuccess / returnError
 * ```
 *
 * Invariants:
 * - every envelope counted in `inFlight` leaves through exactly one of
 *   `returnSuccess`, `returnError`, or a stage's `inFlight.done()` for a
 *   control envelope (see envelope.ts);
 * - `#brokerProducers` maps a broker id to the one live broker producer for
 *   it and its reference count (the partition producers attached); it is
 *   only read and written under `#lock`, because getting a broker producer
 *   awaits (idiom 3: a reference-counted map under a lock); a producer whose
 *   count reaches zero has its input closed and leaves the map;
 * - an abandoned broker producer (its connection failed) leaves the map at
 *   once but lives until its last reference goes.
 */

import type { Channel } from "@csp-kit/channel";
import type { BrokerPool, MetadataCache } from "@csp-kit/kafka-client";
import { ApiKey, KafkaError } from "@csp-kit/kafka-protocol";
import { Mutex, type WaitGroup } from "@csp-kit/mutex";
import type { ProducerConfig } from "../config.js";
import { ProducerError } from "../errors.js";
import type { ProducedMessage, ProducerMessage } from "../message.js";
import { type MessageEnvelope, type PartitionEnvelope, tpKey } from "./envelope.js";
import type { BrokerProducer } from "./pipeline/broker-producer.js";

/** Makes a broker producer for a broker id (injected so tests can fake the broker side). */
export type BrokerProducerFactory = (core: ProducerCore, nodeId: number) => BrokerProducer;

/** The shared state of one producer. See the module header. */
export class ProducerCore {
  readonly config: ProducerConfig;
  readonly inFlight: WaitGroup;
  readonly pool: BrokerPool;
  readonly metadata: MetadataCache;
  /** Retried envelopes, to the retry handler (which is always ready to take one). */
  readonly retries: Channel<PartitionEnvelope>;
  readonly successes: Channel<ProducedMessage>;
  readonly errors: Channel<ProducerError>;
  /** Failures when `returnErrors` is off, for `close()`. */
  readonly collected: ProducerError[] = [];
  readonly #lock = new Mutex();
  readonly #brokerProducers = new Map<number, { bp: BrokerProducer; refs: number }>();
  readonly #refs = new Map<BrokerProducer, number>();
  readonly #makeBrokerProducer: BrokerProducerFactory;
  /** The idempotent producer id and epoch; -1n / -1 until `initProducerId`. */
  producerId = -1n;
  producerEpoch = -1;
  #initializing: Promise<void> | undefined;
  readonly #sequences = new Map<string, number>();

  constructor(init: {
    config: ProducerConfig;
    inFlight: WaitGroup;
    pool: BrokerPool;
    metadata: MetadataCache;
    retries: Channel<PartitionEnvelope>;
    successes: Channel<ProducedMessage>;
    errors: Channel<ProducerError>;
    makeBrokerProducer: BrokerProducerFactory;
  }) {
    this.config = init.config;
    this.inFlight = init.inFlight;
    this.pool = init.pool;
    this.metadata = init.metadata;
    this.retries = init.retries;
    this.successes = init.successes;
    this.errors = init.errors;
    this.#makeBrokerProducer = init.makeBrokerProducer;
  }

  /** Hands a written message back (on `successes` when enabled; may wait for the reader) and counts it done. */
  async returnSuccess(m: MessageEnvelope, offset: bigint, timestamp: number): Promise<void> {
    if (this.config.returnSuccesses) {
      const produced: ProducedMessage = { ...m.message, partition: m.partition, offset, timestamp };
      await this.successes.send(produced);
    }
    this.inFlight.done();
  }

  /** Hands a failed message back (on `errors` when enabled; may wait for the reader) and counts it done. */
  async returnError(message: ProducerMessage, partition: number, cause: unknown): Promise<void> {
    const e = new ProducerError(message, partition, cause);
    if (this.config.returnErrors) await this.errors.send(e);
    else this.collected.push(e);
    this.inFlight.done();
  }

  /**
   * Sends `e` back through the retry handler one level up — sarama's
   * `retryMessage`; a message past `retry.max` fails with `reason` instead.
   * Never waits long: the retry handler is always ready to take.
   */
  async retryMessage(e: PartitionEnvelope, reason: unknown): Promise<void> {
    if (e.kind === "syn") return;
    if (e.kind === "message") {
      e.lastError = reason;
      if (e.retries >= this.config.retry.max) {
        await this.returnError(e.message, e.partition, reason);
        return;
      }
    }
    e.retries++;
    await this.retries.send(e);
  }

  /** The broker producer for `nodeId`, with one more reference (idiom 3). */
  async getBrokerProducer(nodeId: number): Promise<BrokerProducer> {
    await this.#lock.lock();
    try {
      let entry = this.#brokerProducers.get(nodeId);
      if (entry === undefined) {
        entry = { bp: this.#makeBrokerProducer(this, nodeId), refs: 0 };
        this.#brokerProducers.set(nodeId, entry);
      }
      entry.refs++;
      this.#refs.set(entry.bp, (this.#refs.get(entry.bp) ?? 0) + 1);
      return entry.bp;
    } finally {
      this.#lock.unlock();
    }
  }

  /** Drops one reference to `bp`; the last one closes its input. */
  async unrefBrokerProducer(bp: BrokerProducer): Promise<void> {
    await this.#lock.lock();
    try {
      const refs = (this.#refs.get(bp) ?? 1) - 1;
      const entry = this.#brokerProducers.get(bp.nodeId);
      if (entry?.bp === bp) entry.refs = refs;
      if (refs > 0) {
        this.#refs.set(bp, refs);
        return;
      }
      this.#refs.delete(bp);
      if (entry?.bp === bp) this.#brokerProducers.delete(bp.nodeId);
      bp.input.close();
    } finally {
      this.#lock.unlock();
    }
  }

  /** Takes a failed broker producer out of the map so new attachments get a fresh one. */
  abandon(bp: BrokerProducer): void {
    if (this.#brokerProducers.get(bp.nodeId)?.bp === bp) this.#brokerProducers.delete(bp.nodeId);
  }

  /** Gets the idempotent producer id once (InitProducerId); later calls share the first. */
  initProducerId(): Promise<void> {
    this.#initializing ??= (async () => {
      const c = await this.pool.any();
      const r = await c.request(ApiKey.InitProducerId, {
        transactionalId: null,
        transactionTimeoutMs: 60_000,
        producerId: -1n,
        producerEpoch: -1,
      });
      if (r === undefined) throw new Error("InitProducerId got no response");
      if (r.errorCode !== 0) throw new KafkaError(r.errorCode, { apiKey: ApiKey.InitProducerId });
      this.producerId = r.producerId;
      this.producerEpoch = r.producerEpoch;
    })();
    const p = this.#initializing;
    p.catch(() => {
      if (this.#initializing === p) this.#initializing = undefined;
    });
    return p;
  }

  /** The next sequence number of `topic`/`partition` (idempotent producers), then advances it. */
  nextSequence(topic: string, partition: number): number {
    const key = tpKey(topic, partition);
    const seq = this.#sequences.get(key) ?? 0;
    this.#sequences.set(key, (seq + 1) & 0x7fffffff); // Kafka wraps sequences at 2^31 - 1
    return seq;
  }
}
