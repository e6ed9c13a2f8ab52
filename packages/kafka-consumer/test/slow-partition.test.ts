import { describe, expect, it } from "vitest";
import { Consumer } from "../src/consumer.js";
import { numbered, produceBatches, take, text, useBroker } from "./support/cluster.js";

const start = useBroker();

describe("a partition whose reader stops", () => {
  it("does not stall the other partitions on its broker, and loses nothing itself", async () => {
    const b = await start({ partitions: 4 });
    for (let p = 0; p < 4; p++) await produceBatches(b.bootstrap, "slow", p, numbered(`p${p}`, 5, 10));
    const consumer = new Consumer({
      bootstrap: [b.bootstrap],
      maxWaitTime: 20,
      maxProcessingTime: 10,
      channelBufferSize: 4,
      retry: { backoff: 10 },
    });
    const pcs = await Promise.all([0, 1, 2, 3].map((p) => consumer.consumePartition("slow", p, "oldest")));
    // Nobody reads partition 0. The others get everything, then more that is produced meanwhile.
    for (const p of [1, 2, 3]) {
      const got = await take(pcs[p]!.messages, 50);
      expect(got.map(text)).toEqual(Array.from({ length: 50 }, (_, i) => `p${p}-${i}`));
    }
    for (const p of [1, 2, 3]) await produceBatches(b.bootstrap, "slow", p, numbered(`p${p}`, 2, 10, 50));
    for (const p of [1, 2, 3]) {
      const got = await take(pcs[p]!.messages, 20);
      expect(got.map((m) => m.offset)).toEqual(Array.from({ length: 20 }, (_, i) => BigInt(50 + i)));
    }
    // Partition 0 was held back, not dropped: every message once, in order.
    const p0 = await take(pcs[0]!.messages, 50);
    expect(p0.map(text)).toEqual(Array.from({ length: 50 }, (_, i) => `p0-${i}`));
    expect(pcs[0]!.messages.tryRecv()).toBe("would-block");
    await consumer.close();
  });
});
