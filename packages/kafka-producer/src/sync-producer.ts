/**
 * The SyncProducer — sarama's `SyncProducer`: a thin façade over the async
 * one (STYLE item 5). `send` resolves with where the message went.
 *
 * Invariants:
 * - every pending `send` is settled exactly once: its expectation rides in
 *   the message's `metadata` (sarama's private `expectation` field), and
 *   the two drain loops settle it from `successes` or `errors`.
 */

import { AsyncProducer } from "./async-producer.js";
import type { ProducerOptions } from "./config.js";
import { ProducerClosedError, ProducerError } from "./errors.js";
import type { ProducerMessage } from "./message.js";

interface Expectation {
  readonly original: ProducerMessage;
  readonly resolve: (r: { partition: number; offset: bigint }) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * Sends one message at a time and waits for it — sarama's SyncProducer.
 *
 * **Blocking:** `send` waits until the broker acknowledged the message (or
 * it failed after its retries). Use `sendMany` to pipeline a batch.
 *
 * @example
 * ```ts run
 * import { startBroker } from "@csp-kit/kafka-broker";
 * import { SyncProducer } from "@csp-kit/kafka-producer";
 *
 * const broker = await startBroker({ port: 0, logLevel: "silent" });
 * broker.createTopic("orders", { partitions: 1 });
 * const producer = new SyncProducer({ bootstrap: [broker.bootstrap] });
 * const { partition, offset } = await producer.send({ topic: "orders", value: "{}" });
 * await producer.close();
 * await broker.close();
 * console.log(partition, offset); // → 0 0n
 * if (partition !== 0 || offset !== 0n) throw new Error(`got ${partition} ${offset}`);
 * ```
 */
export class SyncProducer {
  readonly #async: AsyncProducer<Expectation>;
  readonly #drained: Promise<void>;
  #closed = false;

  /** @throws {@link InvalidProducerConfigError} from `validateConfig`. */
  constructor(options: ProducerOptions) {
    const producer = new AsyncProducer<Expectation>({ ...options, returnSuccesses: true, returnErrors: true });
    this.#async = producer;
    this.#drained = Promise.all([
      (async () => {
        for await (const s of producer.successes) s.metadata?.resolve({ partition: s.partition, offset: s.offset });
      })(),
      (async () => {
        for await (const e of producer.errors) {
          const x = e.producerMessage.metadata;
          x?.reject(new ProducerError(x.original, e.partition, e.cause));
        }
      })(),
    ]).then(() => undefined);
  }

  /**
   * Sends `message` and resolves with its partition and offset.
   *
   * @throws {@link ProducerError} when the message failed (its `cause` says why);
   *   {@link ProducerClosedError} after `close()`.
   */
  send(message: ProducerMessage): Promise<{ partition: number; offset: bigint }> {
    if (this.#closed) return Promise.reject(new ProducerClosedError("SyncProducer.send"));
    return new Promise((resolve, reject) => {
      const expectation: Expectation = { original: message, resolve, reject };
      this.#async.input.send({ ...message, metadata: expectation }).catch(reject);
    });
  }

  /**
   * Sends every message first, then waits for all — sarama's `SendMessages`.
   * Resolves with each one's partition and offset, in order.
   *
   * @throws an `AggregateError` of the {@link ProducerError}s when any failed.
   */
  async sendMany(messages: readonly ProducerMessage[]): Promise<{ partition: number; offset: bigint }[]> {
    const results = await Promise.allSettled(messages.map((m) => this.send(m)));
    const failed = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    if (failed.length > 0) throw new AggregateError(failed, `${failed.length} of ${messages.length} messages failed`);
    return results.map((r) => (r as PromiseFulfilledResult<{ partition: number; offset: bigint }>).value);
  }

  /** Flushes, waits for every pending send, and closes the connections. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#async.asyncClose();
    await this.#drained;
  }
}
