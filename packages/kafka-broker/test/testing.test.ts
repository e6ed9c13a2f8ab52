/**
 * The fault injector (`./testing`), each fault observed by a raw client:
 * pushed and sticky errors (per partition and top-level), part of a batch
 * failed, leader moves, brokers down and up, latency on a ManualClock,
 * stalls, connections dropped before handling and after the append, and
 * the request history with `waitFor`.
 */

import { ApiKey, KafkaErrorCode } from "@csp-kit/kafka-protocol";
import { ManualClock } from "@csp-kit/timers/testing";
import { afterEach, describe, expect, it } from "vitest";
import { type Cluster, type ClusterOptions, startBroker, startCluster } from "../src/index.js";
import { silentLogger } from "../src/internal/server/logger.js";
import {
  type FaultInjector,
  injectFaults,
  isFaultInjectorError,
  isUnknownBrokerError,
  isUnknownTopicError,
  isWaitForTimeoutError,
} from "../src/testing.js";
import { batchOf, fetchBody, listOffsetsBody, metadataBody, produceBody, RawClient } from "./support/client.js";

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function cluster(options: ClusterOptions = {}): Promise<{ cluster: Cluster; faults: FaultInjector }> {
  const c = await startCluster({ logger: process.env.DEBUG_CLUSTER ? undefined : silentLogger, ...options });
  closers.push(() => c.close());
  const faults = injectFaults(c);
  closers.push(() => faults.detach());
  return { cluster: c, faults };
}

async function connect(port: number): Promise<RawClient> {
  const client = await RawClient.connect(port);
  closers.push(() => client.close());
  return client;
}

function produceCode(r: { responses: { partitionResponses: { errorCode: number }[] }[] }): number[] {
  return r.responses.flatMap((t) => t.partitionResponses.map((p) => p.errorCode));
}

function twoPartitions(topic: string, a: string, b: string) {
  return {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30_000,
    topicData: [
      {
        name: topic,
        partitionData: [
          { index: 0, records: batchOf([a]) },
          { index: 1, records: batchOf([b]) },
        ],
      },
    ],
  };
}

