/**
 * ListOffsets (2), v1–10: an offset of each partition at a timestamp, as
 * Kafka 4 answers it (checked against a real broker):
 *
 * | timestamp            | offset                                   | timestamp answered  | leader epoch |
 * |----------------------|------------------------------------------|---------------------|--------------|
 * | -2 earliest          | log start                                | -1                  | current      |
 * | -1 latest            | high watermark                           | -1                  | current      |
 * | -3 max (v7+)         | first record with the largest timestamp  | that timestamp      | current      |
 * | -4 local start (v8+) | log start (no tiered storage)            | -1                  | current      |
 * | -5 last tiered (v9+) | -1 (no tiered storage)                   | -1                  | -1           |
 * | t >= 0               | first record at or after t               | that record's       | current      |
 * | t >= 0, none         | -1                                       | -1                  | -1           |
 *
 * The log's own lookup is batch-grained (it never decodes records); the
 * handler refines it to the record by decoding that one batch. A batch in a
 * codec whose package is not installed cannot be decoded: the answer is
 * then the batch's base offset and max timestamp (still a correct place to
 * start reading from, at batch grain). A special timestamp below the
 * version that introduced it gets UNSUPPORTED_VERSION (35), as in Kafka.
 * "current" is the partition's leader epoch (0 until a cluster moves its
 * leader). A broker that does not lead the partition answers
 * NOT_LEADER_OR_FOLLOWER (6), a stale or newer `current_leader_epoch` 74 /
 * 75, and a partition a fault injector names gets its code.
 *
 * Invariants: the answer lists topics and partitions in request order; an
 * offset answered is within [log start, high watermark] at the time it was
 * read, or -1.
 */

import {
  ApiKey,
  decodeRecordBatch,
  KafkaErrorCode,
  type ListOffsetsPartitionResponse,
  type ListOffsetsRequest,
  type ListOffsetsTopicResponse,
  type RecordBatch,
  type RequestHeader,
  readBatchHeaders,
} from "@csp-kit/kafka-protocol";
import type { PartitionLog } from "../log/partition-log.js";
import type { PendingResponse } from "../server/outbox.js";
import { type BrokerContext, leadershipError, logFailureCode, respond } from "./context.js";
import type { PartitionFaults } from "./hooks.js";

const EARLIEST = -2;
const LATEST = -1;
const MAX_TIMESTAMP = -3;
const EARLIEST_LOCAL = -4;
const LATEST_TIERED = -5;
/** How much of the log one step of the max-timestamp scan reads. */
const SCAN_BYTES = 16 * 1024 * 1024;

type Found = { readonly offset: number; readonly timestamp: number };

/** One partition's answer; the leader epoch exists from v4 (below, it must hold its default -1). */
function answer(
  version: number,
  partitionIndex: number,
  errorCode: number,
  found: Found | undefined,
  leaderEpoch = 0,
): ListOffsetsPartitionResponse {
  return {
    partitionIndex,
    errorCode,
    oldStyleOffsets: [],
    timestamp: BigInt(found?.timestamp ?? -1),
    offset: BigInt(found?.offset ?? -1),
    leaderEpoch: found === undefined || version < 4 ? -1 : leaderEpoch,
  };
}

/** The batch holding `offset`, as bytes, or undefined at the log end. */
function batchAt(log: PartitionLog, offset: number): Uint8Array | undefined {
  const read = log.read(offset, 1, { minOneBatch: true });
  if (read.kind !== "records" || read.byteLength === 0) return undefined;
  const first = read.records[0]!;
  const view = new DataView(first.buffer, first.byteOffset, first.byteLength);
  return first.subarray(0, 12 + view.getInt32(8));
}

async function decoded(bytes: Uint8Array): Promise<RecordBatch | undefined> {
  try {
    return await decodeRecordBatch(bytes, { verifyCrc: false });
  } catch {
    return undefined; // e.g. a codec whose package is not installed: stay at batch grain
  }
}

/** Each record's absolute offset and timestamp, in order. */
function* recordsOf(batch: RecordBatch): Generator<Found> {
  const base = Number(batch.baseOffset);
  for (const r of batch.records)
    yield {
      offset: base + r.offsetDelta,
      timestamp:
        batch.timestampType === "log-append-time" ? batch.maxTimestamp : batch.baseTimestamp + r.timestampDelta,
    };
}

/** The first record at or after the log start whose timestamp is at least `target`. */
async function byTimestamp(log: PartitionLog, target: number): Promise<Found | undefined> {
  const coarse = log.offsetForTimestamp(target);
  if (coarse === undefined) return undefined;
  const bytes = batchAt(log, coarse.offset);
  const batch = bytes === undefined ? undefined : await decoded(bytes);
  if (batch === undefined) return coarse;
  for (const r of recordsOf(batch)) if (r.offset >= coarse.offset && r.timestamp >= target) return r;
  return coarse;
}

