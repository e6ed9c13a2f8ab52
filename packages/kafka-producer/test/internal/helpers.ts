// Test helpers: envelopes and configs without a producer.
import { type ProducerConfig, type ProducerOptions, validateConfig } from "../../src/config.js";
import type { MessageEnvelope } from "../../src/internal/envelope.js";
import { messageByteSize } from "../../src/message.js";

const encoder = new TextEncoder();

/** A message envelope for `topic`/`partition` with the given value. */
export function envelope(topic: string, partition: number, value: string, timestamp = 0): MessageEnvelope {
  const message = { topic, value };
  return {
    kind: "message",
    message,
    topic,
    key: null,
    value: encoder.encode(value),
    headers: [],
    timestamp,
    size: messageByteSize(message),
    partition,
    retries: 0,
    sequence: -1,
    epoch: -1,
    producerId: -1n,
    batchLast: -1,
    lastError: undefined,
  };
}

/** A validated config on a dummy bootstrap address. */
export function config(options: Omit<ProducerOptions, "bootstrap"> = {}): ProducerConfig {
  return validateConfig({ bootstrap: ["127.0.0.1:9"], ...options });
}
