// Fault scenarios against a 3-broker in-process cluster with
// @csp-kit/kafka-broker/testing: leader moves, a broker going down and up,
// errors pushed on Fetch, stalls. In each, every message is delivered once
// and in order per partition.

import { type Cluster, startCluster } from "@csp-kit/kafka-broker";
import { type FaultInjector, injectFaults } from "@csp-kit/kafka-broker/testing";
import { ApiKey } from "@csp-kit/kafka-protocol";
import { afterEach, describe, expect, it } from "vitest";
import { Consumer } from "../src/consumer.js";
import { collect, numbered, produceBatches } from "./support/cluster.js";

const TOPIC = "faults";
let cluster: Cluster | undefined;
let faults: FaultInjector | undefined;
let consumer: Consumer | undefined;

afterEach(async () => {
  await consumer?.close();
  faults?.detach();
  await cluster?.close();
  consumer = undefined;
  faults = undefined;
  cluster = undefined;
});

/** A 3-broker cluster, one topic with a partition led by each broker, the injector, and a consumer of all three. */
async function setup() {
  cluster = await startCluster({ brokers: 3, logLevel: "silent" });
  cluster.createTopic(TOPIC, { partitions: 3 });
  faults = injectFaults(cluster);
  consumer = new Consumer({
    bootstrap: [...cluster.bootstrapServers],
    maxWaitTime: 20,
    retry: { backoff: 20 },
    returnErrors: true,
    metadata: { retryBackoff: 10, retryMax: 2 },
    net: { dialTimeout: 500, readTimeout: 2000 },
  });
  const c = cluster;
  const pcs = await Promise.all([0, 1, 2].map((p) => consumer!.consumePartition(TOPIC, p, "oldest")));
  const errors: unknown[] = [];
  for (const pc of pcs)
    void (async () => {
      for await (const e of pc.errors) errors.push(e);
    })();
  const produced = [0, 0, 0];
  /** Produces `batches` batches of 3 to `partition`, at its leader now. */
  const produce = async (partition: number, batches = 2) => {
    const leader = c.leaderOf(TOPIC, partition).leader;
    await produceBatches(
      c.broker(leader).bootstrap,
      TOPIC,
      partition,
      numbered(`p${partition}`, batches, 3, produced[partition]),
    );
    produced[partition]! += batches * 3;
  };
  const expected = (partition: number) => Array.from({ length: produced[partition]! }, (_, i) => `p${partition}-${i}`);
  return { cluster: c, faults: faults!, pcs, got: pcs.map(collect), produce, expected, errors };
}

/** Every partition got exactly what was produced to it, in order, with consecutive offsets. */
async function expectExactlyOnce(s: Awaited<ReturnType<typeof setup>>) {
  for (let p = 0; p < 3; p++) {
    await s.got[p]!.until(s.expected(p).length);
    expect(s.got[p]!.values).toEqual(s.expected(p));
    expect(s.got[p]!.offsets).toEqual(s.expected(p).map((_, i) => BigInt(i)));
  }
}

