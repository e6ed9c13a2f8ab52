/**
 * kafkajs 2.2.4 against the broker, in-process: its producer (plain,
 * every codec it ships, idempotent) and its admin client. What kafkajs
 * stored is read back with a raw Fetch and decoded, so the check does not
 * lean on kafkajs's own consumer (which needs consumer groups).
 */

import { ApiKey, decodeRecordBatches } from "@csp-kit/kafka-protocol";
import { CompressionTypes, Kafka, logLevel } from "kafkajs";
import { afterEach, describe, expect, it } from "vitest";
import { useBrokers } from "../support/broker.js";
import { fetchBody, RawClient } from "../support/client.js";

const start = useBrokers();
const text = new TextDecoder();
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function kafka(bootstrap: string): Kafka {
  return new Kafka({
    clientId: "kafkajs-test",
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
  });
}

/** Every record of `topic`-`partition`, as [key, value, offset], read raw. */
async function stored(port: number, topic: string, partition = 0) {
  const client = await RawClient.connect(port);
  try {
    const r = await client.request(ApiKey.Fetch, 11, fetchBody(topic, partition, 0n));
    const p = r.responses[0]!.partitions[0]!;
    const { batches } = await decodeRecordBatches(p.records!);
    return {
      batches,
      records: batches.flatMap((b) =>
        b.records.map((x) => [
          x.key === null ? null : text.decode(x.key),
          text.decode(x.value!),
          Number(b.baseOffset) + x.offsetDelta,
        ]),
      ),
    };
  } finally {
    client.close();
  }
}

describe("kafkajs", () => {
  it("produces to an automatically created topic and gets the offsets back", async () => {
    const { port, broker } = await start();
    const producer = kafka(broker.bootstrap).producer({ allowAutoTopicCreation: true });
    await producer.connect();
    closers.push(() => producer.disconnect());
    const first = await producer.send({ topic: "auto", messages: [{ key: "k1", value: "v1" }, { value: "v2" }] });
    const second = await producer.send({ topic: "auto", messages: [{ key: "k3", value: "v3" }] });
    expect(first[0]).toMatchObject({ topicName: "auto", partition: 0, errorCode: 0, baseOffset: "0" });
    expect(second[0]!.baseOffset).toBe("2");
    expect((await stored(port, "auto")).records).toEqual([
      ["k1", "v1", 0],
      [null, "v2", 1],
      ["k3", "v3", 2],
    ]);
  });

  it("spreads keyed messages over partitions as its default partitioner says, and each lands where it was sent", async () => {
    const { port, broker } = await start();
    broker.createTopic("keys", { partitions: 3 });
    const producer = kafka(broker.bootstrap).producer();
    await producer.connect();
    closers.push(() => producer.disconnect());
    const messages = Array.from({ length: 30 }, (_, i) => ({ key: `key-${i}`, value: `value-${i}` }));
    const results = await producer.send({ topic: "keys", messages });
    const used = new Set(results.map((r) => r.partition));
    expect(used.size).toBeGreaterThan(1);
    let total = 0;
    for (const p of [0, 1, 2]) total += (await stored(port, "keys", p)).records.length;
    expect(total).toBe(30);
  });

  it("stores a gzip batch as sent: compressed on the wire, compressed in the log, decodable", async () => {
    const { port, broker } = await start();
    broker.createTopic("gz");
    const producer = kafka(broker.bootstrap).producer();
    await producer.connect();
    closers.push(() => producer.disconnect());
    await producer.send({
      topic: "gz",
      compression: CompressionTypes.GZIP,
      messages: Array.from({ length: 50 }, (_, i) => ({ value: `compressible ${i} `.repeat(10) })),
    });
    const { batches, records } = await stored(port, "gz");
    expect(batches.map((b) => b.compression)).toEqual([1]);
    expect(records).toHaveLength(50);
  });

  it("runs an idempotent producer: InitProducerId to the controller, sequences checked", async () => {
    const { port, broker } = await start();
    broker.createTopic("idem");
    const producer = kafka(broker.bootstrap).producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    closers.push(() => producer.disconnect());
    for (let i = 0; i < 5; i++) await producer.send({ topic: "idem", acks: -1, messages: [{ value: `m${i}` }] });
    const { batches, records } = await stored(port, "idem");
    expect(records.map((r) => r[1])).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    expect(new Set(batches.map((b) => b.producerId)).size).toBe(1);
    expect(batches[0]!.producerId).toBeGreaterThanOrEqual(0n);
    expect(batches.map((b) => b.baseSequence)).toEqual([0, 1, 2, 3, 4]);
    const producers = broker.stats();
    expect(producers.topics[0]!.partitions[0]!.highWatermark).toBe(5);
  });

  it("administers topics: create, list, describe, offsets, offsets by timestamp, delete", async () => {
    const { broker } = await start();
    const admin = kafka(broker.bootstrap).admin();
    await admin.connect();
    closers.push(() => admin.disconnect());
    expect(await admin.createTopics({ topics: [{ topic: "adm", numPartitions: 2 }] })).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic: "adm", numPartitions: 2 }] })).toBe(false); // exists
    expect(await admin.listTopics()).toEqual(["adm"]);
    const md = await admin.fetchTopicMetadata({ topics: ["adm"] });
    expect(md.topics[0]!.partitions.map((p) => [p.partitionId, p.leader])).toEqual([
      [0, 1],
      [1, 1],
    ]);
    const cluster = await admin.describeCluster();
    expect(cluster).toMatchObject({ controller: 1, clusterId: broker.clusterId });

    const producer = kafka(broker.bootstrap).producer();
    await producer.connect();
    closers.push(() => producer.disconnect());
    const before = Date.now();
    await producer.send({
      topic: "adm",
      messages: [
        { value: "a", partition: 1 },
        { value: "b", partition: 1 },
      ],
    });
    const offsets = await admin.fetchTopicOffsets("adm");
    expect(offsets.sort((a, b) => a.partition - b.partition).map((o) => [o.partition, o.low, o.high])).toEqual([
      [0, "0", "0"],
      [1, "0", "2"],
    ]);
    const byTime = await admin.fetchTopicOffsetsByTimestamp("adm", before - 1000);
    expect(byTime.find((o) => o.partition === 1)!.offset).toBe("0");
    await admin.deleteTopics({ topics: ["adm"] });
    expect(await admin.listTopics()).toEqual([]);
  });
});
