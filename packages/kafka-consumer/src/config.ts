/**
 * The consumer's configuration: sarama's `Config.Consumer` (plus the `Net`,
 * `Metadata` and `ChannelBufferSize` settings the consumer reads) in
 * TypeScript names, with sarama's defaults, and one `validateConfig()` that
 * is the single entry point for configuration errors (STYLE item 22). The
 * client options (`bootstrap`, `clientId`, `metadata`, `net`) are
 * `@csp-kit/kafka-client`'s, checked there by `validateClientOptions()`
 * through a `fail` that throws this package's error; the rule that ties
 * `net.readTimeout` to `maxWaitTime` is the consumer's and stays here.
 *
 * Invariants:
 * - a `ConsumerConfig` only exists as the result of `validateConfig()`:
 *   every field is present, in range, and consistent with the others
 *   (`fetch.min <= fetch.default`, and `fetch.default <= fetch.max` unless
 *   `fetch.max` is 0; `net.readTimeout > maxWaitTime`);
 * - `validateConfig` throws only `InvalidConsumerConfigError`, naming the
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
import { InvalidConsumerConfigError } from "./errors.js";

/** Where a partition consumer starts when no offset is given, or where it goes after OFFSET_OUT_OF_RANGE. */
export type OffsetPosition = "oldest" | "newest";

/** Which records a fetch sees: every one (0, read_uncommitted) or only committed ones (1, read_committed). */
export type IsolationLevel = "read-uncommitted" | "read-committed";

/** How much a fetch asks for — sarama's `Consumer.Fetch`, in bytes. */
export interface FetchOptions {
  /** The broker answers once this many bytes are ready, or at `maxWaitTime` (default 1). */
  readonly min?: number | undefined;
  /** Bytes asked for per partition and request (default 1 MiB); doubled for a batch that does not fit. */
  readonly default?: number | undefined;
  /** The most bytes per partition a fetch may grow to (default 0: unlimited). */
  readonly max?: number | undefined;
}

/** Re-dispatching after an error — sarama's `Consumer.Retry`. */
export interface ConsumerRetryOptions {
  /** The wait before looking for the leader again, in ms (default 2000). */
  readonly backoff?: number | undefined;
  /** Computes the wait from the consecutive failures so far; takes precedence over `backoff`. */
  readonly backoffFn?: ((retries: number) => number) | undefined;
}

/** Offsets — sarama's `Consumer.Offsets`. */
export interface OffsetsOptions {
  /** Where `consumePartition(topic, partition)` starts without an offset (default "newest"). */
  readonly initial?: OffsetPosition | undefined;
  /**
   * Where to go when the offset asked for is outside the log (at start, or
   * when retention removes what a slow consumer had not read): absent, the
   * consumer reports an `OffsetOutOfRangeError` (and the partition consumer
   * closes, as sarama's); "oldest" or "newest" to move there instead.
   */
  readonly resetOnOutOfRange?: OffsetPosition | undefined;
}

export type { MetadataOptions, NetOptions } from "@csp-kit/kafka-client";

/**
 * What `new Consumer(options)` and `validateConfig(options)` take. Only
 * `bootstrap` is required. `bootstrap`, `clientId`, `metadata` and `net` are
 * the {@link ClientOptions} of `@csp-kit/kafka-client`; `net.readTimeout`
 * must be above `maxWaitTime`.
 */
export interface ConsumerOptions extends ClientOptions {
  /** How much each fetch asks for. */
  readonly fetch?: FetchOptions | undefined;
  /** How long the broker may hold a fetch waiting for `fetch.min` bytes, in ms (default 500). */
  readonly maxWaitTime?: number | undefined;
  /**
   * How long the user may take to receive one message before the partition
   * lets its broker's other partitions go on, in ms (default 100). See the
   * response feeder.
   */
  readonly maxProcessingTime?: number | undefined;
  /** The most bytes one Fetch response may hold in all (default 100 MiB). */
  readonly maxResponseSize?: number | undefined;
  /** Buffer of each partition consumer's `messages` and `errors` (default 256). */
  readonly channelBufferSize?: number | undefined;
  /** Re-dispatching after an error. */
  readonly retry?: ConsumerRetryOptions | undefined;
  /** Start and reset positions. */
  readonly offsets?: OffsetsOptions | undefined;
  /** Deliver errors on each partition consumer's `errors` (default false). Whoever enables it must drain it. */
  readonly returnErrors?: boolean | undefined;
  /** Which records fetches see (default "read-uncommitted", sarama's). */
  readonly isolationLevel?: IsolationLevel | undefined;
  /** Check each fetched batch's CRC-32C (default true, the Java client's `check.crcs`). */
  readonly checkCrcs?: boolean | undefined;
  /**
   * Use `@csp-kit/kafka-protocol`'s native CRC-32C (`@node-rs/crc32`) when
   * it is installed (default true; without it the JavaScript one is used).
   */
  readonly nativeCrc32c?: boolean | undefined;
  /** The clock of timers and backoffs (default the real clock; tests pass a ManualClock). */
  readonly clock?: Clock | undefined;
}

