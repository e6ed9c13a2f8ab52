/**
 * The options of a partition log, their defaults (Kafka's topic defaults)
 * and the one validator that turns bad values into InvalidLogConfigError.
 */

import { InvalidLogConfigError } from "../../errors.js";
import { LOG_OVERHEAD, MIN_BATCH_LENGTH } from "./batch-view.js";

/** A retention limit that never deletes anything: a named sentinel, never -1. */
export const UNLIMITED: number = Number.POSITIVE_INFINITY;

/** Kafka's `segment.bytes` default: 1 GiB. */
export const DEFAULT_SEGMENT_BYTES: number = 1 << 30;
/** Kafka's `retention.ms` default: 7 days. */
export const DEFAULT_RETENTION_MS: number = 7 * 24 * 60 * 60 * 1000;
/** Kafka's `max.message.bytes` default (1 MiB + the 12 bytes of log overhead). */
export const DEFAULT_MAX_BATCH_BYTES = 1_048_588;
/** The largest segment or batch size: Kafka keeps them in an int32. */
const MAX_INT32 = 2_147_483_647;

/** Options of `PartitionLog.open`; every one has Kafka's default. */
export interface PartitionLogOptions {
  /**
   * Roll a new segment when the next batch would take the active one past
   * this many bytes (Kafka's `segment.bytes`). A segment always takes at least
   * one batch. Retention deletes whole segments, so this is its granularity.
   * Default {@link DEFAULT_SEGMENT_BYTES}.
   */
  readonly segmentBytes?: number | undefined;
  /**
   * Delete the oldest segments while the log stays at or above this size
   * without them (Kafka's `retention.bytes`). Default {@link UNLIMITED}.
   */
  readonly retentionBytes?: number | undefined;
  /**
   * Delete the oldest segments whose newest batch is older than this
   * (Kafka's `retention.ms`). Default {@link DEFAULT_RETENTION_MS}; {@link UNLIMITED} keeps everything.
   */
  readonly retentionMs?: number | undefined;
  /** Reject batches larger than this with MESSAGE_TOO_LARGE (Kafka's `max.message.bytes`). Default {@link DEFAULT_MAX_BATCH_BYTES}. */
  readonly maxBatchBytes?: number | undefined;
}

/** Validated options, defaults filled in. */
export interface LogConfig {
  readonly segmentBytes: number;
  readonly retentionBytes: number;
  readonly retentionMs: number;
  readonly maxBatchBytes: number;
}

/**
 * Validates `options` and fills in the defaults.
 *
 * @throws InvalidLogConfigError - naming the first option out of range.
 */
export function validateLogConfig(options: PartitionLogOptions = {}): LogConfig {
  const segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
  if (!isIntegerIn(segmentBytes, 1, MAX_INT32))
    throw new InvalidLogConfigError("segmentBytes", segmentBytes, "must be an integer from 1 to 2^31 - 1");
  const retentionBytes = options.retentionBytes ?? UNLIMITED;
  if (retentionBytes !== UNLIMITED && !isIntegerIn(retentionBytes, 0, Number.MAX_SAFE_INTEGER))
    throw new InvalidLogConfigError("retentionBytes", retentionBytes, "must be a non-negative integer or UNLIMITED");
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  if (retentionMs !== UNLIMITED && !isIntegerIn(retentionMs, 0, Number.MAX_SAFE_INTEGER))
    throw new InvalidLogConfigError("retentionMs", retentionMs, "must be a non-negative integer or UNLIMITED");
  const maxBatchBytes = options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
  if (!isIntegerIn(maxBatchBytes, LOG_OVERHEAD + MIN_BATCH_LENGTH, MAX_INT32))
    throw new InvalidLogConfigError("maxBatchBytes", maxBatchBytes, "must be an integer from 61 to 2^31 - 1");
  return { segmentBytes, retentionBytes, retentionMs, maxBatchBytes };
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= min && value <= max;
}
