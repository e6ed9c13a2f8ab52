// Property: the partition producer's retry levels and fin chaser keep each
// partition's order across any schedule of retriable failures, leader moves
// and batch boundaries. The broker side is a fake with the broker producer's
// retry rules (a failure marks the partition retrying and bounces what
// follows until a syn; a fin is always bounced back on the retry path); the
// retry handler and the reference-counted broker producers are the real ones.

import { Channel } from "@csp-kit/channel";
import type { BrokerPool, MetadataCache } from "@csp-kit/kafka-client";
import { WaitGroup } from "@csp-kit/mutex";
import { settle } from "@csp-kit/timers/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MessageEnvelope, PartitionEnvelope } from "../../../src/internal/envelope.js";
import type { BrokerProducer } from "../../../src/internal/pipeline/broker-producer.js";
import { PartitionProducer } from "../../../src/internal/pipeline/partition-producer.js";
import { retryHandler } from "../../../src/internal/pipeline/retry-handler.js";
import { ProducerCore } from "../../../src/internal/producer-core.js";
import { config, envelope } from "../helpers.js";

const retriable = new Error("NOT_LEADER_OR_FOLLOWER (fake)");

/** A random schedule, read cyclically: whether each write fails, whether a broker flushes now, the next leader. */
interface Schedule {
  readonly fails: readonly boolean[];
  readonly flushes: readonly boolean[];
  readonly leaders: readonly number[];
}

class Cursor<T> {
  #i = 0;
  constructor(readonly items: readonly T[]) {}
  next(): T {
    return this.items[this.#i++ % this.items.length] as T;
  }
}

/** A fake broker producer: batches until the schedule says flush, then writes or fails each message. */
class FakeBroker {
  readonly input = new Channel<PartitionEnvelope>();
  readonly done: Promise<void>;
  readonly #retrying = new Set<number>();
  #pending: MessageEnvelope[] = [];
  #chain: Promise<void> = Promise.resolve();

  constructor(
    readonly nodeId: number,
    readonly core: ProducerCore,
    readonly world: World,
  ) {
    this.done = this.#run();
  }

  /** Runs `fn` after every earlier operation of this broker (its loop and the driver's flushes interleave). */
  serial(fn: () => Promise<void>): Promise<void> {
    const p = this.#chain.then(fn);
    this.#chain = p;
    return p;
  }

  async #run(): Promise<void> {
    for await (const e of this.input) await this.serial(() => this.#take(e));
    await this.serial(() => this.flush());
    this.world.live.delete(this);
  }

  async #take(e: PartitionEnvelope): Promise<void> {
    const core = this.core;
    if (e.kind === "syn") {
      this.#retrying.delete(e.partition);
      core.inFlight.done();
      return;
    }
    if (this.#retrying.has(e.partition)) {
      await core.retryMessage(e, retriable);
      if (e.kind === "fin") this.#retrying.delete(e.partition);
      return;
    }
    if (e.kind === "fin") {
      await core.retryMessage(e, retriable);
      return;
    }
    this.#pending.push(e);
    if (this.world.flushes.next()) await this.flush();
  }

  async flush(): Promise<void> {
    const batch = this.#pending;
    this.#pending = [];
    const failed = new Set<number>();
    for (const m of batch) {
      if (failed.has(m.partition) || this.world.fails.next()) {
        failed.add(m.partition);
        this.#retrying.add(m.partition);
        await this.core.retryMessage(m, retriable);
      } else {
        this.world.log.push({ partition: m.partition, value: Number(new TextDecoder().decode(m.value ?? undefined)) });
        await this.core.returnSuccess(m, 0n, 0);
      }
    }
  }
}

interface World {
  readonly fails: Cursor<boolean>;
  readonly flushes: Cursor<boolean>;
  readonly leaders: Cursor<number>;
  readonly log: { partition: number; value: number }[];
  readonly live: Set<FakeBroker>;
}

