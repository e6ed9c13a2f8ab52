/**
 * The producer's configuration: sarama's `Config.Producer` (plus the `Net`,
 * `Metadata` and `ChannelBufferSize` settings the producer reads) in
 * TypeScript names, with sarama's defaults, and one `validateConfig()` that
 * is the single entry point for configuration errors (STYLE item 22). The
 * client options (`bootstrap`, `clientId`, `metadata`, `net`) are
 * `@csp-kit/kafka-client`'s, checked there by `validateClientOptions()`
 * through a `fail` that throws this package's error.
 *
 * Invariants:
 * - a `ProducerConfig` only exists as the result of `validateConfig()`: every
 *   field is present, in range, and consistent with the others (idempotence
 *   implies acks -1, retry.max >= 1 and maxOpenRequests 1; flush.maxMessages
 *   is 0 or >= flush.messages);
 * - `validateConfig` throws only `InvalidProducerConfigError`, naming the
 *   field and saying what to do; it never mutates its argument.
 */

import {
  CLIENT_DEFAULTS,
  type ClientConfig,
  type ClientOptions,
  configChecks,
  validateClientOptions,
} from "@csp-kit/kafka-client";
import { type Clock, realClock } from "@csp-kit/timers";
import { InvalidProducerConfigError } from "./errors.js";
import {
  hashPartitioner,
  manualPartitioner,
  murmur2Partitioner,
  type Partitioner,
  randomPartitioner,
  roundRobinPartitioner,
} from "./partitioner.js";

/** Produce acks: 0 (no response), 1 (the leader wrote it), -1 (every in-sync replica did). */
export type RequiredAcks = 0 | 1 | -1;

/** The record-batch codecs. */
export type Compression = "none" | "gzip" | "snappy" | "lz4" | "zstd";

/** The built-in partitioners by name (see `partitioner.ts`). */
export type PartitionerName = "hash" | "murmur2" | "round-robin" | "random" | "manual";

/** When the broker producer sends a batch — sarama's `Producer.Flush`. All best-effort except `maxMessages`. */
export interface FlushOptions {
  /** Send once the batch holds this many bytes (0: no byte trigger). */
  readonly bytes?: number | undefined;
  /** Send once the batch holds this many messages (0: no count trigger). */
  readonly messages?: number | undefined;
  /** Send this many ms after the first message of a batch arrived (0: no timer). */
  readonly frequency?: number | undefined;
  /** Never put more than this many messages in one request (0: unlimited); must be >= `messages`. */
  readonly maxMessages?: number | undefined;
}

/** Retries of failed messages — sarama's `Producer.Retry`. */
export interface RetryOptions {
  /** How many times a message is retried before it fails (default 3). */
  readonly max?: number | undefined;
  /** The wait before a retry, in ms (default 100). */
  readonly backoff?: number | undefined;
  /** Computes the wait from (retries so far, max); takes precedence over `backoff`. */
  readonly backoffFn?: ((retries: number, maxRetries: number) => number) | undefined;
  /** Cap on messages waiting in the retry buffer (0: unlimited; a nonzero value is raised to at least 4096). */
  readonly maxBufferLength?: number | undefined;
  /** Cap on bytes waiting in the retry buffer (0: unlimited; a nonzero value is raised to at least 32 MiB). */
  readonly maxBufferBytes?: number | undefined;
}

export type { MetadataOptions, NetOptions } from "@csp-kit/kafka-client";

/**
 * What `new AsyncProducer(options)` and `validateConfig(options)` take. Only
 * `bootstrap` is required. `bootstrap`, `clientId`, `metadata` and `net` are
 * the {@link ClientOptions} of `@csp-kit/kafka-client`.
 */
