// sarama's AsyncProducer test list (async_producer_test.go) as a checklist, each scenario
// against @csp-kit/kafka-broker in this process with faults from @csp-kit/kafka-broker/testing:
// a dropped connection, errors on chosen partitions, a leader moving inside a 3-broker
// cluster, a broker down and up, a stall, part of a batch failing, an ack lost after the append.
import { type Cluster, startCluster } from "@csp-kit/kafka-broker";
import { type FaultInjector, injectFaults } from "@csp-kit/kafka-broker/testing";
import { ApiKey, decodeRecordBatches, type ProduceRequest } from "@csp-kit/kafka-protocol";
import { afterEach, describe, expect, it } from "vitest";
import { AsyncProducer } from "../src/async-producer.js";
import type { ProducerOptions } from "../src/config.js";
import type { ProducerError } from "../src/errors.js";
import type { ProducedMessage } from "../src/message.js";
import { customPartitioner } from "../src/partitioner.js";
import { readAll } from "./support/read-back.js";

let cluster: Cluster | undefined;
let faults: FaultInjector | undefined;
afterEach(async () => {
  faults?.detach();
  faults = undefined;
  await cluster?.close();
  cluster = undefined;
});

/** A cluster of `brokers` with topic `t` of `partitions` (leaders round-robin from broker 1), and its injector. */
async function setUp(brokers = 1, partitions = 1): Promise<{ c: Cluster; f: FaultInjector }> {
  cluster = await startCluster({ brokers, logLevel: "silent", autoCreateTopics: false });
  cluster.createTopic("t", { partitions });
  faults = injectFaults(cluster);
  return { c: cluster, f: faults };
}

/** Options for a test: fast retries and metadata backoff, on the cluster. */
function options(c: Cluster, extra: Omit<ProducerOptions, "bootstrap"> = {}): ProducerOptions {
  return {
    bootstrap: [...c.bootstrapServers],
    returnSuccesses: true,
    retry: { max: 5, backoff: 5 },
    metadata: { retryMax: 10, retryBackoff: 5 },
    ...extra,
  };
}

interface Outcome {
  readonly successes: ProducedMessage[];
  readonly errors: ProducerError[];
}

/** Reads successes and errors as they come; `done()` shuts the producer down and returns both. */
function watch(p: AsyncProducer) {
  const out: Outcome = { successes: [], errors: [] };
  const waiters: (() => void)[] = [];
  const notify = () => {
    for (const w of waiters.splice(0)) w();
  };
  const reading = Promise.all([
    (async () => {
      for await (const s of p.successes) {
        out.successes.push(s);
        notify();
      }
    })(),
    (async () => {
      for await (const e of p.errors) {
        out.errors.push(e);
        notify();
      }
    })(),
  ]);
  return {
    out,
    /** Resolves once `n` messages have come back (either way). */
    async returned(n: number): Promise<void> {
      while (out.successes.length + out.errors.length < n) await new Promise<void>((r) => waiters.push(r));
    },
    async done(): Promise<Outcome> {
      p.asyncClose();
      await reading;
      return out;
    },
  };
}

async function sendAll(p: AsyncProducer, values: readonly string[], partition?: number): Promise<void> {
  for (const value of values) {
    await p.input.send({ topic: "t", value, ...(partition === undefined ? {} : { partition }) });
  }
}

const range = (from: number, n: number, prefix = "m") => Array.from({ length: n }, (_, i) => `${prefix}${from + i}`);

/** What the cluster stored in `t`, partition by partition, read from each leader. */
async function stored(c: Cluster, f: FaultInjector, partitions = 1) {
  return readAll((p) => c.broker(f.leaderOf("t", p).leader).bootstrap, "t", partitions);
}

const errorName = (e: ProducerError) => (e.cause as { code?: number; message?: string }).message ?? String(e.cause);

/** The base sequences of the Produce requests in the history, per request. */
async function baseSequences(f: FaultInjector): Promise<number[]> {
  const out: number[] = [];
  for (const r of f.history.filter({ apiKey: ApiKey.Produce })) {
    const body = r.request.body as ProduceRequest;
    for (const t of body.topicData)
      for (const p of t.partitionData) {
        const { batches } = await decodeRecordBatches(p.records as Uint8Array);
        for (const b of batches) out.push(b.baseSequence);
      }
  }
  return out;
}

