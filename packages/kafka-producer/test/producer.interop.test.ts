/**
 * The producer against real Apache Kafka (the interop tier starts it): every
 * codec, each acks mode, and idempotence; read back with kcat (librdkafka):
 * values, keys, partitions and per-partition order as sent, and the batches
 * stored with the codec asked for.
 */
import { BrokerConnection } from "@csp-kit/kafka-client";
import { ApiKey } from "@csp-kit/kafka-protocol";
import { kafkaBootstrap, kcat } from "@csp-kit/testkit/kafka";
import { realClock } from "@csp-kit/timers";
import { describe, expect, it } from "vitest";
import { AsyncProducer } from "../src/async-producer.js";
import type { Compression, RequiredAcks } from "../src/config.js";
import type { ProducedMessage } from "../src/message.js";
import { readAll } from "./support/read-back.js";

const { host, port } = kafkaBootstrap();
const bootstrap = `${host}:${port}`;
const PARTITIONS = 3;
const CODEC_ID: Record<Compression, number> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

let serial = 0;
const uniqueTopic = (name: string) => `producer-${name}-${process.pid}-${Date.now()}-${serial++}`;

async function createTopic(topic: string): Promise<void> {
  const c = await BrokerConnection.connect(bootstrap, {
    clientId: "interop",
    dialTimeout: 10_000,
    readTimeout: 30_000,
    tls: undefined,
    clock: realClock,
  });
  try {
    const r = await c.request(
      ApiKey.CreateTopics,
      {
        topics: [{ name: topic, numPartitions: PARTITIONS, replicationFactor: 1, assignments: [], configs: [] }],
        timeoutMs: 30_000,
        validateOnly: false,
      },
      { version: 4 },
    );
    const code = r?.topics[0]?.errorCode ?? -1;
    if (code !== 0) throw new Error(`CreateTopics ${topic}: error ${code}`);
    // KRaft answers CreateTopics before every partition has its leader. With acks 0 nothing tells
    // the producer that a write went to a partition not ready yet (it is dropped), so wait until
    // every partition answers ListOffsets: a bounded poll of the broker's own state.
    for (let round = 0; ; round++) {
      const lo = await c.request(ApiKey.ListOffsets, {
        replicaId: -1,
        isolationLevel: 0,
        timeoutMs: 0,
        topics: [
          {
            name: topic,
            partitions: Array.from({ length: PARTITIONS }, (_, p) => ({
              partitionIndex: p,
              currentLeaderEpoch: -1,
              timestamp: -1n,
              maxNumOffsets: 1,
            })),
          },
        ],
      });
      const parts = lo?.topics[0]?.partitions ?? [];
      if (parts.length === PARTITIONS && parts.every((p) => p.errorCode === 0)) break;
      if (round >= 200) throw new Error(`topic ${topic}: partitions not ready after 200 ListOffsets rounds`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } finally {
    c.close();
  }
}

interface Row {
  readonly partition: number;
  readonly offset: bigint;
  readonly key: string;
  readonly value: string;
}

/** Everything in `topic`, as kcat -C prints it (partition, offset, key, value), in each partition's order. */
async function kcatRead(topic: string): Promise<Row[]> {
  const r = await kcat(["-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%p\t%o\t%k\t%s\n"]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout
    .toString("utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => {
      const [p, o, k, v] = l.split("\t");
      return { partition: Number(p), offset: BigInt(o as string), key: k as string, value: v as string };
    });
}

const cases: [Compression, RequiredAcks, boolean][] = [];
for (const codec of ["none", "gzip", "snappy", "lz4", "zstd"] as const) {
  for (const acks of [0, 1, -1] as const) cases.push([codec, acks, false]);
  cases.push([codec, -1, true]);
}

describe("the producer against real Kafka, read back with kcat", () => {
  it.each(cases)(
    "codec %s, acks %d, idempotent %s: keys, values, partitions and order as sent",
    async (compression, acks, idempotent) => {
      const topic = uniqueTopic(`${compression}-${acks}-${idempotent ? "idem" : "plain"}`);
      await createTopic(topic);
      const producer = new AsyncProducer({
        bootstrap: [bootstrap],
        compression,
        requiredAcks: acks,
        idempotent,
        ...(idempotent ? { maxOpenRequests: 1 } : {}),
        returnSuccesses: true,
        flush: { messages: 20, frequency: 5 },
      });
      const successes: ProducedMessage[] = [];
      const reading = (async () => {
        for await (const s of producer.successes) successes.push(s);
      })();
      const sent = Array.from({ length: 120 }, (_, i) => ({
        key: `key-${i % 9}`,
        value: `value ${i} ${"z".repeat(i % 50)}`,
      }));
      for (const m of sent) await producer.input.send({ topic, ...m });
      producer.asyncClose();
      const errors: unknown[] = [];
      for await (const e of producer.errors) errors.push(e);
      await reading;
      expect(errors).toEqual([]);
      expect(successes).toHaveLength(sent.length);

      const rows = await kcatRead(topic);
      expect(rows).toHaveLength(sent.length);
      // Each key in one partition, and within it the values in send order.
      for (let k = 0; k < 9; k++) {
        const mine = rows.filter((r) => r.key === `key-${k}`);
        expect(new Set(mine.map((r) => r.partition)).size).toBe(1);
        expect(mine.map((r) => r.value)).toEqual(sent.filter((m) => m.key === `key-${k}`).map((m) => m.value));
      }
      if (acks !== 0) {
        // The partition and offset each success reported are where kcat found the message.
        const at = new Map(rows.map((r) => [`${r.partition}/${r.offset}`, r.value]));
        for (const s of successes) expect(at.get(`${s.partition}/${s.offset}`)).toBe(s.value);
      }
      // Stored with the codec asked for (librdkafka reads every codec back, so check the batches too).
      const stored = await readAll(bootstrap, topic, PARTITIONS);
      expect(new Set(stored.map((r) => r.compression))).toEqual(new Set([CODEC_ID[compression]]));
      if (idempotent) {
        expect(new Set(stored.map((r) => r.producerId)).size).toBe(1);
        expect(stored.every((r) => r.producerId >= 0n)).toBe(true);
      }
    },
  );
});
