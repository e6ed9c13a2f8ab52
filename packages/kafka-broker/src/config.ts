/**
 * The broker's options, their defaults, and `validateConfig()`: the single
 * entry point for configuration errors. `startBroker` and the CLI both call
 * it first, so a bad option fails before a port is bound or a file written.
 *
 * Defaults follow Kafka's where Kafka has one (`num.partitions` 1,
 * `max.message.bytes` 1048588, `socket.request.max.bytes` 100 MiB,
 * `auto.create.topics.enable` true, retention 7 days, segments of 1 GiB,
 * `log.retention.check.interval.ms` 5 minutes), and keep the broker private
 * otherwise: it listens on 127.0.0.1 unless told to listen elsewhere.
 */

import type { Clock } from "@csp-kit/timers";
import { InvalidBrokerConfigError } from "./errors.js";
import { DEFAULT_MAX_BATCH_BYTES, DEFAULT_RETENTION_MS, DEFAULT_SEGMENT_BYTES } from "./internal/log/log-config.js";
import { checkFlushPolicy } from "./internal/log/segment-store.js";
import type { FlushPolicy } from "./internal/log/store.js";
import { type BrokerLogger, consoleLogger, isLogLevel, LOG_LEVELS, type LogLevel } from "./internal/server/logger.js";
import { type SlowClientPolicy, softLimit } from "./internal/server/slow-client.js";

export { InvalidBrokerConfigError, isInvalidBrokerConfigError } from "./errors.js";

/** The default listening address: loopback only. */
export const DEFAULT_HOST = "127.0.0.1";
/** Kafka's port, the CLI's default. `startBroker` defaults to 0 (a free port) instead: see {@link BrokerOptions.port}. */
export const DEFAULT_KAFKA_PORT = 9092;
/** Kafka's `socket.request.max.bytes`: the largest request frame (100 MiB). */
export const DEFAULT_MAX_FRAME_BYTES = 104_857_600;
/** Connections accepted at once before new ones are refused. */
export const DEFAULT_MAX_CONNECTIONS = 1024;
/** Requests of one connection read but not yet answered, before its reader waits. */
export const DEFAULT_MAX_IN_FLIGHT = 64;
/** Outbox bytes above which a connection's reader stops reading (its responses are not being taken fast enough). */
export const DEFAULT_OUTBOX_PAUSE_BYTES: number = 4 * 1024 * 1024;
/** Kafka's `log.retention.check.interval.ms`: 5 minutes. */
export const DEFAULT_RETENTION_CHECK_MS = 300_000;
/** The default slow-client policy: an outbox over 64 MiB for 60 s without a break. */
export const DEFAULT_SLOW_CLIENT: SlowClientPolicy = softLimit(64 * 1024 * 1024, 60_000);
/** The largest partition count a topic may have. */
export const MAX_PARTITIONS = 10_000;

/**
 * Options of `startBroker`; every one has a default.
 *
 * @example
 * ```ts run
 * import { mkdtempSync, readdirSync, rmSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { startBroker } from "@csp-kit/kafka-broker";
 *
 * const dataDir = mkdtempSync(join(tmpdir(), "kafka-data-")); // e.g. "./kafka-data"
 * const broker = await startBroker({ port: 0, logLevel: "silent", defaultPartitions: 3, dataDir, flush: "always" });
 * const durable = broker.stats().durable;
 * await broker.close();
 * const written = readdirSync(dataDir).length; // the log lives on disk across restarts
 * rmSync(dataDir, { recursive: true, force: true });
 * console.log(durable); // → true
 * if (!durable || written === 0) throw new Error(`durable ${durable}, ${written} entries in the data directory`);
 * ```
 */
