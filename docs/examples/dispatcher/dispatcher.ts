/**
 * The dispatcher — idiom 2 of the spec: a map from topic to a lazily created
 * per-topic channel and task.
 *
 * Go original: `(*asyncProducer).dispatcher` in sarama's `async_producer.go`,
 * which reads the producer's input and hands each message to the topic
 * producer of its topic, starting that topic producer — a buffered channel and
 * a goroutine — the first time the topic is seen. When the input closes, it
 * closes every topic channel, and the topic goroutines finish.
 *
 * Stages: one dispatcher; one task per topic, created on the topic's first
 * message and living until the input closes. Responsibility: route by topic,
 * nothing else — no batching, no partitioning, no I/O. It blocks only on the
 * channel of the topic it is handing a message to: a topic whose buffer is full
 * holds the dispatcher back (backpressure reaches the input), exactly as in
 * sarama, so give the topic channels room (`bufferSize`).
 */

import { Channel, type Receiver } from "@csp-kit/channel";
import { WaitGroup } from "@csp-kit/mutex";

/** What the dispatcher routes: anything with a topic (sarama's `ProducerMessage`). */
export interface Routed {
  readonly topic: string;
}

/**
 * The task of one topic (sarama's `topicProducer.dispatch`): receives the
 * topic's messages, in input order, until `messages` is closed and drained,
 * then resolves. It must keep receiving until then — a task that stops early
 * leaves the dispatcher waiting on its full channel (unless it rejects, which
 * stops the dispatcher).
 */
export type TopicTask<M> = (topic: string, messages: Receiver<M>) => Promise<void>;

/** Settings of {@link dispatcher}. */
export interface DispatcherOptions {
  /** Capacity of each topic's channel (sarama's `ChannelBufferSize`, default 256). */
  readonly bufferSize?: number;
  /** Stops routing: nothing more is taken from the input, and the dispatcher rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
}

/**
 * Routes the messages of `input` to one task per topic — sarama's dispatcher.
 *
 * A topic's channel and task are created on the topic's first message (never
 * before, never twice) and kept in a map from topic to channel.
 *
 * **Blocking:** on `input`, and on the channel of the message's topic while it
 * is full — one slow topic holds back every topic behind it, as in sarama.
 *
 * **On close:** when `input` is closed and drained, every topic channel is
 * closed; the promise resolves once every topic task has finished (a
 * `WaitGroup` counts them).
 *
 * **Cancellation:** `signal` stops routing at once: no message is taken from
 * `input` after the abort, and the message being handed over is either
 * delivered to its topic or left untaken. The topic channels are closed, each
 * task finishes what it was already handed, and then the promise rejects with
 * `signal.reason`. A topic task that rejects stops the dispatcher the same way,
 * with that task's error.
 *
 * **Ordering:** the messages of one topic reach its task in input order; the
 * order between topics is not kept (each task runs at its own pace).
 *
 * @example
 * ```ts
 * const input = new Channel<Message>();
 * const done = dispatcher(input, async (topic, messages) => {
 *   for await (const m of messages) await partitionAndSend(topic, m);
 * });
 * await input.send({ topic: "orders", value: "o-1" });
 * input.close();
 * await done;
 * ```
 */
export async function dispatcher<M extends Routed>(
  input: Receiver<M>,
  topicTask: TopicTask<M>,
  options: DispatcherOptions = {},
): Promise<void> {
  const bufferSize = options.bufferSize ?? 256;
  /** Topic -> its channel; an entry is added on the topic's first message and never removed. */
  const handlers = new Map<string, Channel<M>>();
  /** Counts the topic tasks still running: one `go` per entry of `handlers`. */
  const tasks = new WaitGroup();
  /** Aborted, with its error, by the first topic task that rejects. */
  const failed = new AbortController();
  const signal = options.signal === undefined ? failed.signal : AbortSignal.any([failed.signal, options.signal]);

  try {
    for await (const msg of input.values({ signal })) {
      let handler = handlers.get(msg.topic);
      if (handler === undefined) {
        // One per topic, created on its first message (sarama's newTopicProducer).
        const topic = msg.topic;
        const messages = new Channel<M>(bufferSize);
        handlers.set(topic, messages);
        tasks.go(() => topicTask(topic, messages)).catch((error: unknown) => failed.abort(error));
        handler = messages;
      }
      await handler.send(msg, { signal }); // waits only while this topic's buffer is full
    }
  } finally {
    // Input closed, or routing stopped: shut every topic task down and wait for all of them.
    for (const handler of handlers.values()) handler.close();
    await tasks.wait();
  }
  // The input closed normally, but a topic task failed while finishing.
  if (failed.signal.aborted) throw failed.signal.reason;
}
