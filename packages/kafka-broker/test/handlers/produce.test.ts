import { ApiKey, crc32c, readBatchHeaders } from "@csp-kit/kafka-protocol";
import { describe, expect, it } from "vitest";
import { eventually, useBrokers } from "../support/broker.js";
import { batchOf, fetchBody, metadataBody, produceBody, RawClient } from "../support/client.js";

const start = useBrokers();
const VERSIONS = [3, 4, 5, 6, 7, 8, 9, 10, 11];

/** The base offsets of the batches stored in `topic`-0 from offset 0. */
async function storedBases(client: RawClient, topic: string): Promise<bigint[]> {
  const r = await client.request(ApiKey.Fetch, 11, fetchBody(topic, 0, 0n));
  const records = r.responses[0]!.partitions[0]!.records!;
  return readBatchHeaders(records).headers.map((h) => h.baseOffset);
}

/** `batch` with its codec bits set to `codec` and its CRC recomputed. */
function withCodec(batch: Uint8Array, codec: number): Uint8Array {
  const b = batch.slice();
  const view = new DataView(b.buffer);
  view.setInt16(21, (view.getInt16(21) & ~7) | codec);
  view.setUint32(17, crc32c(b.subarray(21)));
  return b;
}

describe("Produce", () => {
  it.each(VERSIONS)("v%i assigns offsets from the log end and answers each partition", async (v) => {
    const { broker, port } = await start();
    broker.createTopic("p", { partitions: 2 });
    const client = await RawClient.connect(port);
    const first = await client.request(ApiKey.Produce, v, produceBody("p", 0, batchOf(["a", "b", "c"])));
    const second = await client.request(ApiKey.Produce, v, produceBody("p", 0, batchOf(["d"])));
    const r1 = first.responses[0]!.partitionResponses[0]!;
    const r2 = second.responses[0]!.partitionResponses[0]!;
    expect([r1.errorCode, r1.baseOffset, r2.errorCode, r2.baseOffset]).toEqual([0, 0n, 0, 3n]);
    if (v >= 5) expect(r2.logStartOffset).toBe(0n);
    expect(await storedBases(client, "p")).toEqual([0n, 3n]);
    client.close();
  });

  it("stores several batches of one partition in one append, and answers the first one's offset", async () => {
    const { broker, port } = await start();
    broker.createTopic("multi");
    const client = await RawClient.connect(port);
    const records = new Uint8Array([...batchOf(["a", "b"]), ...batchOf(["c"])]);
    const r = await client.request(ApiKey.Produce, 7, produceBody("multi", 0, records));
    expect(r.responses[0]!.partitionResponses[0]!.baseOffset).toBe(0n);
    expect(await storedBases(client, "multi")).toEqual([0n, 2n]);
    client.close();
  });

  it("answers each partition on its own: a failure in one does not stop the others", async () => {
    const { broker, port } = await start({ maxMessageBytes: 200 });
    broker.createTopic("ok");
    const client = await RawClient.connect(port);
    const corrupt = batchOf(["x"]);
    corrupt[corrupt.length - 1] = corrupt[corrupt.length - 1]! ^ 0xff;
    const r = await client.request(ApiKey.Produce, 8, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 1000,
      topicData: [
        {
          name: "ok",
          partitionData: [
            { index: 0, records: batchOf(["fine"]) },
            { index: 5, records: batchOf(["no such partition"]) },
          ],
        },
        { name: "missing", partitionData: [{ index: 0, records: batchOf(["no such topic"]) }] },
      ],
    });
    expect(r.responses.map((t) => t.partitionResponses.map((p) => p.errorCode))).toEqual([[0, 3], [3]]);
    const big = await client.request(ApiKey.Produce, 8, produceBody("ok", 0, batchOf(["y".repeat(300)])));
    const bad = await client.request(ApiKey.Produce, 8, produceBody("ok", 0, corrupt));
    expect(big.responses[0]!.partitionResponses[0]).toMatchObject({ errorCode: 10, baseOffset: -1n });
    expect(big.responses[0]!.partitionResponses[0]!.errorMessage).toMatch(/more than the log's maxBatchBytes 200/);
    expect(bad.responses[0]!.partitionResponses[0]!.errorCode).toBe(2);
    expect(await storedBases(client, "ok")).toEqual([0n]); // nothing of the refused batches was stored
    client.close();
  });

  it("refuses acks other than -1, 0 and 1 with INVALID_REQUIRED_ACKS, storing nothing", async () => {
    const { broker, port } = await start();
    broker.createTopic("acks");
    const client = await RawClient.connect(port);
    const r = await client.request(ApiKey.Produce, 7, produceBody("acks", 0, batchOf(["a"]), 2));
    expect(r.responses[0]!.partitionResponses[0]!.errorCode).toBe(21);
    expect(broker.stats().topics[0]!.partitions[0]!.highWatermark).toBe(0);
    client.close();
  });

  it("refuses zstd below Produce v7 with UNSUPPORTED_COMPRESSION_TYPE, and stores it as sent from v7", async () => {
    const { broker, port } = await start();
    broker.createTopic("z");
    const client = await RawClient.connect(port);
    const zstd = withCodec(batchOf(["opaque"]), 4);
    const old = await client.request(ApiKey.Produce, 6, produceBody("z", 0, zstd.slice()));
    expect(old.responses[0]!.partitionResponses[0]!.errorCode).toBe(76);
    const ok = await client.request(ApiKey.Produce, 7, produceBody("z", 0, zstd.slice()));
    expect(ok.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
    const fetched = await client.request(ApiKey.Fetch, 11, fetchBody("z", 0, 0n));
    expect(readBatchHeaders(fetched.responses[0]!.partitions[0]!.records!).headers[0]!.compression).toBe(4);
    expect(broker.stats().topics[0]!.partitions[0]!.highWatermark).toBe(1);
    client.close();
  });

  it("with acks=0 sends no response, stores the data, and answers the next request in order", async () => {
    const { broker, port } = await start();
    broker.createTopic("quiet");
    const client = await RawClient.connect(port);
    client.fireAndForget(ApiKey.Produce, 7, produceBody("quiet", 0, batchOf(["a"]), 0));
    const md = await client.request(ApiKey.Metadata, 4, metadataBody(["quiet"]));
    expect(md.topics[0]!.errorCode).toBe(0);
    expect(broker.stats().topics[0]!.partitions[0]!.highWatermark).toBe(1);
    client.close();
  });

  it("with acks=0 closes the connection when a partition fails: the producer has no other way to know", async () => {
    const { port, log } = await start();
    const client = await RawClient.connect(port);
    client.fireAndForget(ApiKey.Produce, 7, produceBody("absent", 0, batchOf(["a"]), 0));
    await client.closed;
    await eventually(() => log.some((e) => e.message === "connection closed"), "logged");
    expect(log.find((e) => e.message === "connection closed")!.details.reason).toMatch(/acks=0 produce failed/);
  });

  it("checks idempotent producers: a retried batch gets its first offset, a gap and a stale epoch are refused", async () => {
    const { broker, port } = await start();
    broker.createTopic("idem");
    const client = await RawClient.connect(port);
    const pid = 42n;
    const send = async (seq: number, epoch: number, values: string[]) => {
      const batch = batchOf(values, { producerId: pid, producerEpoch: epoch, baseSequence: seq });
      const r = await client.request(ApiKey.Produce, 7, produceBody("idem", 0, batch));
      return r.responses[0]!.partitionResponses[0]!;
    };
    expect((await send(0, 0, ["a", "b"])).baseOffset).toBe(0n);
    expect((await send(2, 0, ["c"])).baseOffset).toBe(2n);
    const retry = await send(2, 0, ["c"]);
    expect([retry.errorCode, retry.baseOffset]).toEqual([0, 2n]);
    expect((await send(5, 0, ["gap"])).errorCode).toBe(45);
    expect((await send(0, 1, ["new epoch"])).errorCode).toBe(0);
    expect((await send(3, 0, ["stale"])).errorCode).toBe(47);
    expect(broker.stats().topics[0]!.partitions[0]!.highWatermark).toBe(4);
    client.close();
  });
});
