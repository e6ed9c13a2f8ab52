import { type Broker, startBroker } from "@csp-kit/kafka-broker";
import { afterEach, describe, expect, it } from "vitest";
import { AsyncProducer } from "../src/async-producer.js";
import type { ProducedMessage } from "../src/message.js";
import { readAll } from "./support/read-back.js";

let broker: Broker | undefined;
afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

async function collect<T>(r: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of r) out.push(v);
  return out;
}

describe("the idempotent producer's epoch bump", () => {
  it("after a numbered batch fails for good, bumps the epoch so the partition's later messages are stored", async () => {
    // The broker refuses batches over 2000 bytes (MESSAGE_TOO_LARGE, not retriable); the producer
    // allows them, so a big message takes a sequence and leaves a hole the broker would wait for forever.
    broker = await startBroker({ port: 0, logLevel: "silent", defaultPartitions: 1, maxMessageBytes: 2000 });
    const producer = new AsyncProducer({
      bootstrap: [broker.bootstrap],
      idempotent: true,
      requiredAcks: -1,
      maxOpenRequests: 1,
      returnSuccesses: true,
      flush: { messages: 1, maxMessages: 1 }, // one message per batch: only the big one is refused
    });
    const successes: ProducedMessage[] = [];
    const reading = (async () => {
      for await (const s of producer.successes) successes.push(s);
    })();
    const values = ["a", "b", "x".repeat(3000), "c", "d", "e"];
    for (const value of values) await producer.input.send({ topic: "bump", value });
    producer.asyncClose();
    const errors = await collect(producer.errors);
    await reading;

    expect(errors).toHaveLength(1);
    expect(errors[0]?.producerMessage.value).toBe(values[2]);
    expect(String((errors[0]?.cause as Error | undefined)?.message)).toContain("MESSAGE_TOO_LARGE");
    expect(successes.map((s) => s.value).sort()).toEqual(["a", "b", "c", "d", "e"]);
    const stored = await readAll(broker.bootstrap, "bump", 1);
    expect(stored.map((r) => r.value)).toEqual(["a", "b", "c", "d", "e"]);
    // Before the hole: one producer id and epoch, sequences 0 and 1. After it: a new id or epoch,
    // numbered from 0 again (Kafka answers InitProducerId for a null transactional id with a new id).
    const identity = (r: (typeof stored)[number]) => `${r.producerId}/${r.producerEpoch}`;
    expect(stored.map((r) => r.baseSequence)).toEqual([0, 1, 0, 1, 2]);
    expect(identity(stored[0] as never)).toBe(identity(stored[1] as never));
    expect(identity(stored[2] as never)).not.toBe(identity(stored[1] as never));
    expect(new Set(stored.slice(2).map(identity)).size).toBe(1);
  });
});
