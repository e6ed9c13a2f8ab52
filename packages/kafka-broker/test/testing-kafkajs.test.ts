/**
 * Each fault of `./testing` as kafkajs 2.2.4 sees it: scenarios named after
 * what happens to the client (errors retried, a leader that moves, a broker
 * bounce, a slow broker, a stall, a connection lost before the request and
 * an ack lost after the append, part of a batch failed), each checked in
 * the request history and in what the log holds.
 */

import { ApiKey, decodeRecordBatches } from "@csp-kit/kafka-protocol";
import { ManualClock } from "@csp-kit/timers/testing";
import { Kafka, logLevel, type Producer } from "kafkajs";
import { afterEach, describe, expect, it } from "vitest";
import { type Cluster, type ClusterOptions, startCluster } from "../src/index.js";
import { silentLogger } from "../src/internal/server/logger.js";
import { type FaultInjector, injectFaults } from "../src/testing.js";
import { fetchBody, RawClient } from "./support/client.js";

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function setup(
  options: ClusterOptions & { readonly idempotent?: boolean } = {},
): Promise<{ cluster: Cluster; faults: FaultInjector; producer: Producer }> {
  const { idempotent = false, ...clusterOptions } = options;
  const cluster = await startCluster({ brokers: 3, logger: silentLogger, ...clusterOptions });
  closers.push(() => cluster.close());
  const faults = injectFaults(cluster);
  closers.push(() => faults.detach());
  const kafka = new Kafka({
    clientId: "kafkajs-faults",
    brokers: [...cluster.bootstrapServers],
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 20, maxRetryTime: 200 },
  });
  const producer = kafka.producer(idempotent ? { idempotent: true, maxInFlightRequests: 1 } : {});
  await producer.connect();
  closers.push(() => producer.disconnect());
  return { cluster, faults, producer };
}

const text = new TextDecoder();

async function stored(cluster: Cluster, topic: string, partition = 0): Promise<string[]> {
  const client = await RawClient.connect(cluster.broker(cluster.leaderOf(topic, partition).leader).port);
  try {
    const r = await client.request(ApiKey.Fetch, 11, fetchBody(topic, partition, 0n));
    const p = r.responses[0]!.partitions[0]!;
    if (p.records === null || p.records.byteLength === 0) return [];
    const { batches } = await decodeRecordBatches(p.records);
    return batches.flatMap((b) => b.records.map((x) => text.decode(x.value!)));
  } finally {
    client.close();
  }
}