describe("pushed and sticky errors", () => {
  it("answers the next K Produce requests with the pushed codes, in order, then serves as usual", async () => {
    const { cluster: c, faults } = await cluster({ brokers: 1 });
    c.createTopic("t");
    faults.pushErrors(ApiKey.Produce, ["NOT_LEADER_OR_FOLLOWER", 0, KafkaErrorCode.REQUEST_TIMED_OUT]);
    const client = await connect(c.broker(1).port);
    const codes = [];
    for (let i = 0; i < 4; i++)
      codes.push(...produceCode(await client.request(ApiKey.Produce, 7, produceBody("t", 0, batchOf([`m${i}`])))));
    expect(codes).toEqual([KafkaErrorCode.NOT_LEADER_OR_FOLLOWER, 0, KafkaErrorCode.REQUEST_TIMED_OUT, 0]);
    // A failed partition stored nothing: two appends got through.
    expect(c.stats().topics[0]!.partitions[0]!.highWatermark).toBe(2);
    expect(faults.history.filter({ apiKey: ApiKey.Produce }).map((r) => r.faults)).toEqual([
      ["error"],
      [],
      ["error"],
      [],
    ]);
  });

  it("fails only the scoped partitions of a request; a request that does not name them is not counted", async () => {
    const { cluster: c, faults } = await cluster({ brokers: 1 });
    c.createTopic("two", { partitions: 2 });
    const handle = faults.pushErrors(ApiKey.Produce, ["LEADER_NOT_AVAILABLE"], {
      partitions: [{ topic: "two", partition: 1 }],
    });
    const client = await connect(c.broker(1).port);
    const other = await client.request(ApiKey.Produce, 7, produceBody("two", 0, batchOf(["only-p0"])));
    expect(produceCode(other)).toEqual([0]);
    expect(handle.active).toBe(true);
    const both = await client.request(ApiKey.Produce, 7, twoPartitions("two", "a", "b"));
    expect(produceCode(both)).toEqual([0, KafkaErrorCode.LEADER_NOT_AVAILABLE]);
    expect(handle).toMatchObject({ active: false, applied: 1 });
    expect(c.stats().topics[0]!.partitions.map((p) => p.highWatermark)).toEqual([2, 0]);
  });

  it("fails part of a batch with failPartitions: chosen partitions get their errors, the others are appended", async () => {
    const { cluster: c, faults } = await cluster({ brokers: 1 });
    c.createTopic("batch", { partitions: 2 });
    faults.failPartitions([{ topic: "batch", partition: 0, error: "KAFKA_STORAGE_ERROR" }]);
    const client = await connect(c.broker(1).port);
    const r = await client.request(ApiKey.Produce, 7, twoPartitions("batch", "fails", "lands"));
    expect(produceCode(r)).toEqual([KafkaErrorCode.KAFKA_STORAGE_ERROR, 0]);
    expect(c.stats().topics[0]!.partitions.map((p) => p.highWatermark)).toEqual([0, 1]);
    const retry = await client.request(ApiKey.Produce, 7, twoPartitions("batch", "again", "again"));
    expect(produceCode(retry)).toEqual([0, 0]);
  });

  it("keeps a sticky error until its handle is cleared, on Fetch and ListOffsets partitions too", async () => {
    const { cluster: c, faults } = await cluster({ brokers: 1 });
    c.createTopic("s");
    const fetchFault = faults.setError(ApiKey.Fetch, "OFFSET_OUT_OF_RANGE");
    const offsetsFault = faults.setError(ApiKey.ListOffsets, KafkaErrorCode.UNKNOWN_LEADER_EPOCH);
    const client = await connect(c.broker(1).port);
    for (let i = 0; i < 3; i++) {
      const f = await client.request(ApiKey.Fetch, 11, fetchBody("s", 0, 0n));
      expect(f.responses[0]!.partitions[0]!.errorCode).toBe(KafkaErrorCode.OFFSET_OUT_OF_RANGE);
    }
    const o = await client.request(ApiKey.ListOffsets, 5, listOffsetsBody("s", 0, -1n));
    expect(o.topics[0]!.partitions[0]!.errorCode).toBe(KafkaErrorCode.UNKNOWN_LEADER_EPOCH);
    expect(fetchFault.applied).toBe(3);
    fetchFault.clear();
    offsetsFault.clear();
    const f = await client.request(ApiKey.Fetch, 11, fetchBody("s", 0, 0n));
    expect(f.responses[0]!.partitions[0]!.errorCode).toBe(0);
  });

  it("answers APIs without partitions in their top-level error, and Metadata per topic", async () => {
    const { cluster: c, faults } = await cluster({ brokers: 2 });
    c.createTopic("md");
    faults.pushErrors(ApiKey.InitProducerId, ["COORDINATOR_LOAD_IN_PROGRESS"]);
    faults.pushErrors(ApiKey.FindCoordinator, ["COORDINATOR_NOT_AVAILABLE", "COORDINATOR_NOT_AVAILABLE"]);
    faults.pushErrors(ApiKey.Metadata, ["LEADER_NOT_AVAILABLE"]);
    const client = await connect(c.broker(2).port);
    const init = await client.request(ApiKey.InitProducerId, 1, {
      transactionalId: null,
      transactionTimeoutMs: 60_000,
      producerId: -1n,
      producerEpoch: -1,
    });
    expect(init).toMatchObject({ errorCode: KafkaErrorCode.COORDINATOR_LOAD_IN_PROGRESS, producerId: -1n });
    const v3 = await client.request(ApiKey.FindCoordinator, 3, { key: "g", keyType: 0, coordinatorKeys: [] });
    expect(v3.errorCode).toBe(KafkaErrorCode.COORDINATOR_NOT_AVAILABLE);
    const v4 = await client.request(ApiKey.FindCoordinator, 4, { key: "", keyType: 0, coordinatorKeys: ["a"] });
    expect(v4.coordinators.map((k) => k.errorCode)).toEqual([KafkaErrorCode.COORDINATOR_NOT_AVAILABLE]);
    const md = await client.request(ApiKey.Metadata, 9, metadataBody(["md"]));
    expect(md.topics[0]).toMatchObject({ name: "md", errorCode: KafkaErrorCode.LEADER_NOT_AVAILABLE, partitions: [] });
    expect(md.brokers).toHaveLength(2);
    const again = await client.request(ApiKey.Metadata, 9, metadataBody(["md"]));
    expect(again.topics[0]!.errorCode).toBe(0);
    const init2 = await client.request(ApiKey.InitProducerId, 1, {
      transactionalId: null,
      transactionTimeoutMs: 60_000,
      producerId: -1n,
      producerEpoch: -1,
    });
    expect(init2.errorCode).toBe(0);
  });

  it("scopes a fault to one broker", async () => {
    const { cluster: c, faults } = await cluster({ brokers: 2 });
    faults.setError(ApiKey.ApiVersions, "UNSUPPORTED_VERSION", { broker: 2 });
    const one = await connect(c.broker(1).port);
    const two = await connect(c.broker(2).port);
    expect(
      (await one.request(ApiKey.ApiVersions, 3, { clientSoftwareName: "t", clientSoftwareVersion: "1" })).errorCode,
    ).toBe(0);
    expect(
      (await two.request(ApiKey.ApiVersions, 3, { clientSoftwareName: "t", clientSoftwareVersion: "1" })).errorCode,
    ).toBe(KafkaErrorCode.UNSUPPORTED_VERSION);
  });
});