/** A validated configuration: every field present. Only `validateConfig()` makes one. */
export interface ConsumerConfig extends ClientConfig {
  /** {@link ConsumerOptions.fetch}, every field filled in. */
  readonly fetch: { readonly min: number; readonly default: number; readonly max: number };
  /** {@link ConsumerOptions.maxWaitTime}, ms. */
  readonly maxWaitTime: number;
  /** {@link ConsumerOptions.maxProcessingTime}, ms. */
  readonly maxProcessingTime: number;
  /** {@link ConsumerOptions.maxResponseSize}, bytes. */
  readonly maxResponseSize: number;
  /** The validated {@link ConsumerOptions.channelBufferSize}. */
  readonly channelBufferSize: number;
  /** {@link ConsumerOptions.retry}, filled in. */
  readonly retry: { readonly backoff: number; readonly backoffFn: ((retries: number) => number) | undefined };
  /** {@link ConsumerOptions.offsets}, filled in. */
  readonly offsets: { readonly initial: OffsetPosition; readonly resetOnOutOfRange: OffsetPosition | undefined };
  /** The validated {@link ConsumerOptions.returnErrors}. */
  readonly returnErrors: boolean;
  /** The validated {@link ConsumerOptions.isolationLevel}. */
  readonly isolationLevel: IsolationLevel;
  /** The validated {@link ConsumerOptions.checkCrcs}. */
  readonly checkCrcs: boolean;
  /** The validated {@link ConsumerOptions.nativeCrc32c}. */
  readonly nativeCrc32c: boolean;
  /** {@link ConsumerOptions.clock} or the real clock. */
  readonly clock: Clock;
}

/** sarama's defaults, in TypeScript names. */
export const DEFAULTS: Readonly<{
  fetchMin: 1;
  fetchDefault: 1048576;
  fetchMax: 0;
  maxWaitTime: 500;
  maxProcessingTime: 100;
  maxResponseSize: number;
  channelBufferSize: 256;
  retryBackoff: 2000;
  initialOffset: OffsetPosition;
  isolationLevel: IsolationLevel;
  clientId: "csp-kit";
  metadataRefreshFrequency: 600000;
  metadataRetryMax: 3;
  metadataRetryBackoff: 250;
  dialTimeout: 30000;
  readTimeout: 30000;
}> = Object.freeze({
  ...CLIENT_DEFAULTS,
  fetchMin: 1,
  fetchDefault: 1_048_576,
  fetchMax: 0,
  maxWaitTime: 500,
  maxProcessingTime: 100,
  maxResponseSize: 100 * 1024 * 1024,
  channelBufferSize: 256,
  retryBackoff: 2000,
  initialOffset: "newest" as OffsetPosition,
  isolationLevel: "read-uncommitted" as IsolationLevel,
});

/** The shared field checks, failing with this package's typed error. */
const { describe, int, bool, obj } = configChecks((field, value, message) => {
  throw new InvalidConsumerConfigError(field, value, message);
});

function position(field: string, v: unknown, fallback: OffsetPosition | undefined): OffsetPosition | undefined {
  if (v === undefined) return fallback;
  if (v !== "oldest" && v !== "newest") {
    throw new InvalidConsumerConfigError(field, v, `must be "oldest" or "newest" (got ${describe(v)})`);
  }
  return v;
}

/**
 * Checks `options` and fills in sarama's defaults: the one place a
 * configuration error is raised.
 *
 * Blocking: none (synchronous).
 *
 * Gotchas: `net.readTimeout` must exceed `maxWaitTime` (a long-polling
 * fetch would otherwise time out every time). `maxProcessingTime` bounds
 * how long one slow partition holds its broker's siblings, not how long
 * you may take per message: a slow reader loses nothing.
 *
 * @throws {@link InvalidConsumerConfigError} naming the first bad field.
 * @example
 * ```ts run
 * import { validateConfig } from "@csp-kit/kafka-consumer";
 *
 * const config = validateConfig({ bootstrap: ["127.0.0.1:9092"], fetch: { default: 4 << 20 } });
 * console.log(config.maxProcessingTime); // → 100
 * if (config.maxProcessingTime !== 100) throw new Error(`maxProcessingTime ${config.maxProcessingTime}`);
 * ```
 */
