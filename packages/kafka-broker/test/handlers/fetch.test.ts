import { ApiKey, decodeRecordBatches, readBatchHeaders } from "@csp-kit/kafka-protocol";
import { ManualClock } from "@csp-kit/timers/testing";
import { describe, expect, it } from "vitest";
import { eventually, useBrokers } from "../support/broker.js";
import { batchOf, fetchBody, produceBody, RawClient } from "../support/client.js";

const start = useBrokers();
const VERSIONS = Array.from({ length: 14 }, (_, i) => i + 4);
const text = new TextDecoder();

async function values(records: Uint8Array): Promise<string[]> {
  const { batches } = await decodeRecordBatches(records);
  return batches.flatMap((b) => b.records.map((r) => text.decode(r.value!)));
}

describe("Fetch", () => {
  it.each(VERSIONS)("v%i returns the stored batches byte for byte, with the offsets of the log", async (v) => {
    const { broker, port } = await start();
    broker.createTopic("f");
    const topicId = broker.stats().topics[0]!.id;
    const client = await RawClient.connect(port);
    await client.request(ApiKey.Produce, 7, produceBody("f", 0, batchOf(["a", "b"])));
    await client.request(ApiKey.Produce, 7, produceBody("f", 0, batchOf(["c"])));
    const r = await client.request(ApiKey.Fetch, v, fetchBody("f", 0, 0n, { topicId, isolationLevel: 1 }));
    expect(r.responses).toHaveLength(1);
    if (v >= 13) expect(r.responses[0]!.topicId).toBe(topicId);
    else expect(r.responses[0]!.topic).toBe("f");
    const p = r.responses[0]!.partitions[0]!;
    expect([p.errorCode, p.highWatermark, p.lastStableOffset]).toEqual([0, 3n, 3n]);
    if (v >= 5) expect(p.logStartOffset).toBe(0n);
    expect(p.abortedTransactions).toEqual([]); // read_committed, no transactions
    expect(readBatchHeaders(p.records!).headers.map((h) => h.baseOffset)).toEqual([0n, 2n]);
    expect(await values(p.records!)).toEqual(["a", "b", "c"]);
    client.close();
  });

  it("returns a batch whole when fetch_offset falls inside it: the client skips the records before", async () => {
    const { broker, port } = await start();
    broker.createTopic("mid");
    const client = await RawClient.connect(port);
    await client.request(ApiKey.Produce, 7, produceBody("mid", 0, batchOf(["a", "b", "c"])));
    const r = await client.request(ApiKey.Fetch, 11, fetchBody("mid", 0, 1n));
    expect(await values(r.responses[0]!.partitions[0]!.records!)).toEqual(["a", "b", "c"]);
    client.close();
  });

  it("returns at least the first batch above the byte limits (KIP-74), then respects them", async () => {
    const { broker, port } = await start();
    broker.createTopic("big", { partitions: 2 });
    const client = await RawClient.connect(port);
    const large = "x".repeat(5000);
    for (const p of [0, 1]) {
      await client.request(ApiKey.Produce, 7, produceBody("big", p, batchOf([large])));
      await client.request(ApiKey.Produce, 7, produceBody("big", p, batchOf([large])));
    }
    const body = fetchBody("big", 0, 0n, { partitionMaxBytes: 100, maxBytes: 100 });
    body.topics[0]!.partitions.push({ ...body.topics[0]!.partitions[0]!, partition: 1 });
    const r = await client.request(ApiKey.Fetch, 11, body);
    const [p0, p1] = r.responses[0]!.partitions;
    expect(readBatchHeaders(p0!.records!).headers).toHaveLength(1); // one batch, though larger than the limits
    expect(p1!.records!.byteLength).toBe(0); // the limits hold for the next partition
    expect(p1!.highWatermark).toBe(2n);
    client.close();
  });

  it("answers OFFSET_OUT_OF_RANGE beyond the log end and UNKNOWN_TOPIC_OR_PARTITION at once, without waiting", async () => {
    const clock = new ManualClock();
    const { broker, port } = await start({ clock });
    broker.createTopic("r");
    const client = await RawClient.connect(port);
    const out = await client.request(ApiKey.Fetch, 11, fetchBody("r", 0, 5n, { maxWaitMs: 60_000 }));
    expect(out.responses[0]!.partitions[0]!.errorCode).toBe(1);
    const missing = await client.request(ApiKey.Fetch, 11, fetchBody("none", 0, 0n, { maxWaitMs: 60_000 }));
    expect(missing.responses[0]!.partitions[0]!.errorCode).toBe(3);
    const byId = await client.request(
      ApiKey.Fetch,
      13,
      fetchBody("", 0, 0n, { maxWaitMs: 60_000, topicId: "AAAAAAAAAAAAAAAAAAAAAQ" }),
    );
    expect(byId.responses[0]!.partitions[0]!.errorCode).toBe(100);
    client.close();
  });

  it("waits for min_bytes: a small append does not answer the long poll, enough appends do", async () => {
    const clock = new ManualClock();
    const { broker, port } = await start({ clock });
    broker.createTopic("mb");
    const consumer = await RawClient.connect(port);
    const producer = await RawClient.connect(port);
    let answered = false;
    const fetch = consumer
      .request(ApiKey.Fetch, 11, fetchBody("mb", 0, 0n, { maxWaitMs: 60_000, minBytes: 300 }))
      .then((r) => {
        answered = true;
        return r;
      });
    await eventually(() => broker.stats().topics[0]!.partitions[0]!.watchers === 1, "the fetch waits");
    await producer.request(ApiKey.Produce, 7, produceBody("mb", 0, batchOf(["small"])));
    await producer.request(ApiKey.Produce, 7, produceBody("mb", 0, batchOf(["small"]))); // a round trip later
    expect(answered).toBe(false);
    await producer.request(ApiKey.Produce, 7, produceBody("mb", 0, batchOf(["z".repeat(400)])));
    const r = await fetch;
    expect(await values(r.responses[0]!.partitions[0]!.records!)).toHaveLength(3);
    consumer.close();
    producer.close();
  });

  it("ends a long poll on a topic that is deleted meanwhile, with UNKNOWN_TOPIC_OR_PARTITION", async () => {
    const clock = new ManualClock();
    const { broker, port } = await start({ clock });
    broker.createTopic("gone");
    const client = await RawClient.connect(port);
    const fetch = client.request(ApiKey.Fetch, 11, fetchBody("gone", 0, 0n, { maxWaitMs: 60_000 }));
    await eventually(() => broker.stats().topics[0]!.partitions[0]!.watchers === 1, "the fetch waits");
    await broker.deleteTopic("gone");
    expect((await fetch).responses[0]!.partitions[0]!.errorCode).toBe(3);
    client.close();
  });

  it("refuses zstd data to a Fetch below v10 with UNSUPPORTED_COMPRESSION_TYPE", async () => {
    const { broker, port } = await start();
    broker.createTopic("zf");
    const client = await RawClient.connect(port);
    const { crc32c } = await import("@csp-kit/kafka-protocol");
    const b = batchOf(["z"]);
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    view.setInt16(21, 4);
    view.setUint32(17, crc32c(b.subarray(21)));
    await client.request(ApiKey.Produce, 7, produceBody("zf", 0, b));
    const old = await client.request(ApiKey.Fetch, 9, fetchBody("zf", 0, 0n));
    expect(old.responses[0]!.partitions[0]!.errorCode).toBe(76);
    const ok = await client.request(ApiKey.Fetch, 10, fetchBody("zf", 0, 0n));
    expect(ok.responses[0]!.partitions[0]!.errorCode).toBe(0);
    client.close();
  });
});