export interface BrokerOptions {
  /** The address to listen on. Default `"127.0.0.1"`: only this machine can connect. */
  readonly host?: string | undefined;
  /**
   * The port to listen on. Default 0: a free port the system picks (read it
   * from `broker.port`), so tests never collide. The CLI defaults to 9092.
   */
  readonly port?: number | undefined;
  /**
   * The host clients are told to connect to (Metadata, FindCoordinator).
   * Default: `host`, or `"127.0.0.1"` when `host` is a wildcard (`0.0.0.0`, `::`).
   */
  readonly advertisedHost?: string | undefined;
  /** The port clients are told to connect to. Default: the port listened on. */
  readonly advertisedPort?: number | undefined;
  /** This broker's node id in Metadata. Default 1. */
  readonly nodeId?: number | undefined;
  /** The cluster id in Metadata. Default: random per start in memory; kept in the data directory otherwise. */
  readonly clusterId?: string | undefined;
  /** Partitions of a topic created automatically or with num_partitions -1 (Kafka's `num.partitions`). Default 1. */
  readonly defaultPartitions?: number | undefined;
  /** Create a topic when Metadata names one that does not exist (Kafka's `auto.create.topics.enable`). Default true. */
  readonly autoCreateTopics?: boolean | undefined;
  /** The largest record batch a partition accepts, in bytes (Kafka's `max.message.bytes`). Default 1048588. */
  readonly maxMessageBytes?: number | undefined;
  /** The largest request frame, in bytes; a larger size prefix closes the connection. Default 100 MiB. */
  readonly maxFrameBytes?: number | undefined;
  /** Connections open at once; more are closed at once, with a logged reason. Default 1024. */
  readonly maxConnections?: number | undefined;
  /** Requests one connection may have read and not yet answered (pipelining depth). Default 64. */
  readonly maxInFlightRequests?: number | undefined;
  /** Outbox bytes above which a connection's reader stops reading. Default 4 MiB. */
  readonly outboxPauseBytes?: number | undefined;
  /** When a client is too slow to take its responses. Default {@link DEFAULT_SLOW_CLIENT}. */
  readonly slowClient?: SlowClientPolicy | undefined;
  /** Keep the logs in append-only segment files under this directory. Default: in memory, gone at close. */
  readonly dataDir?: string | undefined;
  /** When a durable log forces writes to disk (see FlushPolicy). Default `"never"` (Kafka's). Needs `dataDir`. */
  readonly flush?: FlushPolicy | undefined;
  /** Default retention by age of new topics (Kafka's `retention.ms`). Default 7 days; `Infinity` keeps everything. */
  readonly retentionMs?: number | undefined;
  /** Default retention by size of new topics' partitions (Kafka's `retention.bytes`). Default `Infinity`. */
  readonly retentionBytes?: number | undefined;
  /** Default segment size of new topics (Kafka's `segment.bytes`). Default 1 GiB. */
  readonly segmentBytes?: number | undefined;
  /** How often retention runs. Default 5 minutes. */
  readonly retentionCheckIntervalMs?: number | undefined;
  /**
   * Serve the live dashboard (`/`, fed by the event stream `/api/events`) and the state as JSON
   * (`/api/state`) over HTTP on this port of `host` (0: a free one). GET only; bound to loopback, only
   * requests addressed to this machine. Default: no HTTP server (and no traffic counting).
   */
  readonly httpPort?: number | undefined;
  /** Where the broker logs. Default: stderr at `logLevel`. */
  readonly logger?: BrokerLogger | undefined;
  /** The level of the default logger. Default `"info"`. Ignored when `logger` is given. */
  readonly logLevel?: LogLevel | undefined;
  /** The clock of long polls, slow-client timers and retention. Default the real clock; tests pass a ManualClock. */
  readonly clock?: Clock | undefined;
  /**
   * Check batch CRC-32Cs with `@node-rs/crc32` (an optional dependency,
   * about four times faster than the JavaScript path) when it is installed.
   * Default true; without the package the JavaScript path is used either way.
   */
  readonly nativeCrc32c?: boolean | undefined;
}

