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
 *   once but lives until its last reference goes;
 * - idempotence: a batch is numbered whole (all its messages new) or not
 *   at all (a retry, numbered already); each numbered message records its
 *   batch's last sequence (`batchLast`), so a retry is rebuilt exactly;
 * - `#sequences[tp]` is the sequence the next batch of `tp`
 *   sent in `producerEpoch` starts at. A sequence is taken only when a batch
 *   is sent (`stampSequences`, from the flusher), never earlier, so a
 *   message that goes back to retry unsent holds none and no gap opens.
 *   `#bumping` is set while an epoch bump's InitProducerId is outstanding;
 *   a bump moves `producerEpoch` up by one (or takes a new producer id) and
 *   empties `#sequences`: in a new epoch every partition starts at 0.
 *
 * The epoch bump (the Java client's and sarama's `bumpIdempotentProducerEpoch`):
 * a batch that failed for good after it was given a sequence leaves a hole
 * the broker will wait for forever (every later batch of that partition
 * gets OUT_OF_ORDER_SEQUENCE_NUMBER). A broker that forgot the producer
 * answers UNKNOWN_PRODUCER_ID. Either way the cure is a new epoch: the
 * broker accepts sequence 0 from a higher epoch. `failMessage` starts the
 * bump for a failed sequenced message of the current epoch; the broker
 * producer awaits it when a response says the sequence can never arrive,
 * and sends that batch's messages back to be numbered again.
 */

import { Channel } from "@csp-kit/channel";
import {
  type BrokerConnection,
  type BrokerPool,
  isBrokerConnectionError,
  type MetadataCache,
} from "@csp-kit/kafka-client";
import { ApiKey, errorByCode, KafkaError } from "@csp-kit/kafka-protocol";
import { Mutex, type WaitGroup } from "@csp-kit/mutex";
import { sleep } from "@csp-kit/timers";
import type { ProducerConfig } from "../config.js";
import { ProducerError } from "../errors.js";
import type { ProducedMessage, ProducerMessage } from "../message.js";
import { type MessageEnvelope, type PartitionEnvelope, tpKey } from "./envelope.js";
import { handOff } from "./hand-off.js";
import type { BrokerProducer } from "./pipeline/broker-producer.js";
import type { PartitionSet } from "./produce-set.js";

