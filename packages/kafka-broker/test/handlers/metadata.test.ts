import { ApiKey } from "@csp-kit/kafka-protocol";
import { describe, expect, it } from "vitest";
import { useBrokers } from "../support/broker.js";
import { metadataBody, RawClient } from "../support/client.js";

const start = useBrokers();
const VERSIONS = Array.from({ length: 13 }, (_, v) => v);

describe("Metadata", () => {
  it.each(VERSIONS)(
    "v%i names this broker as the only node and the controller, at the advertised address",
    async (v) => {
      const { broker, port } = await start({ advertisedHost: "localhost", nodeId: 7 });
      broker.createTopic("a", { partitions: 3 });
      const client = await RawClient.connect(port);
      const md = await client.request(ApiKey.Metadata, v, metadataBody(v === 0 ? [] : null));
      expect(md.brokers).toEqual([{ nodeId: 7, host: "localhost", port, rack: null }]);
      if (v >= 1) expect(md.controllerId).toBe(7);
      if (v >= 2) expect(md.clusterId).toBe(broker.clusterId);
      expect(md.topics).toHaveLength(1);
      const topic = md.topics[0]!;
      expect(topic).toMatchObject({ errorCode: 0, name: "a", isInternal: false });
      if (v >= 10) expect(topic.topicId).toBe(broker.stats().topics[0]!.id);
      expect(topic.partitions.map((p) => [p.partitionIndex, p.leaderId, p.replicaNodes, p.isrNodes])).toEqual([
        [0, 7, [7], [7]],
        [1, 7, [7], [7]],
        [2, 7, [7], [7]],
      ]);
      client.close();
    },
  );

  it("creates an unknown topic when asked to, with the default partition count, and answers it at once", async () => {
    const { broker, port, log } = await start({ defaultPartitions: 4 });
    const client = await RawClient.connect(port);
    const md = await client.request(ApiKey.Metadata, 4, metadataBody(["fresh"]));
    expect(md.topics[0]!.errorCode).toBe(0);
    expect(md.topics[0]!.partitions).toHaveLength(4);
    expect(broker.stats().topics.map((t) => t.name)).toEqual(["fresh"]);
    expect(log.some((e) => e.message === "topic created" && e.details.topic === "fresh")).toBe(true);
    client.close();
  });

  it("does not create a topic when the request, or the broker, says no; nor on an all-topics request", async () => {
    const { broker, port } = await start({ autoCreateTopics: false });
    const client = await RawClient.connect(port);
    const refused = await client.request(ApiKey.Metadata, 4, metadataBody(["nope"], true));
    expect(refused.topics[0]).toMatchObject({ name: "nope", errorCode: 3, partitions: [] });
    const other = await start();
    const c2 = await RawClient.connect(other.port);
    const notAllowed = await c2.request(ApiKey.Metadata, 4, metadataBody(["nope"], false));
    expect(notAllowed.topics[0]!.errorCode).toBe(3);
    const all = await c2.request(ApiKey.Metadata, 4, metadataBody(null, true));
    expect(all.topics).toEqual([]);
    expect(broker.stats().topics).toEqual([]);
    expect(other.broker.stats().topics).toEqual([]);
    client.close();
    c2.close();
  });

  it("answers v1+ [] with no topics and v0 [] with every topic", async () => {
    const { broker, port } = await start();
    broker.createTopic("x");
    const client = await RawClient.connect(port);
    expect((await client.request(ApiKey.Metadata, 1, metadataBody([]))).topics).toEqual([]);
    expect((await client.request(ApiKey.Metadata, 0, metadataBody([]))).topics.map((t) => t.name)).toEqual(["x"]);
    client.close();
  });

  it("refuses an illegal topic name with INVALID_TOPIC_EXCEPTION and creates nothing", async () => {
    const { broker, port } = await start();
    const client = await RawClient.connect(port);
    const md = await client.request(ApiKey.Metadata, 4, metadataBody(["bad/name", ".."]));
    expect(md.topics.map((t) => t.errorCode)).toEqual([17, 17]);
    expect(broker.stats().topics).toEqual([]);
    client.close();
  });

  it("finds a topic by id from v10, and answers an unknown id with UNKNOWN_TOPIC_ID", async () => {
    const { broker, port } = await start();
    broker.createTopic("by-id");
    const id = broker.stats().topics[0]!.id;
    const client = await RawClient.connect(port);
    const md = await client.request(ApiKey.Metadata, 12, {
      topics: [
        { topicId: id, name: null },
        { topicId: "AAAAAAAAAAAAAAAAAAAAAQ", name: null },
      ],
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: true,
    });
    expect(md.topics[0]).toMatchObject({ errorCode: 0, name: "by-id", topicId: id });
    expect(md.topics[0]!.topicAuthorizedOperations).toBeGreaterThan(0);
    expect(md.topics[1]).toMatchObject({ errorCode: 100, name: null });
    client.close();
  });
});
