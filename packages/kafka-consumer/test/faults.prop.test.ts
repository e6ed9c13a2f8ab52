// Property: under any sequence of faults on a 3-broker cluster — leader
// moves, errors pushed on Fetch, dropped connections, a broker down and
// up, stalls — interleaved with produces, every partition's messages
// arrive exactly once and in order.
import { startCluster } from "@csp-kit/kafka-broker";
import { injectFaults } from "@csp-kit/kafka-broker/testing";
import { ApiKey } from "@csp-kit/kafka-protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Consumer } from "../src/consumer.js";
import { collect, numbered, produceBatches } from "./support/cluster.js";

const TOPIC = "chaos";

type Step =
  | { readonly kind: "produce"; readonly partition: number; readonly batches: number }
  | { readonly kind: "move"; readonly partition: number; readonly to: number }
  | { readonly kind: "error"; readonly partition: number; readonly code: string }
  | { readonly kind: "drop"; readonly broker: number; readonly when: "before-handling" | "after-handling" }
  | { readonly kind: "bounce"; readonly broker: number }
  | { readonly kind: "stall"; readonly broker: number };

const partition = fc.integer({ min: 0, max: 2 });
const broker = fc.integer({ min: 1, max: 3 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("produce" as const), partition, batches: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant("move" as const), partition, to: broker }),
  fc.record({
    kind: fc.constant("error" as const),
    partition,
    code: fc.constantFrom(
      "NOT_LEADER_OR_FOLLOWER",
      "UNKNOWN_TOPIC_OR_PARTITION",
      "KAFKA_STORAGE_ERROR",
      "UNKNOWN_SERVER_ERROR",
    ),
  }),
  fc.record({
    kind: fc.constant("drop" as const),
    broker,
    when: fc.constantFrom("before-handling" as const, "after-handling" as const),
  }),
  fc.record({ kind: fc.constant("bounce" as const), broker }),
  fc.record({ kind: fc.constant("stall" as const), broker }),
);

describe("the consumer under random faults", () => {
  it("delivers every message once and in order per partition", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        const cluster = await startCluster({ brokers: 3, logLevel: "silent" });
        cluster.createTopic(TOPIC, { partitions: 3 });
        const faults = injectFaults(cluster);
        const consumer = new Consumer({
          bootstrap: [...cluster.bootstrapServers],
          maxWaitTime: 10,
          retry: { backoff: 10 },
          metadata: { retryBackoff: 5, retryMax: 1 },
          net: { dialTimeout: 300, readTimeout: 1000 },
        });
        try {
          const pcs = await Promise.all([0, 1, 2].map((p) => consumer.consumePartition(TOPIC, p, "oldest")));
          const got = pcs.map(collect);
          const produced = [0, 0, 0];
          const produce = async (p: number, batches: number) => {
            const leader = cluster.leaderOf(TOPIC, p).leader;
            await produceBatches(
              cluster.broker(leader).bootstrap,
              TOPIC,
              p,
              numbered(`p${p}`, batches, 2, produced[p]),
            );
            produced[p]! += batches * 2;
          };
          for (const s of steps) {
            switch (s.kind) {
              case "produce":
                await produce(s.partition, s.batches);
                break;
              case "move":
                faults.moveLeader(TOPIC, s.partition, s.to);
                break;
              case "error":
                faults.pushErrors(ApiKey.Fetch, [s.code as "KAFKA_STORAGE_ERROR"], {
                  partitions: [{ topic: TOPIC, partition: s.partition }],
                });
                break;
              case "drop":
                faults.dropConnection({ apiKey: ApiKey.Fetch, broker: s.broker, when: s.when });
                break;
              case "bounce": {
                await faults.brokerDown(s.broker);
                // Produce to the partitions still led by a live broker meanwhile.
                for (let p = 0; p < 3; p++) if (cluster.leaderOf(TOPIC, p).leader !== s.broker) await produce(p, 1);
                await faults.brokerUp(s.broker);
                break;
              }
              case "stall": {
                const stall = faults.stall({ apiKey: ApiKey.Fetch, broker: s.broker });
                for (let p = 0; p < 3; p++) await produce(p, 1);
                stall.release();
                break;
              }
            }
          }
          for (let p = 0; p < 3; p++) await produce(p, 1);
          const expected = (p: number) => Array.from({ length: produced[p]! }, (_, i) => `p${p}-${i}`);
          for (let p = 0; p < 3; p++) {
            await got[p]!.until(produced[p]!, 20_000);
            expect(got[p]!.values).toEqual(expected(p));
            expect(got[p]!.offsets).toEqual(expected(p).map((_, i) => BigInt(i)));
          }
          await consumer.close();
          for (let p = 0; p < 3; p++) expect(got[p]!.values).toEqual(expected(p)); // nothing arrived twice later
        } finally {
          await consumer.close();
          faults.detach();
          await cluster.close();
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
