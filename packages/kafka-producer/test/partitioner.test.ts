import { createRequire } from "node:module";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isPartitionerError } from "../src/errors.js";
import {
  customPartitioner,
  fnv1a32,
  hashPartitioner,
  manualPartitioner,
  murmur2,
  murmur2Partitioner,
  randomPartitioner,
  roundRobinPartitioner,
} from "../src/partitioner.js";

const require = createRequire(import.meta.url);
/** kafkajs's Java-compatible default partitioner (2.2.4), the reference for murmur2. */
const kafkajs = require("kafkajs") as {
  Partitioners: {
    DefaultPartitioner: () => (args: {
      topic: string;
      partitionMetadata: { partitionId: number; leader: number }[];
      message: { key: Buffer | string | null };
    }) => number;
  };
};
const utf8 = (s: string) => new TextEncoder().encode(s);

describe("murmur2", () => {
  it("equals the Java client's Utils.murmur2 on its published test vectors", () => {
    // Kafka's UtilsTest.testMurmur2 (clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java).
    const vectors: [string, number][] = [
      ["21", -973932308],
      ["foobar", -790332482],
      ["a-little-bit-long-string", -985981536],
      ["a-little-bit-longer-string", -1486304829],
      ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
      ["abc", 479470107],
    ];
    for (const [input, expected] of vectors) expect(murmur2(utf8(input)), input).toBe(expected);
  });

  it("chooses the partition kafkajs's DefaultPartitioner chooses for 10,000 keys", () => {
    const partitionMetadata = Array.from({ length: 37 }, (_, partitionId) => ({ partitionId, leader: 1 }));
    const theirs = kafkajs.Partitioners.DefaultPartitioner();
    const ours = murmur2Partitioner();
    for (let i = 0; i < 10_000; i++) {
      const key = `key-${i}-${(i * 7919) % 104_729}`;
      const expected = theirs({ topic: "t", partitionMetadata, message: { key: Buffer.from(key) } });
      expect(ours.partition({ topic: "t", key }, 37)).toBe(expected);
    }
  });

  it("handles every tail length the same for bytes and strings", () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 1000 }), (s, n) => {
        const p = murmur2Partitioner().partition({ topic: "t", key: s }, n);
        expect(p).toBe((murmur2(utf8(s)) & 0x7fffffff) % n);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThan(n);
      }),
    );
  });
});

describe("fnv1a32 and the hash partitioner (sarama's default)", () => {
  it("matches the FNV-1a reference values", () => {
    // From the FNV reference test suite (Go's hash/fnv tests use the same ones).
    expect(fnv1a32(utf8(""))).toBe(0x811c9dc5);
    expect(fnv1a32(utf8("a"))).toBe(0xe40c292c);
    expect(fnv1a32(utf8("ab"))).toBe(0x4d2505ca);
    expect(fnv1a32(utf8("abc"))).toBe(0x1a47e90b);
    expect(fnv1a32(utf8("foobar"))).toBe(0xbf9cf968);
  });

  it("takes the hash as a signed int32 and returns abs(h % n), as sarama does", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1 }), fc.integer({ min: 1, max: 500 }), (key, n) => {
        const signed = fnv1a32(key) | 0;
        expect(hashPartitioner().partition({ topic: "t", key }, n)).toBe(Math.abs(signed % n));
      }),
    );
    // "foobar" hashes to 0xbf9cf968, negative as int32: -1080231576 % 7 = -4 → 4.
    expect(hashPartitioner().partition({ topic: "t", key: "foobar" }, 7)).toBe(4);
  });

  it("sends keyless messages to a random partition from the injected source", () => {
    const p = hashPartitioner({ random: () => 0.99 });
    expect(p.partition({ topic: "t" }, 10)).toBe(9);
    expect(p.requiresConsistency).toBe(true);
  });
});

describe("the other partitioners", () => {
  it("round-robin cycles through the partitions", () => {
    const p = roundRobinPartitioner();
    expect([0, 1, 2, 3, 4].map(() => p.partition({ topic: "t" }, 3))).toEqual([0, 1, 2, 0, 1]);
    expect(p.requiresConsistency).toBe(false);
  });

  it("random stays in range even when the source returns its largest value", () => {
    const p = randomPartitioner({ random: () => 0.999999999 });
    expect(p.partition({ topic: "t" }, 4)).toBe(3);
  });

  it("manual uses message.partition and refuses a missing or out-of-range one", () => {
    const p = manualPartitioner();
    expect(p.partition({ topic: "t", partition: 2 }, 3)).toBe(2);
    for (const partition of [undefined, 3, -1, 1.5]) {
      let error: unknown;
      try {
        p.partition({ topic: "t", partition }, 3);
      } catch (e) {
        error = e;
      }
      expect(isPartitionerError(error)).toBe(true);
    }
  });

  it("custom wraps a function and defaults to requiring consistency", () => {
    const p = customPartitioner((m, n) => (m.key === "x" ? n - 1 : 0));
    expect(p.partition({ topic: "t", key: "x" }, 5)).toBe(4);
    expect(p.requiresConsistency).toBe(true);
    expect(customPartitioner(() => 0, { requiresConsistency: false }).requiresConsistency).toBe(false);
  });
});
