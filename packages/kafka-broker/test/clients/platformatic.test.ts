/**
 * @platformatic/kafka 1.35 (the newest 1.x, which runs on Node 20) against
 * the broker, in-process: it speaks only flexible versions (ApiVersions 3+,
 * Metadata 9+, Produce 7+, InitProducerId 3+), so these tests prove the
 * broker's flexible encodings. Its producer (keyed, gzip, idempotent) and
 * its admin client; what it stored is read back with a raw Fetch.
 */

import { ApiKey, decodeRecordBatches } from "@csp-kit/kafka-protocol";
import { Admin, CompressionAlgorithms, Producer, stringSerializers } from "@platformatic/kafka";
import { afterEach, describe, expect, it } from "vitest";
import { useBrokers } from "../support/broker.js";
import { fetchBody, RawClient } from "../support/client.js";

const start = useBrokers();
const text = new TextDecoder();
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function stored(port: number, topic: string, partition = 0) {
  const client = await RawClient.connect(port);
  try {
    const r = await client.request(ApiKey.Fetch, 12, fetchBody(topic, partition, 0n));
    const { batches } = await decodeRecordBatches(r.responses[0]!.partitions[0]!.records!);
    return batches;
  } finally {
    client.close();
  }
}

function producer(bootstrap: string, options: { idempotent?: boolean } = {}) {
  const p = new Producer({
    clientId: "platformatic-test",
    bootstrapBrokers: [bootstrap],
    serializers: stringSerializers,
    autocreateTopics: true,
    ...options,
  });
  closers.push(() => p.close());
  return p;
}

describe("@platformatic/kafka", () => {
  it("produces keyed messages to chosen partitions and gets their offsets", async () => {
    const { broker, port } = await start();
    broker.createTopic("plat", { partitions: 2 });
    const p = producer(broker.bootstrap);
    const r = await p.send({
      messages: [
        { topic: "plat", key: "a", value: "one", partition: 0 },
        { topic: "plat", key: "b", value: "two", partition: 1 },
        { topic: "plat", key: "c", value: "three", partition: 1 },
      ],
    });
    expect(r.offsets?.map((o) => [o.partition, Number(o.offset)]).sort()).toEqual([
      [0, 0],
      [1, 0],
    ]);
    const p1 = await stored(port, "plat", 1);
    expect(p1.flatMap((b) => b.records.map((x) => [text.decode(x.key!), text.decode(x.value!)]))).toEqual([
      ["b", "two"],
      ["c", "three"],
    ]);
  });

  it("produces gzip batches that are stored as sent", async () => {
    const { broker, port } = await start();
    const p = producer(broker.bootstrap);
    await p.send({
      messages: Array.from({ length: 20 }, (_, i) => ({ topic: "plat-gz", value: `value ${i} `.repeat(20) })),
      compression: CompressionAlgorithms.GZIP,
    });
    const batches = await stored(port, "plat-gz");
    expect(batches.map((b) => b.compression)).toEqual([1]);
    expect(batches[0]!.records).toHaveLength(20);
  });

  it("runs its idempotent producer: a producer id from InitProducerId, sequences from 0", async () => {
    const { broker, port } = await start();
    broker.createTopic("plat-idem");
    const p = producer(broker.bootstrap, { idempotent: true });
    for (let i = 0; i < 3; i++) await p.send({ messages: [{ topic: "plat-idem", value: `m${i}` }] });
    const batches = await stored(port, "plat-idem");
    expect(batches.map((b) => b.baseSequence)).toEqual([0, 1, 2]);
    expect(new Set(batches.map((b) => b.producerId)).size).toBe(1);
    expect(batches[0]!.producerId).toBeGreaterThanOrEqual(0n);
  });

  it("administers topics: create with partitions, list, delete", async () => {
    const { broker } = await start();
    const admin = new Admin({ clientId: "platformatic-admin", bootstrapBrokers: [broker.bootstrap] });
    closers.push(() => admin.close());
    const created = await admin.createTopics({ topics: ["plat-adm"], partitions: 3, replicas: 1 });
    expect(created.map((t) => [t.name, t.partitions, t.replicas])).toEqual([["plat-adm", 3, 1]]);
    expect(created[0]!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await admin.listTopics()).toEqual(["plat-adm"]);
    await admin.deleteTopics({ topics: ["plat-adm"] });
    expect(await admin.listTopics()).toEqual([]);
  });
});
