/**
 * RecordBatch v2 against the real thing, both ways, with every codec:
 *
 * - ours → Kafka → kcat: a batch built by `encodeRecordBatch` with each codec
 *   (none, gzip, snappy, lz4, zstd) is produced with Produce v11 (zstd needs
 *   v7+), Kafka accepts it, and `kcat -C -e` prints every record back intact
 *   (offset, key, value, header);
 * - kcat → Kafka → ours: `kcat -P -z <codec>` writes lines, this package
 *   fetches them (Fetch v12) and decodes the batches: each one carries that
 *   codec in its attributes, and the records are the lines kcat read.
 */

import { randomUUID } from "node:crypto";
import { kafkaBootstrap, kcat } from "@csp-kit/testkit/kafka";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  COMPRESSION,
  decodeRecordBatches,
  encodeRecordBatch,
  fetchRequest,
  produceRequest,
  readBatchHeaders,
} from "../../src/index.js";
import { KafkaConnection } from "./connection.js";
import { createTopics, ZERO_UUID } from "./topics.js";

const CODECS = ["none", "gzip", "snappy", "lz4", "zstd"] as const;
const RECORDS = 20;
/** Text every codec shrinks (librdkafka sends a batch uncompressed when compression does not make it smaller). */
const FILLER = "the same few words, over and over, ".repeat(4);
const run = randomUUID().slice(0, 8);
const ours = (codec: string) => `batches-${run}-ours-${codec}`;
const theirs = (codec: string) => `batches-${run}-kcat-${codec}`;
const text = new TextEncoder();
const utf8 = new TextDecoder();

let conn: KafkaConnection;
let bootstrap: string;

beforeAll(async () => {
  const { host, port } = kafkaBootstrap();
  bootstrap = `${host}:${port}`;
  conn = await KafkaConnection.open(host, port);
  await createTopics(
    conn,
    CODECS.flatMap((c) => [ours(c), theirs(c)]),
  );
});

afterAll(async () => {
  if (conn === undefined) return;
  const topics = CODECS.flatMap((c) => [ours(c), theirs(c)]);
  await conn.request(20, 5, { topics: [], topicNames: topics, timeoutMs: 30_000 }).catch(() => {});
  conn.close();
});

describe("batches this package encodes, produced into Kafka and read back by kcat", () => {
  for (const codec of CODECS) {
    test(`${codec}: Kafka accepts the batch and kcat -C prints every record intact`, async () => {
      const topic = ours(codec);
      const records = Array.from({ length: RECORDS }, (_, i) => ({
        key: `ours-${codec}-${i}`,
        value: `record ${i} of a ${codec} batch, ${FILLER}`,
        header: `h${i}`,
      }));
      const batch = await encodeRecordBatch(
        {
          baseTimestamp: Date.now(),
          records: records.map((r, i) => ({
            timestampDelta: i,
            key: text.encode(r.key),
            value: text.encode(r.value),
            headers: [{ key: "trace", value: text.encode(r.header) }],
          })),
        },
        { compression: codec },
      );
      expect(readBatchHeaders(batch).headers.map((h) => h.compression)).toEqual([COMPRESSION[codec]]);
      const { response } = await conn.request(0, 11, {
        ...produceRequest.defaults(11),
        acks: -1,
        timeoutMs: 10_000,
        topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }],
      });
      expect(response.body.responses[0]?.partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0n });

      const consumed = await kcat([
        "-C",
        "-b",
        bootstrap,
        "-t",
        topic,
        "-o",
        "beginning",
        "-e",
        "-f",
        "%o|%k|%s|%h\\n",
      ]);
      expect(consumed.code, consumed.stderr).toBe(0);
      const lines = consumed.stdout.toString("utf8").split("\n").filter(Boolean);
      expect(lines).toEqual(records.map((r, i) => `${i}|${r.key}|${r.value}|trace=${r.header}`));
    });
  }
});

describe("batches kcat writes with each codec, fetched and decoded by this package", () => {
  for (const codec of CODECS) {
    test(`${codec}: every fetched batch carries codec ${COMPRESSION[codec]} and the records are kcat's lines`, async () => {
      const topic = theirs(codec);
      const lines = Array.from({ length: RECORDS }, (_, i) => ({
        key: `kcat-${codec}-${i}`,
        value: `line ${i} ${FILLER}`,
      }));
      const produced = await kcat(
        ["-P", "-b", bootstrap, "-t", topic, "-K:", "-z", codec],
        lines.map((l) => `${l.key}:${l.value}\n`).join(""),
      );
      expect(produced.code, produced.stderr).toBe(0);

      const { response } = await conn.request(1, 12, {
        ...fetchRequest.defaults(12),
        maxWaitMs: 100,
        minBytes: 1,
        maxBytes: 1 << 20,
        topics: [
          {
            topic,
            topicId: ZERO_UUID,
            partitions: [
              {
                partition: 0,
                currentLeaderEpoch: -1,
                fetchOffset: 0n,
                lastFetchedEpoch: -1,
                logStartOffset: -1n,
                partitionMaxBytes: 1 << 20,
                replicaDirectoryId: ZERO_UUID,
              },
            ],
          },
        ],
      });
      const [partition] = response.body.responses[0]!.partitions;
      expect(partition).toMatchObject({ errorCode: 0, highWatermark: BigInt(RECORDS) });
      const { batches, incomplete } = await decodeRecordBatches(partition!.records!);
      expect(incomplete).toBeNull();
      expect(batches.length).toBeGreaterThan(0);
      expect(new Set(batches.map((b) => b.compression))).toEqual(new Set([COMPRESSION[codec]]));
      const got = batches.flatMap((b) =>
        b.records.map((r) => ({
          offset: Number(b.baseOffset) + r.offsetDelta,
          key: utf8.decode(r.key!),
          value: utf8.decode(r.value!),
        })),
      );
      expect(got).toEqual(lines.map((l, i) => ({ offset: i, ...l })));
    });
  }
});
