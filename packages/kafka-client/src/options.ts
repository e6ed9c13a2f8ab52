/**
 * The client options the producer and the consumer share — sarama's
 * `Config.ClientID`, `Config.Metadata` and `Config.Net`, plus the bootstrap
 * list — and the one function that checks them and fills in sarama's
 * defaults. Each package's `validateConfig()` calls it first and passes its
 * own `fail`, so a user still gets that package's typed configuration error.
 *
 * Invariants:
 * - a `ClientConfig` only exists as the result of `validateClientOptions()`:
 *   every field is present and in range, `bootstrap` is a frozen copy of at
 *   least one `host:port` with a port from 1 to 65535, and `metadata` and
 *   `net` are frozen;
 * - `validateClientOptions` reports a bad field only through `fail` (never a
 *   throw of its own), names the field by its dotted path, and never
 *   mutates its argument;
 * - rules that tie a client option to a package's own options (the
 *   consumer's `net.readTimeout > maxWaitTime`) stay in that package.
 */

import type * as tls from "node:tls";

/** Metadata refresh — sarama's `Metadata`. */
export interface MetadataOptions {
  /** Refresh all known topics this often, in ms (default 10 min; 0 never). */
  readonly refreshFrequency?: number | undefined;
  /** How many times a metadata request is retried (default 3). */
  readonly retryMax?: number | undefined;
  /** The wait between metadata retries, in ms (default 250). */
  readonly retryBackoff?: number | undefined;
}

/** Connections — sarama's `Net`. */
export interface NetOptions {
  /** How long a connect may take, in ms (default 30 s). */
  readonly dialTimeout?: number | undefined;
  /**
   * How long a response may take, in ms (default 30 s). The producer waits
   * this long beyond the Produce request's own `timeout`; the consumer
   * requires it to be above `maxWaitTime`.
   */
  readonly readTimeout?: number | undefined;
  /** TLS: `true` for the defaults, or Node's `tls.connect` options; absent for plaintext. */
  readonly tls?: boolean | tls.ConnectionOptions | undefined;
}

/**
 * The options every client of a cluster takes; the producer's and the
 * consumer's options extend it. Only `bootstrap` is required.
 *
 * @see {@link validateClientOptions}
 */
export interface ClientOptions {
  /** The bootstrap brokers, `host:port` (at least one). */
  readonly bootstrap: readonly string[];
  /** The client id sent in every request header (default "csp-kit"). */
  readonly clientId?: string | undefined;
  /** Metadata refresh and its retries. */
  readonly metadata?: MetadataOptions | undefined;
  /** Connections. */
  readonly net?: NetOptions | undefined;
}

/** Validated {@link ClientOptions}: every field present. Only {@link validateClientOptions} makes one. */
export interface ClientConfig {
  /** {@link ClientOptions.bootstrap}, copied and frozen. */
  readonly bootstrap: readonly string[];
  /** {@link ClientOptions.clientId} or "csp-kit". */
  readonly clientId: string;
  /** {@link ClientOptions.metadata}, filled in. */
  readonly metadata: { readonly refreshFrequency: number; readonly retryMax: number; readonly retryBackoff: number };
  /** {@link ClientOptions.net}, filled in (`tls` as `tls.connect` options, or undefined for plaintext). */
  readonly net: {
    readonly dialTimeout: number;
    readonly readTimeout: number;
    readonly tls: tls.ConnectionOptions | undefined;
  };
}

/** sarama's defaults of the client options, in TypeScript names (ms for times). */
export const CLIENT_DEFAULTS: Readonly<{
  clientId: "csp-kit";
  metadataRefreshFrequency: 600000;
  metadataRetryMax: 3;
  metadataRetryBackoff: 250;
  dialTimeout: 30000;
  readTimeout: 30000;
}> = Object.freeze({
  clientId: "csp-kit",
  metadataRefreshFrequency: 600_000,
  metadataRetryMax: 3,
  metadataRetryBackoff: 250,
  dialTimeout: 30_000,
  readTimeout: 30_000,
});

/**
 * How {@link validateClientOptions} reports a bad option: it must throw
 * (the caller's typed configuration error). `field` is the option's dotted
 * path (`"net.tls"`, `"bootstrap[0]"`), `message` says what to do and
 * starts with the rule (`must be …`).
 */
export type ConfigFailure = (field: string, value: unknown, message: string) => never;

/** Names a refused value in a message: strings quoted, objects and functions by kind. */
function describe(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "function") return "a function";
  if (typeof v === "object" && v !== null) return Array.isArray(v) ? "an array" : "an object";
  return String(v);
}

/** The field checks of a configuration validator; see {@link configChecks}. */
export interface ConfigChecks {
  /** Names a refused value in a message: strings quoted, objects and functions by kind. */
  describe(v: unknown): string;
  /** `v` as a whole number >= `min`, or `fallback` when absent; `hint` ends the message. */
  int(field: string, v: unknown, fallback: number, min: number, hint: string): number;
  /** `v` as a boolean, or `fallback` when absent. */
  bool(field: string, v: unknown, fallback: boolean): boolean;
  /** `v` as a plain object, or `{}` when absent. */
  obj(field: string, v: unknown): Record<string, unknown>;
}

