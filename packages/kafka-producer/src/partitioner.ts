/**
 * Partitioners: which partition of a topic a message goes to — sarama's
 * `Partitioner` interface and its built-ins.
 *
 * | factory | key | no key | matches |
 * |---|---|---|---|
 * | `hashPartitioner()` (default) | FNV-1a 32, signed, `abs(h % n)` | random | sarama's `NewHashPartitioner` |
 * | `murmur2Partitioner()` | murmur2, `(h & 0x7fffffff) % n` | round-robin | the Java client and kafkajs's default |
 * | `roundRobinPartitioner()` | ignored | next partition | sarama's `NewRoundRobinPartitioner` |
 * | `randomPartitioner()` | ignored | random | sarama's `NewRandomPartitioner` |
 * | `manualPartitioner()` | ignored | `message.partition` | sarama's `NewManualPartitioner` |
 * | `customPartitioner(fn)` | yours | yours | sarama's `NewCustomPartitioner` |
 *
 * Invariants:
 * - `partition(m, n)` is called with `n >= 1` and the topic's partition
 *   count: all partitions when `requiresConsistency`, else only those with a
 *   leader (sarama's rule), so a key-hashing partitioner must say
 *   `requiresConsistency: true` or keys move while a leader is missing;
 * - the producer checks the result (an integer in [0, n)) and fails the
 *   message with a `PartitionerError` otherwise.
 */

import { PartitionerError } from "./errors.js";
import { type ProducerMessage, payloadBytes } from "./message.js";

/**
 * Chooses a partition for a message — sarama's `Partitioner`.
 *
 * @example
 * ```ts run
 * import type { Partitioner } from "@csp-kit/kafka-producer";
 *
 * const byRegion: Partitioner = {
 *   requiresConsistency: true,
 *   partition: (m, n) => (m.metadata === "eu" ? 0 : 1) % n,
 * };
 * const eu = byRegion.partition({ topic: "t", metadata: "eu" }, 4);
 * const us = byRegion.partition({ topic: "t", metadata: "us" }, 4);
 * console.log(eu, us); // → 0 1
 * if (eu !== 0 || us !== 1) throw new Error(`got ${eu} ${us}`);
 * ```
 */
export interface Partitioner {
  /** Returns an integer in [0, numPartitions); may throw (the message then fails). */
  partition(message: ProducerMessage, numPartitions: number): number;
  /** Whether the same message must always map to the same partition (then all partitions are offered, not just writable ones). */
  readonly requiresConsistency: boolean;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a, 32 bits, of `bytes`, as an unsigned integer — Go's `hash/fnv.New32a`. */
export function fnv1a32(bytes: Uint8Array): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i] as number;
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/**
 * Murmur2, 32 bits, seed 0x9747b28c — the hash of Kafka's Java
 * `Utils.murmur2` (and of kafkajs's default partitioner), as a signed int32.
 */