describe("leaders and brokers", () => {
  it("moves a leader: the old leader refuses, Metadata names the new one with a new epoch", async () => {
    const { cluster: c, faults } = await cluster({ brokers: 3 });
    c.createTopic("lead", { partitions: 1 });
    expect(faults.leaderOf("lead", 0)).toEqual({ leader: 1, leaderEpoch: 0 });
    expect(faults.moveLeader("lead", 0, 3)).toBe(1);
    const one = await connect(c.broker(1).port);
    expect(produceCode(await one.request(ApiKey.Produce, 7, produceBody("lead", 0, batchOf(["x"]))))).toEqual([
      KafkaErrorCode.NOT_LEADER_OR_FOLLOWER,
    ]);
    const md = await one.request(ApiKey.Metadata, 9, metadataBody(["lead"]));
    expect(md.topics[0]!.partitions[0]).toMatchObject({ leaderId: 3, leaderEpoch: 1 });
  });

  it("takes a broker down (connections drop, connects refused, still in Metadata, no longer the controller) and up on the same port", async () => {
    const { cluster: c, faults } = await cluster({ brokers: 3 });
    const port = c.broker(1).port;
    const before = await connect(port);
    await faults.brokerDown(1);
    await before.closed;
    expect(c.broker(1).up).toBe(false);
    await expect(RawClient.connect(port)).rejects.toThrow(/ECONNREFUSED/);
    const two = await connect(c.broker(2).port);
    const md = await two.request(ApiKey.Metadata, 9, metadataBody(null));
    expect(md.brokers.map((b) => b.nodeId)).toEqual([1, 2, 3]);
    expect(md.controllerId).toBe(2);
    const coordinator = await two.request(ApiKey.FindCoordinator, 3, { key: "g", keyType: 0, coordinatorKeys: [] });
    expect(coordinator.nodeId).toBe(2);
    await faults.brokerDown(1); // no-op
    await faults.brokerUp(1);
    expect(c.broker(1).up).toBe(true);
    expect(c.broker(1).port).toBe(port);
    const after = await connect(port);
    const md2 = await after.request(ApiKey.Metadata, 9, metadataBody(null));
    expect(md2.controllerId).toBe(1);
  });

  it("keeps every record across a broker bounce: the log belongs to the partition", async () => {
    const { cluster: c, faults } = await cluster({ brokers: 2 });
    c.createTopic("keep", { partitions: 1 });
    const one = await connect(c.broker(1).port);
    await one.request(ApiKey.Produce, 7, produceBody("keep", 0, batchOf(["a", "b"])));
    await faults.brokerDown(1);
    await faults.brokerUp(1);
    const again = await connect(c.broker(1).port);
    const f = await again.request(ApiKey.Fetch, 11, fetchBody("keep", 0, 0n));
    expect(f.responses[0]!.partitions[0]!.highWatermark).toBe(2n);
  });

  it("works on a single broker from startBroker too", async () => {
    const broker = await startBroker({ logger: silentLogger });
    closers.push(() => broker.close());
    broker.createTopic("single");
    const faults = injectFaults(broker);
    closers.push(() => faults.detach());
    expect(faults.brokerIds).toEqual([1]);
    faults.pushErrors(ApiKey.Produce, ["NOT_LEADER_OR_FOLLOWER"]);
    const client = await connect(broker.port);
    expect(produceCode(await client.request(ApiKey.Produce, 7, produceBody("single", 0, batchOf(["x"]))))).toEqual([6]);
    await faults.brokerDown(1);
    await client.closed;
    await expect(RawClient.connect(broker.port)).rejects.toThrow(/ECONNREFUSED/);
    await faults.brokerUp(1);
    const back = await connect(broker.port);
    expect(produceCode(await back.request(ApiKey.Produce, 7, produceBody("single", 0, batchOf(["y"]))))).toEqual([0]);
    expect(faults.moveLeader("single", 0, 1)).toBe(1);
  });
});

