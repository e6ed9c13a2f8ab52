import { type Broker, startBroker } from "@csp-kit/kafka-broker";
import { afterEach, describe, expect, it } from "vitest";
import { AsyncProducer } from "../src/async-producer.js";
import type { Compression } from "../src/config.js";
import type { ProducedMessage } from "../src/message.js";

let broker: Broker | undefined;

async function collect<T>(r: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of r) out.push(v);
  return out;
}
afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

async function start(partitions = 3): Promise<Broker> {
  broker = await startBroker({ port: 0, logLevel: "silent", defaultPartitions: partitions });
  return broker;
}

describe("AsyncProducer against the in-process broker", () => {
  it.each([
    ["none", 1],
    ["gzip", -1],
    ["snappy", 1],
    ["lz4", 1],
    ["zstd", 1],
    ["none", 0],
  ] as [Compression, 0 | 1 | -1][])(
    "writes every message, in order per partition (%s, acks %d)",
    async (compression, acks) => {
      const b = await start();
      const producer = new AsyncProducer({
        bootstrap: [b.bootstrap],
        compression,
        requiredAcks: acks,
        returnSuccesses: true,
        flush: { messages: 10, frequency: 2 },
      });
      const got: ProducedMessage[] = [];
      const reading = (async () => {
        for await (const s of producer.successes) got.push(s);
      })();
      for (let i = 0; i < 100; i++) await producer.input.send({ topic: "orders", key: `k${i % 7}`, value: `v${i}` });
      // sarama's pattern when reading successes yourself: asyncClose, then drain both channels.
      producer.asyncClose();
      const failures = await collect(producer.errors);
      await reading;
      expect(failures).toEqual([]);
      expect(got).toHaveLength(100);
      if (acks === 0) {
        // No response: offsets are unknown. (Whether the broker stored them is not observable at close.)
        expect(got.every((s) => s.offset === -1n)).toBe(true);
      } else {
        const partitions = b.stats().topics.find((t) => t.name === "orders")?.partitions ?? [];
        expect(partitions.reduce((n, p) => n + p.highWatermark, 0)).toBe(100);
        // Per partition, offsets rise in send order.
        const byPartition = new Map<number, ProducedMessage[]>();
        for (const s of got) byPartition.set(s.partition, [...(byPartition.get(s.partition) ?? []), s]);
        for (const list of byPartition.values()) {
          const sentOrder = list.map((s) => Number(String(s.value).slice(1)));
          const sorted = [...list]
            .sort((x, y) => Number(x.offset - y.offset))
            .map((s) => Number(String(s.value).slice(1)));
          expect(sorted).toEqual(sentOrder.sort((x, y) => x - y));
        }
      }
    },
  );

  it("sends keyed messages to the partition the hash partitioner chooses, and idempotent producers work", async () => {
    const b = await start(4);
    const producer = new AsyncProducer({
      bootstrap: [b.bootstrap],
      idempotent: true,
      requiredAcks: -1,
      maxOpenRequests: 1,
      returnSuccesses: true,
    });
    const got: ProducedMessage[] = [];
    const reading = (async () => {
      for await (const s of producer.successes) got.push(s);
    })();
    for (let i = 0; i < 20; i++) await producer.input.send({ topic: "idem", key: "same-key", value: `v${i}` });
    producer.asyncClose();
    expect(await collect(producer.errors)).toEqual([]);
    await reading;
    expect(new Set(got.map((s) => s.partition)).size).toBe(1);
    expect(got.map((s) => s.offset)).toEqual(Array.from({ length: 20 }, (_, i) => BigInt(i)));
  });

  it("fails messages over maxMessageBytes and after shutdown, and close() resolves with them", async () => {
    const b = await start(1);
    const producer = new AsyncProducer({ bootstrap: [b.bootstrap], maxMessageBytes: 100 });
    await producer.input.send({ topic: "t", value: "x".repeat(200) });
    await producer.input.send({ topic: "t", value: "small" });
    const failures = await producer.close();
    expect(failures.map((f) => (f.cause as Error).name)).toEqual(["MessageTooLargeError"]);
  });
});