/** The first record at or after the log start carrying the largest timestamp. */
async function byMaxTimestamp(log: PartitionLog): Promise<Found | undefined> {
  let best: { readonly base: number; readonly max: number } | undefined;
  let next = log.logStartOffset;
  while (next < log.highWatermark) {
    const read = log.read(next, SCAN_BYTES, { minOneBatch: true });
    if (read.kind !== "records" || read.byteLength === 0) break;
    for (const chunk of read.records) {
      for (const h of readBatchHeaders(chunk, { verifyCrc: false }).headers) {
        if (best === undefined || h.maxTimestamp > best.max) best = { base: Number(h.baseOffset), max: h.maxTimestamp };
        next = Number(h.baseOffset) + h.lastOffsetDelta + 1;
      }
    }
  }
  if (best === undefined || best.max < 0) return undefined;
  const start = log.logStartOffset;
  const bytes = batchAt(log, Math.max(best.base, start));
  const batch = bytes === undefined ? undefined : await decoded(bytes);
  if (batch !== undefined)
    for (const r of recordsOf(batch)) if (r.offset >= start && r.timestamp === best.max) return r;
  return { offset: Math.max(best.base, start), timestamp: best.max };
}

/**
 * Answers a ListOffsets request (a promise when a timestamp lookup decodes
 * a batch). `faults` (a fault injector's plan) names partitions to answer
 * with an error.
 */
export function handleListOffsets(
  ctx: BrokerContext,
  header: RequestHeader,
  body: ListOffsetsRequest,
  faults?: PartitionFaults,
): PendingResponse {
  const version = header.apiVersion;
  const topics = body.topics.map((t) => {
    const topic = ctx.topics.get(t.name);
    const partitions = t.partitions.map((p): ListOffsetsPartitionResponse | Promise<ListOffsetsPartitionResponse> => {
      const injected = faults?.(t.name, p.partitionIndex);
      if (injected !== undefined) return answer(version, p.partitionIndex, injected, undefined);
      const partition = topic?.partitions[p.partitionIndex];
      if (partition === undefined)
        return answer(version, p.partitionIndex, KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION, undefined);
      const notLeader = leadershipError(ctx, partition, version >= 4 ? p.currentLeaderEpoch : -1);
      if (notLeader !== undefined) return answer(version, p.partitionIndex, notLeader.errorCode, undefined);
      const epoch = partition.leaderEpoch;
      const log = partition.log;
      const ts = p.timestamp;
      const unsupported = answer(version, p.partitionIndex, KafkaErrorCode.UNSUPPORTED_VERSION, undefined);
      const failure = (error: unknown): ListOffsetsPartitionResponse => {
        const code = logFailureCode(error);
        if (code === undefined) throw error;
        return answer(version, p.partitionIndex, code, undefined);
      };
      try {
        if (ts === BigInt(EARLIEST) || (ts === BigInt(EARLIEST_LOCAL) && version >= 8))
          return answer(version, p.partitionIndex, 0, { offset: log.logStartOffset, timestamp: -1 }, epoch);
        if (ts === BigInt(LATEST))
          return answer(version, p.partitionIndex, 0, { offset: log.highWatermark, timestamp: -1 }, epoch);
        if (ts === BigInt(LATEST_TIERED))
          return version >= 9 ? answer(version, p.partitionIndex, 0, undefined) : unsupported;
        if (ts === BigInt(MAX_TIMESTAMP))
          return version >= 7
            ? byMaxTimestamp(log).then((found) => answer(version, p.partitionIndex, 0, found, epoch), failure)
            : unsupported;
        if (ts === BigInt(EARLIEST_LOCAL)) return unsupported;
        // Any other negative: Kafka searches from the start like any timestamp.
        const target = ts < 0n ? 0 : ts > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(ts);
        return byTimestamp(log, target).then((found) => answer(version, p.partitionIndex, 0, found, epoch), failure);
      } catch (error) {
        return failure(error);
      }
    });
    return { name: t.name, partitions };
  });
  const finish = async (): Promise<Uint8Array> => {
    const answered = await Promise.all(topics.map((t) => Promise.all(t.partitions)));
    const responses: ListOffsetsTopicResponse[] = topics.map((t, i) => ({ name: t.name, partitions: answered[i]! }));
    return respond(ApiKey.ListOffsets, version, header.correlationId, { throttleTimeMs: 0, topics: responses });
  };
  return finish();
}
