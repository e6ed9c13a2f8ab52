/**
 * kafkajs 2.2.4 against a 3-broker cluster: it finds every leader through
 * Metadata, follows leaders that move while it produces, and every message
 * it was told was sent is in the log exactly once (read back raw from each
 * partition's leader, so the check does not lean on kafkajs's consumer).
 */

import { ApiKey, decodeRecordBatches } from "@csp-kit/kafka-protocol";
import { Kafka, logLevel } from "kafkajs";
import { afterEach, describe, expect, it } from "vitest";
import { type Cluster, startCluster } from "../src/index.js";
import { silentLogger } from "../src/internal/server/logger.js";
import { injectFaults } from "../src/testing.js";
import { fetchBody, RawClient } from "./support/client.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function cluster(brokers: number): Promise<Cluster> {
  const c = await startCluster({ brokers, logger: silentLogger });
  closers.push(() => c.close());
  return c;
}

function kafka(c: Cluster, bootstrap: readonly string[] = c.bootstrapServers): Kafka {
  return new Kafka({
    clientId: "kafkajs-cluster-test",
    brokers: [...bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 10, initialRetryTime: 20, maxRetryTime: 200 },
  });
}

const text = new TextDecoder();

/** Every value of `topic`-`partition`, read raw from its current leader. */
async function storedValues(c: Cluster, topic: string, partition: number): Promise<string[]> {
  const leader = c.leaderOf(topic, partition).leader;
  const client = await RawClient.connect(c.broker(leader).port);
  try {
    const r = await client.request(ApiKey.Fetch, 11, fetchBody(topic, partition, 0n, { maxBytes: 64 << 20 }));
    const p = r.responses[0]!.partitions[0]!;
    expect(p.errorCode).toBe(0);
    if (p.records === null || p.records.byteLength === 0) return [];
    const { batches } = await decodeRecordBatches(p.records);
    return batches.flatMap((b) => b.records.map((x) => text.decode(x.value!)));
  } finally {
    client.close();
  }
}

describe("kafkajs and a 3-broker cluster", () => {
  it("sees the whole cluster from one bootstrap broker and produces to each partition's leader", async () => {
    const c = await cluster(3);
    c.createTopic("spread", { partitions: 3 });
    const admin = kafka(c, [c.broker(3).bootstrap]).admin();
    await admin.connect();
    closers.push(() => admin.disconnect());
    const described = await admin.describeCluster();
    expect(described.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
    expect(described.controller).toBe(1);
    const md = await admin.fetchTopicMetadata({ topics: ["spread"] });
    expect(md.topics[0]!.partitions.map((p) => [p.partitionId, p.leader]).sort()).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
    const producer = kafka(c, [c.broker(2).bootstrap]).producer();
    await producer.connect();
    closers.push(() => producer.disconnect());
    await producer.send({
      topic: "spread",
      messages: [0, 1, 2].map((p) => ({ partition: p, value: `to-${p}` })),
    });
    for (const p of [0, 1, 2]) expect(await storedValues(c, "spread", p)).toEqual([`to-${p}`]);
    const perBroker = c.stats().brokers.map((b) => b.connections.length);
    expect(perBroker.every((n) => n >= 1)).toBe(true); // it talked to every leader
  });

  it("follows leaders that move while it produces: every message read back exactly once", async () => {
    const c = await cluster(3);
    c.createTopic("moving", { partitions: 3 });
    // One send per partition, three at a time. A send naming partitions on
    // several brokers is not safe here: kafkajs 2.2.4 retries only the
    // brokers that failed, by the leaders it finds after the refresh, and
    // skips a broker that had already answered this send, so messages for a
    // partition that moved onto such a broker are dropped from the send
    // (its result has no entry for that partition) without an error.
    const history = injectFaults(c).history; // observes only: no faults
    const producer = kafka(c).producer();
    await producer.connect();
    closers.push(() => producer.disconnect());
    const sent: string[] = [];
    let moves = 0;
    for (let round = 0; round < 20; round++) {
      const sends = [0, 1, 2].map((partition) => {
        const messages = Array.from({ length: 5 }, (_, i) => ({ partition, value: `r${round}-p${partition}-m${i}` }));
        sent.push(...messages.map((m) => m.value));
        return producer.send({ topic: "moving", acks: -1, messages });
      });
      // Move one partition's leader while the sends are under way.
      const p = round % 3;
      c.moveLeader("moving", p, (c.leaderOf("moving", p).leader % 3) + 1);
      moves++;
      const results = (await Promise.all(sends)).flat();
      expect(results.map((r) => [r.partition, r.errorCode]).sort()).toEqual([
        [0, 0],
        [1, 0],
        [2, 0],
      ]);
    }
    const stored: string[] = [];
    for (const p of [0, 1, 2]) stored.push(...(await storedValues(c, "moving", p)));
    expect(stored).toHaveLength(sent.length);
    expect(new Set(stored)).toEqual(new Set(sent));
    const epochs = c.stats().topics[0]!.partitions.map((p) => p.leaderEpoch);
    expect(epochs.reduce((a, b) => a + b, 0)).toBe(moves);
    // The moves were felt: sends went to an old leader and were retried on the new one.
    expect(history.count({ apiKey: ApiKey.Produce })).toBeGreaterThan(60);
    expect(history.count({ apiKey: ApiKey.Metadata })).toBeGreaterThan(1);
  });
});
