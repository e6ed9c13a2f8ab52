/**
 * Fetch (1), v4–17: whole record batches from each partition's log, as
 * stored (never decoded, never recompressed), with the long poll of
 * `max_wait_ms` / `min_bytes`.
 *
 * Reading (Kafka's ReplicaManager rules):
 * - KIP-74: the first partition that has data returns at least its first
 *   batch, even above `partition_max_bytes` and `max_bytes`; every later
 *   partition gets at most `min(partition_max_bytes, what is left of max_bytes)`;
 * - a batch may start before `fetch_offset`: clients skip those records;
 * - `last_stable_offset` is the high watermark (no transactions), the
 *   aborted transactions are `[]` under read_committed and null otherwise;
 * - no fetch sessions: `session_id` is always 0, so clients send full fetches;
 * - v13+ name topics by id; v10+ are needed for zstd data (below: 76).
 *
 * The long poll, as a select over three channels:
 *
 * ```
 *   read ─ enough bytes, or an error, or max_wait_ms <= 0 ─► respond
 *     │ too few
 *     ▼
 *   watch the partitions (a one-slot wake channel)
 *   select { wake: an append grew one of them  → read again; enough? respond : wait on
 *            timeout: after(time left)         → read again, respond
 *            done: the connection closed       → no response }
 *   unwatch (whichever case won)
 * ```
 *
 * An error partition (unknown topic, offset out of range, a stale or newer
 * `current_leader_epoch`: 74 / 75, a partition this broker does not lead:
 * NOT_LEADER_OR_FOLLOWER with the leader from v12, a fault injected by a
 * test) completes the fetch at once; a deleted topic wakes its watchers,
 * so a long poll on it ends with UNKNOWN_TOPIC_OR_PARTITION, and a leader
 * move wakes them too, so a long poll on the old leader ends with 6.
 *
 * Invariants: a long poll is in its partitions' watcher sets only between
 * `watch` and the `finally` that unwatches; it reads the logs afresh after
 * every wake (a token may be stale: it just reads again).
 */

import { Channel } from "@csp-kit/channel";
import {
  ApiKey,
  type FetchableTopicResponse,
  type FetchPartitionData,
  type FetchRequest,
  KafkaErrorCode,
  type RequestHeader,
} from "@csp-kit/kafka-protocol";
import { recv, select } from "@csp-kit/select";
import { after, done } from "@csp-kit/timers";
import type { ConnectionContext } from "../server/connection.js";
import type { PendingResponse } from "../server/outbox.js";
import type { Partition } from "../topics/partition.js";
import { type BrokerContext, endpointsOf, leadershipError, logFailureCode, respond } from "./context.js";
import type { PartitionFaults } from "./hooks.js";

const ZSTD = 4;
const EMPTY = new Uint8Array(0);
const NO_EPOCH = Object.freeze({ epoch: -1, endOffset: -1n });
const NO_LEADER = Object.freeze({ leaderId: -1, leaderEpoch: -1 });
const NO_SNAPSHOT = Object.freeze({ endOffset: -1n, epoch: -1 });

