/**
 * The user's message — sarama's `ProducerMessage` — and what comes back on
 * `successes`.
 *
 * Invariants:
 * - the producer never mutates a message the user sent: what comes back on
 *   `successes` is a new object (the sent fields plus `partition`, `offset`
 *   and `timestamp`), and errors carry the very object that was sent;
 * - control messages (the chaser, shutdown) are never `ProducerMessage`s:
 *   they travel on the internal envelope (`internal/envelope.ts`).
 */

import { type RecordHeader, utf8Length, varintSize } from "@csp-kit/kafka-protocol";

/** Bytes of a key, value or header value: a Uint8Array, or a string sent as UTF-8. */
export type Payload = Uint8Array | string;

/** One record header of a {@link ProducerMessage}. */
export interface MessageHeader {
  readonly key: string;
  readonly value: Payload | null;
}

/**
 * A message to produce — sarama's `ProducerMessage`.
 *
 * @typeParam M - the type of `metadata`, passed through untouched.
 * @example
 * ```ts run
 * import { startBroker } from "@csp-kit/kafka-broker";
 * import { SyncProducer } from "@csp-kit/kafka-producer";
 *
 * const broker = await startBroker({ port: 0, logLevel: "silent" });
 * const producer = new SyncProducer({ bootstrap: [broker.bootstrap] });
 * const order = { id: 1, total: 12.5 };
 * const { offset } = await producer.send({ topic: "orders", key: "customer-7", value: JSON.stringify(order) });
 * await producer.close();
 * await broker.close();
 * console.log(offset); // → 0n
 * if (offset !== 0n) throw new Error(`offset ${offset}`);
 * ```
 */
export interface ProducerMessage<M = unknown> {
  /** The topic (required). */
  readonly topic: string;
  /** The key: the partitioner hashes it; null or absent for none. */
  readonly key?: Payload | null | undefined;
  /** The value; null or absent for a tombstone. */
  readonly value?: Payload | null | undefined;
  /** Record headers, in order (keys may repeat). */
  readonly headers?: readonly MessageHeader[] | undefined;
  /** The partition, read only by the manual partitioner. */
  readonly partition?: number | undefined;
  /** Create time in ms; the producer's clock when absent. */
  readonly timestamp?: number | undefined;
  /** Anything: handed back untouched on `successes` and in errors (sarama's `Metadata`). */
  readonly metadata?: M | undefined;
}

/**
 * A message that was written — the sent message plus where it went.
 * Delivered on `successes` when `returnSuccesses` is on.
 */
export interface ProducedMessage<M = unknown> extends ProducerMessage<M> {
  /** The partition it was written to. */
  readonly partition: number;
  /** Its offset in that partition; -1n with `requiredAcks: 0` (the broker does not answer). */
  readonly offset: bigint;
  /** The record's timestamp (the broker's under LogAppendTime). */
  readonly timestamp: number;
}

const encoder = new TextEncoder();

/** The bytes of a payload; `null` for null or undefined. Precondition: none. */
export function payloadBytes(p: Payload | null | undefined): Uint8Array | null {
  if (p === null || p === undefined) return null;
  return typeof p === "string" ? encoder.encode(p) : p;
}

/** No headers: one shared, frozen array (a message without headers allocates none). */
const NO_HEADERS: readonly RecordHeader[] = Object.freeze([]);

/** The headers of `m` as record headers (values encoded); a shared empty array when it has none. */
export function recordHeaders(m: ProducerMessage): readonly RecordHeader[] {
  if (m.headers === undefined || m.headers.length === 0) return NO_HEADERS;
  return m.headers.map((h) => ({ key: h.key, value: payloadBytes(h.value) }));
}

function payloadLength(p: Payload | null | undefined): number {
  if (p === null || p === undefined) return -1;
  return typeof p === "string" ? utf8Length(p) : p.length;
}

/**
 * The size of `m` as one record in a v2 batch, an upper bound (varint
 * fields counted at their widest likely size) — what `maxMessageBytes`,
 * `flush.bytes` and `retry.maxBufferBytes` compare against (sarama's
 * `ByteSize(version)`).
 */
export function messageByteSize(m: ProducerMessage): number {
  const k = payloadLength(m.key);
  const v = payloadLength(m.value);
  let size = 1 + 5 + 5; // attributes, timestampDelta, offsetDelta (worst-case varints)
  size += varintSize(k) + Math.max(k, 0);
  size += varintSize(v) + Math.max(v, 0);
  const headers = m.headers ?? [];
  size += varintSize(headers.length);
  for (const h of headers) {
    const hk = utf8Length(h.key);
    const hv = payloadLength(h.value);
    size += varintSize(hk) + hk + varintSize(hv) + Math.max(hv, 0);
  }
  return size + varintSize(size);
}