export function murmur2(bytes: Uint8Array): number {
  const m = 0x5bd1e995;
  const len = bytes.length;
  let h = 0x9747b28c ^ len;
  const whole = len & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k =
      (bytes[i] as number) |
      ((bytes[i + 1] as number) << 8) |
      ((bytes[i + 2] as number) << 16) |
      ((bytes[i + 3] as number) << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  // The tail: up to three bytes, highest first (Java's fall-through switch).
  const tail = len & 3;
  if (tail === 3) h ^= (bytes[whole + 2] as number) << 16;
  if (tail >= 2) h ^= (bytes[whole + 1] as number) << 8;
  if (tail >= 1) {
    h ^= bytes[whole] as number;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** Options of the partitioners that pick at random. */
export interface RandomOptions {
  /** A source of numbers in [0, 1) (default Math.random); tests pass a seeded one. */
  readonly random?: (() => number) | undefined;
}

function randomIndex(random: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(random() * n));
}

/**
 * sarama's default: FNV-1a of the key, taken as a signed int32, then
 * `abs(h % n)`; a random partition for a message without a key.
 *
 * @example
 * ```ts run
 * import { hashPartitioner } from "@csp-kit/kafka-producer";
 *
 * const p = hashPartitioner();
 * const first = p.partition({ topic: "t", key: "k" }, 6); // always the same partition for "k"
 * const again = hashPartitioner().partition({ topic: "t", key: "k" }, 6);
 * console.log(first === again, first >= 0 && first < 6); // → true true
 * if (first !== again || !(first >= 0 && first < 6)) throw new Error(`got ${first} and ${again}`);
 * ```
 */
export function hashPartitioner(options: RandomOptions = {}): Partitioner {
  const random = options.random ?? Math.random;
  return {
    requiresConsistency: true,
    partition(message, n) {
      const key = payloadBytes(message.key);
      if (key === null) return randomIndex(random, n);
      // Go's % truncates like JavaScript's; `| 0` turns a -0 (a negative hash divisible by n) into 0.
      const p = (fnv1a32(key) | 0) % n;
      return (p < 0 ? -p : p) | 0;
    },
  };
}

/**
 * The Java client's default for keyed messages: `(murmur2(key) & 0x7fffffff) %
 * n` — the same partition Java, kafkajs's `DefaultPartitioner` and
 * librdkafka's `murmur2_random` choose. Keyless messages go round-robin.
 *
 * @example
 * ```ts run
 * import { murmur2, murmur2Partitioner } from "@csp-kit/kafka-producer";
 *
 * const p = murmur2Partitioner().partition({ topic: "t", key: "21" }, 1000);
 * const java = (murmur2(new TextEncoder().encode("21")) & 0x7fffffff) % 1000; // as Java: toPositive(murmur2("21")) % 1000
 * console.log(p === java); // → true
 * if (p !== java) throw new Error(`got ${p}, Java's formula gives ${java}`);
 * ```
 */
export function murmur2Partitioner(): Partitioner {
  const roundRobin = roundRobinPartitioner();
  return {
    requiresConsistency: true,
    partition(message, n) {
      const key = payloadBytes(message.key);
      if (key === null) return roundRobin.partition(message, n);
      return (murmur2(key) & 0x7fffffff) % n;
    },
  };
}

/** Each message to the next partition in turn (one counter per partitioner, as sarama's). */
export function roundRobinPartitioner(): Partitioner {
  let next = 0;
  return {
    requiresConsistency: false,
    partition(_message, n) {
      const p = next % n;
      next = (p + 1) % n;
      return p;
    },
  };
}

/** A uniformly random partition for every message. */
export function randomPartitioner(options: RandomOptions = {}): Partitioner {
  const random = options.random ?? Math.random;
  return { requiresConsistency: false, partition: (_m, n) => randomIndex(random, n) };
}

/**
 * The partition the message names in `partition`.
 *
 * @throws {@link PartitionerError} when `message.partition` is absent or not
 *   an integer in [0, n) (the message fails; nothing else does).
 */
export function manualPartitioner(): Partitioner {
  return {
    requiresConsistency: true,
    partition(message, n) {
      const p = message.partition;
      if (p === undefined || !Number.isInteger(p) || p < 0 || p >= n) {
        throw new PartitionerError(
          `the manual partitioner needs message.partition in [0, ${n}) for topic "${message.topic}" (got ${String(p)})`,
        );
      }
      return p;
    },
  };
}

/**
 * A partitioner from a function — sarama's `NewCustomPartitioner`.
 *
 * @param fn - returns an integer in [0, numPartitions).
 * @param options - `requiresConsistency` (default true: the function is
 *   taken to be a pure function of the message).
 * @example
 * ```ts run
 * import { customPartitioner } from "@csp-kit/kafka-producer";
 *
 * const p = customPartitioner((m, n) => (m.value === null ? 0 : n - 1));
 * const tombstone = p.partition({ topic: "t", value: null }, 4);
 * const regular = p.partition({ topic: "t", value: "v" }, 4);
 * console.log(tombstone, regular); // → 0 3
 * if (tombstone !== 0 || regular !== 3) throw new Error(`got ${tombstone} ${regular}`);
 * ```
 */
export function customPartitioner(
  fn: (message: ProducerMessage, numPartitions: number) => number,
  options: { readonly requiresConsistency?: boolean | undefined } = {},
): Partitioner {
  if (typeof fn !== "function") {
    throw new PartitionerError("customPartitioner(fn): fn must be (message, numPartitions) => partition");
  }
  return { requiresConsistency: options.requiresConsistency ?? true, partition: fn };
}
