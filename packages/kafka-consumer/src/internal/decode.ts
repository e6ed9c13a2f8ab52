/**
 * Decoding one partition's part of a Fetch response into messages —
 * sarama's `partitionConsumer.parseResponse` / `parseRecords`.
 *
 * Job: turn the partition's `records` bytes into the messages at or after
 * the offset asked for, in offset order, and say where the next fetch
 * starts. Every codec is `@csp-kit/kafka-protocol`'s (none, gzip, snappy,
 * lz4, zstd); CRCs are checked there.
 *
 * Rules:
 * - a batch may start before the offset asked for (the broker returns whole
 *   batches): its records below that offset are trimmed;
 * - control batches (transaction markers) are skipped, but the next offset
 *   moves past them, or a partition ending in a marker would be fetched
 *   forever;
 * - records of aborted transactions are NOT filtered out (out of scope:
 *   that needs the response's aborted-transaction list matched against
 *   producer ids; with `read-committed` the broker still stops at the last
 *   stable offset);
 * - a trailing partial batch is ignored (the next fetch starts at it); a
 *   response with nothing but a partial batch means the batch is larger
 *   than the fetch size (`partialOnly`).
 *
 * Invariants: `nextOffset >= from`; every message's offset is in
 * `[from, nextOffset)`, strictly increasing.
 */

import { decodeRecordBatches } from "@csp-kit/kafka-protocol";
import type { ConsumerMessage, MessageHeader } from "../message.js";

/** What {@link decodePart} found. */
export interface DecodedPart {
  /** The messages at or after `from`, in offset order. */
  readonly messages: ConsumerMessage[];
  /** Where the next fetch of this partition starts. */
  readonly nextOffset: bigint;
  /** True when the bytes held only an incomplete batch: the fetch size is too small for it. */
  readonly partialOnly: boolean;
}

/**
 * One consumed record. A class, so every message has the same shape (the
 * hot path reads and allocates one per record).
 */
class Message implements ConsumerMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly timestamp: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: readonly MessageHeader[];
  constructor(
    topic: string,
    partition: number,
    offset: bigint,
    timestamp: number,
    key: Uint8Array | null,
    value: Uint8Array | null,
    headers: readonly MessageHeader[],
  ) {
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.timestamp = timestamp;
    this.key = key;
    this.value = value;
    this.headers = headers;
  }
}

const EMPTY: DecodedPart["messages"] = [];

/**
 * Decodes `records` (a Fetch partition's bytes, or null) from offset `from`,
 * checking each batch's CRC-32C unless `verifyCrc` is false.
 *
 * Throws (rejects with) only kafka-protocol's `ProtocolError` (a corrupt
 * batch, a codec that is not installed).
 */
export async function decodePart(
  topic: string,
  partition: number,
  records: Uint8Array | null,
  from: bigint,
  verifyCrc = true,
): Promise<DecodedPart> {
  if (records === null || records.length === 0) return { messages: EMPTY, nextOffset: from, partialOnly: false };
  const { batches, incomplete } = await decodeRecordBatches(records, { verifyCrc });
  const messages: ConsumerMessage[] = [];
  let next = from;
  for (const b of batches) {
    const end = b.baseOffset + BigInt(b.lastOffsetDelta) + 1n;
    if (end <= from) continue;
    if (!b.control) {
      const appendTime = b.timestampType === "log-append-time";
      const base = b.baseOffset;
      const rs = b.records;
      // Fast path: a batch wholly at or after `from` needs no per-record comparison.
      const trim = base < from;
      for (let i = 0; i < rs.length; i++) {
        const r = rs[i]!;
        const offset = base + BigInt(r.offsetDelta);
        if (trim && offset < from) continue;
        messages.push(
          new Message(
            topic,
            partition,
            offset,
            appendTime ? b.maxTimestamp : b.baseTimestamp + r.timestampDelta,
            r.key,
            r.value,
            r.headers,
          ),
        );
      }
    }
    if (end > next) next = end;
  }
  return { messages, nextOffset: next, partialOnly: batches.length === 0 && incomplete !== null };
}