describe("kafkajs under faults", () => {
  it("errors retried: pushed NOT_LEADER_OR_FOLLOWER twice, the third Produce lands", async () => {
    const { cluster, faults, producer } = await setup();
    cluster.createTopic("retried", { partitions: 1 });
    faults.pushErrors(ApiKey.Produce, ["NOT_LEADER_OR_FOLLOWER", "NOT_LEADER_OR_FOLLOWER"]);
    const [result] = await producer.send({ topic: "retried", messages: [{ value: "once" }] });
    expect(result).toMatchObject({ errorCode: 0, baseOffset: "0" });
    expect(faults.history.filter({ apiKey: ApiKey.Produce }).map((r) => r.faults)).toEqual([["error"], ["error"], []]);
    // Each error made it ask for Metadata again.
    expect(faults.history.count({ apiKey: ApiKey.Metadata })).toBeGreaterThanOrEqual(3);
    expect(await stored(cluster, "retried")).toEqual(["once"]);
  });

  it("out of retries: a sticky non-retriable error reaches the caller", async () => {
    const { cluster, faults, producer } = await setup();
    cluster.createTopic("refused", { partitions: 1 });
    const sticky = faults.setError(ApiKey.Produce, "TOPIC_AUTHORIZATION_FAILED");
    await expect(producer.send({ topic: "refused", messages: [{ value: "x" }] })).rejects.toThrow(/authoriz/i);
    sticky.clear();
    await producer.send({ topic: "refused", messages: [{ value: "y" }] });
    expect(await stored(cluster, "refused")).toEqual(["y"]);
  });

  it("leader moves: the next send goes to the new leader after one NOT_LEADER_OR_FOLLOWER", async () => {
    const { cluster, faults, producer } = await setup();
    cluster.createTopic("moved", { partitions: 1 });
    await producer.send({ topic: "moved", messages: [{ value: "before" }] });
    expect(faults.history.last({ apiKey: ApiKey.Produce })!.broker).toBe(1);
    faults.moveLeader("moved", 0, 3);
    const since = faults.history.mark();
    await producer.send({ topic: "moved", messages: [{ value: "after" }] });
    expect(faults.history.filter({ apiKey: ApiKey.Produce, since }).map((r) => r.broker)).toEqual([1, 3]);
    expect(await stored(cluster, "moved")).toEqual(["before", "after"]);
  });

  it("broker bounce: the leader goes down and its partition moves; kafkajs reconnects to the new leader, then the old one comes back", async () => {
    const { cluster, faults, producer } = await setup();
    cluster.createTopic("bounce", { partitions: 1 });
    await producer.send({ topic: "bounce", messages: [{ value: "1" }] });
    await faults.brokerDown(1);
    faults.moveLeader("bounce", 0, 2);
    await producer.send({ topic: "bounce", messages: [{ value: "2" }] });
    expect(faults.history.last({ apiKey: ApiKey.Produce })!.broker).toBe(2);
    await faults.brokerUp(1);
    faults.moveLeader("bounce", 0, 1);
    await producer.send({ topic: "bounce", messages: [{ value: "3" }] });
    expect(faults.history.last({ apiKey: ApiKey.Produce })!.broker).toBe(1);
    expect(await stored(cluster, "bounce")).toEqual(["1", "2", "3"]);
  });

  it("a slow broker: added latency holds the ack until the cluster's clock has moved on", async () => {
    const clock = new ManualClock();
    const { cluster, faults, producer } = await setup({ clock });
    cluster.createTopic("slow", { partitions: 1 });
    faults.addLatency(2_000, { apiKey: ApiKey.Produce, broker: 1 });
    let acked = false;
    const sending = producer.send({ topic: "slow", messages: [{ value: "late" }] }).then((r) => {
      acked = true;
      return r;
    });
    await faults.history.waitFor({ apiKey: ApiKey.Produce });
    expect(await stored(cluster, "slow")).toEqual(["late"]); // appended at once
    expect(acked).toBe(false);
    clock.advance(2_000);
    expect((await sending)[0]!.errorCode).toBe(0);
  });

  it("a stall: the response waits for release(), and kafkajs's request times out and retries meanwhile", async () => {
    const { cluster, faults } = await setup();
    cluster.createTopic("stalled", { partitions: 1 });
    const kafka = new Kafka({
      clientId: "kafkajs-stall",
      brokers: [...cluster.bootstrapServers],
      logLevel: logLevel.NOTHING,
      requestTimeout: 200,
      retry: { retries: 5, initialRetryTime: 20, maxRetryTime: 100 },
    });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    closers.push(() => producer.disconnect());
    const stall = faults.stall({ apiKey: ApiKey.Produce });
    const sending = producer.send({ topic: "stalled", messages: [{ value: "held" }] });
    await faults.history.waitFor({ apiKey: ApiKey.Produce }, { count: 2 }); // a retry after its timeout
    expect(stall.held).toBeGreaterThanOrEqual(1);
    stall.release();
    expect((await sending)[0]!.errorCode).toBe(0);
    // Idempotent: the retried batch was recognised, the record is there once.
    expect(await stored(cluster, "stalled")).toEqual(["held"]);
  });

  it("a connection lost before the request: kafkajs reconnects and resends, the record is stored once", async () => {
    const { cluster, faults, producer } = await setup();
    cluster.createTopic("lost", { partitions: 1 });
    faults.dropConnection({ apiKey: ApiKey.Produce });
    await producer.send({ topic: "lost", messages: [{ value: "resent" }] });
    expect(faults.history.filter({ apiKey: ApiKey.Produce }).map((r) => r.faults)).toEqual([
      ["drop-before-handling"],
      [],
    ]);
    expect(await stored(cluster, "lost")).toEqual(["resent"]);
  });

  it("an ack lost after the append: a plain producer stores the record twice, an idempotent one once", async () => {
    const plain = await setup();
    plain.cluster.createTopic("twice", { partitions: 1 });
    plain.faults.dropConnection({ apiKey: ApiKey.Produce, when: "after-handling" });
    await plain.producer.send({ topic: "twice", messages: [{ value: "dup" }] });
    expect(await stored(plain.cluster, "twice")).toEqual(["dup", "dup"]);

    const idem = await setup({ idempotent: true });
    idem.cluster.createTopic("once", { partitions: 1 });
    idem.faults.dropConnection({ apiKey: ApiKey.Produce, when: "after-handling" });
    const [result] = await idem.producer.send({ topic: "once", messages: [{ value: "single" }] });
    expect(result!.baseOffset).toBe("0"); // the retry was answered with the original offset
    expect(await stored(idem.cluster, "once")).toEqual(["single"]);
    expect(idem.faults.history.filter({ apiKey: ApiKey.Produce }).map((r) => r.faults)).toEqual([
      ["drop-after-handling"],
      [],
    ]);
  });

  it("part of a batch failed: the failed partition is retried and every record is stored once (idempotent)", async () => {
    const { cluster, faults, producer } = await setup({ brokers: 1, idempotent: true });
    cluster.createTopic("part", { partitions: 2 });
    faults.failPartitions([{ topic: "part", partition: 1, error: "NOT_ENOUGH_REPLICAS" }]);
    const results = await producer.send({
      topic: "part",
      messages: [
        { partition: 0, value: "p0" },
        { partition: 1, value: "p1" },
      ],
    });
    expect(results.map((r) => r.errorCode)).toEqual([0, 0]);
    const [first, second] = faults.history.filter({ apiKey: ApiKey.Produce });
    expect(first!.faults).toEqual(["error"]);
    expect(second!.faults).toEqual([]);
    expect(await stored(cluster, "part", 0)).toEqual(["p0"]);
    expect(await stored(cluster, "part", 1)).toEqual(["p1"]);
  });
});
