/**
 * The AsyncProducer — sarama's `AsyncProducer`: messages go in on `input`;
 * written messages come back on `successes` and failed ones on `errors`
 * (each opt-in, as sarama's Return.Successes / Return.Errors).
 *
 * The pipeline, one file per stage under internal/pipeline/:
 * dispatcher → topic producer (per topic) → partition producer (per
 * partition) → broker producer (per broker, shared, reference-counted),
 * with the retry handler closing the cycle (see internal/producer-core.ts).
 *
 * Invariants:
 * - every message sent on `input` comes back exactly once: on `successes`
 *   (when enabled), on `errors` (when enabled), or in the array `close()`
 *   resolves with (when `returnErrors` is off);
 * - shutdown runs once: refuse new messages, wait for the in-flight
 *   WaitGroup to reach zero, then close the pipeline from the input down,
 *   then the connections, then `successes` and `errors`.
 */

import { Channel, type Receiver, type Sender } from "@csp-kit/channel";
import { BrokerPool, MetadataCache } from "@csp-kit/kafka-client";
import { WaitGroup } from "@csp-kit/mutex";
import { type ProducerConfig, type ProducerOptions, validateConfig } from "./config.js";
import type { ProducerError } from "./errors.js";
import { type PartitionEnvelope, type ShutdownEnvelope, shutdownEnvelope } from "./internal/envelope.js";
import { BrokerProducer } from "./internal/pipeline/broker-producer.js";
import { dispatcher } from "./internal/pipeline/dispatcher.js";
import { retryHandler } from "./internal/pipeline/retry-handler.js";
import { ProducerCore } from "./internal/producer-core.js";
import type { ProducedMessage, ProducerMessage } from "./message.js";

/**
 * A Kafka producer built from channels — sarama's AsyncProducer.
 *
 * **Your obligations (sarama's rule):** whoever enables `returnSuccesses`
 * must drain `successes`, and with `returnErrors` (on by default) must drain
 * `errors` — or use `close()`, which drains both for you (so a program with
 * its own `successes` loop shuts down with `asyncClose()`). An undrained
 * channel stalls the whole producer once its buffer is full: that is the
 * backpressure. Always `await producer.close()` at the end.
 *
 * **Blocking:** `input.send` waits while the pipeline is full (the
 * dispatcher's input buffer is `channelBufferSize`).
 *
 * **Ordering:** messages to one partition are written in the order they
 * were sent, retries included (the retry levels and the fin chaser).
 *
 * **On close:** `close()` flushes every batch, waits for every message to
 * come back, and resolves with every failure not already read from
 * `errors`. Sending after `close()` began fails the message with a
 * `ShuttingDownError` (on `errors`); after it finished, `input.send` rejects
 * with `ChannelClosedError`.
 *
 * @example
 * ```ts run
 * import { startBroker } from "@csp-kit/kafka-broker";
 * import { AsyncProducer } from "@csp-kit/kafka-producer";
 *
 * const broker = await startBroker({ port: 0, logLevel: "silent" });
 * const producer = new AsyncProducer({ bootstrap: [broker.bootstrap], flush: { frequency: 5 } });
 * await producer.input.send({ topic: "orders", key: "c-7", value: "{}" });
 * const failures = await producer.close(); // [] when everything was written
 * const written = broker.stats().topics.find((t) => t.name === "orders")?.partitions.reduce((n, p) => n + p.highWatermark, 0);
 * await broker.close();
 * console.log(failures, written); // → [] 1
 * if (failures.length !== 0 || written !== 1) throw new Error(`${failures.length} failures, ${written} written`);
 * ```
 */
export class AsyncProducer<M = unknown> {
  /** Where messages go in. Close the producer with `close()`, not `input.close()`. */
  readonly input: Sender<ProducerMessage<M>>;
  /** Written messages, when `returnSuccesses` is on (then you must drain it); closed at shutdown. */
  readonly successes: Receiver<ProducedMessage<M>>;
  /** Failed messages, when `returnErrors` is on (the default: then you must drain it); closed at shutdown. */
  readonly errors: Receiver<ProducerError<M>>;
  /** The validated configuration. */
  readonly config: ProducerConfig;
  readonly #core: ProducerCore;
  readonly #input: Channel<ProducerMessage | ShutdownEnvelope>;
  #shutdown: Promise<void> | undefined;

