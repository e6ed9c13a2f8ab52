import { startBroker } from "@csp-kit/kafka-broker";
import { describe, expect, it } from "vitest";
import { isProducerClosedError, isProducerError } from "../src/errors.js";
import { SyncProducer } from "../src/sync-producer.js";

describe("SyncProducer against the in-process broker", () => {
  it("send resolves with the partition and offset; sendMany with each; failures reject typed", async () => {
    const broker = await startBroker({ port: 0, logLevel: "silent", defaultPartitions: 1 });
    try {
      const producer = new SyncProducer({ bootstrap: [broker.bootstrap], maxMessageBytes: 200 });
      expect(await producer.send({ topic: "s", value: "a" })).toEqual({ partition: 0, offset: 0n });
      expect(
        await producer.sendMany([
          { topic: "s", value: "b" },
          { topic: "s", value: "c" },
        ]),
      ).toEqual([
        { partition: 0, offset: 1n },
        { partition: 0, offset: 2n },
      ]);
      await expect(producer.send({ topic: "s", value: "x".repeat(500) })).rejects.toSatisfy(isProducerError);
      await producer.close();
      await expect(producer.send({ topic: "s", value: "late" })).rejects.toSatisfy(isProducerClosedError);
    } finally {
      await broker.close();
    }
  });
});
