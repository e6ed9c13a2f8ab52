import { ApiKey, decodeResponse, encodeRequest, isFlexibleVersion, Writer } from "@csp-kit/kafka-protocol";
import { ManualClock } from "@csp-kit/timers/testing";
import { describe, expect, it } from "vitest";
import { softLimit } from "../../src/index.js";
import { eventually, useBrokers } from "../support/broker.js";
import { batchOf, fetchBody, metadataBody, produceBody, RawClient } from "../support/client.js";

const start = useBrokers();

/** A frame: 4-byte size prefix, then `body`. */
function framed(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setInt32(0, body.length);
  out.set(body, 4);
  return out;
}

/** A request header v1 for `apiKey` v`version`, then `rest`. */
function rawRequest(apiKey: number, version: number, rest: number[] = []): Uint8Array {
  const w = new Writer();
  w.int16(apiKey);
  w.int16(version);
  w.int32(77);
  w.nullableString("raw");
  if (isFlexibleVersion(apiKey, version)) w.uvarint(0); // request header v2: no tagged fields
  for (const b of rest) w.int8(b);
  return framed(w.finish());
}

async function closedWith(
  client: RawClient,
  log: { message: string; details: Record<string, unknown> }[],
): Promise<string> {
  await client.closed;
  let reason: string | undefined;
  await eventually(() => {
    reason = log.find((e) => e.message === "connection closed" && e.details.clientId !== undefined)?.details.reason as
      | string
      | undefined;
    return reason !== undefined;
  }, "the close is logged");
  return reason!;
}