export interface ProducerOptions extends ClientOptions {
  /** The largest message accepted, as a record (default 1 MiB); larger ones fail with MessageTooLargeError. */
  readonly maxMessageBytes?: number | undefined;
  /** Produce acks (default 1). */
  readonly requiredAcks?: RequiredAcks | undefined;
  /** The Produce request's timeout_ms (default 10 s). */
  readonly timeout?: number | undefined;
  /** The batch codec (default "none"). */
  readonly compression?: Compression | undefined;
  /** The codec's level (gzip 1–9, zstd 1–22); absent for the codec's default. */
  readonly compressionLevel?: number | undefined;
  /** A partitioner name or object (default "hash": FNV-1a, sarama's default). */
  readonly partitioner?: PartitionerName | Partitioner | undefined;
  /** Deliver written messages on `successes` (default false). Whoever enables it must drain it. */
  readonly returnSuccesses?: boolean | undefined;
  /** Deliver failed messages on `errors` (default true). Whoever enables it must drain it. */
  readonly returnErrors?: boolean | undefined;
  readonly flush?: FlushOptions | undefined;
  readonly retry?: RetryOptions | undefined;
  /** Exactly-once per partition: InitProducerId and sequence numbers (default false). */
  readonly idempotent?: boolean | undefined;
  /** Requests in flight per broker connection (default 5; 1 with idempotence). */
  readonly maxOpenRequests?: number | undefined;
  /** Buffer of the input and the per-topic and per-partition channels (default 256). */
  readonly channelBufferSize?: number | undefined;
  /** The largest request sent, in bytes (default 100 MiB); batches are cut 10 KiB below it. */
  readonly maxRequestSize?: number | undefined;
  /** The clock of flush timers and backoffs (default the real clock; tests pass a ManualClock). */
  readonly clock?: Clock | undefined;
}

/** A validated configuration: every field present. Only `validateConfig()` makes one. */
export interface ProducerConfig extends ClientConfig {
  readonly maxMessageBytes: number;
  readonly requiredAcks: RequiredAcks;
  readonly timeout: number;
  readonly compression: Compression;
  readonly compressionLevel: number | undefined;
  readonly partitioner: Partitioner;
  readonly returnSuccesses: boolean;
  readonly returnErrors: boolean;
  readonly flush: Required<{ readonly [K in keyof FlushOptions]-?: number }>;
  readonly retry: {
    readonly max: number;
    readonly backoff: number;
    readonly backoffFn: ((retries: number, maxRetries: number) => number) | undefined;
    readonly maxBufferLength: number;
    readonly maxBufferBytes: number;
  };
  readonly idempotent: boolean;
  readonly maxOpenRequests: number;
  readonly channelBufferSize: number;
  readonly maxRequestSize: number;
  readonly clock: Clock;
}

/** sarama's defaults, in TypeScript names. */
export const DEFAULTS: Readonly<{
  maxMessageBytes: 1048576;
  requiredAcks: RequiredAcks;
  timeout: 10000;
  compression: Compression;
  retryMax: 3;
  retryBackoff: 100;
  minRetryBufferLength: 4096;
  minRetryBufferBytes: number;
  maxOpenRequests: 5;
  channelBufferSize: 256;
  maxRequestSize: number;
  clientId: "csp-kit";
  metadataRefreshFrequency: 600000;
  metadataRetryMax: 3;
  metadataRetryBackoff: 250;
  dialTimeout: 30000;
  readTimeout: 30000;
}> = Object.freeze({
  ...CLIENT_DEFAULTS,
  maxMessageBytes: 1_048_576,
  requiredAcks: 1 as RequiredAcks,
  timeout: 10_000,
  compression: "none" as Compression,
  retryMax: 3,
  retryBackoff: 100,
  minRetryBufferLength: 4096,
  minRetryBufferBytes: 32 * 1024 * 1024,
  maxOpenRequests: 5,
  channelBufferSize: 256,
  maxRequestSize: 100 * 1024 * 1024,
});

const COMPRESSIONS: readonly Compression[] = ["none", "gzip", "snappy", "lz4", "zstd"];
const LEVELS: Readonly<Record<Compression, readonly [number, number] | null>> = {
  none: null,
  gzip: [1, 9],
  snappy: null,
  lz4: null,
  zstd: [1, 22],
};

/** The shared field checks, failing with this package's typed error. */
const { describe, int, bool, obj } = configChecks((field, value, message) => {
  throw new InvalidProducerConfigError(field, value, message);
});

