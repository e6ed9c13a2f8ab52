import type { CompressionName } from "@csp-kit/kafka-protocol";
import { describe, expect, it } from "vitest";
import { Consumer } from "../src/consumer.js";
import { isPartitionAlreadyConsumedError } from "../src/errors.js";
import { numbered, produceBatches, take, text, useBroker } from "./support/cluster.js";

const start = useBroker();

function consumerFor(bootstrap: string, extra: Partial<ConstructorParameters<typeof Consumer>[0]> = {}): Consumer {
  return new Consumer({ bootstrap: [bootstrap], maxWaitTime: 50, retry: { backoff: 10 }, ...extra });
}

describe("Consumer against the in-process broker", () => {
  it("consumes from the oldest offset, every message once and in order, across batches", async () => {
    const b = await start();
    await produceBatches(b.bootstrap, "t", 0, numbered("m", 5, 4));
    const consumer = consumerFor(b.bootstrap);
    const pc = await consumer.consumePartition("t", 0, "oldest");
    const got = await take(pc.messages, 20);
    expect(got.map((m) => m.offset)).toEqual(Array.from({ length: 20 }, (_, i) => BigInt(i)));
    expect(got.map(text)).toEqual(Array.from({ length: 20 }, (_, i) => `m-${i}`));
    expect(got[0]).toMatchObject({ topic: "t", partition: 0, timestamp: 1_700_000_000_000 });
    expect(pc.highWaterMarkOffset).toBe(20n);
    await consumer.close();
  });

  it("starts inside a batch: the records before the offset are trimmed", async () => {
    const b = await start();
    await produceBatches(b.bootstrap, "t", 0, numbered("m", 3, 5));
    const consumer = consumerFor(b.bootstrap);
    const pc = await consumer.consumePartition("t", 0, 7n);
    const got = await take(pc.messages, 8);
    expect(got.map((m) => m.offset)).toEqual([7n, 8n, 9n, 10n, 11n, 12n, 13n, 14n]);
    await consumer.close();
  });

  it("from the newest offset, sees only messages produced afterwards", async () => {
    const b = await start();
    await produceBatches(b.bootstrap, "t", 0, numbered("old", 2, 3));
    const consumer = consumerFor(b.bootstrap);
    const pc = await consumer.consumePartition("t", 0, "newest");
    await produceBatches(b.bootstrap, "t", 0, numbered("new", 1, 3));
    const got = await take(pc.messages, 3);
    expect(got.map(text)).toEqual(["new-0", "new-1", "new-2"]);
    expect(got[0]?.offset).toBe(6n);
    await consumer.close();
  });

  it.each(["none", "gzip", "snappy", "lz4", "zstd"] as CompressionName[])(
    "decodes %s batches, keys, null values and headers",
    async (codec) => {
      const b = await start();
      await produceBatches(
        b.bootstrap,
        "t",
        0,
        [
          [
            { key: "a", value: "1", headers: [{ key: "h", value: new TextEncoder().encode("v") }] },
            { key: null, value: null },
          ],
          [{ key: "c", value: "x".repeat(5000) }],
        ],
        codec,
      );
      const consumer = consumerFor(b.bootstrap);
      const pc = await consumer.consumePartition("t", 0, "oldest");
      const [m0, m1, m2] = await take(pc.messages, 3);
      expect(new TextDecoder().decode(m0!.key!)).toBe("a");
      expect(m0!.headers.map((h) => [h.key, h.value === null ? null : new TextDecoder().decode(h.value)])).toEqual([
        ["h", "v"],
      ]);
      expect(m1!.key).toBeNull();
      expect(m1!.value).toBeNull();
      expect(text(m2!)).toBe("x".repeat(5000));
      await consumer.close();
    },
  );

  it("refuses to consume the same partition twice, and allows it again after close", async () => {
    const b = await start();
    const consumer = consumerFor(b.bootstrap);
    const pc = await consumer.consumePartition("t", 0, "oldest");
    const again = await consumer.consumePartition("t", 0, "oldest").catch((e: unknown) => e);
    expect(isPartitionAlreadyConsumedError(again)).toBe(true);
    await pc.close();
    const pc2 = await consumer.consumePartition("t", 0, "oldest");
    await pc2.close();
    await consumer.close();
  });

  it("lists partitions", async () => {
    const b = await start({ partitions: 3 });
    const consumer = consumerFor(b.bootstrap);
    expect(await consumer.partitions("p3")).toEqual([0, 1, 2]);
    await consumer.close();
  });
});
