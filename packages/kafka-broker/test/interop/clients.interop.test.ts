/**
 * kafkajs 2.2.4 (producer and admin) and @platformatic/kafka 1.35
 * (producer) scenarios, each run against our broker and the interop tier's
 * real Kafka 4.1, with the client-visible outcomes compared; what was
 * stored is read back with kcat, the third client.
 */

import { kcat } from "@csp-kit/testkit/kafka";
import { Producer, stringSerializers } from "@platformatic/kafka";
import { CompressionTypes, Kafka, logLevel } from "kafkajs";
import { describe, expect, it } from "vitest";
import { createTopic, storedBatches, type Target, uniqueTopic, useTargets } from "./targets.js";

const targets = useTargets();

async function onBoth<T>(scenario: (target: Target) => Promise<T>): Promise<T> {
  const [ours, kafka] = targets();
  const a = await scenario(ours);
  const b = await scenario(kafka);
  expect(a, "our broker's outcome equals real Kafka's").toEqual(b);
  return a;
}

function kafkajs(target: Target): Kafka {
  return new Kafka({ clientId: "interop", brokers: [target.bootstrap], logLevel: logLevel.NOTHING });
}

async function readBack(target: Target, topic: string, partition: number): Promise<string[]> {
  const r = await kcat([
    "-C",
    "-b",
    target.bootstrap,
    "-t",
    topic,
    "-p",
    String(partition),
    "-o",
    "beginning",
    "-e",
    "-q",
    "-f",
    "%k=%s@%o\n",
  ]);
  return r.stdout.toString("utf8").split("\n").filter(Boolean);
}

describe("kafkajs against our broker and real Kafka", () => {
  it("produces plain, gzip and idempotent batches with the same offsets and the same stored records", async () => {
    const outcome = await onBoth(async (target) => {
      const topic = uniqueTopic("kafkajs-produce");
      await createTopic(target, topic, 2);
      const k = kafkajs(target);
      const plain = k.producer();
      await plain.connect();
      const sent: string[] = [];
      try {
        for (let i = 0; i < 3; i++) {
          const r = await plain.send({
            topic,
            messages: [
              { key: `k${i}`, value: `plain-${i}`, partition: i % 2 },
              { key: `k${i}`, value: `again-${i}`, partition: i % 2 },
            ],
          });
          sent.push(...r.map((x) => `${x.partition}:${x.baseOffset}:${x.errorCode}`));
        }
        const gz = await plain.send({
          topic,
          compression: CompressionTypes.GZIP,
          messages: Array.from({ length: 10 }, (_, i) => ({ value: `gz-${i}`, partition: 0 })),
        });
        sent.push(...gz.map((x) => `${x.partition}:${x.baseOffset}`));
      } finally {
        await plain.disconnect();
      }
      const idem = k.producer({ idempotent: true, maxInFlightRequests: 1 });
      await idem.connect();
      try {
        for (let i = 0; i < 3; i++) {
          const r = await idem.send({ topic, acks: -1, messages: [{ value: `idem-${i}`, partition: 1 }] });
          sent.push(...r.map((x) => `${x.partition}:${x.baseOffset}`));
        }
      } finally {
        await idem.disconnect();
      }
      const p1 = await storedBatches(target, topic, 1);
      return {
        sent,
        partition0: await readBack(target, topic, 0),
        partition1: await readBack(target, topic, 1),
        idempotentBatches: p1.filter((b) => b.producerId >= 0n).map((b) => b.baseSequence),
      };
    });
    expect(outcome.idempotentBatches).toEqual([0, 1, 2]);
    expect(outcome.partition0).toHaveLength(4 + 10);
  });

  it("administers topics with the same answers: create, exists, describe, offsets, delete", async () => {
    const outcome = await onBoth(async (target) => {
      const topic = uniqueTopic("kafkajs-admin");
      const admin = kafkajs(target).admin();
      await admin.connect();
      try {
        const created = await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
        const again = await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
        const md = await admin.fetchTopicMetadata({ topics: [topic] });
        const producer = kafkajs(target).producer();
        await producer.connect();
        await producer.send({
          topic,
          messages: [
            { value: "a", partition: 2 },
            { value: "b", partition: 2 },
          ],
        });
        await producer.disconnect();
        const offsets = (await admin.fetchTopicOffsets(topic))
          .sort((a, b) => a.partition - b.partition)
          .map((o) => [o.partition, o.low, o.high]);
        await admin.deleteTopics({ topics: [topic] });
        const listed = (await admin.listTopics()).includes(topic);
        return {
          created,
          again,
          partitions: md.topics[0]!.partitions.map((p) => p.partitionId).sort(),
          offsets,
          listedAfterDelete: listed,
        };
      } finally {
        await admin.disconnect();
      }
    });
    expect(outcome).toEqual({
      created: true,
      again: false,
      partitions: [0, 1, 2],
      offsets: [
        [0, "0", "0"],
        [1, "0", "0"],
        [2, "0", "2"],
      ],
      listedAfterDelete: false,
    });
  });
});

describe("@platformatic/kafka against our broker and real Kafka", () => {
  it("produces keyed messages with the same offsets, read back the same by kcat", async () => {
    const outcome = await onBoth(async (target) => {
      const topic = uniqueTopic("platformatic");
      await createTopic(target, topic, 2);
      const producer = new Producer({
        clientId: "interop-platformatic",
        bootstrapBrokers: [target.bootstrap],
        serializers: stringSerializers,
      });
      const offsets: string[] = [];
      try {
        for (let i = 0; i < 4; i++) {
          const r = await producer.send({
            messages: [
              { topic, key: `k${i}`, value: `v${i}`, partition: i % 2 },
              { topic, key: `k${i}`, value: `w${i}`, partition: i % 2 },
            ],
          });
          offsets.push(...(r.offsets ?? []).map((o) => `${o.partition}:${o.offset}`));
        }
      } finally {
        await producer.close();
      }
      return { offsets, partition0: await readBack(target, topic, 0), partition1: await readBack(target, topic, 1) };
    });
    expect(outcome.partition0).toEqual(["k0=v0@0", "k0=w0@1", "k2=v2@2", "k2=w2@3"]);
  });
});
