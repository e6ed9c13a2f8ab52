/**
 * The Kafka error codes the storage layer answers with (values, never
 * thrown). A local copy of the few rows of Kafka's error table it needs, until
 * @csp-kit/kafka-protocol's table is a dependency of this package.
 */

/** Kafka error codes a partition log can answer an append, read or delete with. */
export const LogErrorCode = {
  /** OFFSET_OUT_OF_RANGE: a fetch or delete offset outside [logStartOffset, logEndOffset]. */
  OFFSET_OUT_OF_RANGE: 1,
  /** CORRUPT_MESSAGE: a batch's length, magic byte or CRC-32C is wrong, or its codec is unknown. */
  CORRUPT_MESSAGE: 2,
  /** MESSAGE_TOO_LARGE: a batch larger than the log's `maxBatchBytes`. */
  MESSAGE_TOO_LARGE: 10,
  /** OUT_OF_ORDER_SEQUENCE_NUMBER: an idempotent batch whose sequence does not follow the last one. */
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  /** INVALID_PRODUCER_EPOCH: an idempotent batch from an epoch older than the producer's current one. */
  INVALID_PRODUCER_EPOCH: 47,
  /** INVALID_RECORD: a well-formed batch Kafka would not accept (record count, sequence -1 with a producer id). */
  INVALID_RECORD: 87,
} as const;

/** One of the {@link LogErrorCode} values. */
export type LogErrorCode = (typeof LogErrorCode)[keyof typeof LogErrorCode];
