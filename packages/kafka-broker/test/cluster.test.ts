/**
 * The in-process cluster, driven with raw requests: one metadata view
 * answered by every broker, leaders spread round-robin, NOT_LEADER_OR_FOLLOWER
 * from the brokers that do not lead, leader moves that keep the data and
 * fence the old epoch, and the coordinator on the lowest live broker.
 */

import { ApiKey, decodeRecordBatches, KafkaErrorCode } from "@csp-kit/kafka-protocol";
import { afterEach, describe, expect, it } from "vitest";
import {
  type Cluster,
  type ClusterOptions,
  isInvalidBrokerConfigError,
  isUnknownBrokerError,
  isUnknownTopicError,
  startCluster,
} from "../src/index.js";
import { silentLogger } from "../src/internal/server/logger.js";
import { useTempDirs } from "./support/broker.js";
import { batchOf, fetchBody, listOffsetsBody, metadataBody, produceBody, RawClient } from "./support/client.js";

const tempDir = useTempDirs();

const started: Cluster[] = [];
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(started.splice(0).map((c) => c.close()));
});

async function cluster(options: ClusterOptions = {}): Promise<Cluster> {
  const c = await startCluster({ logger: process.env.DEBUG_CLUSTER ? undefined : silentLogger, ...options });
  started.push(c);
  return c;
}

async function connect(c: Cluster, nodeId: number): Promise<RawClient> {
  const client = await RawClient.connect(c.broker(nodeId).port);
  clients.push(client);
  return client;
}

const text = new TextDecoder();

async function values(client: RawClient, topic: string, partition: number): Promise<string[]> {
  const r = await client.request(ApiKey.Fetch, 11, fetchBody(topic, partition, 0n));
  const p = r.responses[0]!.partitions[0]!;
  expect(p.errorCode).toBe(0);
  const { batches } = await decodeRecordBatches(p.records!);
  return batches.flatMap((b) => b.records.map((x) => text.decode(x.value!)));
}