function partitionerOf(v: unknown): Partitioner {
  switch (v) {
    case undefined:
    case "hash":
      return hashPartitioner();
    case "murmur2":
      return murmur2Partitioner();
    case "round-robin":
      return roundRobinPartitioner();
    case "random":
      return randomPartitioner();
    case "manual":
      return manualPartitioner();
  }
  if (
    typeof v === "object" &&
    v !== null &&
    typeof (v as Partitioner).partition === "function" &&
    typeof (v as Partitioner).requiresConsistency === "boolean"
  ) {
    return v as Partitioner;
  }
  throw new InvalidProducerConfigError(
    "partitioner",
    v,
    `must be "hash", "murmur2", "round-robin", "random", "manual" or a Partitioner object ` +
      `{ partition(message, numPartitions), requiresConsistency } (got ${describe(v)}); see customPartitioner()`,
  );
}

/**
 * Checks `options` and fills in sarama's defaults: the one place a
 * configuration error is raised.
 *
 * Blocking: none (synchronous).
 *
 * Gotchas: idempotence needs `requiredAcks: -1`, `retry.max >= 1` and
 * `maxOpenRequests: 1` (sarama's rules; pass them explicitly, nothing is
 * changed behind your back). A nonzero `retry.maxBufferLength` or
 * `maxBufferBytes` is raised to 4096 messages or 32 MiB, as sarama does.
 *
 * @throws {@link InvalidProducerConfigError} naming the first bad field.
 * @example
 * ```ts run
 * import { validateConfig } from "@csp-kit/kafka-producer";
 *
 * const config = validateConfig({ bootstrap: ["127.0.0.1:9092"], flush: { messages: 100, frequency: 5 } });
 * console.log(config.retry.max); // → 3
 * if (config.retry.max !== 3) throw new Error(`retry.max ${config.retry.max}`);
 * ```
 */
