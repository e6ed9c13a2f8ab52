/**
 * kcat (librdkafka 2.0.2) scenarios, each run against our broker and the
 * interop tier's real Kafka 4.1, with the client-visible outcomes compared:
 * metadata, keyed produce across partitions, all four codecs stored as
 * sent, 950 KB messages, consuming from an offset, from the end and from
 * the end while producing, and idempotent produce.
 */

import { kcat } from "@csp-kit/testkit/kafka";
import { describe, expect, it } from "vitest";
import { createTopic, kcatConsumer, storedBatches, type Target, uniqueTopic, useTargets } from "./targets.js";

const targets = useTargets();

/** Runs `scenario` on both brokers; expects the same outcome; returns it. */
async function onBoth<T>(scenario: (target: Target) => Promise<T>): Promise<T> {
  const [ours, kafka] = targets();
  const a = await scenario(ours);
  const b = await scenario(kafka);
  expect(a, "our broker's outcome equals real Kafka's").toEqual(b);
  return a;
}

async function produce(target: Target, topic: string, lines: string, extra: readonly string[] = []): Promise<void> {
  const r = await kcat(["-P", "-b", target.bootstrap, "-t", topic, ...extra], lines);
  if (r.code !== 0) throw new Error(`kcat -P on ${target.name}: ${r.stderr}`);
}

async function consume(target: Target, topic: string, args: readonly string[]): Promise<string> {
  const r = await kcat(["-C", "-b", target.bootstrap, "-t", topic, "-q", ...args]);
  if (r.code !== 0) throw new Error(`kcat -C on ${target.name}: ${r.stderr}`);
  return r.stdout.toString("utf8");
}