  /**
   * Starts the pipeline (no connection is made until the first message).
   *
   * @throws {@link InvalidProducerConfigError} from `validateConfig`.
   */
  constructor(options: ProducerOptions) {
    const config = validateConfig(options);
    this.config = config;
    const pool = new BrokerPool({
      bootstrap: config.bootstrap,
      clientId: config.clientId,
      dialTimeout: config.net.dialTimeout,
      readTimeout: config.net.readTimeout + config.timeout,
      tls: config.net.tls,
      clock: config.clock,
      retryMax: config.metadata.retryMax,
      retryBackoff: config.metadata.retryBackoff,
    });
    const metadata = new MetadataCache(pool, {
      clock: config.clock,
      refreshFrequency: config.metadata.refreshFrequency,
      retryMax: config.metadata.retryMax,
      retryBackoff: config.metadata.retryBackoff,
    });
    const successes = new Channel<ProducedMessage>(config.channelBufferSize);
    const errors = new Channel<ProducerError>(config.channelBufferSize);
    const retries = new Channel<PartitionEnvelope>();
    this.#core = new ProducerCore({
      config,
      inFlight: new WaitGroup(),
      pool,
      metadata,
      retries,
      successes,
      errors,
      makeBrokerProducer: (core, nodeId) =>
        new BrokerProducer(core, nodeId, async () => {
          const c = await core.pool.get(nodeId);
          return (request) => c.request(0, request, { expectResponse: config.requiredAcks !== 0 });
        }),
    });
    this.#input = new Channel(config.channelBufferSize);
    this.input = this.#input as Sender<ProducerMessage<M>>;
    this.successes = successes as Receiver<ProducedMessage<M>>;
    this.errors = errors as Receiver<ProducerError<M>>;
    const retried = new Channel<PartitionEnvelope>();
    const core = this.#core;
    this.#pipeline = Promise.all([
      dispatcher(core, this.#input, retried),
      retryHandler({
        retries,
        input: retried,
        maxBufferLength: config.retry.maxBufferLength,
        maxBufferBytes: config.retry.maxBufferBytes,
        overflow: (m, e) => void core.failMessage(m, e),
      }).then(() => retried.close()),
    ]).then(() => undefined);
  }

  readonly #pipeline: Promise<void>;

  /**
   * Begins shutdown without waiting — sarama's `AsyncClose`: new messages
   * are refused, everything in flight is flushed, then `successes` and
   * `errors` close. Drain them (or call `close()`). Idempotent.
   */
  asyncClose(): void {
    this.#shutdown ??= this.#runShutdown();
  }

  /**
   * Shuts down and waits: flushes, waits for every message to come back,
   * and resolves with every failure not already read from `errors`
   * (sarama's `Close`, which returns `ProducerErrors`). Drains `successes`
   * itself. Idempotent.
   *
   * @example
   * ```ts run
   * import { startBroker } from "@csp-kit/kafka-broker";
   * import { AsyncProducer } from "@csp-kit/kafka-producer";
   *
   * const broker = await startBroker({ port: 0, logLevel: "silent" });
   * const producer = new AsyncProducer({ bootstrap: [broker.bootstrap], maxMessageBytes: 100 });
   * await producer.input.send({ topic: "orders", value: "x".repeat(1000) }); // larger than maxMessageBytes
   * const failures = await producer.close();
   * for (const f of failures) console.error(f.producerMessage.topic, f.cause); // → orders MessageTooLargeError …
   * await broker.close();
   * if (failures.length !== 1 || failures[0]?.producerMessage.topic !== "orders") throw new Error(`${failures.length} failures`);
   * ```
   */
  async close(): Promise<ProducerError<M>[]> {
    const failures: ProducerError<M>[] = [];
    const drains: Promise<void>[] = [];
    if (this.config.returnSuccesses) drains.push((async () => void (await drain(this.successes)))());
    if (this.config.returnErrors) {
      drains.push(
        (async () => {
          for await (const e of this.errors) failures.push(e);
        })(),
      );
    }
    this.asyncClose();
    await this.#shutdown;
    await Promise.all(drains);
    return [...failures, ...(this.#core.collected as ProducerError<M>[])];
  }

  async #runShutdown(): Promise<void> {
    const core = this.#core;
    if (!this.#input.closed) {
      core.inFlight.add(1);
      await this.#input.send(shutdownEnvelope());
    }
    await core.inFlight.wait();
    if (!this.#input.closed) this.#input.close();
    core.retries.close();
    await this.#pipeline;
    core.metadata.close();
    await core.pool.close();
    core.successes.close();
    core.errors.close();
  }
}

async function drain(r: Receiver<unknown>): Promise<void> {
  for await (const _ of r);
}
