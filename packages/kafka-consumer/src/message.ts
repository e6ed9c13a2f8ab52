/**
 * What a partition consumer delivers: one record of the partition's log,
 * with its position — sarama's `ConsumerMessage`.
 */

import type { RecordHeader } from "@csp-kit/kafka-protocol";

/** One record header: a UTF-8 name and a nullable value (names may repeat). */
export type MessageHeader = RecordHeader;

/**
 * One consumed record — sarama's `ConsumerMessage`.
 *
 * Gotchas: `key`, `value` and header values are views into the fetched
 * response (or the decompressed batch): they stay valid as long as you hold
 * them, but they share memory with their neighbours, so copy one
 * (`value.slice()`) to keep it alone for a long time.
 */
export interface ConsumerMessage {
  /** The topic it was consumed from. */
  readonly topic: string;
  /** The partition it was consumed from. */
  readonly partition: number;
  /** The record's offset in its partition. */
  readonly offset: bigint;
  /**
   * Milliseconds since the epoch: the producer's timestamp (CreateTime), or
   * the broker's append time on a LogAppendTime topic.
   */
  readonly timestamp: number;
  /** The key, or null. */
  readonly key: Uint8Array | null;
  /** The value, or null (a tombstone). */
  readonly value: Uint8Array | null;
  /** The record's headers, in wire order. */
  readonly headers: readonly MessageHeader[];
}