describe("startCluster", () => {
  it("starts N brokers with node ids 1..N on their own ports, and every one answers Metadata with the whole cluster", async () => {
    const c = await cluster({ brokers: 3 });
    c.createTopic("spread", { partitions: 6 });
    expect(c.brokers.map((b) => b.nodeId)).toEqual([1, 2, 3]);
    expect(new Set(c.brokers.map((b) => b.port)).size).toBe(3);
    expect(c.bootstrap).toBe(c.bootstrapServers.join(","));
    const answers = [];
    for (const b of c.brokers) {
      const client = await connect(c, b.nodeId);
      answers.push(await client.request(ApiKey.Metadata, 9, metadataBody(["spread"])));
    }
    for (const md of answers) {
      expect(md.brokers.map((b) => [b.nodeId, b.port])).toEqual(c.brokers.map((b) => [b.nodeId, b.port]));
      expect(md.controllerId).toBe(1);
      expect(md.clusterId).toBe(c.clusterId);
      const partitions = md.topics[0]!.partitions.map((p) => [p.partitionIndex, p.leaderId, p.leaderEpoch]);
      expect(partitions).toEqual(
        answers[0]!.topics[0]!.partitions.map((p) => [p.partitionIndex, p.leaderId, p.leaderEpoch]),
      );
    }
    // Round-robin: partition p of the first topic on broker (p % 3) + 1, one replica each.
    expect(answers[0]!.topics[0]!.partitions.map((p) => [p.leaderId, p.replicaNodes, p.isrNodes])).toEqual(
      [1, 2, 3, 1, 2, 3].map((id) => [id, [id], [id]]),
    );
  });

  it("starts each topic one broker further on, so that one-partition topics spread too", async () => {
    const c = await cluster({ brokers: 3 });
    for (const name of ["a", "b", "c", "d"]) c.createTopic(name, { partitions: 1 });
    expect(["a", "b", "c", "d"].map((t) => c.leaderOf(t, 0).leader)).toEqual([1, 2, 3, 1]);
  });

  it("places the leaders of a topic auto-created by Metadata too", async () => {
    const c = await cluster({ brokers: 2, defaultPartitions: 4 });
    const client = await connect(c, 2);
    const md = await client.request(ApiKey.Metadata, 9, metadataBody(["auto"]));
    expect(md.topics[0]!.partitions.map((p) => p.leaderId)).toEqual([1, 2, 1, 2]);
    expect(c.stats().topics[0]!.partitions.map((p) => p.leader)).toEqual([1, 2, 1, 2]);
  });

  it("answers Produce, Fetch and ListOffsets on a broker that does not lead with NOT_LEADER_OR_FOLLOWER, naming the leader", async () => {
    const c = await cluster({ brokers: 3 });
    c.createTopic("t", { partitions: 3 }); // p0 on 1, p1 on 2, p2 on 3
    const follower = await connect(c, 2);
    const produced = await follower.request(ApiKey.Produce, 10, produceBody("t", 0, batchOf(["x"])));
    const p = produced.responses[0]!.partitionResponses[0]!;
    expect(p.errorCode).toBe(KafkaErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect(p.currentLeader).toEqual({ leaderId: 1, leaderEpoch: 0 });
    expect(produced.nodeEndpoints).toEqual([{ nodeId: 1, host: "127.0.0.1", port: c.broker(1).port, rack: null }]);
    const fetched = await follower.request(ApiKey.Fetch, 12, fetchBody("t", 0, 0n));
    expect(fetched.responses[0]!.partitions[0]!.errorCode).toBe(KafkaErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect(fetched.responses[0]!.partitions[0]!.currentLeader).toEqual({ leaderId: 1, leaderEpoch: 0 });
    const offsets = await follower.request(ApiKey.ListOffsets, 5, listOffsetsBody("t", 0, -1n));
    expect(offsets.topics[0]!.partitions[0]!.errorCode).toBe(KafkaErrorCode.NOT_LEADER_OR_FOLLOWER);
    // Nothing was stored by the refused produce; the partition broker 2 leads is served.
    expect(c.stats().topics[0]!.partitions[0]!.highWatermark).toBe(0);
    const own = await follower.request(ApiKey.Produce, 7, produceBody("t", 1, batchOf(["mine"])));
    expect(own.responses[0]!.partitionResponses[0]!).toMatchObject({ errorCode: 0, baseOffset: 0n });
  });

  it("refuses at every served version of Produce, Fetch and ListOffsets on a follower, and names leader and epoch in every Metadata version", async () => {
    const c = await cluster({ brokers: 2 });
    c.createTopic("versions", { partitions: 1 });
    c.moveLeader("versions", 0, 2);
    const topicId = c.stats().topics[0]!.id;
    const follower = await connect(c, 1);
    const NOT_LEADER = KafkaErrorCode.NOT_LEADER_OR_FOLLOWER;
    for (let v = 3; v <= 11; v++) {
      const r = await follower.request(ApiKey.Produce, v, produceBody("versions", 0, batchOf(["x"])));
      const p = r.responses[0]!.partitionResponses[0]!;
      expect([v, p.errorCode]).toEqual([v, NOT_LEADER]);
      if (v >= 10) expect(p.currentLeader).toEqual({ leaderId: 2, leaderEpoch: 1 });
      if (v >= 10) expect(r.nodeEndpoints.map((e) => e.nodeId)).toEqual([2]);
    }
    for (let v = 4; v <= 17; v++) {
      const r = await follower.request(ApiKey.Fetch, v, fetchBody("versions", 0, 0n, { topicId }));
      const p = r.responses[0]!.partitions[0]!;
      expect([v, p.errorCode]).toEqual([v, NOT_LEADER]);
      if (v >= 12) expect(p.currentLeader).toEqual({ leaderId: 2, leaderEpoch: 1 });
      expect(r.nodeEndpoints.map((e) => e.nodeId)).toEqual(v >= 16 ? [2] : []);
    }
    for (let v = 1; v <= 10; v++) {
      const r = await follower.request(ApiKey.ListOffsets, v, listOffsetsBody("versions", 0, -1n));
      expect([v, r.topics[0]!.partitions[0]!.errorCode]).toEqual([v, NOT_LEADER]);
    }
    for (let v = 0; v <= 12; v++) {
      const r = await follower.request(ApiKey.Metadata, v, metadataBody(["versions"]));
      const p = r.topics[0]!.partitions[0]!;
      expect([v, p.leaderId, r.brokers.length]).toEqual([v, 2, 2]);
      if (v >= 7) expect(p.leaderEpoch).toBe(1);
    }
    // The leader serves every version.
    const leader = await connect(c, 2);
    for (let v = 3; v <= 11; v++) {
      const r = await leader.request(ApiKey.Produce, v, produceBody("versions", 0, batchOf([`v${v}`])));
      expect([v, r.responses[0]!.partitionResponses[0]!.errorCode]).toEqual([v, 0]);
    }
  });

  it("answers a mixed Produce per partition: the led ones appended, the others refused", async () => {
    const c = await cluster({ brokers: 2 });
    c.createTopic("mix", { partitions: 2 });
    const one = await connect(c, 1);
    const r = await one.request(ApiKey.Produce, 7, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 30_000,
      topicData: [
        {
          name: "mix",
          partitionData: [
            { index: 0, records: batchOf(["led"]) },
            { index: 1, records: batchOf(["not led"]) },
          ],
        },
      ],
    });
    expect(r.responses[0]!.partitionResponses.map((p) => p.errorCode)).toEqual([
      0,
      KafkaErrorCode.NOT_LEADER_OR_FOLLOWER,
    ]);
    expect(c.stats().topics[0]!.partitions.map((p) => p.highWatermark)).toEqual([1, 0]);
  });

  it("moves a leader with a new epoch: the data stays, the new leader serves it, the old one refuses, the old epoch is fenced", async () => {
    const c = await cluster({ brokers: 3 });
    c.createTopic("move", { partitions: 1 });
    const one = await connect(c, 1);
    const two = await connect(c, 2);
    await one.request(ApiKey.Produce, 7, produceBody("move", 0, batchOf(["before-1", "before-2"])));
    expect(c.moveLeader("move", 0, 2)).toBe(1);
    expect(c.leaderOf("move", 0)).toEqual({ leader: 2, leaderEpoch: 1 });
    const refused = await one.request(ApiKey.Produce, 7, produceBody("move", 0, batchOf(["lost"])));
    expect(refused.responses[0]!.partitionResponses[0]!.errorCode).toBe(KafkaErrorCode.NOT_LEADER_OR_FOLLOWER);
    const appended = await two.request(ApiKey.Produce, 7, produceBody("move", 0, batchOf(["after"])));
    expect(appended.responses[0]!.partitionResponses[0]!.baseOffset).toBe(2n);
    expect(await values(two, "move", 0)).toEqual(["before-1", "before-2", "after"]);
    const md = await one.request(ApiKey.Metadata, 9, metadataBody(["move"]));
    expect(md.topics[0]!.partitions[0]).toMatchObject({ leaderId: 2, leaderEpoch: 1 });
    // A client that still holds epoch 0 is fenced; one ahead of the broker gets UNKNOWN_LEADER_EPOCH.
    const stale = fetchBody("move", 0, 0n);
    stale.topics[0]!.partitions[0]!.currentLeaderEpoch = 0;
    const fenced = await two.request(ApiKey.Fetch, 11, stale);
    expect(fenced.responses[0]!.partitions[0]!.errorCode).toBe(KafkaErrorCode.FENCED_LEADER_EPOCH);
    stale.topics[0]!.partitions[0]!.currentLeaderEpoch = 5;
    const ahead = await two.request(ApiKey.Fetch, 11, stale);
    expect(ahead.responses[0]!.partitions[0]!.errorCode).toBe(KafkaErrorCode.UNKNOWN_LEADER_EPOCH);
    stale.topics[0]!.partitions[0]!.currentLeaderEpoch = 1;
    const current = await two.request(ApiKey.Fetch, 11, stale);
    expect(current.responses[0]!.partitions[0]!.errorCode).toBe(0);
    // The batch appended after the move carries the new epoch (the stored partitionLeaderEpoch).
    const { batches } = await decodeRecordBatches(current.responses[0]!.partitions[0]!.records!);
    expect(batches.map((b) => b.partitionLeaderEpoch)).toEqual([0, 1]);
  });

  it("ends a long poll on the old leader with NOT_LEADER_OR_FOLLOWER when the leader moves", async () => {
    const c = await cluster({ brokers: 2 });
    c.createTopic("poll", { partitions: 1 });
    const one = await connect(c, 1);
    const polling = one.request(ApiKey.Fetch, 11, fetchBody("poll", 0, 0n, { maxWaitMs: 60_000, minBytes: 1 }));
    await new Promise((resolve) => setImmediate(resolve));
    c.moveLeader("poll", 0, 2);
    const r = await polling;
    expect(r.responses[0]!.partitions[0]!.errorCode).toBe(KafkaErrorCode.NOT_LEADER_OR_FOLLOWER);
  });

  it("answers FindCoordinator with the lowest broker, from every broker", async () => {
    const c = await cluster({ brokers: 3 });
    for (const id of [1, 2, 3]) {
      const client = await connect(c, id);
      const v3 = await client.request(ApiKey.FindCoordinator, 3, { key: "g", keyType: 0, coordinatorKeys: [] });
      expect([v3.nodeId, v3.port]).toEqual([1, c.broker(1).port]);
      const v4 = await client.request(ApiKey.FindCoordinator, 4, { key: "", keyType: 0, coordinatorKeys: ["a", "b"] });
      expect(v4.coordinators.map((k) => [k.key, k.nodeId])).toEqual([
        ["a", 1],
        ["b", 1],
      ]);
    }
  });

  it("keeps the topics of the whole cluster in one registry: a topic created through one broker is led and served by all", async () => {
    const c = await cluster({ brokers: 2 });
    const two = await connect(c, 2);
    const created = await two.request(ApiKey.CreateTopics, 4, {
      topics: [{ name: "via-2", numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(created.topics[0]!.errorCode).toBe(0);
    const one = await connect(c, 1);
    expect(
      (await one.request(ApiKey.Produce, 7, produceBody("via-2", 0, batchOf(["p0"])))).responses[0]!
        .partitionResponses[0]!.errorCode,
    ).toBe(0);
    expect(await values(one, "via-2", 0)).toEqual(["p0"]);
    expect(await c.deleteTopic("via-2")).toBe(true);
    expect(c.stats().topics).toEqual([]);
  });

  it("refuses bad options and unknown brokers or topics with typed errors that say what to do", async () => {
    await expect(startCluster({ brokers: 0 })).rejects.toSatisfy(isInvalidBrokerConfigError);
    await expect(startCluster({ brokers: 2, ports: [0] })).rejects.toThrow(/2 ports/);
    await expect(startCluster({ port: 9092 } as ClusterOptions)).rejects.toThrow(/use ports/);
    const c = await cluster({ brokers: 2 });
    c.createTopic("known", { partitions: 2 });
    expect(() => c.broker(7)).toThrow(/node ids are 1, 2/);
    expect(() => c.moveLeader("known", 0, 3)).toSatisfy((f: () => void) => {
      try {
        f();
        return false;
      } catch (error) {
        return isUnknownBrokerError(error);
      }
    });
    expect(() => c.moveLeader("nope", 0, 1)).toThrow(/create it first/);
    expect(() => c.leaderOf("known", 2)).toThrow(/partitions 0 to 1, not 2/);
    try {
      c.leaderOf("nope", 0);
    } catch (error) {
      expect(isUnknownTopicError(error)).toBe(true);
    }
    // Nothing changed by the refused move.
    expect(c.leaderOf("known", 0)).toEqual({ leader: 1, leaderEpoch: 0 });
  });

  it("keeps a durable cluster's logs in one data directory: a restart finds every record, leaders placed again", async () => {
    const dataDir = tempDir();
    const first = await startCluster({ brokers: 3, dataDir, logger: silentLogger });
    first.createTopic("durable", { partitions: 3 });
    for (const p of [0, 1, 2]) {
      const client = await RawClient.connect(first.broker(first.leaderOf("durable", p).leader).port);
      await client.request(ApiKey.Produce, 7, produceBody("durable", p, batchOf([`kept-${p}`])));
      client.close();
    }
    first.moveLeader("durable", 0, 3);
    const clusterId = first.clusterId;
    await first.close();
    const again = await cluster({ brokers: 3, dataDir });
    expect(again.clusterId).toBe(clusterId);
    expect(again.stats().topics[0]!.partitions.map((p) => [p.leader, p.leaderEpoch, p.highWatermark])).toEqual([
      [1, 0, 1],
      [2, 0, 1],
      [3, 0, 1],
    ]);
    const one = await connect(again, 1);
    expect(await values(one, "durable", 0)).toEqual(["kept-0"]);
  });

  it("closes every broker and is idempotent", async () => {
    const c = await startCluster({ brokers: 2, logger: silentLogger });
    const ports = c.brokers.map((b) => b.port);
    await Promise.all([c.close(), c.close()]);
    for (const port of ports) await expect(RawClient.connect(port)).rejects.toThrow(/ECONNREFUSED/);
  });
});
