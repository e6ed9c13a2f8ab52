/**
 * Pushed errors against a model: fast-check generates sequences of
 * `pushErrors` (with and without a partition scope, codes including 0) and
 * Produce requests naming one or both partitions of a topic. After every
 * request the answer of each partition, the high watermarks and the
 * injector's `unused()` must equal what a small sequential model says:
 *
 * - the rules are walked in the order they were pushed; a rule whose scope
 *   the request does not touch is skipped and keeps its codes;
 * - each rule that matches gives up its next code, which fails the
 *   partitions it covers that no earlier rule failed (0 fails nothing);
 * - a partition that fails stores nothing; the others append one record.
 */

import { ApiKey } from "@csp-kit/kafka-protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { startCluster } from "../src/index.js";
import { silentLogger } from "../src/internal/server/logger.js";
import { injectFaults } from "../src/testing.js";
import { batchOf, RawClient } from "./support/client.js";

type Command =
  | { readonly kind: "push"; readonly codes: readonly number[]; readonly partition: 0 | 1 | undefined }
  | { readonly kind: "produce"; readonly partitions: readonly (0 | 1)[] };

const code = fc.constantFrom(0, 6, 7, 19);
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant("push" as const),
    codes: fc.array(code, { minLength: 1, maxLength: 3 }),
    partition: fc.constantFrom(0 as const, 1 as const, undefined),
  }),
  fc.record({
    kind: fc.constant("produce" as const),
    partitions: fc.constantFrom<readonly (0 | 1)[]>([0], [1], [0, 1]),
  }),
);

interface ModelRule {
  readonly codes: number[];
  readonly partition: 0 | 1 | undefined;
  applied: number;
}

describe("pushErrors", () => {
  it("answers every sequence of pushes and produces as the model says", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 20 }), async (commands) => {
        const cluster = await startCluster({ brokers: 1, logger: silentLogger });
        const faults = injectFaults(cluster);
        const client = await RawClient.connect(cluster.broker(1).port);
        try {
          cluster.createTopic("m", { partitions: 2 });
          let rules: ModelRule[] = [];
          const stored = [0, 0];
          for (const c of commands) {
            if (c.kind === "push") {
              faults.pushErrors(
                ApiKey.Produce,
                c.codes,
                c.partition === undefined ? {} : { partitions: [{ topic: "m", partition: c.partition }] },
              );
              rules.push({ codes: [...c.codes], partition: c.partition, applied: 0 });
              continue;
            }
            const expected = new Map<number, number>(c.partitions.map((p) => [p, 0]));
            for (const rule of rules) {
              if (rule.partition !== undefined && !c.partitions.includes(rule.partition)) continue;
              const next = rule.codes.shift()!;
              rule.applied++;
              for (const p of c.partitions)
                if ((rule.partition === undefined || rule.partition === p) && expected.get(p) === 0 && next !== 0)
                  expected.set(p, next);
            }
            rules = rules.filter((r) => r.codes.length > 0);
            for (const [p, e] of expected) if (e === 0) stored[p]!++;
            const r = await client.request(ApiKey.Produce, 7, {
              transactionalId: null,
              acks: -1,
              timeoutMs: 30_000,
              topicData: [
                { name: "m", partitionData: c.partitions.map((p) => ({ index: p, records: batchOf([`v${p}`]) })) },
              ],
            });
            const got = r.responses[0]!.partitionResponses.map((p) => [p.index, p.errorCode]);
            expect(got).toEqual([...expected.entries()]);
            expect(cluster.stats().topics[0]!.partitions.map((p) => p.highWatermark)).toEqual(stored);
            expect(faults.unused()).toHaveLength(rules.length);
          }
        } finally {
          client.close();
          faults.detach();
          await cluster.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