describe("sarama's producer checklist", () => {
  it("golden path: every message acknowledged with its offset, stored in order", async () => {
    const { c, f } = await setUp();
    const p = new AsyncProducer(options(c));
    const w = watch(p);
    await sendAll(p, range(0, 10));
    const { successes, errors } = await w.done();
    expect(errors).toEqual([]);
    expect(successes.map((s) => [s.value, s.offset])).toEqual(range(0, 10).map((v, i) => [v, BigInt(i)]));
    expect((await stored(c, f)).map((r) => r.value)).toEqual(range(0, 10));
  });

  it("multiple flushes: flush.messages splits the stream into several Produce requests", async () => {
    const { c, f } = await setUp();
    const p = new AsyncProducer(options(c, { flush: { messages: 5, maxMessages: 5 } }));
    const w = watch(p);
    await sendAll(p, range(0, 20));
    const { successes, errors } = await w.done();
    expect(errors).toEqual([]);
    expect(successes).toHaveLength(20);
    expect(f.history.filter({ apiKey: ApiKey.Produce }).length).toBeGreaterThanOrEqual(4);
    expect((await stored(c, f)).map((r) => r.value)).toEqual(range(0, 20));
  });

  it("multiple brokers: each partition's batches go to its own leader", async () => {
    const { c, f } = await setUp(3, 3);
    const p = new AsyncProducer(options(c, { partitioner: "round-robin" }));
    const w = watch(p);
    await sendAll(p, range(0, 30));
    const { successes, errors } = await w.done();
    expect(errors).toEqual([]);
    expect(successes).toHaveLength(30);
    const byBroker = new Set(f.history.filter({ apiKey: ApiKey.Produce }).map((r) => r.broker));
    expect([...byBroker].sort()).toEqual([1, 2, 3]);
    expect(await stored(c, f, 3)).toHaveLength(30);
  });

  it("custom partitioner: the function decides, over all partitions", async () => {
    const { c, f } = await setUp(1, 4);
    const partitioner = customPartitioner((m, n) => Number(String(m.value).slice(1)) % n);
    const p = new AsyncProducer(options(c, { partitioner }));
    const w = watch(p);
    await sendAll(p, range(0, 12));
    const { successes } = await w.done();
    expect(successes.every((s) => s.partition === Number(String(s.value).slice(1)) % 4)).toBe(true);
    const rows = await stored(c, f, 4);
    expect(rows.filter((r) => r.partition === 3).map((r) => r.value)).toEqual(["m3", "m7", "m11"]);
  });

  it("failure then retry: a retriable error is retried, and nothing is stored twice", async () => {
    const { c, f } = await setUp();
    f.pushErrors(ApiKey.Produce, ["NOT_LEADER_OR_FOLLOWER"]);
    const p = new AsyncProducer(options(c));
    const w = watch(p);
    await sendAll(p, range(0, 10));
    const { successes, errors } = await w.done();
    expect(errors).toEqual([]);
    expect(successes).toHaveLength(10);
    const produces = f.history.filter({ apiKey: ApiKey.Produce });
    expect(produces[0]?.faults).toEqual(["error"]);
    expect(produces.at(-1)?.faults).toEqual([]);
    expect((await stored(c, f)).map((r) => r.value)).toEqual(range(0, 10));
    f.assertAllUsed();
  });

  it("recovery with retries disabled: the failed batch fails, later messages go through", async () => {
    const { c, f } = await setUp();
    f.pushErrors(ApiKey.Produce, ["NOT_LEADER_OR_FOLLOWER"]);
    const p = new AsyncProducer(options(c, { retry: { max: 0 } }));
    const w = watch(p);
    await sendAll(p, range(0, 5));
    await w.returned(5);
    await sendAll(p, range(5, 5));
    const { successes, errors } = await w.done();
    expect(errors.map((e) => e.producerMessage.value)).toEqual(range(0, 5));
    expect(errors.every((e) => errorName(e).includes("NOT_LEADER_OR_FOLLOWER"))).toBe(true);
    expect(successes.map((s) => s.value)).toEqual(range(5, 5));
    expect((await stored(c, f)).map((r) => r.value)).toEqual(range(5, 5));
  });

  it("out of retries: a sticky error fails every message after retry.max + 1 attempts", async () => {
    const { c, f } = await setUp();
    const sticky = f.setError(ApiKey.Produce, "NOT_LEADER_OR_FOLLOWER");
    const p = new AsyncProducer(options(c, { retry: { max: 2, backoff: 1 }, flush: { messages: 5 } }));
    const w = watch(p);
    await sendAll(p, range(0, 5));
    const { successes, errors } = await w.done();
    sticky.clear();
    expect(successes).toEqual([]);
    expect(errors).toHaveLength(5);
    expect(errors.every((e) => errorName(e).includes("NOT_LEADER_OR_FOLLOWER"))).toBe(true);
    // Every message went out three times: once, then two retries (batches may regroup on the way).
    const sent = f.history
      .filter({ apiKey: ApiKey.Produce })
      .reduce((n, r) => n + ((r.request.body as ProduceRequest).topicData[0]?.partitionData.length ?? 0), 0);
    expect(sent).toBeGreaterThanOrEqual(3);
    expect(await stored(c, f)).toEqual([]);
  });

  it("broker bounce: a dropped connection is re-dialled and the batch retried", async () => {
    const { c, f } = await setUp();
    f.dropConnection({ apiKey: ApiKey.Produce, when: "before-handling" });
    const p = new AsyncProducer(options(c));
    const w = watch(p);
    await sendAll(p, range(0, 10));
    const { successes, errors } = await w.done();
    expect(errors).toEqual([]);
    expect(successes).toHaveLength(10);
    expect((await stored(c, f)).map((r) => r.value)).toEqual(range(0, 10));
    f.assertAllUsed();
  });

  it("broker bounce with stale metadata: the leader moved, NOT_LEADER sends the producer to the new one", async () => {
    const { c, f } = await setUp(3, 1);
    const p = new AsyncProducer(options(c));
    const w = watch(p);
    await sendAll(p, range(0, 5));
    await w.returned(5);
    f.moveLeader("t", 0, 2);
    await sendAll(p, range(5, 5));
    const { successes, errors } = await w.done();
    expect(errors).toEqual([]);
    expect(successes.map((s) => s.value)).toEqual(range(0, 10));
    const produces = f.history.filter({ apiKey: ApiKey.Produce });
    expect(produces.at(-1)?.broker).toBe(2);
    expect((await stored(c, f)).map((r) => r.value)).toEqual(range(0, 10));
  });

  it("broker restart: messages sent while the leader is down are retried until it is back", async () => {
    const { c, f } = await setUp(3, 1);
    const p = new AsyncProducer(options(c, { retry: { max: 50, backoff: 10 } }));
    const w = watch(p);
    await sendAll(p, range(0, 3));
    await w.returned(3);
    await f.brokerDown(1);
    const mark = f.history.mark();
    await sendAll(p, range(3, 3));
    // The producer noticed (it asked another broker for metadata, and now re-dials the leader
    // with backoff): bring the leader back.
    await f.history.waitFor({ apiKey: ApiKey.Metadata, since: mark }, { timeoutMs: 10_000 });
    await f.brokerUp(1);
    const { successes, errors } = await w.done();
    expect(errors).toEqual([]);
    expect(successes.map((s) => s.value)).toEqual(range(0, 6));
    expect((await stored(c, f)).map((r) => r.value)).toEqual(range(0, 6));
  });

  it("shutdown with retries in flight: close waits for the retried messages", async () => {
    const { c, f } = await setUp();
    f.pushErrors(ApiKey.Produce, ["REQUEST_TIMED_OUT", "NOT_LEADER_OR_FOLLOWER"]);
    const p = new AsyncProducer(options(c));
    const w = watch(p);
    await sendAll(p, range(0, 10));
    const { successes, errors } = await w.done(); // shut down at once, while the first batch is being retried
    expect(errors).toEqual([]);
    expect(successes).toHaveLength(10);
    expect((await stored(c, f)).map((r) => r.value)).toEqual(range(0, 10));
  });

  it("no returns: with successes and errors off, close() still resolves with every failure", async () => {
    const { c, f } = await setUp(1, 2);
    f.setError(ApiKey.Produce, "MESSAGE_TOO_LARGE", { partitions: [{ topic: "t", partition: 1 }] });
    const p = new AsyncProducer(
      options(c, { returnSuccesses: false, returnErrors: false, partitioner: "manual", retry: { max: 1 } }),
    );
    for (let i = 0; i < 10; i++) await p.input.send({ topic: "t", value: `m${i}`, partition: i % 2 });
    const failures = await p.close();
    expect(failures.map((e) => e.producerMessage.value).sort()).toEqual(["m1", "m3", "m5", "m7", "m9"]);
    expect((await stored(c, f, 2)).map((r) => r.value)).toEqual(["m0", "m2", "m4", "m6", "m8"]);
  });

  it("part of a batch failing: the failed partition is retried, the others are stored once", async () => {
    const { c, f } = await setUp(1, 2);
    f.failPartitions([{ topic: "t", partition: 0, error: "NOT_ENOUGH_REPLICAS" }]);
    const p = new AsyncProducer(options(c, { partitioner: "manual", flush: { messages: 10 } }));
    const w = watch(p);
    for (let i = 0; i < 10; i++) await p.input.send({ topic: "t", value: `m${i}`, partition: i % 2 });
    const { successes, errors } = await w.done();
    expect(errors).toEqual([]);
    expect(successes).toHaveLength(10);
    const rows = await stored(c, f, 2);
    expect(rows.filter((r) => r.partition === 0).map((r) => r.value)).toEqual(["m0", "m2", "m4", "m6", "m8"]);
    expect(rows.filter((r) => r.partition === 1).map((r) => r.value)).toEqual(["m1", "m3", "m5", "m7", "m9"]);
    f.assertAllUsed();
  });

  it("a stall: nothing is lost while the broker holds its answers, and all arrive once released", async () => {
    const { c, f } = await setUp();
    const held = f.stall({ apiKey: ApiKey.Produce });
    const p = new AsyncProducer(options(c));
    const w = watch(p);
    await sendAll(p, range(0, 20));
    await f.history.waitFor({ apiKey: ApiKey.Produce });
    expect(w.out.successes).toEqual([]);
    held.release();
    const { successes, errors } = await w.done();
    expect(errors).toEqual([]);
    expect(successes.map((s) => s.value)).toEqual(range(0, 20));
  });

  it("an ack lost after the append: without idempotence the retry stores a duplicate (at least once)", async () => {
    const { c, f } = await setUp();
    const p = new AsyncProducer(options(c, { flush: { messages: 5, maxMessages: 5 } }));
    const w = watch(p);
    await sendAll(p, range(0, 5));
    await f.history.waitFor({ apiKey: ApiKey.Produce });
    f.dropConnection({ apiKey: ApiKey.Produce, when: "after-handling" });
    await sendAll(p, range(5, 5));
    const { successes, errors } = await w.done();
    expect(errors).toEqual([]);
    expect(successes).toHaveLength(10);
    const values = (await stored(c, f)).map((r) => r.value);
    expect(values).toEqual([...range(0, 5), ...range(5, 5), ...range(5, 5)]);
  });

  it("idempotent retry keeps its sequences: the lost ack's batch is recognised, not stored twice", async () => {
    const { c, f } = await setUp();
    const p = new AsyncProducer(
      options(c, { idempotent: true, requiredAcks: -1, maxOpenRequests: 1, flush: { messages: 5, maxMessages: 5 } }),
    );
    const w = watch(p);
    await sendAll(p, range(0, 5));
    await w.returned(5);
    f.dropConnection({ apiKey: ApiKey.Produce, when: "after-handling" });
    await sendAll(p, range(5, 5));
    const { successes, errors } = await w.done();
    console.log(
      "DBG",
      await baseSequences(f),
      f.history.all().map((r) => `${r.apiName}@${r.broker}:${r.faults}`),
    );
    expect(errors).toEqual([]);
    expect(successes.map((s) => [s.value, s.offset])).toEqual(range(0, 10).map((v, i) => [v, BigInt(i)]));
    expect((await stored(c, f)).map((r) => r.value)).toEqual(range(0, 10));
    // The batch after the lost ack went out twice with the same base sequence.
    expect(await baseSequences(f)).toEqual([0, 5, 5]);
    f.assertAllUsed();
  });

  it("epoch bump: after a numbered batch fails for good, the next ones go under a new producer id or epoch", async () => {
    const { c, f } = await setUp();
    const p = new AsyncProducer(
      options(c, { idempotent: true, requiredAcks: -1, maxOpenRequests: 1, flush: { messages: 3, maxMessages: 3 } }),
    );
    const w = watch(p);
    await sendAll(p, range(0, 3));
    await w.returned(3);
    f.failPartitions([{ topic: "t", partition: 0, error: "INVALID_RECORD" }]); // not retriable
    await sendAll(p, range(3, 3));
    await w.returned(6);
    await sendAll(p, range(6, 3));
    const { successes, errors } = await w.done();
    expect(errors.map((e) => e.producerMessage.value)).toEqual(range(3, 3));
    expect(successes.map((s) => s.value)).toEqual([...range(0, 3), ...range(6, 3)]);
    const rows = await stored(c, f);
    expect(rows.map((r) => r.value)).toEqual([...range(0, 3), ...range(6, 3)]);
    expect(rows[3]?.baseSequence).toBe(0);
    expect(`${rows[3]?.producerId}/${rows[3]?.producerEpoch}`).not.toBe(
      `${rows[0]?.producerId}/${rows[0]?.producerEpoch}`,
    );
    expect(f.history.filter({ apiKey: ApiKey.InitProducerId })).toHaveLength(2);
  });
});