/** The validated options: every default filled in (each member is documented on {@link BrokerOptions}). */
export interface BrokerConfig {
  /** {@link BrokerOptions.host}, validated, its default filled in. */
  readonly host: string;
  /** {@link BrokerOptions.port}, validated, its default filled in. */
  readonly port: number;
  /** {@link BrokerOptions.advertisedHost}, validated, its default filled in. */
  readonly advertisedHost: string;
  /** {@link BrokerOptions.advertisedPort}, validated, its default filled in. */
  readonly advertisedPort: number | undefined;
  /** {@link BrokerOptions.nodeId}, validated, its default filled in. */
  readonly nodeId: number;
  /** {@link BrokerOptions.clusterId}, validated, its default filled in. */
  readonly clusterId: string | undefined;
  /** {@link BrokerOptions.defaultPartitions}, validated, its default filled in. */
  readonly defaultPartitions: number;
  /** {@link BrokerOptions.autoCreateTopics}, validated, its default filled in. */
  readonly autoCreateTopics: boolean;
  /** {@link BrokerOptions.maxMessageBytes}, validated, its default filled in. */
  readonly maxMessageBytes: number;
  /** {@link BrokerOptions.maxFrameBytes}, validated, its default filled in. */
  readonly maxFrameBytes: number;
  /** {@link BrokerOptions.maxConnections}, validated, its default filled in. */
  readonly maxConnections: number;
  /** {@link BrokerOptions.maxInFlightRequests}, validated, its default filled in. */
  readonly maxInFlightRequests: number;
  /** {@link BrokerOptions.outboxPauseBytes}, validated, its default filled in. */
  readonly outboxPauseBytes: number;
  /** {@link BrokerOptions.slowClient}, validated, its default filled in. */
  readonly slowClient: SlowClientPolicy;
  /** {@link BrokerOptions.dataDir}, validated, its default filled in. */
  readonly dataDir: string | undefined;
  /** {@link BrokerOptions.flush}, validated, its default filled in. */
  readonly flush: FlushPolicy;
  /** {@link BrokerOptions.retentionMs}, validated, its default filled in. */
  readonly retentionMs: number;
  /** {@link BrokerOptions.retentionBytes}, validated, its default filled in. */
  readonly retentionBytes: number;
  /** {@link BrokerOptions.segmentBytes}, validated, its default filled in. */
  readonly segmentBytes: number;
  /** {@link BrokerOptions.retentionCheckIntervalMs}, validated, its default filled in. */
  readonly retentionCheckIntervalMs: number;
  /** {@link BrokerOptions.httpPort}, validated, its default filled in. */
  readonly httpPort: number | undefined;
  /** {@link BrokerOptions.logger}, validated, its default filled in. */
  readonly logger: BrokerLogger;
  /** {@link BrokerOptions.clock}, validated, its default filled in. */
  readonly clock: Clock | undefined;
  /** {@link BrokerOptions.nativeCrc32c}, validated, its default filled in. */
  readonly nativeCrc32c: boolean;
}

const MAX_INT32 = 2_147_483_647;

function integer(option: string, value: unknown, min: number, max: number, what = ""): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max)
    throw new InvalidBrokerConfigError(option, value, `must be an integer from ${min} to ${max}${what}`);
  return value;
}

function limitOrInfinity(option: string, value: unknown): number {
  if (value === Number.POSITIVE_INFINITY) return value;
  return integer(option, value, 0, Number.MAX_SAFE_INTEGER, ", or Infinity for no limit");
}

function nonEmptyString(option: string, value: unknown): string {
  if (typeof value !== "string" || value.length === 0)
    throw new InvalidBrokerConfigError(option, value, "must be a non-empty string");
  return value;
}

/**
 * Checks `options` and fills in every default: the one place a
 * configuration error is raised.
 *
 * @throws InvalidBrokerConfigError - naming the first option out of range,
 *   with what it must be.
 * @example
 * ```ts run
 * import { validateConfig } from "@csp-kit/kafka-broker";
 *
 * const config = validateConfig({ port: 9092, defaultPartitions: 3 });
 * console.log(config.maxMessageBytes); // → 1048588
 * if (config.maxMessageBytes !== 1_048_588) throw new Error(`maxMessageBytes ${config.maxMessageBytes}`);
 * ```
 */
