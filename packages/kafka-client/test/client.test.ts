import { startBroker } from "@csp-kit/kafka-broker";
import { ApiKey } from "@csp-kit/kafka-protocol";
import { realClock } from "@csp-kit/timers";
import { afterEach, describe, expect, it } from "vitest";
import { BrokerConnection, CLIENT_VERSIONS } from "../src/connection.js";
import { isBrokerConnectionError, isMetadataError } from "../src/errors.js";
import { MetadataCache } from "../src/metadata.js";
import { BrokerPool } from "../src/pool.js";

const options = { clientId: "test", dialTimeout: 5000, readTimeout: 5000, tls: undefined, clock: realClock };
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

describe("the client transport against the in-process broker", () => {
  it("negotiates versions clamped to the broker's ranges and matches responses by correlation id", async () => {
    const broker = await startBroker({ port: 0, logLevel: "silent" });
    closers.push(() => broker.close());
    const c = await BrokerConnection.connect(broker.bootstrap, options);
    closers.push(() => c.close());
    const produce = c.versions.get(ApiKey.Produce);
    expect(produce).toBeDefined();
    const [, ourMax] = CLIENT_VERSIONS[ApiKey.Produce] ?? [0, 0];
    expect(c.version(ApiKey.Produce)).toBe(Math.min(ourMax, produce?.[1] ?? -1));
    // Pipelined: three requests written before any answer; each gets its own response.
    const body = {
      topics: null,
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    };
    const answers = await Promise.all([1, 2, 3].map(() => c.request(ApiKey.Metadata, body)));
    for (const a of answers) expect(a?.brokers[0]?.port).toBe(broker.port);
    expect(c.inFlight).toBe(0);
  });

  it("rejects outstanding and later requests once the connection closes", async () => {
    const broker = await startBroker({ port: 0, logLevel: "silent" });
    closers.push(() => broker.close());
    const c = await BrokerConnection.connect(broker.bootstrap, options);
    c.close();
    await expect(
      c.request(ApiKey.Metadata, {
        topics: null,
        allowAutoTopicCreation: false,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      }),
    ).rejects.toSatisfy(isBrokerConnectionError);
    expect(c.closed).toBe(true);
  });

  it("the pool shares one connection per broker and metadata learns leaders (auto-creating the topic)", async () => {
    const broker = await startBroker({ port: 0, logLevel: "silent", defaultPartitions: 3 });
    closers.push(() => broker.close());
    const pool = new BrokerPool({ ...options, bootstrap: [broker.bootstrap], retryMax: 2, retryBackoff: 10 });
    closers.push(() => pool.close());
    const metadata = new MetadataCache(pool, { clock: realClock, refreshFrequency: 0 });
    closers.push(() => metadata.close());
    await metadata.refresh(["orders"]);
    const topic = metadata.topic("orders");
    expect(topic?.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
    expect(metadata.leader("orders", 1)).toBe(broker.nodeId);
    const [a, b] = await Promise.all([pool.get(broker.nodeId), pool.get(broker.nodeId)]);
    expect(a).toBe(b);
  });

  it("fails a dial to a port nobody listens on with a typed error, after its retries", async () => {
    const pool = new BrokerPool({ ...options, bootstrap: ["127.0.0.1:1"], retryMax: 1, retryBackoff: 1 });
    closers.push(() => pool.close());
    const metadata = new MetadataCache(pool, { clock: realClock, refreshFrequency: 0 });
    await expect(metadata.refresh(["t"])).rejects.toSatisfy(isMetadataError);
  });

  it("destroy() rejects a long poll at once instead of waiting for its answer", async () => {
    const broker = await startBroker({ port: 0, logLevel: "silent" });
    closers.push(() => broker.close());
    const pool = new BrokerPool({ ...options, bootstrap: [broker.bootstrap], retryMax: 1, retryBackoff: 1 });
    const metadata = new MetadataCache(pool, { clock: realClock, refreshFrequency: 0 });
    closers.push(() => metadata.close());
    await metadata.refresh(["idle"]);
    const c = await pool.get(broker.nodeId);
    const poll = c.request(ApiKey.Fetch, {
      clusterId: null,
      replicaId: -1,
      replicaState: { replicaId: -1, replicaEpoch: -1n },
      maxWaitMs: 20_000,
      minBytes: 1,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topic: "idle",
          topicId: "AAAAAAAAAAAAAAAAAAAAAA",
          partitions: [
            {
              partition: 0,
              currentLeaderEpoch: -1,
              fetchOffset: 0n,
              lastFetchedEpoch: -1,
              logStartOffset: -1n,
              partitionMaxBytes: 1 << 20,
              replicaDirectoryId: "AAAAAAAAAAAAAAAAAAAAAA",
            },
          ],
        },
      ],
      forgottenTopicsData: [],
      rackId: "",
    });
    const started = Date.now();
    await pool.destroy();
    await expect(poll).rejects.toSatisfy(isBrokerConnectionError);
    expect(Date.now() - started).toBeLessThan(5000);
    await expect(pool.get(broker.nodeId)).rejects.toSatisfy(isBrokerConnectionError);
  });
});