describe("fault scenarios on a 3-broker cluster", () => {
  it("leader moves: each partition follows its new leader and loses nothing", async () => {
    const s = await setup();
    for (let p = 0; p < 3; p++) await s.produce(p);
    for (let p = 0; p < 3; p++) await s.got[p]!.until(6);
    for (let p = 0; p < 3; p++)
      s.faults.moveLeader(TOPIC, p, ((s.cluster.leaderOf(TOPIC, p).leader % 3) + 1) as number);
    for (let p = 0; p < 3; p++) await s.produce(p);
    for (let p = 0; p < 3; p++) await s.got[p]!.until(12);
    s.faults.moveLeader(TOPIC, 0, s.cluster.leaderOf(TOPIC, 1).leader); // two partitions on one broker now
    await s.produce(0);
    await s.produce(1);
    await expectExactlyOnce(s);
    // Partition 0 was fetched from all three brokers in turn.
    const fetchedFrom = new Set(
      s.faults.history
        .filter({ apiKey: ApiKey.Fetch })
        .filter((r) => r.topicPartitions.some((tp) => tp.partition === 0))
        .map((r) => r.broker),
    );
    expect(fetchedFrom.size).toBe(3);
  });

  it("a broker going down and up: its partition resumes, the others never stop", async () => {
    const s = await setup();
    for (let p = 0; p < 3; p++) await s.produce(p);
    for (let p = 0; p < 3; p++) await s.got[p]!.until(6);
    const down = s.cluster.leaderOf(TOPIC, 0).leader;
    await s.faults.brokerDown(down);
    // While it is down, the partitions led elsewhere keep flowing.
    await s.produce(1);
    await s.produce(2);
    await s.got[1]!.until(12);
    await s.got[2]!.until(12);
    expect(s.got[0]!.values).toHaveLength(6);
    await s.faults.brokerUp(down);
    await s.produce(0);
    await expectExactlyOnce(s);
    expect(s.errors.length).toBeGreaterThan(0); // the lost connection was reported
  });

  it("errors pushed on Fetch: leader errors re-dispatch silently, others are reported, nothing is lost", async () => {
    const s = await setup();
    for (let p = 0; p < 3; p++) await s.produce(p);
    s.faults.pushErrors(ApiKey.Fetch, ["NOT_LEADER_OR_FOLLOWER", "UNKNOWN_TOPIC_OR_PARTITION", "FENCED_LEADER_EPOCH"], {
      partitions: [{ topic: TOPIC, partition: 0 }],
    });
    s.faults.pushErrors(ApiKey.Fetch, ["KAFKA_STORAGE_ERROR"], { partitions: [{ topic: TOPIC, partition: 1 }] });
    for (let p = 0; p < 3; p++) await s.produce(p);
    await expectExactlyOnce(s);
    expect(s.faults.history.filter({ apiKey: ApiKey.Fetch }).filter((r) => r.faults.includes("error"))).toHaveLength(4);
    const codes = s.errors.map((e) => (e as { cause: { code?: number } }).cause.code);
    expect(codes).toEqual([56]); // only the storage error reached the user
  });

  it("a stalled broker holds back only its own partition; on release it catches up in order", async () => {
    const s = await setup();
    for (let p = 0; p < 3; p++) await s.produce(p);
    for (let p = 0; p < 3; p++) await s.got[p]!.until(6);
    const stalled = s.cluster.leaderOf(TOPIC, 2).leader;
    const stall = s.faults.stall({ apiKey: ApiKey.Fetch, broker: stalled });
    for (let p = 0; p < 3; p++) await s.produce(p);
    await s.got[0]!.until(12);
    await s.got[1]!.until(12);
    expect(s.got[2]!.values).toHaveLength(6);
    expect(stall.held).toBeGreaterThan(0);
    stall.release();
    await expectExactlyOnce(s);
  });
});

describe("the broker consumer's subscription manager", () => {
  it("takes a new subscription while the broker's fetch is stalled, and fetches it in the next round", async () => {
    const c = await startCluster({ brokers: 1, logLevel: "silent" });
    cluster = c;
    c.createTopic("sub", { partitions: 2 });
    faults = injectFaults(c);
    consumer = new Consumer({ bootstrap: [c.bootstrap], maxWaitTime: 20, net: { readTimeout: 5000 } });
    const first = await consumer.consumePartition("sub", 0, "oldest");
    await faults.history.waitFor({ apiKey: ApiKey.Fetch });
    const since = faults.history.mark();
    const stall = faults.stall({ apiKey: ApiKey.Fetch });
    await faults.history.waitFor({ apiKey: ApiKey.Fetch, since });
    expect(stall.held).toBe(1);
    // The fetch loop is blocked on the stalled fetch; subscribing the second partition must not wait for it.
    const second = await consumer.consumePartition("sub", 1, "oldest");
    await produceBatches(c.bootstrap, "sub", 1, numbered("s", 1, 2));
    stall.release();
    const got = collect(second);
    await got.until(2);
    expect(got.values).toEqual(["s-0", "s-1"]);
    expect(first.messages.tryRecv()).toBe("would-block");
  });
});