export function validateConfig(options: ProducerOptions): ProducerConfig {
  const o = obj("options", options) as Partial<ProducerOptions>;
  const client = validateClientOptions(options, (field, value, message) => {
    throw new InvalidProducerConfigError(field, value, message);
  });
  const maxMessageBytes = int("maxMessageBytes", o.maxMessageBytes, DEFAULTS.maxMessageBytes, 1, "it caps one message");
  const requiredAcks = o.requiredAcks ?? DEFAULTS.requiredAcks;
  if (requiredAcks !== 0 && requiredAcks !== 1 && requiredAcks !== -1) {
    throw new InvalidProducerConfigError(
      "requiredAcks",
      requiredAcks,
      `must be 0 (no response), 1 (the leader) or -1 (all in-sync replicas) (got ${describe(requiredAcks)})`,
    );
  }
  const timeout = int("timeout", o.timeout, DEFAULTS.timeout, 1, "it is the Produce request's timeout in ms");
  const compression = o.compression ?? DEFAULTS.compression;
  if (!COMPRESSIONS.includes(compression)) {
    throw new InvalidProducerConfigError(
      "compression",
      compression,
      `must be one of ${COMPRESSIONS.map((c) => `"${c}"`).join(", ")} (got ${describe(compression)})`,
    );
  }
  let compressionLevel: number | undefined;
  if (o.compressionLevel !== undefined) {
    const range = LEVELS[compression];
    if (range === null) {
      throw new InvalidProducerConfigError(
        "compressionLevel",
        o.compressionLevel,
        `is not used by compression "${compression}": remove it, or choose "gzip" (1–9) or "zstd" (1–22)`,
      );
    }
    compressionLevel = int(
      "compressionLevel",
      o.compressionLevel,
      0,
      range[0],
      `${compression} takes ${range[0]}–${range[1]}`,
    );
    if (compressionLevel > range[1]) {
      throw new InvalidProducerConfigError(
        "compressionLevel",
        compressionLevel,
        `must be at most ${range[1]} for ${compression}`,
      );
    }
  }
  const partitioner = partitionerOf(o.partitioner);
  const returnSuccesses = bool("returnSuccesses", o.returnSuccesses, false);
  const returnErrors = bool("returnErrors", o.returnErrors, true);

  const f = obj("flush", o.flush);
  const flush = {
    bytes: int("flush.bytes", f.bytes, 0, 0, "0 turns the byte trigger off"),
    messages: int("flush.messages", f.messages, 0, 0, "0 turns the count trigger off"),
    frequency: int("flush.frequency", f.frequency, 0, 0, "0 turns the timer off"),
    maxMessages: int("flush.maxMessages", f.maxMessages, 0, 0, "0 is unlimited"),
  };
  if (flush.maxMessages > 0 && flush.maxMessages < flush.messages) {
    throw new InvalidProducerConfigError(
      "flush.maxMessages",
      flush.maxMessages,
      `(${flush.maxMessages}) must be 0 or at least flush.messages (${flush.messages}): a batch could never reach its trigger`,
    );
  }

  const r = obj("retry", o.retry);
  const backoffFn = r.backoffFn;
  if (backoffFn !== undefined && typeof backoffFn !== "function") {
    throw new InvalidProducerConfigError("retry.backoffFn", backoffFn, "must be (retries, maxRetries) => ms");
  }
  const maxBufferLength = int("retry.maxBufferLength", r.maxBufferLength, 0, 0, "0 is unlimited");
  const maxBufferBytes = int("retry.maxBufferBytes", r.maxBufferBytes, 0, 0, "0 is unlimited");
  const retry = {
    max: int("retry.max", r.max, DEFAULTS.retryMax, 0, "0 turns retries off"),
    backoff: int("retry.backoff", r.backoff, DEFAULTS.retryBackoff, 0, "it is the wait before a retry in ms"),
    backoffFn: backoffFn as ((retries: number, maxRetries: number) => number) | undefined,
    maxBufferLength: maxBufferLength === 0 ? 0 : Math.max(maxBufferLength, DEFAULTS.minRetryBufferLength),
    maxBufferBytes: maxBufferBytes === 0 ? 0 : Math.max(maxBufferBytes, DEFAULTS.minRetryBufferBytes),
  };

  const idempotent = bool("idempotent", o.idempotent, false);
  const maxOpenRequests = int(
    "maxOpenRequests",
    o.maxOpenRequests,
    DEFAULTS.maxOpenRequests,
    1,
    "it is the pipelining depth",
  );
  if (idempotent) {
    if (requiredAcks !== -1) {
      throw new InvalidProducerConfigError("requiredAcks", requiredAcks, "must be -1 when idempotent is true");
    }
    if (retry.max < 1)
      throw new InvalidProducerConfigError("retry.max", retry.max, "must be >= 1 when idempotent is true");
    if (maxOpenRequests !== 1) {
      throw new InvalidProducerConfigError(
        "maxOpenRequests",
        maxOpenRequests,
        "must be 1 when idempotent is true (sarama's rule: sequences stay in order on one request at a time)",
      );
    }
  }
  const channelBufferSize = int(
    "channelBufferSize",
    o.channelBufferSize,
    DEFAULTS.channelBufferSize,
    0,
    "0 is unbuffered",
  );
  const maxRequestSize = int(
    "maxRequestSize",
    o.maxRequestSize,
    DEFAULTS.maxRequestSize,
    20 * 1024,
    "batches are cut 10 KiB below it",
  );

  const clock = o.clock ?? realClock;
  if (
    typeof clock !== "object" ||
    clock === null ||
    typeof clock.now !== "function" ||
    typeof clock.setTimeout !== "function"
  ) {
    throw new InvalidProducerConfigError("clock", clock, "must be a Clock (realClock, or a ManualClock in tests)");
  }
  return Object.freeze({
    bootstrap: client.bootstrap,
    clientId: client.clientId,
    maxMessageBytes,
    requiredAcks,
    timeout,
    compression,
    compressionLevel,
    partitioner,
    returnSuccesses,
    returnErrors,
    flush: Object.freeze(flush),
    retry: Object.freeze(retry),
    idempotent,
    maxOpenRequests,
    channelBufferSize,
    maxRequestSize,
    metadata: client.metadata,
    net: client.net,
    clock,
  });
}
