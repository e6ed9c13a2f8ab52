/**
 * The internal envelope: what travels between the pipeline's stages. User
 * messages ride in a `message` envelope; the control messages of sarama's
 * `flags` bitset (syn, fin, shutdown) are their own variants, never fields on
 * the user's message (STYLE item 21).
 *
 * ```
 * Envelope = message   a user message, with its routing and retry state
 *          | syn       partition producer → broker producer: "I attached; clear my retry state"
 *          | fin       partition producer → old broker producer → retry path → partition producer:
 *                      the chaser; when it comes back, every earlier message of its level has too
 *          | shutdown  asyncClose() → dispatcher: refuse new messages from now on
 * ```
 *
 * Invariants:
 * - every envelope is counted once in the producer's in-flight WaitGroup
 *   when it enters the pipeline and `done()` exactly once when it leaves (a
 *   message when it is returned as a success or an error; a syn when a broker
 *   producer takes it; a fin when its partition producer consumes it;
 *   shutdown when the dispatcher handles it). Retries are not counted again;
 * - `retries` only grows; `partition` is -1 until the topic producer sets it
 *   and never changes after (retries keep their partition);
 * - `sequence` is -1 until the batch holding the message is sent
 *   (idempotent producers only; ProducerCore.stampSequences); a retried
 *   batch keeps its sequences, except after an answer that says the broker
 *   did not store it and never will in that epoch (OUT_OF_ORDER_SEQUENCE_NUMBER,
 *   UNKNOWN_PRODUCER_ID, INVALID_PRODUCER_EPOCH): then it is cleared to -1
 *   and the message is numbered again in the new epoch.
 */

import type { RecordHeader } from "@csp-kit/kafka-protocol";
import type { ProducerMessage } from "../message.js";

/** A user message in the pipeline. Mutable fields are written by the stage named beside them. */
export interface MessageEnvelope {
  readonly kind: "message";
  /** The user's message, never mutated. */
  readonly message: ProducerMessage;
  readonly topic: string;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: readonly RecordHeader[];
  /** Create time, ms (the message's or the clock's when the dispatcher saw it). */
  readonly timestamp: number;
  /** Its size as a record (an upper bound; see `messageByteSize`). */
  readonly size: number;
  /** Set once by the topic producer; -1 before. */
  partition: number;
  /** How many times it was sent back for a retry; written by `retryMessage` only. */
  retries: number;
  /** The idempotent sequence number, or -1; written when its batch is sent (see the invariants). */
  sequence: number;
  /** The producer epoch its sequence belongs to, or -1. */
  epoch: number;
  /** The producer id its sequence belongs to, or -1n (a bump may change the id). */
  producerId: bigint;
  /**
   * The sequence of the last message of the batch it was first sent in, or
   * -1: a retried batch must go out again exactly as it was (the broker
   * recognises a duplicate only by the same first and last sequence).
   */
  batchLast: number;
  /** The last error that sent it to retry, for the final ProducerError. */
  lastError: unknown;
}

/** Sent by a partition producer to the broker producer it attaches to. */
export interface SynEnvelope {
  readonly kind: "syn";
  readonly topic: string;
  readonly partition: number;
}

/** The chaser: sent behind a retry level's messages; comes back on the retry path. */
export interface FinEnvelope {
  readonly kind: "fin";
  readonly topic: string;
  readonly partition: number;
  /** The level it closes (hwm - 1 when sent); raised by the retry path like a message's. */
  retries: number;
}

/** Sent by `asyncClose()`: the dispatcher refuses new messages from then on. */
export interface ShutdownEnvelope {
  readonly kind: "shutdown";
}

/** Everything that travels between stages. */
export type Envelope = MessageEnvelope | SynEnvelope | FinEnvelope | ShutdownEnvelope;

/** Envelopes addressed to one partition (what partition and broker producers see). */
export type PartitionEnvelope = MessageEnvelope | SynEnvelope | FinEnvelope;

/** The `topic/partition` key of the maps keyed by partition. */
export function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

const shutdowns = new WeakSet<object>();

/** A new shutdown envelope (recognised by identity, so no user message can pass for one). */
export function shutdownEnvelope(): ShutdownEnvelope {
  const e: ShutdownEnvelope = { kind: "shutdown" };
  shutdowns.add(e);
  return e;
}

/** Whether `v` was made by {@link shutdownEnvelope}. */
export function isShutdownEnvelope(v: unknown): v is ShutdownEnvelope {
  return typeof v === "object" && v !== null && shutdowns.has(v);
}
