/**
 * The Kafka error codes the storage layer answers with (values, never
 * thrown): the rows of @csp-kit/kafka-protocol's error table it uses, under
 * one name so the log's result types can list exactly these.
 */

import { KafkaErrorCode } from "@csp-kit/kafka-protocol";

/** Kafka error codes a partition log can answer an append, read or delete with. */
export const LogErrorCode: {
  /** OFFSET_OUT_OF_RANGE (1): a fetch or delete offset outside [logStartOffset, logEndOffset]. */
  readonly OFFSET_OUT_OF_RANGE: 1;
  /** CORRUPT_MESSAGE (2): a batch's length, magic byte, codec or CRC-32C is wrong. */
  readonly CORRUPT_MESSAGE: 2;
  /** MESSAGE_TOO_LARGE (10): a batch larger than the log's `maxBatchBytes`. */
  readonly MESSAGE_TOO_LARGE: 10;
  /** OUT_OF_ORDER_SEQUENCE_NUMBER (45): an idempotent batch whose sequence does not follow the last one. */
  readonly OUT_OF_ORDER_SEQUENCE_NUMBER: 45;
  /** INVALID_PRODUCER_EPOCH (47): an idempotent batch from an epoch older than the producer's current one. */
  readonly INVALID_PRODUCER_EPOCH: 47;
  /** INVALID_RECORD (87): a well-formed batch Kafka would not accept (record count, sequence -1 with a producer id). */
  readonly INVALID_RECORD: 87;
} = {
  OFFSET_OUT_OF_RANGE: KafkaErrorCode.OFFSET_OUT_OF_RANGE,
  CORRUPT_MESSAGE: KafkaErrorCode.CORRUPT_MESSAGE,
  MESSAGE_TOO_LARGE: KafkaErrorCode.MESSAGE_TOO_LARGE,
  OUT_OF_ORDER_SEQUENCE_NUMBER: KafkaErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
  INVALID_PRODUCER_EPOCH: KafkaErrorCode.INVALID_PRODUCER_EPOCH,
  INVALID_RECORD: KafkaErrorCode.INVALID_RECORD,
} as const;

/** One of the {@link LogErrorCode} values. */
export type LogErrorCode = (typeof LogErrorCode)[keyof typeof LogErrorCode];
