import { ApiKey, encodeRecordBatch } from "@csp-kit/kafka-protocol";
import { describe, expect, it } from "vitest";
import { useBrokers } from "../support/broker.js";
import { batchOf, listOffsetsBody, produceBody, RawClient } from "../support/client.js";

const start = useBrokers();
const VERSIONS = Array.from({ length: 10 }, (_, i) => i + 1);
const T0 = 1_700_000_000_000;

async function setUp(compression?: string) {
  const t = await start();
  t.broker.createTopic("lo");
  const client = await RawClient.connect(t.port);
  // Offsets 0-2 at T0, T0+1, T0+2; offsets 3-4 at T0+100, T0+101 (a second batch).
  await client.request(ApiKey.Produce, 7, produceBody("lo", 0, batchOf(["a", "b", "c"], { baseTimestamp: T0 })));
  const second =
    compression === undefined
      ? batchOf(["d", "e"], { baseTimestamp: T0 + 100 })
      : await encodeRecordBatch(
          {
            records: [
              { value: new Uint8Array([100]), timestampDelta: 0 },
              { value: new Uint8Array([101]), timestampDelta: 1 },
            ],
            baseTimestamp: T0 + 100,
            maxTimestamp: T0 + 101,
          },
          { compression },
        );
  await client.request(ApiKey.Produce, 7, produceBody("lo", 0, second));
  return { ...t, client };
}

async function lookup(client: RawClient, version: number, timestamp: bigint) {
  const r = await client.request(ApiKey.ListOffsets, version, listOffsetsBody("lo", 0, timestamp));
  const p = r.topics[0]!.partitions[0]!;
  return { errorCode: p.errorCode, offset: p.offset, timestamp: p.timestamp, leaderEpoch: p.leaderEpoch };
}

describe("ListOffsets", () => {
  it.each(VERSIONS)(
    "v%i answers earliest (-2) and latest (-1) with the log start and the high watermark",
    async (v) => {
      const { client } = await setUp();
      expect(await lookup(client, v, -2n)).toMatchObject({ errorCode: 0, offset: 0n, timestamp: -1n });
      expect(await lookup(client, v, -1n)).toMatchObject({ errorCode: 0, offset: 5n, timestamp: -1n });
      expect((await lookup(client, v, -1n)).leaderEpoch).toBe(v >= 4 ? 0 : -1);
      client.close();
    },
  );

  it("finds the first record at or after a timestamp, to the record, with that record's timestamp", async () => {
    const { client } = await setUp();
    expect(await lookup(client, 5, BigInt(T0 + 1))).toMatchObject({ offset: 1n, timestamp: BigInt(T0 + 1) });
    expect(await lookup(client, 5, BigInt(T0 + 50))).toMatchObject({ offset: 3n, timestamp: BigInt(T0 + 100) });
    expect(await lookup(client, 5, BigInt(T0 + 101))).toMatchObject({ offset: 4n, timestamp: BigInt(T0 + 101) });
    expect(await lookup(client, 5, 0n)).toMatchObject({ offset: 0n, timestamp: BigInt(T0) });
    client.close();
  });

  it("answers offset -1 and timestamp -1 when no record is that recent", async () => {
    const { client } = await setUp();
    expect(await lookup(client, 5, BigInt(T0 + 10_000))).toEqual({
      errorCode: 0,
      offset: -1n,
      timestamp: -1n,
      leaderEpoch: -1,
    });
    client.close();
  });

  it("decodes a compressed batch to find the record", async () => {
    const { client } = await setUp("gzip");
    expect(await lookup(client, 5, BigInt(T0 + 101))).toMatchObject({ offset: 4n, timestamp: BigInt(T0 + 101) });
    client.close();
  });

  it("answers the max timestamp (-3) from v7, local log start (-4) from v8, last tiered (-5) from v9, and refuses them before", async () => {
    const { client } = await setUp();
    expect(await lookup(client, 7, -3n)).toMatchObject({ errorCode: 0, offset: 4n, timestamp: BigInt(T0 + 101) });
    expect((await lookup(client, 6, -3n)).errorCode).toBe(35);
    expect(await lookup(client, 8, -4n)).toMatchObject({ errorCode: 0, offset: 0n, timestamp: -1n });
    expect((await lookup(client, 7, -4n)).errorCode).toBe(35);
    expect(await lookup(client, 9, -5n)).toEqual({ errorCode: 0, offset: -1n, timestamp: -1n, leaderEpoch: -1 });
    client.close();
  });

  it("answers UNKNOWN_TOPIC_OR_PARTITION for a partition that does not exist", async () => {
    const { client } = await setUp();
    const r = await client.request(ApiKey.ListOffsets, 5, listOffsetsBody("lo", 3, -1n));
    expect(r.topics[0]!.partitions[0]!.errorCode).toBe(3);
    client.close();
  });
});