/**
 * The field checks that {@link validateClientOptions} and the producer's and
 * consumer's `validateConfig()` share, each reporting a refused value
 * through `fail` with the same wording (`must be a whole number >= 0 (got
 * "x"); …`), so every configuration error of the Kafka packages reads alike.
 *
 * @param fail - throws the caller's typed error for `(field, value, message)`.
 * @example
 * ```ts run
 * import { configChecks } from "@csp-kit/kafka-client";
 *
 * const check = configChecks((field, _value, message) => {
 *   throw new Error(`${field} ${message}`);
 * });
 * if (check.int("retries", undefined, 3, 0, "0 never retries") !== 3) throw new Error("expected the fallback");
 * let said = "";
 * try { check.bool("idempotent", "yes", false); } catch (e) { said = (e as Error).message; }
 * console.log(said); // → idempotent must be true or false (got "yes")
 * if (said !== 'idempotent must be true or false (got "yes")') throw new Error(said);
 * ```
 */
export function configChecks(fail: ConfigFailure): ConfigChecks {
  return {
    describe,
    int(field, v, fallback, min, hint) {
      if (v === undefined) return fallback;
      if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) {
        fail(field, v, `must be a whole number >= ${min} (got ${describe(v)}); ${hint}`);
      }
      return v;
    },
    bool(field, v, fallback) {
      if (v === undefined) return fallback;
      if (typeof v !== "boolean") fail(field, v, `must be true or false (got ${describe(v)})`);
      return v;
    },
    obj(field, v) {
      if (v === undefined) return {};
      if (typeof v !== "object" || v === null || Array.isArray(v)) {
        fail(field, v, `must be an object (got ${describe(v)})`);
      }
      return v as Record<string, unknown>;
    },
  };
}

/**
 * Checks the client options of `options` — `bootstrap`, `clientId`,
 * `metadata` and `net` — and fills in sarama's defaults
 * ({@link CLIENT_DEFAULTS}). Other fields of `options` are ignored.
 *
 * Blocking: none (synchronous).
 *
 * Gotchas: the first bad field is reported through `fail`, which must
 * throw; the producer and the consumer pass one that throws their own
 * `Invalid…ConfigError`. `net.tls: true` becomes `{}` (Node's defaults),
 * `false` or absent becomes `undefined` (plaintext).
 *
 * @param options - the user's options; `options` itself must be an object.
 * @param fail - throws the caller's typed error for `(field, value, message)`.
 * @see {@link ClientOptions}
 * @example
 * ```ts run
 * import { validateClientOptions } from "@csp-kit/kafka-client";
 *
 * const config = validateClientOptions({ bootstrap: ["127.0.0.1:9092"] }, (field, _value, message) => {
 *   throw new Error(`${field} ${message}`);
 * });
 * console.log(config.net.readTimeout); // → 30000
 * if (config.net.readTimeout !== 30_000) throw new Error(`readTimeout ${config.net.readTimeout}`);
 * ```
 */
export function validateClientOptions(options: ClientOptions, fail: ConfigFailure): ClientConfig {
  const { int, obj } = configChecks(fail);

  const o = obj("options", options) as Partial<ClientOptions>;
  const bootstrap: unknown = o.bootstrap;
  if (!Array.isArray(bootstrap) || bootstrap.length === 0) {
    fail(
      "bootstrap",
      bootstrap,
      `must be a non-empty array of "host:port" (got ${describe(bootstrap)}), e.g. ["127.0.0.1:9092"]`,
    );
  }
  for (const [i, a] of (bootstrap as readonly unknown[]).entries()) {
    const m = typeof a === "string" ? /^(.+):(\d{1,5})$/.exec(a) : null;
    const port = m === null ? -1 : Number(m[2]);
    if (m === null || port < 1 || port > 65_535) {
      fail(`bootstrap[${i}]`, a, `must be "host:port" with a port from 1 to 65535 (got ${describe(a)})`);
    }
  }
  const clientId: unknown = o.clientId ?? CLIENT_DEFAULTS.clientId;
  if (typeof clientId !== "string") fail("clientId", clientId, `must be a string (got ${describe(clientId)})`);

  const m = obj("metadata", o.metadata);
  const metadata = {
    refreshFrequency: int(
      "metadata.refreshFrequency",
      m.refreshFrequency,
      CLIENT_DEFAULTS.metadataRefreshFrequency,
      0,
      "0 never refreshes on a timer",
    ),
    retryMax: int("metadata.retryMax", m.retryMax, CLIENT_DEFAULTS.metadataRetryMax, 0, "0 never retries"),
    retryBackoff: int(
      "metadata.retryBackoff",
      m.retryBackoff,
      CLIENT_DEFAULTS.metadataRetryBackoff,
      0,
      "it is the wait in ms",
    ),
  };

  const n = obj("net", o.net);
  const tlsOption = n.tls;
  if (
    tlsOption !== undefined &&
    typeof tlsOption !== "boolean" &&
    (typeof tlsOption !== "object" || tlsOption === null)
  ) {
    fail("net.tls", tlsOption, "must be true, false, or tls.connect options");
  }
  const net = {
    dialTimeout: int(
      "net.dialTimeout",
      n.dialTimeout,
      CLIENT_DEFAULTS.dialTimeout,
      1,
      "it is the connect timeout in ms",
    ),
    readTimeout: int(
      "net.readTimeout",
      n.readTimeout,
      CLIENT_DEFAULTS.readTimeout,
      1,
      "it is the response timeout in ms",
    ),
    tls:
      tlsOption === true
        ? {}
        : tlsOption === false || tlsOption === undefined
          ? undefined
          : (tlsOption as tls.ConnectionOptions),
  };

  return Object.freeze({
    bootstrap: Object.freeze([...(bootstrap as readonly string[])]),
    clientId: clientId as string,
    metadata: Object.freeze(metadata),
    net: Object.freeze(net),
  });
}
