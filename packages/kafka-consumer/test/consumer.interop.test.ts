/**
 * The consumer against real Apache Kafka (the interop tier starts it), on
 * data written by kcat (librdkafka) with each codec: every message once and
 * in order, keys and values as written; an offset inside a batch; the
 * newest offset; an offset outside the log; and csp-kit-consume printing
 * what `kcat -C` prints.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { BrokerConnection } from "@csp-kit/kafka-client";
import { ApiKey, readBatchHeaders } from "@csp-kit/kafka-protocol";
import { kafkaBootstrap, kcat } from "@csp-kit/testkit/kafka";
import { realClock } from "@csp-kit/timers";
import { afterEach, describe, expect, it } from "vitest";
import { Consumer } from "../src/consumer.js";
import { isOffsetOutOfRangeError } from "../src/errors.js";
import { take, text } from "./support/cluster.js";

const ENTRY = fileURLToPath(new URL("./support/cli-entry.ts", import.meta.url));
const { host, port } = kafkaBootstrap();
const bootstrap = `${host}:${port}`;
let consumer: Consumer | undefined;
afterEach(async () => {
  await consumer?.close();
  consumer = undefined;
});

let serial = 0;
function uniqueTopic(name: string): string {
  return `consumer-${name}-${process.pid}-${Date.now()}-${serial++}`;
}

async function createTopic(topic: string, partitions = 1): Promise<void> {
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
        topics: [{ name: topic, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }],
        timeoutMs: 30_000,
        validateOnly: false,
      },
      { version: 4 },
    );
    const code = r?.topics[0]?.errorCode ?? -1;
    if (code !== 0) throw new Error(`CreateTopics ${topic}: error ${code}`);
  } finally {
    c.close();
  }
}

/** The codec ids of the batches stored in partition 0 of `topic`, read raw (a Fetch from offset 0). */
async function storedCodecs(topic: string): Promise<number[]> {
  const c = await BrokerConnection.connect(bootstrap, {
    clientId: "interop",
    dialTimeout: 10_000,
    readTimeout: 30_000,
    tls: undefined,
    clock: realClock,
  });
  try {
    const r = await c.request(ApiKey.Fetch, {
      clusterId: null,
      replicaId: -1,
      replicaState: { replicaId: -1, replicaEpoch: -1n },
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 1 << 24,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topic,
          topicId: "AAAAAAAAAAAAAAAAAAAAAA",
          partitions: [
            {
              partition: 0,
              currentLeaderEpoch: -1,
              fetchOffset: 0n,
              lastFetchedEpoch: -1,
              logStartOffset: -1n,
              partitionMaxBytes: 1 << 24,
              replicaDirectoryId: "AAAAAAAAAAAAAAAAAAAAAA",
            },
          ],
        },
      ],
      forgottenTopicsData: [],
      rackId: "",
    });
    const records = r?.responses[0]?.partitions[0]?.records ?? new Uint8Array();
    return readBatchHeaders(records).headers.map((h) => h.compression);
  } finally {
    c.close();
  }
}

async function produce(topic: string, lines: readonly string[], extra: readonly string[] = []): Promise<void> {
  const r = await kcat(["-P", "-b", bootstrap, "-t", topic, "-p", "0", "-K:", ...extra], `${lines.join("\n")}\n`);
  if (r.code !== 0) throw new Error(`kcat -P: ${r.stderr}`);
}

function consumerFor(): Consumer {
  consumer = new Consumer({ bootstrap: [bootstrap], maxWaitTime: 100, retry: { backoff: 50 } });
  return consumer;
}

describe("the consumer against real Kafka", () => {
  it.each(["none", "gzip", "snappy", "lz4", "zstd"])(
    "reads kcat's %s batches: every message once, in order",
    async (codec) => {
      const topic = uniqueTopic(codec);
      await createTopic(topic);
      const lines = Array.from({ length: 300 }, (_, i) => `key-${i % 7}:${codec} value ${i} ${"y".repeat(i % 50)}`);
      await produce(topic, lines, ["-z", codec, "-X", "linger.ms=50"]);
      const ids = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as Record<string, number>;
      expect(new Set(await storedCodecs(topic))).toEqual(new Set([ids[codec]])); // kcat really compressed
      const pc = await consumerFor().consumePartition(topic, 0, "oldest");
      const got = await take(pc.messages, 300, 30_000);
      expect(got.map((m) => m.offset)).toEqual(lines.map((_, i) => BigInt(i)));
      expect(got.map((m) => `${new TextDecoder().decode(m.key!)}:${text(m)}`)).toEqual(lines);
      expect(pc.messages.tryRecv()).toBe("would-block");
    },
  );

  it("starts inside a batch (trimming what precedes the offset) and from the newest offset", async () => {
    const topic = uniqueTopic("offsets");
    await createTopic(topic);
    const lines = Array.from({ length: 100 }, (_, i) => `k:v${i}`);
    await produce(topic, lines, ["-X", "linger.ms=100"]);
    const c = consumerFor();
    const inside = await c.consumePartition(topic, 0, 37);
    expect((await take(inside.messages, 63, 30_000)).map(text)).toEqual(lines.slice(37).map((l) => l.slice(2)));
    await inside.close();
    const newest = await c.consumePartition(topic, 0, "newest");
    await produce(topic, ["k:later-0", "k:later-1"]);
    const later = await take(newest.messages, 2, 30_000);
    expect(later.map((m) => [m.offset, text(m)])).toEqual([
      [100n, "later-0"],
      [101n, "later-1"],
    ]);
    expect(await c.getOffset(topic, 0, "newest")).toBe(102n);
  });

  it("refuses an offset outside the log with the range Kafka reports", async () => {
    const topic = uniqueTopic("range");
    await createTopic(topic);
    await produce(topic, ["k:a", "k:b"]);
    const e = await consumerFor()
      .consumePartition(topic, 0, 10)
      .catch((x: unknown) => x);
    expect(isOffsetOutOfRangeError(e)).toBe(true);
    expect(e).toMatchObject({ oldest: 0n, newest: 2n });
  });

  it("csp-kit-consume -e prints what kcat -C -e prints", async () => {
    const topic = uniqueTopic("cli");
    await createTopic(topic, 2);
    const r = await kcat(
      ["-P", "-b", bootstrap, "-t", topic, "-K:"],
      `${Array.from({ length: 50 }, (_, i) => `k${i}:v${i}`).join("\n")}\n`,
    );
    expect(r.code).toBe(0);
    const format = "%p %o %k %s\\n";
    const theirs = await kcat(["-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-q", "-f", format]);
    const ours = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          "--conditions=@csp-kit/source",
          "--import",
          "tsx",
          ENTRY,
          "-b",
          bootstrap,
          "-t",
          topic,
          "-e",
          "-q",
          "-f",
          format,
        ],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
      let stdout = "";
      child.stdout.setEncoding("utf8").on("data", (c: string) => {
        stdout += c;
      });
      child.on("exit", (code) => resolve({ code, stdout }));
    });
    expect(ours.code).toBe(0);
    const sorted = (s: string) => s.split("\n").filter(Boolean).sort();
    expect(sorted(ours.stdout)).toEqual(sorted(theirs.stdout.toString("utf8")));
    expect(sorted(ours.stdout)).toHaveLength(50);
  });
});
