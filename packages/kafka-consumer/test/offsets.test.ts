import { describe, expect, it } from "vitest";
import { Consumer } from "../src/consumer.js";
import { isOffsetOutOfRangeError, isUnknownPartitionError } from "../src/errors.js";
import { numbered, produceBatches, take, useBroker } from "./support/cluster.js";

const start = useBroker();

describe("start offsets", () => {
  it("an offset outside the log is a typed error naming the range", async () => {
    const b = await start();
    await produceBatches(b.bootstrap, "t", 0, numbered("m", 1, 3));
    const consumer = new Consumer({ bootstrap: [b.bootstrap] });
    const e = await consumer.consumePartition("t", 0, 10).catch((x: unknown) => x);
    expect(isOffsetOutOfRangeError(e)).toBe(true);
    expect(e).toMatchObject({ offset: 10n, oldest: 0n, newest: 3n });
    await consumer.close();
  });

  it("resetOnOutOfRange moves an out-of-range start to the oldest offset", async () => {
    const b = await start();
    await produceBatches(b.bootstrap, "t", 0, numbered("m", 1, 3));
    const consumer = new Consumer({ bootstrap: [b.bootstrap], offsets: { resetOnOutOfRange: "oldest" } });
    const pc = await consumer.consumePartition("t", 0, 99n);
    expect((await take(pc.messages, 3)).map((m) => m.offset)).toEqual([0n, 1n, 2n]);
    await consumer.close();
  });

  it("a partition the topic does not have is an UnknownPartitionError", async () => {
    const b = await start();
    const consumer = new Consumer({ bootstrap: [b.bootstrap] });
    const e = await consumer.consumePartition("t", 5, "oldest").catch((x: unknown) => x);
    expect(isUnknownPartitionError(e)).toBe(true);
    await consumer.close();
  });

  it("getOffset reports the oldest and newest offsets", async () => {
    const b = await start();
    await produceBatches(b.bootstrap, "t", 0, numbered("m", 2, 3));
    const consumer = new Consumer({ bootstrap: [b.bootstrap] });
    expect(await consumer.getOffset("t", 0, "oldest")).toBe(0n);
    expect(await consumer.getOffset("t", 0, "newest")).toBe(6n);
    await consumer.close();
  });
});