describe("latency, stalls and dropped connections", () => {
  it("delays responses by the cluster's clock without holding up other connections", async () => {
    const clock = new ManualClock();
    const { cluster: c, faults } = await cluster({ brokers: 1, clock });
    const slow = await connect(c.broker(1).port);
    const fast = await connect(c.broker(1).port);
    faults.addLatency(500, { apiKey: ApiKey.Metadata, clientId: "raw-test" });
    let answered = false;
    const delayed = slow.request(ApiKey.Metadata, 9, metadataBody(null)).then((r) => {
      answered = true;
      return r;
    });
    await faults.history.waitFor({ apiKey: ApiKey.Metadata });
    // Another connection's request of another API is answered meanwhile.
    await fast.request(ApiKey.ApiVersions, 3, { clientSoftwareName: "t", clientSoftwareVersion: "1" });
    expect(answered).toBe(false);
    clock.advance(499);
    await fast.request(ApiKey.ApiVersions, 3, { clientSoftwareName: "t", clientSoftwareVersion: "1" });
    expect(answered).toBe(false);
    clock.advance(1);
    expect((await delayed).brokers).toHaveLength(1);
    expect(faults.history.last({ apiKey: ApiKey.Metadata })!.faults).toEqual(["latency"]);
  });

  it("stalls responses until released; the request itself is handled at once and later ones queue behind", async () => {
    const { cluster: c, faults } = await cluster({ brokers: 1 });
    c.createTopic("stall");
    const stall = faults.stall({ apiKey: ApiKey.Produce });
    const client = await connect(c.broker(1).port);
    const first = client.request(ApiKey.Produce, 7, produceBody("stall", 0, batchOf(["one"])));
    const second = client.request(ApiKey.Produce, 7, produceBody("stall", 0, batchOf(["two"])));
    await faults.history.waitFor({ apiKey: ApiKey.Produce }, { count: 2 });
    expect(stall.held).toBe(2);
    expect(c.stats().topics[0]!.partitions[0]!.highWatermark).toBe(2); // appended, not answered
    stall.release();
    expect((await first).responses[0]!.partitionResponses[0]!.baseOffset).toBe(0n);
    expect((await second).responses[0]!.partitionResponses[0]!.baseOffset).toBe(1n);
    expect(stall).toMatchObject({ active: false, held: 0, applied: 2 });
  });

  it("drops the connection before handling the next matching request: nothing is appended", async () => {
    const { cluster: c, faults } = await cluster({ brokers: 1 });
    c.createTopic("drop");
    faults.dropConnection({ apiKey: ApiKey.Produce });
    const client = await connect(c.broker(1).port);
    await expect(client.request(ApiKey.Produce, 7, produceBody("drop", 0, batchOf(["lost"])))).rejects.toThrow(
      /closed the connection/,
    );
    expect(c.stats().topics[0]!.partitions[0]!.highWatermark).toBe(0);
    const next = await connect(c.broker(1).port);
    expect(produceCode(await next.request(ApiKey.Produce, 7, produceBody("drop", 0, batchOf(["kept"]))))).toEqual([0]);
    expect(faults.history.filter({ apiKey: ApiKey.Produce }).map((r) => r.faults)).toEqual([
      ["drop-before-handling"],
      [],
    ]);
  });

  it("uses up nothing else on a request it drops before handling: a pushed error waits for the next one", async () => {
    const { cluster: c, faults } = await cluster({ brokers: 1 });
    c.createTopic("order");
    const error = faults.pushErrors(ApiKey.Produce, ["NOT_LEADER_OR_FOLLOWER"]);
    faults.dropConnection({ apiKey: ApiKey.Produce, count: 2 });
    for (let i = 0; i < 2; i++) {
      const client = await connect(c.broker(1).port);
      await expect(client.request(ApiKey.Produce, 7, produceBody("order", 0, batchOf(["x"])))).rejects.toThrow(
        /closed/,
      );
    }
    expect(error.applied).toBe(0);
    const client = await connect(c.broker(1).port);
    expect(produceCode(await client.request(ApiKey.Produce, 7, produceBody("order", 0, batchOf(["y"]))))).toEqual([6]);
    expect(faults.unused()).toEqual([]);
  });

  it("drops the connection after the append and before the response: an ack lost", async () => {
    const { cluster: c, faults } = await cluster({ brokers: 1 });
    c.createTopic("ack");
    faults.dropConnection({ apiKey: ApiKey.Produce, when: "after-handling" });
    const client = await connect(c.broker(1).port);
    await expect(client.request(ApiKey.Produce, 7, produceBody("ack", 0, batchOf(["appended"])))).rejects.toThrow(
      /closed the connection/,
    );
    expect(c.stats().topics[0]!.partitions[0]!.highWatermark).toBe(1);
  });
});

