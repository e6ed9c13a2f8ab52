/**
 * The produce set: one Produce request being built — sarama's `produceSet`.
 * Messages are grouped by topic and partition in arrival order; `build()`
 * turns each partition's messages into one RecordBatch v2.
 *
 * Flush rules (sarama's `readyToFlush` and `wouldOverflow`):
 * - ready when not empty and either no flush trigger is set at all ("as fast
 *   as possible") or `flush.messages` / `flush.bytes` is reached; the
 *   `flush.frequency` timer belongs to the broker producer, not to the set;
 * - a message would overflow the set when the request would pass
 *   `maxRequestSize - 10 KiB`, its partition's batch would pass
 *   `maxMessageBytes`, or the count would pass `flush.maxMessages`: the broker
 *   producer then flushes first and starts a new set.
 *
 * Invariants:
 * - `count` and `bytes` are the sums over every partition's messages;
 * - a partition's messages are in the order `add` received them; they are
 *   either all numbered (a retried batch: idempotent sequences consecutive
 *   from the first, one epoch) or all unnumbered (numbered when sent):
 *   `wouldOverflow` starts a new set rather than mix the two, so a batch
 *   that crosses an epoch bump is never built, and a retried batch is
 *   rebuilt as it first went (`wouldOverflow` splits at its end;
 *   `ProduceSet.complete` says whether all of it is back);
 * - the set is never mutated after `build()` (the broker producer hands it
 *   to the flusher and starts a new one).
 */

import { encodeRecordBatch, type RecordInput } from "@csp-kit/kafka-protocol";
import type { ProducerConfig } from "../config.js";
import type { MessageEnvelope } from "./envelope.js";

/** Bytes kept free below `maxRequestSize` for headers (sarama's 10 KiB). */
export const REQUEST_OVERHEAD_BYTES: number = 10 * 1024;

/** The messages of one partition in a set. */
export interface PartitionSet {
  readonly topic: string;
  readonly partition: number;
  readonly messages: MessageEnvelope[];
  bytes: number;
}

/** The flush-related part of the config (what the set reads). */
export type FlushConfig = Pick<ProducerConfig, "flush" | "maxMessageBytes" | "maxRequestSize">;

/** One Produce request being built. See the module header. */
export class ProduceSet {
  /** topic → partition → its messages; insertion-ordered. */
  readonly partitions: Map<string, Map<number, PartitionSet>> = new Map<string, Map<number, PartitionSet>>();
  /** Messages in the set. */
  count = 0;
  /** Their summed `size`. */
  bytes = 0;
  readonly #config: FlushConfig;

  constructor(config: FlushConfig) {
    this.#config = config;
  }

  /** Whether the set holds nothing. */
  get empty(): boolean {
    return this.count === 0;
  }

  /** Adds `m` (precondition: `wouldOverflow(m)` is false, or the set is empty). */
  add(m: MessageEnvelope): void {
    let byPartition = this.partitions.get(m.topic);
    if (byPartition === undefined) {
      byPartition = new Map();
      this.partitions.set(m.topic, byPartition);
    }
    let set = byPartition.get(m.partition);
    if (set === undefined) {
      set = { topic: m.topic, partition: m.partition, messages: [], bytes: 0 };
      byPartition.set(m.partition, set);
    }
    set.messages.push(m);
    set.bytes += m.size;
    this.count++;
    this.bytes += m.size;
  }

  /** Whether adding `m` would pass a hard limit (request size, batch size, `flush.maxMessages`). */
  wouldOverflow(m: MessageEnvelope): boolean {
    const { maxRequestSize, maxMessageBytes, flush } = this.#config;
    if (this.bytes + m.size >= maxRequestSize - REQUEST_OVERHEAD_BYTES) return true;
    const set = this.partitions.get(m.topic)?.get(m.partition);
    if (set !== undefined) {
      if (set.bytes + m.size >= maxMessageBytes) return true;
      const last = set.messages[set.messages.length - 1] as MessageEnvelope;
      if (last.sequence >= 0 || m.sequence >= 0) {
        // Idempotent: numbered messages only follow their predecessor, in its epoch.
        if (m.sequence < 0 || last.sequence < 0) return true;
        if (m.epoch !== last.epoch || m.producerId !== last.producerId) return true;
        if (m.sequence !== ((last.sequence + 1) & 0x7fffffff) || m.batchLast !== last.batchLast) return true;
      }
    }
    return flush.maxMessages > 0 && this.count >= flush.maxMessages;
  }

  /** Whether the set should go out now (not counting the frequency timer). */
  readyToFlush(): boolean {
    if (this.empty) return false;
    const { flush } = this.#config;
    if (flush.frequency === 0 && flush.bytes === 0 && flush.messages === 0) return true;
    if (flush.messages > 0 && this.count >= flush.messages) return true;
    return flush.bytes > 0 && this.bytes >= flush.bytes;
  }

  /**
   * Whether `set` may be sent as it is: always, except a retried (numbered)
   * batch that has not got all of its messages back yet — the broker
   * recognises a resent batch only when it is the same batch.
   */
  static complete(set: PartitionSet): boolean {
    const last = set.messages[set.messages.length - 1];
    return last === undefined || last.sequence < 0 || last.sequence === last.batchLast;
  }

  /** Removes and returns one partition's messages (for a retry), in order; [] when it has none. */
  dropPartition(topic: string, partition: number): MessageEnvelope[] {
    const byPartition = this.partitions.get(topic);
    const set = byPartition?.get(partition);
    if (byPartition === undefined || set === undefined) return [];
    byPartition.delete(partition);
    if (byPartition.size === 0) this.partitions.delete(topic);
    this.count -= set.messages.length;
    this.bytes -= set.bytes;
    return set.messages;
  }

  /** Every partition set, topic by topic. */
  *each(): IterableIterator<PartitionSet> {
    for (const byPartition of this.partitions.values()) yield* byPartition.values();
  }

  /** Every message, partition by partition. */
  *messages(): IterableIterator<MessageEnvelope> {
    for (const set of this.each()) yield* set.messages;
  }
}

/** What `buildRecords` needs beyond the set. */
export interface BuildOptions {
  readonly compression: ProducerConfig["compression"];
  readonly compressionLevel: number | undefined;
}

/**
 * Encodes one partition's messages as a RecordBatch v2 (compressed as
 * configured). Timestamps are deltas from the first message's; the producer
 * id, epoch and base sequence come from the first message.
 */
export async function buildRecords(set: PartitionSet, options: BuildOptions): Promise<Uint8Array> {
  const first = set.messages[0];
  if (first === undefined) throw new RangeError("buildRecords: the partition set is empty");
  const base = first.timestamp;
  let max = base;
  const records: RecordInput[] = set.messages.map((m, i) => {
    if (m.timestamp > max) max = m.timestamp;
    return { timestampDelta: m.timestamp - base, offsetDelta: i, key: m.key, value: m.value, headers: m.headers };
  });
  const idempotent = first.sequence >= 0;
  return encodeRecordBatch(
    {
      records,
      baseTimestamp: base,
      maxTimestamp: max,
      lastOffsetDelta: records.length - 1,
      producerId: idempotent ? first.producerId : -1n,
      producerEpoch: idempotent ? first.epoch : -1,
      baseSequence: idempotent ? first.sequence : -1,
    },
    { compression: options.compression, level: options.compressionLevel },
  );
}
