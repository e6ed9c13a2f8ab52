/**
 * Topic set-up for interop tests, through this package's codec: create topics
 * (one partition, replication 1) and wait until each partition has a leader.
 *
 * Invariants: every wait is bounded (`until`: 100 tries, 100 ms apart) and
 * fails with an error naming what it waited for.
 */

import { KafkaErrorCode, listOffsetsRequest, metadataRequest } from "../../src/index.js";
import type { KafkaConnection } from "./connection.js";

/** The all-zero topic id: "no id" in requests that name topics. */
export const ZERO_UUID = "AAAAAAAAAAAAAAAAAAAAAA";

/** Polls `probe` until it returns true, at most `tries` times, 100 ms apart. */
export async function until(what: string, probe: () => Promise<boolean>, tries = 100): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what}: still not so after ${tries} tries`);
}

/**
 * Creates `names` (CreateTopics v7, one partition each) and waits until every
 * one has a leader (Metadata v12) that serves it (ListOffsets v7 answers error
 * 0: Metadata names the leader a moment before its replica manager takes the
 * partition, and a Produce in between gets NOT_LEADER_OR_FOLLOWER); resolves
 * with their topic ids, by name.
 */
export async function createTopics(conn: KafkaConnection, names: readonly string[]): Promise<Map<string, string>> {
  const { response } = await conn.request(19, 7, {
    topics: names.map((name) => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] })),
    timeoutMs: 30_000,
    validateOnly: false,
  });
  const ids = new Map<string, string>();
  for (const t of response.body.topics) {
    if (t.errorCode !== KafkaErrorCode.NONE)
      throw new Error(`CreateTopics ${t.name}: error ${t.errorCode} ${t.errorMessage}`);
    ids.set(t.name, t.topicId);
  }
  await until(`${names.join(", ")} have leaders`, async () => {
    const { response: m } = await conn.request(3, 12, {
      ...metadataRequest.defaults(12),
      topics: names.map((name) => ({ topicId: ZERO_UUID, name })),
      allowAutoTopicCreation: false,
    });
    return m.body.topics.every((t) => t.errorCode === 0 && (t.partitions[0]?.leaderId ?? -1) >= 0);
  });
  await until(`${names.join(", ")} are served by their leader`, async () => {
    const { response: o } = await conn.request(2, 7, {
      ...listOffsetsRequest.defaults(7),
      topics: names.map((name) => ({
        name,
        partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 }],
      })),
    });
    return o.body.topics.every((t) => t.partitions.every((p) => p.errorCode === 0));
  });
  return ids;
}