async function run(schedule: Schedule, perPartition: readonly number[], retryMax: number) {
  const world: World = {
    fails: new Cursor(schedule.fails),
    flushes: new Cursor(schedule.flushes),
    leaders: new Cursor(schedule.leaders),
    log: [],
    live: new Set(),
  };
  const cfg = config({ retry: { max: retryMax, backoff: 0 }, returnErrors: false });
  const inFlight = new WaitGroup();
  const retries = new Channel<PartitionEnvelope>();
  const core = new ProducerCore({
    config: cfg,
    inFlight,
    pool: {} as BrokerPool,
    metadata: {} as MetadataCache,
    retries,
    successes: new Channel(),
    errors: new Channel(),
    makeBrokerProducer: (c, nodeId) => {
      const b = new FakeBroker(nodeId, c, world);
      world.live.add(b);
      return b as unknown as BrokerProducer;
    },
  });
  const leader = async () => world.leaders.next();
  const producers = perPartition.map((_, p) => new PartitionProducer(core, "t", p, leader));
  // The retry path: the real retry handler, then routed to the partition producer (the dispatcher's job).
  const retried = new Channel<PartitionEnvelope>();
  const handler = retryHandler({
    retries,
    input: retried,
    maxBufferLength: 0,
    maxBufferBytes: 0,
    overflow: () => {
      throw new Error("unbounded: never overflows");
    },
  }).then(() => retried.close());
  const router = (async () => {
    for await (const e of retried) await producers[e.partition]?.input.send(e);
  })();

  // Interleave the partitions' sends round-robin, as a dispatcher would.
  const sent = perPartition.map(() => 0);
  for (let more = true; more; ) {
    more = false;
    for (const [p, n] of perPartition.entries()) {
      if ((sent[p] as number) >= n) continue;
      more = true;
      inFlight.add(1);
      await producers[p]?.input.send(envelope("t", p, String(sent[p])));
      sent[p] = (sent[p] as number) + 1;
    }
  }
  // Every message comes back, as brokers flush what they hold: bounded, no sleeps.
  let finished = false;
  void inFlight.wait().then(() => {
    finished = true;
  });
  for (let i = 0; i < 10_000 && !finished; i++) {
    for (const b of world.live) await b.serial(() => b.flush());
    await settle();
  }
  expect(finished, "every message came back").toBe(true);
  for (const pp of producers) pp.input.close();
  await Promise.all(producers.map((pp) => pp.done));
  retries.close();
  await handler;
  await router;
  return { log: world.log, failed: core.collected, live: world.live };
}

describe("PartitionProducer: retry levels and the fin chaser", () => {
  it("keeps per-partition order across random retry schedules, and accounts for every message once", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          fails: fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }),
          flushes: fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }),
          leaders: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 10 }),
        }),
        fc.array(fc.integer({ min: 0, max: 25 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 6 }),
        async (schedule, perPartition, retryMax) => {
          const { log, failed, live } = await run(schedule, perPartition, retryMax);
          for (const [p, n] of perPartition.entries()) {
            const written = log.filter((w) => w.partition === p).map((w) => w.value);
            const lost = failed.filter((f) => f.partition === p).map((f) => Number(f.producerMessage.value));
            // Order: what was written is in send order, each message once.
            for (let i = 1; i < written.length; i++) expect(written[i]).toBeGreaterThan(written[i - 1] as number);
            // Accounting: each message either written or failed (after its retries), never both, never lost.
            expect([...written, ...lost].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
          }
          for (const f of failed) expect(f.cause).toBe(retriable);
          // Reference counting: every broker producer was released once its partitions were done.
          expect(live.size).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("with no failures, writes every message in order and fails none", async () => {
    const { log, failed } = await run({ fails: [false], flushes: [true, false], leaders: [1, 2] }, [10, 10], 3);
    expect(failed).toEqual([]);
    for (const p of [0, 1]) {
      expect(log.filter((w) => w.partition === p).map((w) => w.value)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    }
  });
});