describe("kcat against our broker and real Kafka", () => {
  it("lists a topic's partitions, each led by the one broker, with one replica", async () => {
    const outcome = await onBoth(async (target) => {
      const topic = uniqueTopic("metadata");
      await createTopic(target, topic, 3);
      const r = await kcat(["-L", "-J", "-b", target.bootstrap, "-t", topic]);
      const md = JSON.parse(r.stdout.toString("utf8")) as {
        brokers: { id: number }[];
        topics: { topic: string; partitions: { partition: number; leader: number; replicas: { id: number }[] }[] }[];
      };
      const [broker] = md.brokers;
      return {
        brokers: md.brokers.length,
        partitions: md.topics[0]!.partitions.map((p) => [p.partition, p.leader === broker!.id, p.replicas.length]),
      };
    });
    expect(outcome.partitions).toHaveLength(3);
  });

  it("spreads keyed messages over partitions the same way, and each partition reads back the same", async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `key-${i % 37}:value-${i}`).join("\n");
    const outcome = await onBoth(async (target) => {
      const topic = uniqueTopic("keys");
      await createTopic(target, topic, 3);
      await produce(target, topic, `${lines}\n`, ["-K:"]);
      const byPartition: string[][] = [];
      for (const p of [0, 1, 2])
        byPartition.push(
          (await consume(target, topic, ["-p", String(p), "-o", "beginning", "-e", "-f", "%k=%s@%o\n"]))
            .split("\n")
            .filter(Boolean),
        );
      return byPartition;
    });
    expect(outcome.flat()).toHaveLength(200);
    expect(outcome.filter((p) => p.length > 0).length).toBeGreaterThan(1);
  });

  it.each([
    ["none", 0],
    ["gzip", 1],
    ["snappy", 2],
    ["lz4", 3],
    ["zstd", 4],
  ])("stores %s batches as sent and reads them back", async (codec, id) => {
    const lines = Array.from({ length: 300 }, (_, i) => `${codec} line ${i} ${"x".repeat(40)}`);
    const outcome = await onBoth(async (target) => {
      const topic = uniqueTopic(`codec-${codec}`);
      await createTopic(target, topic, 1);
      await produce(target, topic, `${lines.join("\n")}\n`, ["-z", codec, "-X", "linger.ms=100"]);
      const batches = await storedBatches(target, topic);
      const read = (await consume(target, topic, ["-o", "beginning", "-e", "-f", "%s\n"])).split("\n").filter(Boolean);
      return {
        codecs: [...new Set(batches.map((b) => b.compression))],
        count: read.length,
        same: read.join("\n") === lines.join("\n"),
      };
    });
    expect(outcome).toEqual({ codecs: [id], count: 300, same: true });
  });

  it("takes a 950 KB message and gives it back whole", async () => {
    const big = "m".repeat(950 * 1024);
    const outcome = await onBoth(async (target) => {
      const topic = uniqueTopic("big");
      await createTopic(target, topic, 1);
      await produce(target, topic, `${big}\n`);
      const out = await consume(target, topic, ["-o", "beginning", "-e", "-f", "%S %o\n"]);
      const read = await consume(target, topic, ["-o", "beginning", "-e", "-f", "%s"]);
      return { sizes: out.trim(), whole: read === big };
    });
    expect(outcome).toEqual({ sizes: `${950 * 1024} 0`, whole: true });
  });

  it("refuses a message above max.message.bytes the same way: kcat reports it and exits 1, nothing is stored", async () => {
    const outcome = await onBoth(async (target) => {
      const topic = uniqueTopic("too-large");
      await createTopic(target, topic, 1);
      const r = await kcat(
        ["-P", "-b", target.bootstrap, "-t", topic, "-X", "message.max.bytes=3000000", "-X", "retries=0"],
        `${"L".repeat(1_100_000)}\n`,
      );
      const read = await consume(target, topic, ["-o", "beginning", "-e", "-f", "%o\n"]);
      return { code: r.code, tooLarge: /Message size too large/.test(r.stderr), stored: read };
    });
    expect(outcome).toEqual({ code: 1, tooLarge: true, stored: "" });
  });

  it("consumes from an absolute offset, from the end backwards, and from the end while producing", async () => {
    const outcome = await onBoth(async (target) => {
      const topic = uniqueTopic("offsets");
      await createTopic(target, topic, 1);
      await produce(target, topic, `${Array.from({ length: 10 }, (_, i) => `m${i}`).join("\n")}\n`);
      const fromFive = await consume(target, topic, ["-o", "5", "-c", "3", "-f", "%o:%s\n"]);
      const lastThree = await consume(target, topic, ["-o", "-3", "-e", "-f", "%o:%s\n"]);
      const tail = kcatConsumer(["-C", "-b", target.bootstrap, "-t", topic, "-o", "end", "-c", "4", "-f", "%o:%s\n"]);
      await tail.reachedEnd;
      await produce(target, topic, "n0\nn1\n");
      await produce(target, topic, "n2\nn3\n");
      const live = await tail.done;
      return { fromFive, lastThree, live: live.stdout, code: live.code };
    });
    expect(outcome).toEqual({
      fromFive: "5:m5\n6:m6\n7:m7\n",
      lastThree: "7:m7\n8:m8\n9:m9\n",
      live: "10:n0\n11:n1\n12:n2\n13:n3\n",
      code: 0,
    });
  });

  it("produces idempotently: one producer id, sequences from 0, everything read back once", async () => {
    const lines = Array.from({ length: 250 }, (_, i) => `idem-${i}`);
    const outcome = await onBoth(async (target) => {
      const topic = uniqueTopic("idempotent");
      await createTopic(target, topic, 1);
      await produce(target, topic, `${lines.join("\n")}\n`, [
        "-X",
        "enable.idempotence=true",
        "-X",
        "batch.num.messages=100",
      ]);
      const batches = await storedBatches(target, topic);
      const read = (await consume(target, topic, ["-o", "beginning", "-e", "-f", "%s\n"])).split("\n").filter(Boolean);
      // Batch boundaries depend on timing; that sequences start at 0 and follow on does not.
      let next = 0;
      let contiguous = true;
      for (const b of batches) {
        contiguous &&= b.baseSequence === next;
        next = b.baseSequence + b.records.length;
      }
      return {
        producers: new Set(batches.map((b) => b.producerId)).size,
        idempotent: batches.every((b) => b.producerId >= 0n && b.producerEpoch === 0),
        contiguous,
        sequenced: next,
        read: read.join(",") === lines.join(","),
      };
    });
    expect(outcome).toEqual({ producers: 1, idempotent: true, contiguous: true, sequenced: 250, read: true });
  });
});
