/**
 * The partition consumer — sarama's `PartitionConsumer`: what
 * `consumer.consumePartition()` returns. Its messages arrive on `messages`,
 * its errors (when `returnErrors` is on) on `errors`.
 *
 * Its two tasks (the dispatcher and the response feeder, see
 * `src/internal/`) start with it; `asyncClose()` stops them, and once both
 * have ended `messages` and `errors` close.
 */

import type { Receiver } from "@csp-kit/channel";
import type { ConsumerError } from "./errors.js";
import type { Child } from "./internal/child.js";
import { dispatcher } from "./internal/dispatcher.js";
import { responseFeeder } from "./internal/response-feeder.js";
import type { ConsumerMessage } from "./message.js";

/**
 * Consumes one partition — sarama's `PartitionConsumer`. Made by
 * `Consumer.consumePartition`.
 *
 * Your obligations (sarama's): read `messages` (a partition you stop
 * reading holds nothing up but itself: after `maxProcessingTime` its broker
 * goes on without it); drain `errors` when `returnErrors` is on, or the
 * partition stalls once its buffer is full; end with `close()`, or
 * `asyncClose()` and drain both channels until they close.
 *
 * Ordering: messages arrive in offset order, each once, across leader
 * changes and re-subscriptions.
 */
export class PartitionConsumer {
  /** The topic consumed. */
  readonly topic: string;
  /** The partition consumed. */
  readonly partition: number;
  /** The messages, in offset order; closed after `close()` / `asyncClose()`. */
  readonly messages: Receiver<ConsumerMessage>;
  /** Errors, when `returnErrors` is on (then drain it); closed after `close()` / `asyncClose()`. */
  readonly errors: Receiver<ConsumerError>;
  /** Resolves when both tasks have ended and the channels are closed. */
  readonly done: Promise<void>;
  readonly #child: Child;

  /** @internal Made by `Consumer.consumePartition` once the first dispatch succeeded. */
  constructor(child: Child, onFinished: () => void) {
    this.#child = child;
    this.topic = child.topic;
    this.partition = child.partition;
    this.messages = child.messages;
    this.errors = child.errors;
    // A task that fails unexpectedly (a bug, not a Kafka error: those are values) ends the partition
    // consumer loudly, on `errors`, instead of leaving `messages` open forever.
    const guard = (task: Promise<void>) =>
      task.catch((error: unknown) => {
        void child.sendError(error);
        child.die();
      });
    this.done = Promise.all([guard(dispatcher(child)), guard(responseFeeder(child))]).then(() => {
      child.finished = true;
      child.messages.close();
      child.errors.close();
      onFinished();
    });
  }

  /**
   * The high watermark the last fetch reported (the offset the next
   * produced message will get); -1n before the first fetch answered —
   * sarama's `HighWaterMarkOffset`.
   */
  get highWaterMarkOffset(): bigint {
    return this.#child.highWaterMark;
  }

  /**
   * Begins shutdown without waiting — sarama's `AsyncClose`: no new
   * messages are delivered; `messages` and `errors` close once the
   * partition's tasks have ended. Drain both (or call `close()`).
   * Idempotent.
   */
  asyncClose(): void {
    this.#child.die();
  }

  /**
   * Shuts down and waits — sarama's `Close`: discards messages not yet
   * read, and resolves with the errors not yet read from `errors`.
   * Idempotent.
   *
   * @example
   * ```ts run
   * import { startBroker } from "@csp-kit/kafka-broker";
   * import { Consumer } from "@csp-kit/kafka-consumer";
   *
   * const broker = await startBroker({ port: 0, logLevel: "silent" });
   * broker.createTopic("orders", { partitions: 1 });
   * const consumer = new Consumer({ bootstrap: [broker.bootstrap] });
   * const pc = await consumer.consumePartition("orders", 0, "oldest");
   * const errors = await pc.close();
   * for (const e of errors) console.error(e.message); // nothing: no fetch failed
   * await consumer.close();
   * await broker.close();
   * if (errors.length !== 0) throw new Error(`${errors.length} errors`);
   * ```
   */
  async close(): Promise<ConsumerError[]> {
    this.asyncClose();
    const errors: ConsumerError[] = [];
    const drainMessages = (async () => {
      for await (const _ of this.messages);
    })();
    for await (const e of this.errors) errors.push(e);
    await drainMessages;
    await this.done;
    return errors;
  }
}
