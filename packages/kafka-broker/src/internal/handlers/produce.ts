/**
 * Produce (0), served v3–11: each partition's record batches appended to
 * its log as they arrived (the log checks size, frame, CRC-32C and
 * idempotence; records are never decoded), each partition answered on its
 * own (KAFKA.md §2.6):
 *
 * | situation                                   | partition error                       |
 * |---------------------------------------------|---------------------------------------|
 * | acks not -1, 0 or 1                         | INVALID_REQUIRED_ACKS (21), all       |
 * | a fault injected for the partition (testing) | that code, nothing stored            |
 * | topic or partition unknown                  | UNKNOWN_TOPIC_OR_PARTITION (3)        |
 * | this broker does not lead the partition     | NOT_LEADER_OR_FOLLOWER (6), with the leader (v10+) |
 * | zstd batch in a request below v7            | UNSUPPORTED_COMPRESSION_TYPE (76)     |
 * | batch above max.message.bytes               | MESSAGE_TOO_LARGE (10), nothing stored |
 * | bad CRC, magic, length or codec             | CORRUPT_MESSAGE (2), nothing stored   |
 * | record count, sequence missing, no batch    | INVALID_RECORD (87)                   |
 * | idempotence: sequence gap / stale epoch     | 45 / 47; a retried batch gets its first offsets |
 * | disk failure                                | KAFKA_STORAGE_ERROR (56)              |
 *
 * acks=0: no response at all; if a partition failed, the connection is
 * closed after the responses before it are written (Kafka does the same:
 * it is the only way to tell such a producer).
 *
 * The data path: the records field is a view into the request frame; the
 * log rewrites base offsets in place and its store copies the bytes once.
 * The response waits for every partition's append promise (durable under
 * `flush: "always"`); later requests start meanwhile, and their responses
 * queue behind this one.
 *
 * Invariants:
 * - appends start synchronously, in request order, so one connection's
 *   pipelined produces to a partition get increasing offsets in the order
 *   they were sent;
 * - a partition answered with an error stored nothing (the log checks every
 *   batch before it stores any);
 * - the response lists topics and partitions in request order.
 */

import {
  ApiKey,
  KafkaErrorCode,
  type PartitionProduceResponse,
  type ProduceRequest,
  type RequestHeader,
} from "@csp-kit/kafka-protocol";
import type { AppendResult } from "../log/partition-log.js";
import { CloseConnectionSignal } from "../server/connection.js";
import type { PendingResponse } from "../server/outbox.js";
import { type BrokerContext, endpointsOf, leadershipError, logFailureCode, respond } from "./context.js";
import type { PartitionFaults } from "./hooks.js";

/** The codec id of zstd (attributes bits 0–2). */
const ZSTD = 4;
const NO_LEADER = Object.freeze({ leaderId: -1, leaderEpoch: -1 });

function partitionError(index: number, errorCode: number, errorMessage: string | null): PartitionProduceResponse {
  return {
    index,
    errorCode,
    baseOffset: -1n,
    logAppendTimeMs: -1n,
    logStartOffset: -1n,
    recordErrors: [],
    errorMessage,
    currentLeader: NO_LEADER,
  };
}

function fromAppend(index: number, result: AppendResult): PartitionProduceResponse {
  if (result.kind === "rejected") return partitionError(index, result.errorCode, result.message);
  return {
    index,
    errorCode: 0,
    baseOffset: BigInt(result.baseOffset),
    logAppendTimeMs: -1n,
    logStartOffset: BigInt(result.logStartOffset),
    recordErrors: [],
    errorMessage: null,
    currentLeader: NO_LEADER,
  };
}

/** Whether some batch in `records` is zstd-compressed. Walks batch lengths only; a malformed tail is the log's to reject. */
function hasZstd(records: Uint8Array): boolean {
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  let at = 0;
  while (at + 23 <= records.byteLength) {
    if ((view.getInt16(at + 21) & 0x07) === ZSTD) return true;
    const length = view.getInt32(at + 8);
    if (length <= 0) return false;
    at += 12 + length;
  }
  return false;
}

/**
 * Starts a Produce request's appends; the response (or none, acks=0) once
 * every partition has an answer. `faults` (a fault injector's plan) names
 * partitions to answer with an error instead of appending.
 */
export function handleProduce(
  ctx: BrokerContext,
  header: RequestHeader,
  body: ProduceRequest,
  faults?: PartitionFaults,
): PendingResponse {
  const version = header.apiVersion;
  const leadersNamed = new Set<number>();
  const acks = body.acks;
  const validAcks = acks === -1 || acks === 0 || acks === 1;
  const now = ctx.clock.now();
  const topics = body.topicData.map((topicData) => {
    const topic = ctx.topics.get(topicData.name);
    const partitions = topicData.partitionData.map(
      (data): PartitionProduceResponse | Promise<PartitionProduceResponse> => {
        if (!validAcks)
          return partitionError(
            data.index,
            KafkaErrorCode.INVALID_REQUIRED_ACKS,
            `acks must be -1, 0 or 1, not ${acks}`,
          );
        const injected = faults?.(topicData.name, data.index);
        if (injected !== undefined) return partitionError(data.index, injected, "injected by a fault injector");
        const partition = topic?.partitions[data.index];
        if (partition === undefined)
          return partitionError(
            data.index,
            KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            `this broker has no partition ${topicData.name}-${data.index}`,
          );
        const notLeader = leadershipError(ctx, partition);
        if (notLeader !== undefined) {
          const refused = partitionError(data.index, notLeader.errorCode, notLeader.message);
          if (version < 10) return refused; // KIP-951's leader hints exist from v10
          leadersNamed.add(partition.leader);
          return { ...refused, currentLeader: { leaderId: partition.leader, leaderEpoch: partition.leaderEpoch } };
        }
        const records = data.records ?? new Uint8Array(0);
        if (version < 7 && hasZstd(records))
          return partitionError(
            data.index,
            KafkaErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
            `zstd needs Produce v7 or later (this request is v${version})`,
          );
        return partition.append(records, { now, leaderEpoch: partition.leaderEpoch }).then(
          (result) => fromAppend(data.index, result),
          (error: unknown) => {
            const code = logFailureCode(error);
            if (code === undefined) throw error;
            if (code === KafkaErrorCode.KAFKA_STORAGE_ERROR)
              ctx.logger.error("append failed", {
                topic: topicData.name,
                partition: data.index,
                error: String(error),
              });
            return partitionError(data.index, code, String(error));
          },
        );
      },
    );
    return { name: topicData.name, partitions };
  });

  const finish = async (): Promise<Uint8Array | null> => {
    // All at once: every append's rejection has a handler from the start.
    const answered = await Promise.all(topics.map((t) => Promise.all(t.partitions)));
    let failure: string | undefined;
    const responses = topics.map((t, i) => {
      const partitionResponses = answered[i]!;
      for (const r of partitionResponses)
        if (r.errorCode !== 0) failure ??= `${t.name}-${r.index}: error ${r.errorCode}: ${r.errorMessage ?? ""}`;
      return { name: t.name, partitionResponses };
    });
    if (acks === 0) {
      if (failure !== undefined)
        throw new CloseConnectionSignal(`an acks=0 produce failed, so the connection is closed (${failure})`);
      return null;
    }
    return respond(ApiKey.Produce, version, header.correlationId, {
      responses,
      throttleTimeMs: 0,
      nodeEndpoints: endpointsOf(ctx, leadersNamed),
    });
  };
  return finish();
}
