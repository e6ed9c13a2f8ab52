// Test helpers: a child (partition consumer state) without a consumer, and
// fetch parts built from real record batches.
import type { FetchPartitionData, RecordHeader } from "@csp-kit/kafka-protocol";
import { encodeRecordBatchSync } from "@csp-kit/kafka-protocol";
import { ManualClock } from "@csp-kit/timers/testing";
import { type ConsumerOptions, validateConfig } from "../../src/config.js";
import type { BrokerConsumer } from "../../src/internal/broker-consumer.js";
import { Child, type FetchPart, type PartResult } from "../../src/internal/child.js";
import type { ConsumerCore } from "../../src/internal/consumer-core.js";

const encoder = new TextEncoder();

/** A child on a fake core (config only) with a ManualClock. */
export function child(
  options: Omit<ConsumerOptions, "bootstrap" | "clock"> = {},
  offset: bigint = 0n,
): { clock: ManualClock; child: Child } {
  const clock = new ManualClock();
  const config = validateConfig({ bootstrap: ["127.0.0.1:9"], clock, returnErrors: true, ...options });
  const core = { config } as unknown as ConsumerCore;
  return { clock, child: new Child(core, "t", 0, offset) };
}

/** One batch's bytes: records valued `v<offset>` from `baseOffset`. */
export function batch(baseOffset: bigint, count: number, headers: readonly RecordHeader[] = []): Uint8Array {
  return encodeRecordBatchSync({
    baseOffset,
    baseTimestamp: 1000,
    records: Array.from({ length: count }, (_, i) => ({
      timestampDelta: i,
      key: null,
      value: encoder.encode(`v${baseOffset + BigInt(i)}`),
      headers,
    })),
  });
}

/** Concatenated byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A partition's part of a fetch response. */
export function data(records: Uint8Array | null, errorCode = 0, highWatermark = -1n): FetchPartitionData {
  return {
    partitionIndex: 0,
    errorCode,
    highWatermark,
    lastStableOffset: -1n,
    logStartOffset: -1n,
    divergingEpoch: { epoch: -1, endOffset: -1n },
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
    snapshotId: { endOffset: -1n, epoch: -1 },
    abortedTransactions: null,
    preferredReadReplica: -1,
    records,
  };
}

/** A fetch part whose ack and re-subscription are recorded. */
export function part(d: FetchPartitionData): {
  part: FetchPart;
  acks: PartResult[];
  ackedOnce: Promise<PartResult>;
  subscriptions: () => number;
} {
  const acks: PartResult[] = [];
  let subscribed = 0;
  let acked!: (r: PartResult) => void;
  const ackedOnce = new Promise<PartResult>((resolve) => {
    acked = resolve;
  });
  const from = {
    subscribe: async () => {
      subscribed++;
    },
  } as unknown as BrokerConsumer;
  const p: FetchPart = {
    data: d,
    from,
    ack: (r) => {
      acks.push(r);
      acked(r);
    },
  };
  return { part: p, acks, ackedOnce, subscriptions: () => subscribed };
}
