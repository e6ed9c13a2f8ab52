import { decodeRecordBatch } from "@csp-kit/kafka-protocol";
import { describe, expect, it } from "vitest";
import { buildRecords, ProduceSet, REQUEST_OVERHEAD_BYTES } from "../../src/internal/produce-set.js";
import { config, envelope } from "./helpers.js";

describe("ProduceSet", () => {
  it("with no flush trigger is ready as soon as it holds a message", () => {
    const set = new ProduceSet(config());
    expect(set.readyToFlush()).toBe(false);
    set.add(envelope("t", 0, "a"));
    expect(set.readyToFlush()).toBe(true);
  });

  it("flushes by count at flush.messages", () => {
    const set = new ProduceSet(config({ flush: { messages: 3, frequency: 1000 } }));
    set.add(envelope("t", 0, "a"));
    set.add(envelope("t", 1, "b"));
    expect(set.readyToFlush()).toBe(false);
    set.add(envelope("t", 0, "c"));
    expect(set.readyToFlush()).toBe(true);
    expect(set.count).toBe(3);
  });

  it("flushes by bytes at flush.bytes", () => {
    const m = envelope("t", 0, "x".repeat(100));
    const set = new ProduceSet(config({ flush: { bytes: m.size * 2, frequency: 1000 } }));
    set.add(m);
    expect(set.readyToFlush()).toBe(false);
    set.add(envelope("t", 0, "y".repeat(100)));
    expect(set.readyToFlush()).toBe(true);
    expect(set.bytes).toBe(m.size * 2);
  });

  it("would overflow at flush.maxMessages, the partition's maxMessageBytes and the request size", () => {
    const byCount = new ProduceSet(config({ flush: { maxMessages: 2 } }));
    byCount.add(envelope("t", 0, "a"));
    expect(byCount.wouldOverflow(envelope("t", 0, "b"))).toBe(false);
    byCount.add(envelope("t", 0, "b"));
    expect(byCount.wouldOverflow(envelope("t", 1, "c"))).toBe(true);

    const big = envelope("t", 0, "x".repeat(600));
    const byBatch = new ProduceSet(config({ maxMessageBytes: 1000 }));
    byBatch.add(big);
    expect(byBatch.wouldOverflow(envelope("t", 0, "x".repeat(600)))).toBe(true);
    expect(byBatch.wouldOverflow(envelope("t", 1, "x".repeat(600)))).toBe(false);

    const maxRequestSize = REQUEST_OVERHEAD_BYTES * 2;
    const byRequest = new ProduceSet(config({ maxRequestSize }));
    byRequest.add(envelope("t", 0, "x".repeat(REQUEST_OVERHEAD_BYTES - 200)));
    expect(byRequest.wouldOverflow(envelope("t", 1, "x".repeat(300)))).toBe(true);
  });

  it("drops one partition's messages in order and keeps the sums right", () => {
    const set = new ProduceSet(config());
    const a = envelope("t", 0, "a");
    const b = envelope("t", 1, "b");
    const c = envelope("t", 0, "c");
    for (const m of [a, b, c]) set.add(m);
    expect(set.dropPartition("t", 0)).toEqual([a, c]);
    expect(set.count).toBe(1);
    expect(set.bytes).toBe(b.size);
    expect([...set.messages()]).toEqual([b]);
    expect(set.dropPartition("t", 5)).toEqual([]);
  });

  it("builds a partition's messages into one batch that decodes to them", async () => {
    const set = new ProduceSet(config());
    set.add(envelope("t", 0, "a", 1000));
    set.add(envelope("t", 0, "b", 1005));
    const [part] = [...set.each()];
    if (part === undefined) throw new Error("no partition set");
    for (const compression of ["none", "gzip", "snappy", "lz4", "zstd"] as const) {
      const bytes = await buildRecords(part, { compression, compressionLevel: undefined });
      const batch = await decodeRecordBatch(bytes);
      expect(batch.records.map((r) => new TextDecoder().decode(r.value ?? new Uint8Array()))).toEqual(["a", "b"]);
      expect(batch.baseTimestamp).toBe(1000);
      expect(batch.maxTimestamp).toBe(1005);
      expect(batch.producerId).toBe(-1n);
    }
  });

  it("keeps a retried (numbered) batch apart from new messages, and apart from another epoch", () => {
    const numbered = (value: string, sequence: number, epoch = 0) => ({
      ...envelope("t", 0, value),
      sequence,
      epoch,
      producerId: 7n,
    });
    const set = new ProduceSet(config());
    set.add(numbered("a", 0));
    expect(set.wouldOverflow(numbered("b", 1))).toBe(false);
    expect(set.wouldOverflow(numbered("b", 2))).toBe(true); // a gap
    expect(set.wouldOverflow(numbered("b", 1, 1))).toBe(true); // another epoch
    expect(set.wouldOverflow(envelope("t", 0, "fresh"))).toBe(true); // numbered when sent: not behind a retried one
    expect(set.wouldOverflow(envelope("t", 1, "other partition"))).toBe(false);
    const fresh = new ProduceSet(config());
    fresh.add(envelope("t", 0, "x"));
    expect(fresh.wouldOverflow(numbered("a", 0))).toBe(true);
  });
});
