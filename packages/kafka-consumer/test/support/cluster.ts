// Test support: an in-process broker, raw Produce requests of whole record
// batches (so a test controls batch boundaries and codecs exactly), and
// collecting helpers.
import type { Receiver } from "@csp-kit/channel";
import { type Broker, startBroker } from "@csp-kit/kafka-broker";
import { BrokerConnection } from "@csp-kit/kafka-client";
import { ApiKey, type CompressionName, encodeRecordBatch, type RecordHeader } from "@csp-kit/kafka-protocol";
import { realClock } from "@csp-kit/timers";
import { afterEach } from "vitest";
import type { ConsumerMessage } from "../../src/message.js";
import type { PartitionConsumer } from "../../src/partition-consumer.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Starts brokers for one test and closes them after it. */
export function useBroker(): (options?: { partitions?: number }) => Promise<Broker> {
  const started: Broker[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((b) => b.close()));
  });
  return async (options = {}) => {
    const b = await startBroker({ port: 0, logLevel: "silent", defaultPartitions: options.partitions ?? 1 });
    started.push(b);
    return b;
  };
}

/** One record to produce. */
export interface TestRecord {
  readonly key?: string | null;
  readonly value: string | null;
  readonly headers?: readonly RecordHeader[];
}

/**
 * Produces each of `batches` as ONE record batch (with `compression`) to
 * `topic`/`partition` at `bootstrap` (which must lead it), in order.
 * Resolves with the base offset of each batch.
 */
export async function produceBatches(
  bootstrap: string,
  topic: string,
  partition: number,
  batches: readonly (readonly TestRecord[])[],
  compression: CompressionName = "none",
): Promise<bigint[]> {
  const c = await BrokerConnection.connect(bootstrap, {
    clientId: "test-producer",
    dialTimeout: 5000,
    readTimeout: 10_000,
    tls: undefined,
    clock: realClock,
  });
  try {
    // Metadata first: it creates the topic on a broker that auto-creates topics (Produce does not).
    await c.request(ApiKey.Metadata, {
      topics: [{ topicId: "AAAAAAAAAAAAAAAAAAAAAA", name: topic }],
      allowAutoTopicCreation: true,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
    const bases: bigint[] = [];
    for (const batch of batches) {
      const records = await encodeRecordBatch(
        {
          baseTimestamp: 1_700_000_000_000,
          records: batch.map((r, i) => ({
            timestampDelta: i,
            key: r.key === undefined || r.key === null ? null : encoder.encode(r.key),
            value: r.value === null ? null : encoder.encode(r.value),
            headers: r.headers ?? [],
          })),
        },
        { compression },
      );
      const response = await c.request(ApiKey.Produce, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 10_000,
        topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
      });
      const p = response?.responses[0]?.partitionResponses[0];
      if (p === undefined || p.errorCode !== 0) throw new Error(`produce failed: ${p?.errorCode}`);
      bases.push(p.baseOffset);
    }
    return bases;
  } finally {
    c.close();
  }
}

/** `count` batches of `size` records each, valued `${prefix}-${n}` with n counting from `from`. */
export function numbered(prefix: string, count: number, size: number, from = 0): TestRecord[][] {
  const out: TestRecord[][] = [];
  let n = from;
  for (let b = 0; b < count; b++) {
    const batch: TestRecord[] = [];
    for (let i = 0; i < size; i++) batch.push({ key: `k${n}`, value: `${prefix}-${n++}` });
    out.push(batch);
  }
  return out;
}

/** Receives `n` messages from `r`; rejects if they take longer than `ms` in all. */
export async function take(r: Receiver<ConsumerMessage>, n: number, ms = 10_000): Promise<ConsumerMessage[]> {
  const out: ConsumerMessage[] = [];
  const signal = AbortSignal.timeout(ms);
  while (out.length < n) {
    const m = await r.recv({ signal }).catch(() => {
      throw new Error(`only ${out.length} of ${n} messages arrived within ${ms} ms`);
    });
    if (m.isNone()) throw new Error(`the channel closed after ${out.length} of ${n} messages`);
    out.push(m.value);
  }
  return out;
}

/** A message's value as text. */
export function text(m: ConsumerMessage): string | null {
  return m.value === null ? null : decoder.decode(m.value);
}

/** Collects a partition consumer's messages in the background. */
export function collect(pc: PartitionConsumer): {
  values: string[];
  offsets: bigint[];
  /** Resolves once `n` messages arrived; rejects after `ms`. */
  until(n: number, ms?: number): Promise<void>;
} {
  const values: string[] = [];
  const offsets: bigint[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  void (async () => {
    for await (const m of pc.messages) {
      values.push(text(m) ?? "null");
      offsets.push(m.offset);
      for (const w of waiters.splice(0))
        if (values.length >= w.n) w.resolve();
        else waiters.push(w);
    }
  })();
  return {
    values,
    offsets,
    /** Resolves once `n` messages arrived; rejects after `ms`. */
    until(n: number, ms = 15_000): Promise<void> {
      if (values.length >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`partition ${pc.partition}: ${values.length} of ${n} messages after ${ms} ms`)),
          ms,
        );
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
  };
}
