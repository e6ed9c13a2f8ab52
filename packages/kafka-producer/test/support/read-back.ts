// Reads what a broker holds, through the client transport: ListOffsets for the
// high watermarks, Fetch for the records. For the tests that check what was stored.
import { BrokerConnection } from "@csp-kit/kafka-client";
import { ApiKey, decodeRecordBatches } from "@csp-kit/kafka-protocol";
import { realClock } from "@csp-kit/timers";

const decoder = new TextDecoder();

/** One stored record, decoded as text. */
export interface StoredRecord {
  readonly partition: number;
  readonly offset: bigint;
  readonly key: string | null;
  readonly value: string | null;
  readonly producerId: bigint;
  readonly baseSequence: number;
  readonly producerEpoch: number;
  /** The codec id of its batch (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd). */
  readonly compression: number;
}

async function connect(address: string): Promise<BrokerConnection> {
  return BrokerConnection.connect(address, {
    clientId: "read-back",
    dialTimeout: 5_000,
    readTimeout: 10_000,
    tls: undefined,
    clock: realClock,
  });
}

/** Where to read a partition: one broker's address, or the leader's address per partition (a cluster). */
export type Leaders = string | ((partition: number) => string);

const addressOf = (leaders: Leaders, partition: number) => (typeof leaders === "string" ? leaders : leaders(partition));

/** The high watermark of each of `partitions` partitions of `topic` (ListOffsets, latest, at each leader). */
export async function highWatermarks(leaders: Leaders, topic: string, partitions: number): Promise<bigint[]> {
  const out: bigint[] = [];
  for (let p = 0; p < partitions; p++) {
    const c = await connect(addressOf(leaders, p));
    try {
      const r = await c.request(ApiKey.ListOffsets, {
        replicaId: -1,
        isolationLevel: 0,
        timeoutMs: 0,
        topics: [
          {
            name: topic,
            partitions: [{ partitionIndex: p, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 }],
          },
        ],
      });
      out.push(r?.topics[0]?.partitions[0]?.offset ?? -1n);
    } finally {
      c.close();
    }
  }
  return out;
}

/** Every record of `topic` partition by partition, in offset order (Fetch from each leader until its high watermark). */
export async function readAll(leaders: Leaders, topic: string, partitions: number): Promise<StoredRecord[]> {
  const ends = await highWatermarks(leaders, topic, partitions);
  const out: StoredRecord[] = [];
  for (let p = 0; p < partitions; p++) {
    const c = await connect(addressOf(leaders, p));
    try {
      let offset = 0n;
      const end = ends[p] ?? 0n;
      for (let round = 0; offset < end && round < 10_000; round++) {
        const r = await c.request(ApiKey.Fetch, {
          clusterId: null,
          replicaId: -1,
          replicaState: { replicaId: -1, replicaEpoch: -1n },
          maxWaitMs: 0,
          minBytes: 0,
          maxBytes: 8 << 20,
          isolationLevel: 0,
          sessionId: 0,
          sessionEpoch: -1,
          topics: [
            {
              topic,
              topicId: "AAAAAAAAAAAAAAAAAAAAAA",
              partitions: [
                {
                  partition: p,
                  currentLeaderEpoch: -1,
                  fetchOffset: offset,
                  lastFetchedEpoch: -1,
                  logStartOffset: -1n,
                  partitionMaxBytes: 4 << 20,
                  replicaDirectoryId: "AAAAAAAAAAAAAAAAAAAAAA",
                },
              ],
            },
          ],
          forgottenTopicsData: [],
          rackId: "",
        });
        const records = r?.responses[0]?.partitions[0]?.records;
        if (records === null || records === undefined || records.length === 0) break;
        const { batches } = await decodeRecordBatches(records);
        if (batches.length === 0) break;
        for (const batch of batches) {
          for (const rec of batch.records) {
            const o = batch.baseOffset + BigInt(rec.offsetDelta);
            if (o < offset) continue;
            out.push({
              partition: p,
              offset: o,
              key: rec.key === null ? null : decoder.decode(rec.key),
              value: rec.value === null ? null : decoder.decode(rec.value),
              producerId: batch.producerId,
              baseSequence: batch.baseSequence,
              producerEpoch: batch.producerEpoch,
              compression: batch.compression,
            });
            offset = o + 1n;
          }
        }
      }
    } finally {
      c.close();
    }
  }
  return out;
}