describe("a connection", () => {
  it("answers in request order while a Fetch long-polls, and the Fetch wakes on an append", async () => {
    const clock = new ManualClock();
    const { broker, port } = await start({ clock });
    broker.createTopic("orders");
    const consumer = await RawClient.connect(port);
    const producer = await RawClient.connect(port);
    const order: string[] = [];
    const fetch = consumer.request(ApiKey.Fetch, 11, fetchBody("orders", 0, 0n, { maxWaitMs: 10_000 })).then((r) => {
      order.push("fetch");
      return r;
    });
    const metadata = consumer.request(ApiKey.Metadata, 4, metadataBody(["orders"])).then((r) => {
      order.push("metadata");
      return r;
    });
    // A round trip on another connection: the broker has long handled the pipelined Metadata by now.
    await producer.request(ApiKey.Metadata, 4, metadataBody(["orders"]));
    expect(order).toEqual([]);
    const produced = await producer.request(ApiKey.Produce, 7, produceBody("orders", 0, batchOf(["a", "b"])));
    expect(produced.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
    const fetched = await fetch;
    await metadata;
    expect(order).toEqual(["fetch", "metadata"]);
    const data = fetched.responses[0]!.partitions[0]!;
    expect(data.errorCode).toBe(0);
    expect(data.highWatermark).toBe(2n);
    expect(data.records!.byteLength).toBeGreaterThan(61);
    consumer.close();
    producer.close();
  });

  it("answers a long poll with no data when max_wait_ms passes on the broker's clock", async () => {
    const clock = new ManualClock();
    const { broker, port } = await start({ clock });
    broker.createTopic("quiet");
    const client = await RawClient.connect(port);
    let done = false;
    const fetch = client.request(ApiKey.Fetch, 11, fetchBody("quiet", 0, 0n, { maxWaitMs: 500 })).then((r) => {
      done = true;
      return r;
    });
    await eventually(() => broker.stats().topics[0]!.partitions[0]!.watchers === 1, "the long poll waits");
    clock.advance(499);
    await clock.settle();
    expect(done).toBe(false);
    clock.advance(1);
    const r = await fetch;
    expect(r.responses[0]!.partitions[0]!.records!.byteLength).toBe(0);
    expect(broker.stats().topics[0]!.partitions[0]!.watchers).toBe(0);
    client.close();
  });

  it("closes only the connection that sent a malformed frame; other clients carry on", async () => {
    const { port, log } = await start();
    const bad = await RawClient.connect(port);
    const good = await RawClient.connect(port);
    bad.writeRaw(new Uint8Array([0xff, 0xff, 0xff, 0xfe, 1, 2, 3]));
    const reason = await closedWith(bad, log);
    expect(reason).toMatch(/malformed frame: a frame's size prefix is negative/);
    const md = await good.request(ApiKey.Metadata, 4, metadataBody(null));
    expect(md.brokers).toHaveLength(1);
    good.close();
  });

  it.each([
    ["an API key Kafka does not define", rawRequest(200, 0), /malformed request header: .*API key 200/],
    [
      "an API the broker does not serve (JoinGroup)",
      rawRequest(ApiKey.JoinGroup, 5),
      /JoinGroup \(API key 11\) is not served/,
    ],
    [
      "a version above the served range",
      rawRequest(ApiKey.Metadata, 13),
      /Metadata v13 is outside the served range v0-v12/,
    ],
    [
      "Produce v2 (legacy message sets)",
      rawRequest(ApiKey.Produce, 2),
      /Produce v2 is outside the served range v3-v11/,
    ],
    ["a body that does not parse", rawRequest(ApiKey.Metadata, 4, [0, 0, 0, 5, 0]), /malformed Metadata v4 request/],
    ["a header cut short", framed(new Uint8Array([0, 3, 0])), /malformed request header/],
  ])("closes the connection, with the reason logged, for %s", async (_what, bytes, expected) => {
    const { port, log } = await start();
    const client = await RawClient.connect(port);
    client.writeRaw(bytes);
    expect(await closedWith(client, log)).toMatch(expected);
    expect(log.some((e) => e.level === "warn" && e.message === "connection closed")).toBe(true);
  });

  it("closes a connection whose frame is larger than maxFrameBytes before reading its body", async () => {
    const { port, log } = await start({ maxFrameBytes: 1024 });
    const client = await RawClient.connect(port);
    client.writeRaw(new Uint8Array([0, 0, 0x10, 0x00])); // 4096 bytes announced, none sent
    expect(await closedWith(client, log)).toMatch(/larger than maxFrameBytes \(1024\)/);
  });

  it("answers ApiVersions of an unknown version with the v0 error body, and keeps the connection", async () => {
    const { port } = await start();
    const client = await RawClient.connect(port);
    const frame = client.nextFrame();
    client.writeRaw(rawRequest(ApiKey.ApiVersions, 9));
    const body = decodeResponse(ApiKey.ApiVersions, 0, await frame).body;
    expect(body.errorCode).toBe(35);
    expect(body.apiKeys).toEqual([{ apiKey: 18, minVersion: 0, maxVersion: 4 }]);
    const v3 = await client.request(ApiKey.ApiVersions, 3, { clientSoftwareName: "t", clientSoftwareVersion: "1" });
    expect(v3.errorCode).toBe(0);
    client.close();
  });

  it("refuses connections beyond maxConnections, logged, and serves the others", async () => {
    const { broker, port, log } = await start({ maxConnections: 2 });
    const a = await RawClient.connect(port);
    const b = await RawClient.connect(port);
    await a.request(ApiKey.Metadata, 4, metadataBody(null));
    await b.request(ApiKey.Metadata, 4, metadataBody(null));
    const c = await RawClient.connect(port);
    await c.closed;
    await eventually(() => log.some((e) => e.message === "connection refused"), "the refusal is logged");
    expect(log.find((e) => e.message === "connection refused")!.details.reason).toMatch(/2 connections are open/);
    expect(broker.stats().refusedConnections).toBe(1);
    await a.request(ApiKey.Metadata, 4, metadataBody(null));
    a.close();
    b.close();
  });

  it("stops reading from a client that takes no responses, disconnects it under the soft limit, and others carry on", async () => {
    const clock = new ManualClock();
    const maxInFlightRequests = 4;
    const { broker, port, log } = await start({
      clock,
      maxInFlightRequests,
      outboxPauseBytes: 256 * 1024,
      slowClient: softLimit(512 * 1024, 30_000),
    });
    broker.createTopic("big");
    const producer = await RawClient.connect(port);
    const value = new Uint8Array(900 * 1024).fill(7);
    await producer.request(ApiKey.Produce, 7, produceBody("big", 0, batchOf([value])));
    const stuck = await RawClient.connect(port);
    stuck.pauseReading();
    const sent = 200;
    for (let i = 0; i < sent; i++) void stuck.request(ApiKey.Fetch, 11, fetchBody("big", 0, 0n)).catch(() => {});
    const stuckStats = () => broker.stats().connections.find((c) => c.clientId === "raw-test" && c.outboxBytes > 0);
    await eventually(() => (stuckStats()?.outboxBytes ?? 0) > 512 * 1024, "the stuck client's outbox fills");
    // The reader stopped: at most the bounded queues' worth of requests were read (the
    // writer's batch and the outbox, maxInFlightRequests each; the request channel, 8;
    // one in the handler's hands and one decoded by the blocked reader).
    expect(stuckStats()!.requests).toBeLessThanOrEqual(2 * maxInFlightRequests + 8 + 2);
    // Meanwhile another client is served as usual.
    const other = await RawClient.connect(port);
    const fetched = await other.request(ApiKey.Fetch, 11, fetchBody("big", 0, 0n));
    expect(fetched.responses[0]!.partitions[0]!.records!.byteLength).toBeGreaterThan(900 * 1024);
    clock.advance(30_000);
    const slow = () =>
      log.find((e) => e.message === "connection closed" && String(e.details.reason).startsWith("slow client"));
    await eventually(() => slow() !== undefined, "the slow client is disconnected");
    await eventually(() => broker.stats().connections.length === 2, "its connection is gone");
    stuck.close(); // it never reads, so it would not notice the close by itself
    const closed = slow();
    expect(closed?.level).toBe("warn");
    expect(closed?.details.reason).toMatch(/soft 512 KiB for 30 s/);
    await other.request(ApiKey.Metadata, 4, metadataBody(null));
    other.close();
    producer.close();
  });

  it("encodes the raw test requests the way the protocol package does", () => {
    // The hand-made header above must match the codec's, or the close tests prove nothing.
    const ours = rawRequest(ApiKey.Metadata, 4, [0, 0, 0, 0, 1]);
    const codec = encodeRequest(
      { apiKey: ApiKey.Metadata, apiVersion: 4, correlationId: 77, clientId: "raw" },
      {
        topics: [],
        allowAutoTopicCreation: true,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      },
    );
    expect(Array.from(ours)).toEqual(Array.from(codec));
  });
});
