/**
 * The dispatcher — sarama's `dispatcher`.
 *
 * Cardinality: one per producer.
 * Job: take user messages (and the shutdown envelope) from `input` and
 *   retried envelopes from the retry handler; count each new message in the
 *   in-flight WaitGroup, check it (topic, `maxMessageBytes`, refused after
 *   shutdown), wrap it in an envelope, and route everything to its topic's
 *   producer, created lazily.
 * Never blocks on: anything but a topic producer's input (backpressure).
 * Channels: `input` (user messages and shutdown, one channel so shutdown
 *   is ordered after every message sent before it), `retried` (from the
 *   retry handler); out to topic producers.
 * Shutdown: a shutdown envelope marks it shutting down (later messages fail
 *   with ShuttingDownError). When both channels are closed (the producer
 *   closes them once the in-flight count is zero), it closes every topic
 *   producer's input and waits for them.
 */

import type { Channel } from "@csp-kit/channel";
import { recv, select } from "@csp-kit/select";
import { MessageTooLargeError, ShuttingDownError } from "../../errors.js";
import { messageByteSize, type ProducerMessage, payloadBytes, recordHeaders } from "../../message.js";
import {
  isShutdownEnvelope,
  type MessageEnvelope,
  type PartitionEnvelope,
  type ShutdownEnvelope,
} from "../envelope.js";
import { handOff } from "../hand-off.js";
import type { ProducerCore } from "../producer-core.js";
import { TopicProducer } from "./topic-producer.js";

/** Runs the dispatcher until both channels are closed. See the module header. */
export async function dispatcher(
  core: ProducerCore,
  input: Channel<ProducerMessage | ShutdownEnvelope>,
  retried: Channel<PartitionEnvelope>,
): Promise<void> {
  const topics = new Map<string, TopicProducer>();
  const route = (topic: string): TopicProducer => {
    let tp = topics.get(topic);
    if (tp === undefined) {
      tp = new TopicProducer(core, topic);
      topics.set(topic, tp);
    }
    return tp;
  };
  let shuttingDown = false;
  let userOpen = true;
  let retriedOpen = true;
  const onRetry = async (e: PartitionEnvelope): Promise<void> => {
    const p = handOff(route(e.topic).input, e);
    if (p !== undefined) await p;
  };
  const onUser = async (v: ProducerMessage | ShutdownEnvelope): Promise<void> => {
    if (isShutdownEnvelope(v)) {
      shuttingDown = true;
      core.beginShutdown();
      core.inFlight.done();
      return;
    }
    core.inFlight.add(1);
    if (shuttingDown) {
      await core.returnError(v, -1, new ShuttingDownError());
      return;
    }
    let e: MessageEnvelope;
    try {
      e = wrap(core, v);
    } catch (error) {
      await core.returnError(v, -1, error);
      return;
    }
    const p = handOff(route(e.topic).input, e);
    if (p !== undefined) await p;
  };
  while (userOpen || retriedOpen) {
    // The fast path: whatever is buffered on either channel, retries first, without a select
    // (a select would take them one at a time, in some order; each channel's own order is kept).
    let took = false;
    if (retriedOpen) {
      const r = retried.tryRecvBatch();
      if (r !== "would-block") {
        took = true;
        if (r.isNone()) retriedOpen = false;
        else for (const e of r.value) await onRetry(e);
      }
    }
    if (userOpen) {
      const r = input.tryRecvBatch(4096);
      if (r !== "would-block") {
        took = true;
        if (r.isNone()) userOpen = false;
        else for (const v of r.value) await onUser(v);
      }
    }
    if (took) continue;
    const r = await select({ user: recv(userOpen ? input : null), retry: recv(retriedOpen ? retried : null) });
    if (r.value.isNone()) {
      if (r.case === "user") userOpen = false;
      else retriedOpen = false;
    } else if (r.case === "retry") {
      await onRetry(r.value.value);
    } else {
      await onUser(r.value.value);
    }
  }
  for (const tp of topics.values()) tp.input.close();
  await Promise.all([...topics.values()].map((tp) => tp.done));
}

function wrap(core: ProducerCore, m: ProducerMessage): MessageEnvelope {
  if (typeof m !== "object" || m === null || typeof m.topic !== "string" || m.topic === "") {
    throw new TypeError("a producer message needs a non-empty string topic: send { topic, key?, value? }");
  }
  const size = messageByteSize(m);
  if (size > core.config.maxMessageBytes) throw new MessageTooLargeError(size, core.config.maxMessageBytes);
  return {
    kind: "message",
    message: m,
    topic: m.topic,
    key: payloadBytes(m.key),
    value: payloadBytes(m.value),
    headers: recordHeaders(m),
    timestamp: m.timestamp ?? Math.floor(core.config.clock.now()),
    size,
    partition: -1,
    retries: 0,
    sequence: -1,
    epoch: -1,
    producerId: -1n,
    batchLast: -1,
    lastError: undefined,
  };
}
