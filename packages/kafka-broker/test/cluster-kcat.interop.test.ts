/**
 * kcat (librdkafka 2.0.2) against a 3-broker cluster: it lists every
 * broker and leader, produces across the cluster while a leader moves
 * (librdkafka retries the refused batches on the new leader), and consumes
 * everything back while another leader moves (its Fetch carries the leader
 * epoch of KIP-320, so the old epoch is fenced and it refreshes): every line
 * exactly once. The interop tier, because it needs kcat; no real Kafka is
 * involved (an in-process cluster has no real-Kafka counterpart to compare with).
 */

import { ApiKey } from "@csp-kit/kafka-protocol";
import { kcat } from "@csp-kit/testkit/kafka";
import { afterEach, describe, expect, it } from "vitest";
import { type Cluster, startCluster } from "../src/index.js";
import { silentLogger } from "../src/internal/server/logger.js";
import { injectFaults } from "../src/testing.js";

const started: Cluster[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((c) => c.close()));
});

async function cluster(): Promise<Cluster> {
  const c = await startCluster({ brokers: 3, logger: silentLogger });
  started.push(c);
  return c;
}

describe("kcat and a 3-broker cluster", () => {
  it("lists the three brokers and each partition's leader, round-robin", async () => {
    const c = await cluster();
    c.createTopic("listed", { partitions: 3 });
    const r = await kcat(["-L", "-J", "-b", c.broker(2).bootstrap, "-t", "listed"]);
    expect(r.code).toBe(0);
    const md = JSON.parse(r.stdout.toString("utf8")) as {
      brokers: { id: number; name: string }[];
      topics: { partitions: { partition: number; leader: number }[] }[];
    };
    expect(md.brokers.map((b) => b.id).sort()).toEqual([1, 2, 3]);
    expect(md.topics[0]!.partitions.map((p) => [p.partition, p.leader])).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
  });

  it("produces while a leader moves and consumes while another moves: every line exactly once", async () => {
    const c = await cluster();
    c.createTopic("lines", { partitions: 3 });
    const faults = injectFaults(c);
    const lines = Array.from({ length: 3000 }, (_, i) => `line-${i}`);
    // One request in flight per connection, and partition 0's leader (broker 1) holding its Produce
    // responses until the leader has moved: broker 1 then holds at most one of partition 0's ~20
    // batches, so the rest must be refused there and retried on broker 2, however fast kcat is.
    const produceHeld = faults.stall({ apiKey: ApiKey.Produce, broker: 1 });
    const producing = kcat(
      [
        "-P",
        "-b",
        c.bootstrap,
        "-t",
        "lines",
        "-X",
        "linger.ms=2",
        "-X",
        "batch.num.messages=50",
        "-X",
        "retry.backoff.ms=20",
        "-X",
        "max.in.flight=1",
        // Keyless lines go to a random partition each: librdkafka's sticky partitioner would put
        // every line kcat sends within 10 ms into one partition, maybe not the one that moves.
        "-X",
        "sticky.partitioning.linger.ms=0",
      ],
      `${lines.join("\n")}\n`,
    );
    await faults.history.waitFor({ apiKey: ApiKey.Produce, topic: "lines" }, { timeoutMs: 20_000 });
    c.moveLeader("lines", 0, 2);
    produceHeld.release();
    const produced = await producing;
    expect(produced.code, produced.stderr).toBe(0);
    expect(faults.history.filter({ apiKey: ApiKey.Produce, broker: 2, partition: 0 }).length).toBeGreaterThan(0);
    const total = c.stats().topics[0]!.partitions.reduce((n, p) => n + p.highWatermark, 0);
    expect(total).toBe(lines.length);

    const since = faults.history.mark();
    // The same for the move of partition 1: a fetch returns at least one batch and at most one
    // here (1-byte partition limit), and its old leader (broker 2) holds its Fetch responses until
    // the move, so most of partition 1 must be fetched from broker 3.
    const fetchHeld = faults.stall({ apiKey: ApiKey.Fetch, broker: 2 });
    const consuming = kcat([
      "-C",
      "-b",
      c.bootstrap,
      "-t",
      "lines",
      "-o",
      "beginning",
      "-e",
      "-q",
      "-X",
      "max.partition.fetch.bytes=1",
    ]);
    await faults.history.waitFor({ apiKey: ApiKey.Fetch, since }, { timeoutMs: 20_000 });
    c.moveLeader("lines", 1, 3);
    fetchHeld.release();
    const consumed = await consuming;
    expect(consumed.code, consumed.stderr).toBe(0);
    const got = consumed.stdout
      .toString("utf8")
      .split("\n")
      .filter((l) => l !== "");
    expect(got).toHaveLength(lines.length);
    expect(new Set(got)).toEqual(new Set(lines));
    // It followed the move: fetches of partition 1 reached its new leader.
    expect(faults.history.count({ apiKey: ApiKey.Fetch, broker: 3, partition: 1, since })).toBeGreaterThan(0);
    faults.detach();
  });
});