describe("the request history", () => {
  it("records api, version, correlation id, client id, broker, topic-partitions and time", async () => {
    const clock = new ManualClock(1_000);
    const { cluster: c, faults } = await cluster({ brokers: 2, clock });
    c.createTopic("h", { partitions: 2 });
    const two = await connect(c.broker(2).port);
    await two.request(ApiKey.Metadata, 9, metadataBody(["h"]));
    clock.advance(5);
    await two.request(ApiKey.Produce, 7, produceBody("h", 1, batchOf(["x"])));
    const [md, produce] = faults.history.all();
    expect(md).toMatchObject({
      seq: 0,
      apiKey: 3,
      apiName: "Metadata",
      apiVersion: 9,
      broker: 2,
      topics: ["h"],
      at: 1_000,
    });
    expect(produce).toMatchObject({
      seq: 1,
      apiKey: ApiKey.Produce,
      apiName: "Produce",
      apiVersion: 7,
      correlationId: 2,
      clientId: "raw-test",
      broker: 2,
      topicPartitions: [{ topic: "h", partition: 1 }],
      at: 1_005,
      faults: [],
    });
    expect(produce!.request.apiKey).toBe(ApiKey.Produce);
    expect(faults.history.count({ topic: "h", partition: 1 })).toBe(1);
    expect(faults.history.count({ broker: 1 })).toBe(0);
  });

  it("waits for requests still to come, counting from a mark, and times out with a typed error", async () => {
    const { cluster: c, faults } = await cluster({ brokers: 1 });
    const client = await connect(c.broker(1).port);
    await client.request(ApiKey.Metadata, 9, metadataBody(null));
    const since = faults.history.mark();
    const waiting = faults.history.waitFor({ apiKey: ApiKey.Metadata, since }, { count: 2 });
    await client.request(ApiKey.Metadata, 9, metadataBody(null));
    await client.request(ApiKey.Metadata, 9, metadataBody(null));
    expect((await waiting).seq).toBe(2);
    const err = await faults.history
      .waitFor((r) => r.apiKey === ApiKey.Produce, { timeoutMs: 20 })
      .catch((e: unknown) => e);
    expect(isWaitForTimeoutError(err)).toBe(true);
    expect(String(err)).toMatch(/0 of 1 matching requests within 20 ms; the last recorded: #0 Metadata v9 to broker 1/);
    await expect(faults.history.waitFor({ apiKey: ApiKey.Produce, count: 2 } as { apiKey: number })).rejects.toThrow(
      /count goes in waitFor's options/,
    );
    const aborted = new AbortController();
    const pending = faults.history.waitFor({ apiKey: ApiKey.Produce }, { signal: aborted.signal });
    aborted.abort(new Error("test over"));
    await expect(pending).rejects.toThrow("test over");
  });
});

describe("the history's bounds", () => {
  it("keeps at most historyLimit entries and historyMaxBytes of Produce records, dropping the oldest; seq goes on", async () => {
    const c = await startCluster({ brokers: 1, logger: silentLogger });
    closers.push(() => c.close());
    c.createTopic("bounded");
    const faults = injectFaults(c, { historyLimit: 3, historyMaxBytes: 2_000 });
    closers.push(() => faults.detach());
    const client = await connect(c.broker(1).port);
    for (let i = 0; i < 5; i++) await client.request(ApiKey.Metadata, 9, metadataBody(null));
    expect(faults.history.all().map((r) => r.seq)).toEqual([2, 3, 4]);
    const big = batchOf(["x".repeat(900)]); // ~970 bytes of records each: two fit in 2,000
    for (let i = 0; i < 3; i++) await client.request(ApiKey.Produce, 7, produceBody("bounded", 0, big));
    expect(faults.history.all().map((r) => [r.seq, r.apiName])).toEqual([
      [6, "Produce"],
      [7, "Produce"],
    ]);
    faults.detach();
    expect(() => injectFaults(c, { historyMaxBytes: -1 })).toThrow(/historyMaxBytes must be a non-negative integer/);
    expect(() => injectFaults(c, { historyLimit: 1.5 })).toThrow(/historyLimit/);
    injectFaults(c).detach(); // the refused ones attached nothing
  });
});

describe("misuse", () => {
  it("throws typed errors for unknown brokers and topics, bad codes, a second injector, and use after detach", async () => {
    const { cluster: c, faults } = await cluster({ brokers: 2 });
    c.createTopic("m", { partitions: 1 });
    const thrown = (f: () => unknown): unknown => {
      try {
        f();
      } catch (error) {
        return error;
      }
      throw new Error("did not throw");
    };
    expect(isUnknownBrokerError(thrown(() => faults.moveLeader("m", 0, 9)))).toBe(true);
    expect(isUnknownBrokerError(thrown(() => faults.addLatency(10, { broker: 3 })))).toBe(true);
    await expect(faults.brokerDown(0)).rejects.toThrow(/node ids are 1, 2/);
    expect(isUnknownTopicError(thrown(() => faults.pushErrors(0, [6], { partitions: [{ topic: "nope" }] })))).toBe(
      true,
    );
    expect(isUnknownTopicError(thrown(() => faults.failPartitions([{ topic: "m", partition: 4, error: 6 }])))).toBe(
      true,
    );
    expect(isFaultInjectorError(thrown(() => faults.pushErrors(0, ["NOT_A_CODE" as "NONE"])))).toBe(true);
    expect(isFaultInjectorError(thrown(() => faults.pushErrors(0, [70_000])))).toBe(true);
    expect(isFaultInjectorError(thrown(() => faults.pushErrors(0, [])))).toBe(true);
    expect(isFaultInjectorError(thrown(() => faults.addLatency(-1)))).toBe(true);
    expect(isFaultInjectorError(thrown(() => faults.dropConnection({ count: 0 })))).toBe(true);
    expect(thrown(() => injectFaults(c))).toSatisfy(isFaultInjectorError);
    expect(thrown(() => injectFaults({} as Cluster))).toSatisfy(isFaultInjectorError);
    faults.detach();
    expect(thrown(() => faults.pushErrors(0, [6]))).toSatisfy(isFaultInjectorError);
    // Detached: a new one may attach, and the old one's history stays readable.
    const next = injectFaults(c);
    closers.push(() => next.detach());
    expect(faults.history.all()).toEqual([]);
  });

  it("says which counted faults the client never used, and fails on them when asked (as sarama's MockBroker at close)", async () => {
    const { cluster: c, faults } = await cluster({ brokers: 2 });
    c.createTopic("u");
    faults.pushErrors(ApiKey.Produce, [6, 6], { broker: 1 });
    faults.dropConnection({ apiKey: ApiKey.Fetch, when: "after-handling" });
    faults.setError(ApiKey.Metadata, 5); // sticky: never "unused"
    const client = await connect(c.broker(1).port);
    await client.request(ApiKey.Produce, 7, produceBody("u", 0, batchOf(["x"])));
    expect(faults.unused()).toEqual([
      "pushErrors(Produce, [6, 6]) on broker 1: 1 of 2 left",
      "dropConnection(after-handling) Fetch: 1 of 1 left",
    ]);
    expect(() => faults.assertAllUsed()).toThrow(
      /faults not used up .*pushErrors\(Produce, \[6, 6\]\) on broker 1: 1 of 2 left/,
    );
    await client.request(ApiKey.Produce, 7, produceBody("u", 0, batchOf(["y"])));
    await expect(client.request(ApiKey.Fetch, 11, fetchBody("u", 0, 0n))).rejects.toThrow(/closed/);
    expect(faults.unused()).toEqual([]);
    faults.assertAllUsed();
  });

  it("closes a cluster with a broker down and responses stalled, without waiting for them", async () => {
    const c = await startCluster({ brokers: 2, logger: silentLogger });
    const faults = injectFaults(c);
    faults.stall();
    const client = await RawClient.connect(c.broker(2).port);
    const held = client.request(ApiKey.Metadata, 9, metadataBody(null)).catch((e: unknown) => e);
    await faults.history.waitFor({ apiKey: ApiKey.Metadata });
    await faults.brokerDown(1);
    await c.close();
    expect(String(await held)).toMatch(/closed the connection/);
    client.close();
  });

  it("leaves the brokers as if it had never been once detached: no hooks, nothing recorded", async () => {
    const { cluster: c, faults } = await cluster({ brokers: 1 });
    c.createTopic("off");
    const stall = faults.stall();
    faults.setError(ApiKey.Produce, 6);
    const client = await connect(c.broker(1).port);
    const held = client.request(ApiKey.Metadata, 9, metadataBody(null));
    await faults.history.waitFor({ apiKey: ApiKey.Metadata });
    faults.detach(); // releases the stall, removes the error
    expect(stall.held).toBe(0);
    await held;
    expect(produceCode(await client.request(ApiKey.Produce, 7, produceBody("off", 0, batchOf(["x"]))))).toEqual([0]);
    expect(faults.history.count()).toBe(1);
  });
});
