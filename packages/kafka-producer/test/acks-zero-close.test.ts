import { type Broker, startBroker } from "@csp-kit/kafka-broker";
import { afterEach, describe, expect, it } from "vitest";
import { AsyncProducer } from "../src/async-producer.js";
import { highWatermarks, readAll } from "./support/read-back.js";

let broker: Broker | undefined;
afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

describe("close() with requiredAcks 0", () => {
  it("lets the last writes leave before the connection ends: every message is stored", async () => {
    broker = await startBroker({ port: 0, logLevel: "silent", defaultPartitions: 2 });
    // Large enough that the last requests are still in the socket's write buffer when close() ends it.
    const n = 2_000;
    const pad = "x".repeat(10_000);
    const producer = new AsyncProducer({
      bootstrap: [broker.bootstrap],
      requiredAcks: 0,
      flush: { messages: 100 },
      partitioner: "round-robin",
    });
    for (let i = 0; i < n; i++) await producer.input.send({ topic: "fire-and-forget", value: `m${i} ${pad}` });
    expect(await producer.close()).toEqual([]);
    // Nothing answers acks-0 writes, so ask the broker what it holds.
    const ends = await highWatermarks(broker.bootstrap, "fire-and-forget", 2);
    expect(ends.reduce((a, b) => a + b, 0n)).toBe(BigInt(n));
    const stored = await readAll(broker.bootstrap, "fire-and-forget", 2);
    expect(new Set(stored.map((r) => r.value?.split(" ")[0])).size).toBe(n);
  });
});
