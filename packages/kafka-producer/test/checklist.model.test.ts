// A model test over random fault schedules, against a 3-broker in-process cluster:
// messages are sent in chunks, and before each chunk a random fault is armed (errors on
// chosen partitions, a dropped connection before or after the append, a leader move, part
// of a batch failing, a stall released a moment later). Retries are plentiful, so every
// message must come back as a success. The model is the list of values sent per partition:
// - in every mode, per-partition order is kept: the stored values, first occurrences only,
//   are exactly the values sent to that partition, in send order, and each success is
//   reported once;
// - idempotent: every message is acknowledged exactly once and stored exactly once.
import { type Cluster, startCluster } from "@csp-kit/kafka-broker";
import { type FaultInjector, injectFaults } from "@csp-kit/kafka-broker/testing";
import { ApiKey, decodeRecordBatches, type ProduceRequest } from "@csp-kit/kafka-protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AsyncProducer } from "../src/async-producer.js";
import type { ProducedMessage } from "../src/message.js";
import { readAll } from "./support/read-back.js";

const PARTITIONS = 2;
const RETRIABLE = [
  "NOT_LEADER_OR_FOLLOWER",
  "REQUEST_TIMED_OUT",
  "NOT_ENOUGH_REPLICAS",
  "LEADER_NOT_AVAILABLE",
] as const;

type Fault =
  | { readonly kind: "none" }
  | {
      readonly kind: "errors";
      readonly partition: number;
      readonly code: (typeof RETRIABLE)[number];
      readonly count: number;
    }
  | { readonly kind: "drop"; readonly when: "before-handling" | "after-handling" }
  | { readonly kind: "move"; readonly partition: number; readonly to: number }
  | { readonly kind: "fail-part"; readonly partition: number; readonly code: (typeof RETRIABLE)[number] }
  | { readonly kind: "stall" };

const fault: fc.Arbitrary<Fault> = fc.oneof(
  fc.constant<Fault>({ kind: "none" }),
  fc.record({
    kind: fc.constant("errors" as const),
    partition: fc.integer({ min: 0, max: PARTITIONS - 1 }),
    code: fc.constantFrom(...RETRIABLE),
    count: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({
    kind: fc.constant("drop" as const),
    when: fc.constantFrom("before-handling" as const, "after-handling" as const),
  }),
  fc.record({
    kind: fc.constant("move" as const),
    partition: fc.integer({ min: 0, max: PARTITIONS - 1 }),
    to: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({
    kind: fc.constant("fail-part" as const),
    partition: fc.integer({ min: 0, max: PARTITIONS - 1 }),
    code: fc.constantFrom(...RETRIABLE),
  }),
  fc.constant<Fault>({ kind: "stall" }),
);

const step = fc.record({ fault, messages: fc.integer({ min: 1, max: 12 }) });

/** Arms `f`; returns what to do once the chunk after it has been sent (release a stall). */
async function arm(f: FaultInjector, x: Fault): Promise<() => void> {
  switch (x.kind) {
    case "none":
      return () => {};
    case "errors":
      f.pushErrors(ApiKey.Produce, Array(x.count).fill(x.code), {
        partitions: [{ topic: "t", partition: x.partition }],
      });
      return () => {};
    case "drop":
      f.dropConnection({ apiKey: ApiKey.Produce, when: x.when });
      return () => {};
    case "move":
      if (f.leaderOf("t", x.partition).leader !== x.to) f.moveLeader("t", x.partition, x.to);
      return () => {};
    case "fail-part":
      f.failPartitions([{ topic: "t", partition: x.partition, error: x.code }]);
      return () => {};
    case "stall": {
      const held = f.stall({ apiKey: ApiKey.Produce });
      return () => held.release();
    }
  }
}

/** Every Produce of the history: broker, connection, faults, and the values per partition. */
async function produceLog(f: FaultInjector): Promise<string> {
  const lines: string[] = [];
  for (const r of f.history.filter({ apiKey: ApiKey.Produce })) {
    const parts: string[] = [];
    for (const pd of (r.request.body as ProduceRequest).topicData[0]?.partitionData ?? []) {
      const { batches } = await decodeRecordBatches(pd.records as Uint8Array);
      const values = batches.flatMap((b) => b.records.map((x) => decoder.decode(x.value ?? new Uint8Array())));
      parts.push(`p${pd.index}:[${values.join(",")}]`);
    }
    lines.push(`#${r.seq} broker ${r.broker} conn ${r.connection} ${r.faults.join("+") || "ok"} ${parts.join(" ")}`);
  }
  return lines.join("\n");
}

const decoder = new TextDecoder();

async function run(idempotent: boolean, steps: readonly { fault: Fault; messages: number }[]): Promise<void> {
  const cluster: Cluster = await startCluster({ brokers: 3, logLevel: "silent", autoCreateTopics: false });
  cluster.createTopic("t", { partitions: PARTITIONS });
  const f = injectFaults(cluster);
  try {
    const producer = new AsyncProducer({
      bootstrap: [...cluster.bootstrapServers],
      returnSuccesses: true,
      partitioner: "manual",
      flush: { messages: 4, maxMessages: 6 },
      retry: { max: 1000, backoff: 1 },
      metadata: { retryMax: 20, retryBackoff: 2 },
      ...(idempotent ? { idempotent: true, requiredAcks: -1 as const, maxOpenRequests: 1 } : { maxOpenRequests: 3 }),
    });
    const successes: ProducedMessage[] = [];
    const errors: unknown[] = [];
    const reading = Promise.all([
      (async () => {
        for await (const s of producer.successes) successes.push(s);
      })(),
      (async () => {
        for await (const e of producer.errors) errors.push(e);
      })(),
    ]);
    const sent: string[][] = Array.from({ length: PARTITIONS }, () => []);
    let n = 0;
    for (const s of steps) {
      const after = await arm(f, s.fault);
      for (let i = 0; i < s.messages; i++, n++) {
        const partition = n % PARTITIONS;
        sent[partition]?.push(`m${n}`);
        await producer.input.send({ topic: "t", value: `m${n}`, partition });
      }
      after();
    }
    producer.asyncClose();
    await reading;
    f.clearFaults();

    expect(errors).toEqual([]);
    // Each message acknowledged exactly once (in every mode: a success is reported once).
    const acked = successes.map((s) => String(s.value)).sort();
    expect(acked).toEqual(sent.flat().sort());
    const rows = await readAll((p) => cluster.broker(f.leaderOf("t", p).leader).bootstrap, "t", PARTITIONS);
    for (let p = 0; p < PARTITIONS; p++) {
      const values = rows.filter((r) => r.partition === p).map((r) => r.value as string);
      const firsts = values.filter((v, i) => values.indexOf(v) === i);
      // On a mismatch, the message says which Produce carried what (with the faults applied).
      const why = JSON.stringify(firsts) === JSON.stringify(sent[p]) ? "" : await produceLog(f);
      expect(firsts, why).toEqual(sent[p]); // order kept, nothing lost
      if (idempotent) expect(values, why).toEqual(sent[p]); // and nothing stored twice
    }
  } finally {
    f.detach();
    await cluster.close();
  }
}

describe("the producer under random fault schedules (model)", () => {
  it("keeps per-partition order in every mode; idempotent: each message acknowledged and stored exactly once", async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(step, { minLength: 1, maxLength: 8 }), async (idempotent, steps) => {
        await run(idempotent, steps);
      }),
      { numRuns: 25, endOnFailure: true },
    );
  }, 120_000);
});
