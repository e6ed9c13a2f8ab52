import { ApiKey, type CreatableTopic } from "@csp-kit/kafka-protocol";
import { describe, expect, it } from "vitest";
import { useBrokers } from "../support/broker.js";
import { RawClient } from "../support/client.js";

const start = useBrokers();

function creatable(name: string, more: Partial<CreatableTopic> = {}): CreatableTopic {
  return { name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [], ...more };
}

describe("CreateTopics", () => {
  it.each([0, 1, 2, 3, 4, 5, 6, 7])("v%i creates topics and answers each", async (v) => {
    const { broker, port } = await start({ defaultPartitions: 2 });
    const client = await RawClient.connect(port);
    const r = await client.request(ApiKey.CreateTopics, v, {
      topics: [
        creatable("one", { numPartitions: 3 }),
        creatable("two", { numPartitions: v >= 4 ? -1 : 2, replicationFactor: v >= 4 ? -1 : 1 }),
      ],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(r.topics.map((t) => [t.name, t.errorCode])).toEqual([
      ["one", 0],
      ["two", 0],
    ]);
    if (v >= 5) {
      expect(r.topics.map((t) => [t.numPartitions, t.replicationFactor])).toEqual([
        [3, 1],
        [2, 1],
      ]);
      expect(r.topics[0]!.configs!.find((c) => c.name === "retention.ms")!.value).toBe("604800000");
    }
    if (v >= 7) expect(r.topics[0]!.topicId).toBe(broker.stats().topics[0]!.id);
    expect(broker.stats().topics.map((t) => [t.name, t.partitions.length])).toEqual([
      ["one", 3],
      ["two", 2],
    ]);
    client.close();
  });

  it("answers each topic's problem with Kafka's error code and creates none of the failing ones", async () => {
    const { broker, port } = await start();
    broker.createTopic("exists");
    const client = await RawClient.connect(port);
    const r = await client.request(ApiKey.CreateTopics, 5, {
      topics: [
        creatable("exists"),
        creatable("bad name!"),
        creatable("zero", { numPartitions: 0 }),
        creatable("rf3", { replicationFactor: 3 }),
        creatable("cfg", { configs: [{ name: "cleanup.policy", value: "compact" }] }),
        creatable("unknown-cfg", { configs: [{ name: "no.such.config", value: "1" }] }),
        creatable("twice"),
        creatable("twice"),
        creatable("assigned", {
          numPartitions: -1,
          replicationFactor: -1,
          assignments: [{ partitionIndex: 0, brokerIds: [2] }],
        }),
        creatable("good", { configs: [{ name: "retention.ms", value: "1000" }] }),
      ],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(r.topics.map((t) => t.errorCode)).toEqual([36, 17, 37, 38, 40, 40, 42, 42, 39, 0]);
    expect(r.topics[3]!.errorMessage).toMatch(/only 1 broker/);
    expect(r.topics[4]!.errorMessage).toMatch(/does not compact/);
    expect(broker.stats().topics.map((t) => t.name)).toEqual(["exists", "good"]);
    expect(r.topics[9]!.configs!.find((c) => c.name === "retention.ms")).toMatchObject({
      value: "1000",
      configSource: 1,
    });
    client.close();
  });

  it("checks but creates nothing with validate_only", async () => {
    const { broker, port } = await start();
    const client = await RawClient.connect(port);
    const r = await client.request(ApiKey.CreateTopics, 4, {
      topics: [creatable("dry")],
      timeoutMs: 1000,
      validateOnly: true,
    });
    expect(r.topics[0]!.errorCode).toBe(0);
    expect(broker.stats().topics).toEqual([]);
    client.close();
  });

  it("takes a manual assignment onto this broker", async () => {
    const { broker, port } = await start({ nodeId: 3 });
    const client = await RawClient.connect(port);
    const assignments = [1, 0].map((partitionIndex) => ({ partitionIndex, brokerIds: [3] }));
    const r = await client.request(ApiKey.CreateTopics, 4, {
      topics: [creatable("manual", { numPartitions: -1, replicationFactor: -1, assignments })],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(r.topics[0]!.errorCode).toBe(0);
    expect(broker.stats().topics[0]!.partitions).toHaveLength(2);
    client.close();
  });
});

describe("DeleteTopics", () => {
  it.each([0, 1, 2, 3, 4, 5, 6])(
    "v%i deletes by name and answers an unknown one with UNKNOWN_TOPIC_OR_PARTITION",
    async (v) => {
      const { broker, port } = await start();
      broker.createTopic("doomed");
      const client = await RawClient.connect(port);
      const names = ["doomed", "never"];
      const r = await client.request(ApiKey.DeleteTopics, v, {
        topics: v >= 6 ? names.map((name) => ({ name, topicId: "AAAAAAAAAAAAAAAAAAAAAA" })) : [],
        topicNames: v >= 6 ? [] : names,
        timeoutMs: 1000,
      });
      expect(r.responses.map((t) => [t.name, t.errorCode])).toEqual([
        ["doomed", 0],
        ["never", 3],
      ]);
      expect(broker.stats().topics).toEqual([]);
      client.close();
    },
  );

  it("v6 deletes by topic id", async () => {
    const { broker, port } = await start();
    broker.createTopic("by-id");
    const id = broker.stats().topics[0]!.id;
    const client = await RawClient.connect(port);
    const r = await client.request(ApiKey.DeleteTopics, 6, {
      topics: [
        { name: null, topicId: id },
        { name: null, topicId: "AAAAAAAAAAAAAAAAAAAAAQ" },
      ],
      topicNames: [],
      timeoutMs: 1000,
    });
    expect(r.responses.map((t) => [t.name, t.errorCode])).toEqual([
      ["by-id", 0],
      [null, 100],
    ]);
    client.close();
  });
});

describe("FindCoordinator", () => {
  it.each([0, 1, 2, 3, 4, 5, 6])("v%i names this broker as the coordinator", async (v) => {
    const { port } = await start({ nodeId: 5 });
    const client = await RawClient.connect(port);
    const batched = v >= 4;
    const r = await client.request(ApiKey.FindCoordinator, v, {
      key: batched ? "" : "g",
      keyType: 0,
      coordinatorKeys: batched ? ["g", "h"] : [],
    });
    if (v < 4) expect([r.errorCode, r.nodeId, r.host, r.port]).toEqual([0, 5, "127.0.0.1", port]);
    else
      expect(r.coordinators.map((c) => [c.key, c.nodeId, c.host, c.port, c.errorCode])).toEqual([
        ["g", 5, "127.0.0.1", port, 0],
        ["h", 5, "127.0.0.1", port, 0],
      ]);
    client.close();
  });
});

describe("InitProducerId", () => {
  it.each([0, 1, 2, 3, 4, 5])("v%i gives every idempotent producer a new id with epoch 0", async (v) => {
    const { port } = await start();
    const client = await RawClient.connect(port);
    const ask = () =>
      client.request(ApiKey.InitProducerId, v, {
        transactionalId: null,
        transactionTimeoutMs: -1,
        producerId: -1n,
        producerEpoch: -1,
      });
    const a = await ask();
    const b = await ask();
    expect([a.errorCode, a.producerEpoch, b.errorCode, b.producerEpoch]).toEqual([0, 0, 0, 0]);
    expect(b.producerId).not.toBe(a.producerId);
    client.close();
  });

  it("refuses a transactional id: there is no transaction coordinator", async () => {
    const { port } = await start();
    const client = await RawClient.connect(port);
    const r = await client.request(ApiKey.InitProducerId, 4, {
      transactionalId: "tx",
      transactionTimeoutMs: 60_000,
      producerId: -1n,
      producerEpoch: -1,
    });
    expect([r.errorCode, r.producerId]).toEqual([53, -1n]);
    client.close();
  });
});
