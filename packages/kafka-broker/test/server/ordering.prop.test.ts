/**
 * Responses leave in request order, whatever the mix: fast-check generates
 * sequences of pipelined requests on one connection — produces (acks 1 and
 * 0), fetches that long-poll or answer at once, metadata, list offsets —
 * with a second connection appending at random points to wake the long
 * polls, and the broker's clock advanced to end the others. The raw client
 * rejects any response whose correlation id is not the oldest unanswered
 * one; the offsets produced must be exactly 0, 1, 2, … in request order.
 */

import { ApiKey } from "@csp-kit/kafka-protocol";
import { ManualClock } from "@csp-kit/timers/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { startBroker } from "../../src/index.js";
import { silentLogger } from "../../src/internal/server/logger.js";
import { eventually } from "../support/broker.js";
import { batchOf, fetchBody, listOffsetsBody, metadataBody, produceBody, RawClient } from "../support/client.js";

type Step =
  | { readonly kind: "produce"; readonly acks: 0 | 1 }
  | { readonly kind: "fetch"; readonly waitMs: number }
  | { readonly kind: "metadata" }
  | { readonly kind: "offsets" }
  | { readonly kind: "append-elsewhere" };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("produce" as const), acks: fc.constantFrom(0 as const, 1 as const) }),
  fc.record({ kind: fc.constant("fetch" as const), waitMs: fc.constantFrom(0, 100, 5_000) }),
  fc.constant({ kind: "metadata" as const }),
  fc.constant({ kind: "offsets" as const }),
  fc.constant({ kind: "append-elsewhere" as const }),
);

describe("a pipelined connection", () => {
  it("answers every mix of requests in request order, with produce offsets in request order", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const clock = new ManualClock();
        const broker = await startBroker({ port: 0, logger: silentLogger, clock });
        try {
          broker.createTopic("order");
          const client = await RawClient.connect(broker.port, { noDelay: true });
          const other = await RawClient.connect(broker.port);
          const answers: Promise<unknown>[] = [];
          const producedOffsets: Promise<bigint>[] = [];
          let ours = 0;
          let elsewhere = 0;
          for (const s of steps) {
            if (s.kind === "produce") {
              const body = produceBody("order", 0, batchOf([`ours-${ours++}`]), s.acks);
              if (s.acks === 0) client.fireAndForget(ApiKey.Produce, 7, body);
              else {
                const r = client.request(ApiKey.Produce, 7, body);
                answers.push(r);
                producedOffsets.push(r.then((x) => x.responses[0]!.partitionResponses[0]!.baseOffset));
              }
            } else if (s.kind === "fetch") {
              answers.push(
                client.request(ApiKey.Fetch, 11, fetchBody("order", 0, 0n, { maxWaitMs: s.waitMs, minBytes: 1 << 20 })),
              );
            } else if (s.kind === "metadata") {
              answers.push(client.request(ApiKey.Metadata, 9, metadataBody(["order"])));
            } else if (s.kind === "offsets") {
              answers.push(client.request(ApiKey.ListOffsets, 5, listOffsetsBody("order", 0, -1n)));
            } else {
              elsewhere++;
              await other.request(ApiKey.Produce, 7, produceBody("order", 0, batchOf(["elsewhere"])));
            }
          }
          // A last request: its answer comes after every earlier request was handled (acks=0 ones too).
          answers.push(client.request(ApiKey.Metadata, 4, metadataBody(["order"])));
          // Every long poll waits for 1 MiB it will never get: the clock ends them, in order.
          const settled = Promise.allSettled(answers);
          let done = false;
          void settled.then(() => {
            done = true;
          });
          await eventually(
            () => {
              if (!done) clock.advance(1_000);
              return done;
            },
            "every response arrives",
            20_000,
          );
          for (const r of await settled) expect(r.status).toBe("fulfilled");
          const offsets = await Promise.all(producedOffsets);
          for (let i = 1; i < offsets.length; i++) expect(offsets[i]! > offsets[i - 1]!).toBe(true);
          expect(broker.stats().topics[0]!.partitions[0]!.highWatermark).toBe(ours + elsewhere);
          client.close();
          other.close();
        } finally {
          await broker.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