/** How often InitProducerId is retried on a retriable answer (sarama's `Transaction.Retry.Max`, 50). */
const INIT_PRODUCER_ID_RETRIES = 50;

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
  /**
   * Closed once shutdown begins (the dispatcher saw the shutdown envelope):
   * every broker producer then sends what it holds at once instead of
   * waiting for a flush trigger, so close() never waits on a batch that no
   * trigger would ever send (a retried remainder below `flush.messages`).
   */
  readonly shuttingDown: Channel<never> = new Channel<never>();
  /** Failures when `returnErrors` is off, for `close()`. */
  readonly collected: ProducerError[] = [];
  readonly #lock = new Mutex();
  readonly #brokerProducers = new Map<number, { bp: BrokerProducer; refs: number }>();
  readonly #refs = new Map<BrokerProducer, number>();
  readonly #makeBrokerProducer: BrokerProducerFactory;
  /** The idempotent producer id and epoch; -1n / -1 until `initProducerId`; written by it and `bumpEpoch` only. */
  producerId = -1n;
  producerEpoch = -1;
  /** How many epoch bumps succeeded (for tests and diagnostics). */
  epochBumps = 0;
  #initializing: Promise<void> | undefined;
  /** The bump in progress, or undefined. */
  #bumping: Promise<void> | undefined;
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

  /**
   * Hands a written message back (on `successes` when enabled) and counts it
   * done: at once, returning undefined, when `successes` takes it now; else
   * the promise of the wait for the reader (await it).
   */
  returnSuccess(m: MessageEnvelope, offset: bigint, timestamp: number): Promise<void> | undefined {
    if (this.config.returnSuccesses) {
      const produced: ProducedMessage = { ...m.message, partition: m.partition, offset, timestamp };
      const p = handOff(this.successes, produced);
      if (p !== undefined) return p.then(() => this.inFlight.done());
    }
    this.inFlight.done();
    return undefined;
  }

  /** Hands a failed message back (on `errors` when enabled; may wait for the reader) and counts it done. */
  async returnError(message: ProducerMessage, partition: number, cause: unknown): Promise<void> {
    const e = new ProducerError(message, partition, cause);
    if (this.config.returnErrors) await this.errors.send(e);
    else this.collected.push(e);
    this.inFlight.done();
  }

  /**
   * Fails the message of envelope `m` for good (`returnError`); when it held
   * a sequence of the current epoch, that sequence will never reach the
   * broker, so the epoch is bumped (started here, not awaited).
   */
  async failMessage(m: MessageEnvelope, cause: unknown): Promise<void> {
    if (this.config.idempotent && m.sequence >= 0) this.bumpEpoch(m.producerId, m.epoch).catch(() => {});
    await this.returnError(m.message, m.partition, cause);
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
        await this.failMessage(e, reason);
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

  /** Marks the start of shutdown (closes `shuttingDown`); idempotent. */
  beginShutdown(): void {
    if (!this.shuttingDown.closed) this.shuttingDown.close();
  }

  /** Takes a failed broker producer out of the map so new attachments get a fresh one. */
  abandon(bp: BrokerProducer): void {
    if (this.#brokerProducers.get(bp.nodeId)?.bp === bp) this.#brokerProducers.delete(bp.nodeId);
  }

  /** Gets the idempotent producer id once (InitProducerId); later calls share the first. */
  initProducerId(): Promise<void> {
    this.#initializing ??= (async () => {
      const r = await this.#askProducerId(() => ({ producerId: -1n, producerEpoch: -1 }));
      this.producerId = r.producerId;
      this.producerEpoch = r.producerEpoch;
    })();
    const p = this.#initializing;
    p.catch(() => {
      if (this.#initializing === p) this.#initializing = undefined;
    });
    return p;
  }

  /**
   * One InitProducerId exchange, retried as sarama's transaction manager
   * retries it: a retriable answer (a fresh Kafka says
   * COORDINATOR_LOAD_IN_PROGRESS for a while) or a broken connection is
   * tried again, up to {@link INIT_PRODUCER_ID_RETRIES} times, `retry.backoff`
   * ms apart (at least 10), on whichever broker answers.
   *
   * @throws the last error when the retries run out, or at once for a non-retriable answer.
   */
  async #askProducerId(
    ids: (c: BrokerConnection) => { producerId: bigint; producerEpoch: number },
  ): Promise<{ producerId: bigint; producerEpoch: number }> {
    const backoff = Math.max(10, this.config.retry.backoff);
    for (let attempt = 0; ; attempt++) {
      let failure: unknown;
      try {
        const c = await this.pool.any();
        const r = await c.request(ApiKey.InitProducerId, {
          transactionalId: null,
          transactionTimeoutMs: 60_000,
          ...ids(c),
        });
        if (r === undefined) throw new Error("InitProducerId got no response");
        if (r.errorCode === 0) return r;
        failure = new KafkaError(r.errorCode, { apiKey: ApiKey.InitProducerId });
        if (!errorByCode(r.errorCode).retriable) throw failure;
      } catch (e) {
        if (e === failure || !isBrokerConnectionError(e)) throw e;
        failure = e;
      }
      if (attempt >= INIT_PRODUCER_ID_RETRIES) throw failure;
      await sleep(backoff, { clock: this.config.clock });
    }
  }

  /** The bump in progress, if any (the flusher waits for it before numbering a batch). */
  get bumping(): Promise<void> | undefined {
    return this.#bumping;
  }

  /**
   * Bumps the epoch once for a failure seen under `producerId`/`epoch`:
   * InitProducerId with the current producer id and epoch (v3+, KIP-360),
   * which a broker that can bump answers with the same id and the epoch
   * plus one. Kafka answers a null transactional id with a new producer id
   * at epoch 0 instead, as does any broker below v3 (and the request asks
   * for a new id outright when the epoch is at its int16 limit): either
   * way the broker expects sequence 0 next. Every partition's sequence
   * restarts at 0. A failure from an older id or epoch (the bump already
   * happened) does nothing; concurrent callers share one request.
   */
  bumpEpoch(producerId: bigint, epoch: number): Promise<void> {
    if (this.#bumping !== undefined) return this.#bumping;
    if (producerId !== this.producerId || epoch !== this.producerEpoch || producerId < 0n) return Promise.resolve();
    const p = (async () => {
      const r = await this.#askProducerId((c) => {
        const keep = this.producerEpoch < 0x7fff && c.version(ApiKey.InitProducerId) >= 3;
        return { producerId: keep ? this.producerId : -1n, producerEpoch: keep ? this.producerEpoch : -1 };
      });
      this.producerId = r.producerId;
      this.producerEpoch = r.producerEpoch;
      this.#sequences.clear();
      this.epochBumps++;
    })().finally(() => {
      if (this.#bumping === p) this.#bumping = undefined;
    });
    this.#bumping = p;
    return p;
  }

  /**
   * Numbers the unnumbered messages of one partition's batch as it is sent
   * (idempotent producers). Precondition: called by the flusher, once per
   * batch, in the order batches leave, with no await between this and the
   * encoding's read of the sequences; retried messages keep theirs (they
   * form a prefix of the batch: ProduceSet keeps numbered and unnumbered
   * messages apart).
   */
  stampSequences(set: PartitionSet): void {
    const key = tpKey(set.topic, set.partition);
    let seq = this.#sequences.get(key) ?? 0;
    let stamped = 0;
    for (const m of set.messages) {
      if (m.sequence >= 0) continue;
      m.sequence = seq;
      m.epoch = this.producerEpoch;
      m.producerId = this.producerId;
      seq = (seq + 1) & 0x7fffffff; // Kafka wraps sequences at 2^31 - 1
      stamped++;
    }
    if (stamped === 0) return;
    const last = (seq - 1) & 0x7fffffff;
    for (const m of set.messages) m.batchLast = last;
    this.#sequences.set(key, seq);
  }
}