export function validateConfig(options: ConsumerOptions): ConsumerConfig {
  const o = obj("options", options) as Partial<ConsumerOptions>;
  const client = validateClientOptions(options, (field, value, message) => {
    throw new InvalidConsumerConfigError(field, value, message);
  });
  const f = obj("fetch", o.fetch);
  const fetch = {
    min: int("fetch.min", f.min, DEFAULTS.fetchMin, 1, "the broker answers once this many bytes are ready"),
    default: int("fetch.default", f.default, DEFAULTS.fetchDefault, 1, "it is the bytes asked for per partition"),
    max: int("fetch.max", f.max, DEFAULTS.fetchMax, 0, "0 is unlimited"),
  };
  if (fetch.max > 0 && fetch.default > fetch.max) {
    throw new InvalidConsumerConfigError(
      "fetch.default",
      fetch.default,
      `(${fetch.default}) must be at most fetch.max (${fetch.max}); raise fetch.max or set it to 0 (unlimited)`,
    );
  }
  if (fetch.min > fetch.default) {
    throw new InvalidConsumerConfigError(
      "fetch.min",
      fetch.min,
      `(${fetch.min}) must be at most fetch.default (${fetch.default}): a fetch could never reach it`,
    );
  }
  const maxWaitTime = int("maxWaitTime", o.maxWaitTime, DEFAULTS.maxWaitTime, 1, "it is the long poll in ms");
  const maxProcessingTime = int(
    "maxProcessingTime",
    o.maxProcessingTime,
    DEFAULTS.maxProcessingTime,
    1,
    "it is how long one message may wait for you before the broker's other partitions go on",
  );
  const maxResponseSize = int(
    "maxResponseSize",
    o.maxResponseSize,
    DEFAULTS.maxResponseSize,
    1,
    "it caps one Fetch response",
  );
  const channelBufferSize = int(
    "channelBufferSize",
    o.channelBufferSize,
    DEFAULTS.channelBufferSize,
    0,
    "0 is unbuffered",
  );
  const r = obj("retry", o.retry);
  const backoffFn = r.backoffFn;
  if (backoffFn !== undefined && typeof backoffFn !== "function") {
    throw new InvalidConsumerConfigError("retry.backoffFn", backoffFn, "must be (retries) => ms");
  }
  const retry = {
    backoff: int("retry.backoff", r.backoff, DEFAULTS.retryBackoff, 0, "it is the wait in ms before a re-dispatch"),
    backoffFn: backoffFn as ((retries: number) => number) | undefined,
  };
  const of = obj("offsets", o.offsets);
  const offsets = {
    initial: position("offsets.initial", of.initial, DEFAULTS.initialOffset) as OffsetPosition,
    resetOnOutOfRange: position("offsets.resetOnOutOfRange", of.resetOnOutOfRange, undefined),
  };
  const returnErrors = bool("returnErrors", o.returnErrors, false);
  const isolationLevel = o.isolationLevel ?? DEFAULTS.isolationLevel;
  if (isolationLevel !== "read-uncommitted" && isolationLevel !== "read-committed") {
    throw new InvalidConsumerConfigError(
      "isolationLevel",
      isolationLevel,
      `must be "read-uncommitted" or "read-committed" (got ${describe(isolationLevel)})`,
    );
  }
  const checkCrcs = bool("checkCrcs", o.checkCrcs, true);
  const nativeCrc32c = bool("nativeCrc32c", o.nativeCrc32c, true);
  const { net } = client;
  if (net.readTimeout <= maxWaitTime) {
    throw new InvalidConsumerConfigError(
      "net.readTimeout",
      net.readTimeout,
      `(${net.readTimeout} ms) must be above maxWaitTime (${maxWaitTime} ms): every long poll would time out`,
    );
  }
  const clock = o.clock ?? realClock;
  if (
    typeof clock !== "object" ||
    clock === null ||
    typeof clock.now !== "function" ||
    typeof clock.setTimeout !== "function"
  ) {
    throw new InvalidConsumerConfigError("clock", clock, "must be a Clock (realClock, or a ManualClock in tests)");
  }
  return Object.freeze({
    bootstrap: client.bootstrap,
    clientId: client.clientId,
    fetch: Object.freeze(fetch),
    maxWaitTime,
    maxProcessingTime,
    maxResponseSize,
    channelBufferSize,
    retry: Object.freeze(retry),
    offsets: Object.freeze(offsets),
    returnErrors,
    isolationLevel,
    checkCrcs,
    nativeCrc32c,
    metadata: client.metadata,
    net,
    clock,
  });
}