export function validateConfig(options: BrokerOptions = {}): BrokerConfig {
  if (typeof options !== "object" || options === null)
    throw new InvalidBrokerConfigError("options", options, "must be an object (or absent)");
  const host = nonEmptyString("host", options.host ?? DEFAULT_HOST);
  const port = integer("port", options.port ?? 0, 0, 65535);
  const wildcard = host === "0.0.0.0" || host === "::" || host === "[::]";
  const advertisedHost = nonEmptyString("advertisedHost", options.advertisedHost ?? (wildcard ? DEFAULT_HOST : host));
  const advertisedPort =
    options.advertisedPort === undefined ? undefined : integer("advertisedPort", options.advertisedPort, 1, 65535);
  const nodeId = integer("nodeId", options.nodeId ?? 1, 0, MAX_INT32);
  const clusterId = options.clusterId === undefined ? undefined : nonEmptyString("clusterId", options.clusterId);
  const defaultPartitions = integer("defaultPartitions", options.defaultPartitions ?? 1, 1, MAX_PARTITIONS);
  const autoCreateTopics = options.autoCreateTopics ?? true;
  if (typeof autoCreateTopics !== "boolean")
    throw new InvalidBrokerConfigError("autoCreateTopics", autoCreateTopics, "must be true or false");
  // The smallest batch: a 61-byte header (the storage layer refuses less).
  const maxMessageBytes = integer("maxMessageBytes", options.maxMessageBytes ?? DEFAULT_MAX_BATCH_BYTES, 61, MAX_INT32);
  const maxFrameBytes = integer("maxFrameBytes", options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES, 64, MAX_INT32);
  const maxConnections = integer("maxConnections", options.maxConnections ?? DEFAULT_MAX_CONNECTIONS, 1, 1_000_000);
  const maxInFlightRequests = integer(
    "maxInFlightRequests",
    options.maxInFlightRequests ?? DEFAULT_MAX_IN_FLIGHT,
    1,
    100_000,
  );
  const outboxPauseBytes = integer(
    "outboxPauseBytes",
    options.outboxPauseBytes ?? DEFAULT_OUTBOX_PAUSE_BYTES,
    0,
    Number.MAX_SAFE_INTEGER,
  );
  const slowClient = options.slowClient ?? DEFAULT_SLOW_CLIENT;
  if (typeof slowClient !== "object" || slowClient === null || typeof slowClient.monitor !== "function")
    throw new InvalidBrokerConfigError(
      "slowClient",
      slowClient,
      "must be a SlowClientPolicy: hardLimit(bytes), softLimit(bytes, ms) or unlimited",
    );
  const dataDir = options.dataDir === undefined ? undefined : nonEmptyString("dataDir", options.dataDir);
  let flush: FlushPolicy = "never";
  if (options.flush !== undefined) {
    try {
      flush = checkFlushPolicy(options.flush);
    } catch (error) {
      throw new InvalidBrokerConfigError(
        "flush",
        options.flush,
        'must be "always", "never" or { intervalMs } with a positive number',
        { cause: error },
      );
    }
    if (dataDir === undefined && flush !== "never")
      throw new InvalidBrokerConfigError(
        "flush",
        options.flush,
        "needs dataDir: an in-memory log has nothing to flush",
      );
  }
  const retentionMs = limitOrInfinity("retentionMs", options.retentionMs ?? DEFAULT_RETENTION_MS);
  const retentionBytes = limitOrInfinity("retentionBytes", options.retentionBytes ?? Number.POSITIVE_INFINITY);
  const segmentBytes = integer("segmentBytes", options.segmentBytes ?? DEFAULT_SEGMENT_BYTES, 1, MAX_INT32);
  const retentionCheckIntervalMs = integer(
    "retentionCheckIntervalMs",
    options.retentionCheckIntervalMs ?? DEFAULT_RETENTION_CHECK_MS,
    1,
    MAX_INT32,
  );
  const httpPort = options.httpPort === undefined ? undefined : integer("httpPort", options.httpPort, 0, 65535);
  const logLevel = options.logLevel ?? "info";
  if (!isLogLevel(logLevel))
    throw new InvalidBrokerConfigError("logLevel", logLevel, `must be one of ${LOG_LEVELS.join(", ")}`);
  const logger = options.logger ?? consoleLogger(logLevel);
  for (const method of ["error", "warn", "info", "debug"] as const) {
    if (typeof logger[method] !== "function")
      throw new InvalidBrokerConfigError("logger", logger, `must have error, warn, info and debug methods`);
  }
  const clock = options.clock;
  if (clock !== undefined && (typeof clock.now !== "function" || typeof clock.setTimeout !== "function"))
    throw new InvalidBrokerConfigError("clock", clock, "must be a Clock (now, setTimeout, clearTimeout)");
  const nativeCrc32c = options.nativeCrc32c ?? true;
  if (typeof nativeCrc32c !== "boolean")
    throw new InvalidBrokerConfigError("nativeCrc32c", nativeCrc32c, "must be true or false");
  return {
    host,
    port,
    advertisedHost,
    advertisedPort,
    nodeId,
    clusterId,
    defaultPartitions,
    autoCreateTopics,
    maxMessageBytes,
    maxFrameBytes,
    maxConnections,
    maxInFlightRequests,
    outboxPauseBytes,
    slowClient,
    dataDir,
    flush,
    retentionMs,
    retentionBytes,
    segmentBytes,
    retentionCheckIntervalMs,
    httpPort,
    logger,
    clock,
    nativeCrc32c,
  };
}