/** One pass over the logs: the response topics, the record bytes found, and whether a partition failed. */
interface FetchRead {
  readonly responses: FetchableTopicResponse[];
  readonly bytes: number;
  readonly failed: boolean;
  /** The partitions found (to watch during a long poll). */
  readonly partitions: Partition[];
  /** The leaders named in NOT_LEADER_OR_FOLLOWER answers (their endpoints go in the response, v16+). */
  readonly leadersNamed: ReadonlySet<number>;
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Whether some whole batch in `chunks` (each a run of whole batches) is zstd-compressed. */
function hasZstd(chunks: readonly Uint8Array[]): boolean {
  for (const c of chunks) {
    const view = new DataView(c.buffer, c.byteOffset, c.byteLength);
    let at = 0;
    while (at + 23 <= c.byteLength) {
      if ((view.getInt16(at + 21) & 0x07) === ZSTD) return true;
      const length = view.getInt32(at + 8);
      if (length <= 0) break; // stored batches are whole: cannot happen, but never loop on it
      at += 12 + length;
    }
  }
  return false;
}

/** Reads every partition of the request once. */
function readAll(
  ctx: BrokerContext,
  version: number,
  body: FetchRequest,
  faults: PartitionFaults | undefined,
): FetchRead {
  const byId = version >= 13;
  const aborted = body.isolationLevel === 1 ? [] : null;
  let remaining = Math.max(0, body.maxBytes);
  let minOne = true;
  let bytes = 0;
  let failed = false;
  const found: Partition[] = [];
  const leadersNamed = new Set<number>();
  const error = (
    partitionIndex: number,
    errorCode: number,
    currentLeader: FetchPartitionData["currentLeader"] = NO_LEADER,
  ): FetchPartitionData => {
    failed = true;
    return {
      partitionIndex,
      errorCode,
      highWatermark: -1n,
      lastStableOffset: -1n,
      logStartOffset: -1n,
      divergingEpoch: NO_EPOCH,
      currentLeader,
      snapshotId: NO_SNAPSHOT,
      abortedTransactions: null,
      preferredReadReplica: -1,
      records: EMPTY,
    };
  };
  const responses = body.topics.map((t): FetchableTopicResponse => {
    const topic = byId ? ctx.topics.getById(t.topicId) : ctx.topics.get(t.topic);
    const unknown =
      byId && topic === undefined ? KafkaErrorCode.UNKNOWN_TOPIC_ID : KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    const partitions = t.partitions.map((p): FetchPartitionData => {
      const injected = faults?.(topic?.name ?? t.topic, p.partition);
      if (injected !== undefined) return error(p.partition, injected);
      const partition = topic?.partitions[p.partition];
      if (partition === undefined) return error(p.partition, unknown);
      const notLeader = leadershipError(ctx, partition, p.currentLeaderEpoch);
      if (notLeader !== undefined) {
        // The leader hint exists from v12 (currentLeader), its endpoint from v16 (node_endpoints).
        if (version < 12) return error(p.partition, notLeader.errorCode);
        if (version >= 16) leadersNamed.add(partition.leader);
        return error(p.partition, notLeader.errorCode, {
          leaderId: partition.leader,
          leaderEpoch: partition.leaderEpoch,
        });
      }
      found.push(partition);
      const offset = p.fetchOffset;
      if (offset < 0n || offset > BigInt(Number.MAX_SAFE_INTEGER))
        return error(p.partition, KafkaErrorCode.OFFSET_OUT_OF_RANGE);
      const limit = Math.max(0, Math.min(p.partitionMaxBytes, remaining));
      let read: ReturnType<Partition["log"]["read"]>;
      try {
        read = partition.log.read(Number(offset), limit, { minOneBatch: minOne });
      } catch (e) {
        const code = logFailureCode(e);
        if (code === undefined) throw e;
        return error(p.partition, code);
      }
      if (read.kind === "out-of-range") return error(p.partition, KafkaErrorCode.OFFSET_OUT_OF_RANGE);
      if (version < 10 && hasZstd(read.records)) return error(p.partition, KafkaErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
      if (read.byteLength > 0) minOne = false;
      remaining = Math.max(0, remaining - read.byteLength);
      bytes += read.byteLength;
      const hw = BigInt(read.highWatermark);
      return {
        partitionIndex: p.partition,
        errorCode: 0,
        highWatermark: hw,
        lastStableOffset: hw,
        logStartOffset: BigInt(read.logStartOffset),
        divergingEpoch: NO_EPOCH,
        currentLeader: NO_LEADER,
        snapshotId: NO_SNAPSHOT,
        abortedTransactions: aborted,
        preferredReadReplica: -1,
        records: read.byteLength === 0 ? EMPTY : concat(read.records, read.byteLength),
      };
    });
    return { topic: byId ? "" : t.topic, topicId: topic?.id ?? t.topicId, partitions };
  });
  return { responses, bytes, failed, partitions: found, leadersNamed };
}

function encode(ctx: BrokerContext, version: number, correlationId: number, read: FetchRead): Uint8Array {
  let partitions = 0;
  for (const t of read.responses) partitions += t.partitions.length;
  return respond(
    ApiKey.Fetch,
    version,
    correlationId,
    {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: read.responses,
      nodeEndpoints: endpointsOf(ctx, read.leadersNamed),
    },
    read.bytes + 128 + 96 * partitions,
  );
}

/**
 * Answers a Fetch now when it can, or long-polls (see the file header).
 * `faults` (a fault injector's plan) names partitions to answer with an error.
 */
export function handleFetch(
  ctx: BrokerContext,
  connection: ConnectionContext,
  header: RequestHeader,
  body: FetchRequest,
  faults?: PartitionFaults,
): PendingResponse {
  const version = header.apiVersion;
  const first = readAll(ctx, version, body, faults);
  if (first.bytes >= body.minBytes || first.failed || body.maxWaitMs <= 0 || first.partitions.length === 0)
    return encode(ctx, version, header.correlationId, first);
  return longPoll(ctx, connection, header, body, first.partitions, faults);
}

async function longPoll(
  ctx: BrokerContext,
  connection: ConnectionContext,
  header: RequestHeader,
  body: FetchRequest,
  partitions: readonly Partition[],
  faults: PartitionFaults | undefined,
): Promise<Uint8Array | null> {
  const version = header.apiVersion;
  const clock = ctx.clock;
  const deadline = clock.now() + body.maxWaitMs;
  const wake = Channel.buffered<void>(1);
  const closed = done(connection.signal);
  for (const p of partitions) p.watch(wake);
  try {
    for (;;) {
      const left = deadline - clock.now();
      if (left <= 0) break;
      const r = await select({ wake: recv(wake), timeout: recv(after(left, { clock })), closed: recv(closed) });
      if (r.case === "closed") return null;
      if (r.case === "timeout") break;
      const again = readAll(ctx, version, body, faults);
      if (again.bytes >= body.minBytes || again.failed) return encode(ctx, version, header.correlationId, again);
    }
  } finally {
    for (const p of partitions) p.unwatch(wake);
  }
  if (connection.signal.aborted) return null;
  return encode(ctx, version, header.correlationId, readAll(ctx, version, body, faults));
}
