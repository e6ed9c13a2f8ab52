import { request as httpGet } from "node:http";
import { connect } from "node:net";
import { ApiKey, decodeRecordBatches } from "@csp-kit/kafka-protocol";
import { ManualClock } from "@csp-kit/timers/testing";
import { describe, expect, it } from "vitest";
import { isBrokerStartError, isInvalidBrokerConfigError, startBroker } from "../src/index.js";
import { eventually, useBrokers, useTempDirs } from "./support/broker.js";
import { batchOf, fetchBody, metadataBody, produceBody, RawClient } from "./support/client.js";

const start = useBrokers();
const tempDir = useTempDirs();
const text = new TextDecoder();

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpGet({ host: "127.0.0.1", port, path }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => {
        body += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port });
    s.on("connect", () => {
      s.destroy();
      resolve(false);
    });
    s.on("error", () => resolve(true));
  });
}

async function valuesOf(client: RawClient, topic: string): Promise<string[]> {
  const r = await client.request(ApiKey.Fetch, 11, fetchBody(topic, 0, 0n));
  const { batches } = await decodeRecordBatches(r.responses[0]!.partitions[0]!.records!);
  return batches.flatMap((b) => b.records.map((x) => text.decode(x.value!)));
}

describe("startBroker", () => {
  it("listens on 127.0.0.1 on a free port by default, and stops listening at close", async () => {
    const broker = await startBroker({ logLevel: "silent" });
    expect(broker.host).toBe("127.0.0.1");
    expect(broker.port).toBeGreaterThan(0);
    expect(broker.bootstrap).toBe(`127.0.0.1:${broker.port}`);
    const client = await RawClient.connect(broker.port);
    await client.request(ApiKey.Metadata, 4, metadataBody(null));
    await broker.close();
    await client.closed;
    expect(await refused(broker.port)).toBe(true);
    await broker.close(); // idempotent
  });

  it("refuses a port that is taken with BrokerStartError, leaving nothing behind", async () => {
    const { port } = await start();
    const error = await startBroker({ port, logLevel: "silent" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isBrokerStartError(error)).toBe(true);
    expect((error as Error).message).toMatch(new RegExp(`cannot listen on 127.0.0.1:${port}: .*EADDRINUSE`));
  });

  it("refuses a bad option before anything listens", async () => {
    await expect(startBroker({ port: 70_000 })).rejects.toSatisfy(isInvalidBrokerConfigError);
  });

  it("creates topics for embedding code, with the same checks as CreateTopics", async () => {
    const { broker } = await start();
    broker.createTopic("emb", { partitions: 2, configs: { "retention.ms": "-1" } });
    expect(broker.stats().topics[0]).toMatchObject({ name: "emb" });
    expect(() => broker.createTopic("emb")).toThrow(/the topic exists/);
    expect(() => broker.createTopic("a b")).toThrow(/illegal/);
    expect(() => broker.createTopic("p0", { partitions: 0 })).toThrow(/partitions/);
    expect(() => broker.createTopic("cfg", { configs: { "cleanup.policy": "compact" } })).toThrow(/compact/);
    expect(await broker.deleteTopic("emb")).toBe(true);
    expect(await broker.deleteTopic("emb")).toBe(false);
  });

  it("serves its state over HTTP: topics with offsets, connections with their outbox", async () => {
    const { broker, port } = await start({ httpPort: 0 });
    broker.createTopic("web");
    const client = await RawClient.connect(port);
    await client.request(ApiKey.Produce, 7, produceBody("web", 0, batchOf(["x"])));
    const state = await get(broker.httpPort!, "/api/state");
    expect(state.status).toBe(200);
    const json = JSON.parse(state.body);
    expect(json.topics[0]).toMatchObject({ name: "web", partitions: [{ partition: 0, highWatermark: 1 }] });
    expect(json.connections[0]).toMatchObject({ clientId: "raw-test", requests: 1, outboxBytes: 0 });
    expect(json.slowClientPolicy).toBe("soft 64 MiB for 60 s");
    expect(await get(broker.httpPort!, "/healthz")).toEqual({ status: 200, body: "ok\n" });
    expect((await get(broker.httpPort!, "/nope")).status).toBe(404);
    client.close();
  });

  it("applies retention on its clock: old segments go, the log start moves up", async () => {
    const clock = new ManualClock(1_000_000);
    const { broker, port } = await start({ clock, retentionCheckIntervalMs: 1000 });
    broker.createTopic("ret", { configs: { "retention.ms": "5000", "segment.bytes": "100" } });
    const client = await RawClient.connect(port);
    for (const v of ["a", "b", "c"])
      await client.request(ApiKey.Produce, 7, produceBody("ret", 0, batchOf([v], { baseTimestamp: 1_000_000 })));
    await client.request(ApiKey.Produce, 7, produceBody("ret", 0, batchOf(["new"], { baseTimestamp: 1_009_000 })));
    await clock.advanceAsync(10_000);
    await eventually(() => broker.stats().topics[0]!.partitions[0]!.logStartOffset === 3, "retention ran");
    const below = await client.request(ApiKey.Fetch, 11, fetchBody("ret", 0, 0n));
    expect(below.responses[0]!.partitions[0]!.errorCode).toBe(1); // offset 0 is below the log start now
    const r = await client.request(ApiKey.Fetch, 11, fetchBody("ret", 0, 3n));
    expect(r.responses[0]!.partitions[0]!.logStartOffset).toBe(3n);
    client.close();
  });
});

describe("a broker with a data directory", () => {
  it("keeps topics, ids, records and the cluster id across a restart", async () => {
    const dataDir = tempDir();
    const first = await startBroker({ dataDir, logLevel: "silent", flush: "always" });
    first.createTopic("kept", { partitions: 2 });
    first.createTopic("dropped");
    let client = await RawClient.connect(first.port);
    await client.request(ApiKey.Produce, 7, produceBody("kept", 0, batchOf(["one", "two"])));
    await client.request(ApiKey.Produce, 7, produceBody("dropped", 0, batchOf(["gone"])));
    const pid1 = (
      await client.request(ApiKey.InitProducerId, 1, {
        transactionalId: null,
        transactionTimeoutMs: 1000,
        producerId: -1n,
        producerEpoch: -1,
      })
    ).producerId;
    await first.deleteTopic("dropped");
    const before = first.stats();
    client.close();
    await first.close();

    const second = await startBroker({ dataDir, logLevel: "silent" });
    try {
      const after = second.stats();
      expect(after.clusterId).toBe(before.clusterId);
      expect(after.topics.map((t) => [t.name, t.id, t.partitions.length])).toEqual(
        before.topics.map((t) => [t.name, t.id, t.partitions.length]),
      );
      client = await RawClient.connect(second.port);
      expect(await valuesOf(client, "kept")).toEqual(["one", "two"]);
      const pid2 = (
        await client.request(ApiKey.InitProducerId, 1, {
          transactionalId: null,
          transactionTimeoutMs: 1000,
          producerId: -1n,
          producerEpoch: -1,
        })
      ).producerId;
      expect(pid2).not.toBe(pid1);
      // A topic deleted before the restart stays deleted, and comes back empty when created again.
      second.createTopic("dropped");
      const r = await client.request(ApiKey.Fetch, 11, fetchBody("dropped", 0, 0n));
      expect(r.responses[0]!.partitions[0]!.highWatermark).toBe(0n);
      client.close();
    } finally {
      await second.close();
    }
  });

  it("refuses a data directory whose metadata file is not its own, with BrokerStartError", async () => {
    const dataDir = tempDir();
    const { writeFileSync } = await import("node:fs");
    writeFileSync(`${dataDir}/broker-metadata.json`, "{ not json");
    const error = await startBroker({ dataDir, logLevel: "silent" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isBrokerStartError(error)).toBe(true);
    expect((error as Error).message).toMatch(/is not valid JSON/);
  });
});
