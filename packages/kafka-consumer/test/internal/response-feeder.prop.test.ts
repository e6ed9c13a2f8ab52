// Property: whatever the interleaving of the user's reads and the clock
// (fast-check's scheduler decides it), the feeder delivers every message of
// every part exactly once, in offset order; acks each part exactly once;
// times out only when the clock moved at least maxProcessingTime; and
// re-subscribes after every time-out before it is fed again.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BrokerConsumer } from "../../src/internal/broker-consumer.js";
import type { PartResult } from "../../src/internal/child.js";
import { responseFeeder } from "../../src/internal/response-feeder.js";
import { batch, child, data } from "./helpers.js";

const MAX = 50;

describe("the response feeder under any schedule", () => {
  it("delivers every message once and in order, and acks every part once", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 1, max: 60 }), { maxLength: 8 }),
        fc.integer({ min: 0, max: 2 }),
        async (s, sizes, ticks, buffer) => {
          const { child: c, clock } = child({ maxProcessingTime: MAX, channelBufferSize: buffer });
          const feeder = responseFeeder(c);
          const total = sizes.reduce((a, b) => a + b, 0);
          const results: PartResult[] = [];
          let resubscriptions = 0;
          const broker = (async () => {
            let base = 0n;
            for (const n of sizes) {
              let resubscribed!: () => void;
              const back = new Promise<void>((resolve) => {
                resubscribed = resolve;
              });
              const from = {
                subscribe: async () => {
                  resubscriptions++;
                  resubscribed();
                },
              } as unknown as BrokerConsumer;
              let acked!: (r: PartResult) => void;
              const ack = new Promise<PartResult>((resolve) => {
                acked = resolve;
              });
              let count = 0;
              await c.feeder.send({
                data: data(batch(base, n)),
                from,
                ack: (r) => {
                  count++;
                  acked(r);
                },
              });
              const r = await ack;
              results.push(r);
              if (r === "timed-out") await back; // a timed-out partition is fed again only once it re-subscribed
              expect(count).toBe(1);
              base += BigInt(n);
            }
          })();
          const got: bigint[] = [];
          const user = (async () => {
            for (let i = 0; i < total; i++) {
              await s.schedule(Promise.resolve(), "read");
              got.push((await c.messages.recv()).unwrap().offset);
            }
          })();
          const time = (async () => {
            for (const t of ticks) {
              await s.schedule(Promise.resolve(), `advance ${t}`);
              clock.advance(t);
            }
          })();
          await s.waitFor(Promise.all([user, broker]));
          expect(got).toEqual(Array.from({ length: total }, (_, i) => BigInt(i)));
          expect(results).toHaveLength(sizes.length);
          expect(results.every((r) => r === "ok" || r === "timed-out")).toBe(true);
          expect(resubscriptions).toBe(results.filter((r) => r === "timed-out").length);
          if (ticks.reduce((a, b) => a + b, 0) < MAX) expect(results.every((r) => r === "ok")).toBe(true);
          await s.waitAll();
          await time;
          c.die();
          await feeder;
          expect(clock.pending).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});
