/**
 * The slow-client policy: when a connection's outbox (responses produced but
 * not yet taken by the client's socket) says the client is too slow, and it
 * must go. A strategy behind a two-method interface, as Redis's
 * `client-output-buffer-limit <class> <hard> <soft> <soft-seconds>`:
 *
 * - {@link hardLimit}: disconnect the moment the outbox holds more than `bytes`;
 * - {@link softLimit}: disconnect once the outbox has held more than `bytes`
 *   for `ms` without a break (a burst that drains in time is forgiven);
 * - {@link unlimited}: never (the reader's pause still bounds the outbox).
 *
 * A policy is shared by every connection; it makes one {@link SlowClientMonitor}
 * per connection, which holds that connection's state (since when it has been
 * over the soft limit). Monitors are pure: they are told the outbox size and
 * the time, and answer with a verdict; the outbox arms the re-check timer.
 *
 * Invariants (of a soft-limit monitor):
 * - `overSince` is defined iff the last size it saw was above the limit;
 * - it answers "disconnect" only when every size it saw since `overSince` was
 *   above the limit and `now - overSince >= ms`.
 */

import { InvalidBrokerConfigError } from "../../errors.js";

/** What a monitor says about an outbox. */
export type SlowClientVerdict =
  /** Nothing to do. */
  | { readonly kind: "ok" }
  /** Close the connection; `reason` is logged. */
  | { readonly kind: "disconnect"; readonly reason: string }
  /** Nothing yet; look again at time `at` (the clock's ms) even if the size does not change. */
  | { readonly kind: "recheck"; readonly at: number };

/** One connection's view of the policy. */
export interface SlowClientMonitor {
  /** The verdict on an outbox that holds `bytes` at time `now`; called on every change and at each recheck time. */
  observe(bytes: number, now: number): SlowClientVerdict;
}

/** A slow-client policy: makes one monitor per connection. */
export interface SlowClientPolicy {
  /** For logs and the stats page: `"hard 32 MiB"`, `"soft 8 MiB for 60 s"`. */
  readonly description: string;
  /** A fresh monitor, for a new connection. */
  monitor(): SlowClientMonitor;
}

const OK: SlowClientVerdict = Object.freeze({ kind: "ok" });

/** `1048576` → `"1 MiB"`; for messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1 << 20 && bytes % (1 << 20) === 0) return `${bytes / (1 << 20)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

function checkBytes(where: string, bytes: unknown): number {
  if (typeof bytes !== "number" || !Number.isSafeInteger(bytes) || bytes < 0)
    throw new InvalidBrokerConfigError(`${where}(bytes)`, bytes, "must be a non-negative integer number of bytes");
  return bytes;
}

/**
 * Disconnect a client as soon as its outbox holds more than `bytes`.
 *
 * Gotchas: one response larger than `bytes` (a Fetch with a large
 * `max_bytes`) disconnects at once, whatever the client's speed: keep `bytes`
 * above the largest response clients may ask for, or use {@link softLimit}.
 *
 * @throws InvalidBrokerConfigError - `bytes` not a non-negative integer.
 * @example
 * ```ts run
 * import { hardLimit, startBroker } from "@csp-kit/kafka-broker";
 *
 * const broker = await startBroker({ port: 0, logLevel: "silent", slowClient: hardLimit(256 * 1024 * 1024) });
 * const policy = broker.stats().slowClientPolicy;
 * await broker.close();
 * console.log(policy); // names the policy: a hard limit of 256 MiB
 * if (policy !== hardLimit(256 * 1024 * 1024).description) throw new Error(`policy ${policy}`);
 * ```
 */
export function hardLimit(bytes: number): SlowClientPolicy {
  const limit = checkBytes("hardLimit", bytes);
  const description = `hard ${formatBytes(limit)}`;
  const monitor: SlowClientMonitor = {
    observe(size) {
      return size > limit
        ? { kind: "disconnect", reason: `outbox ${formatBytes(size)} over the hard limit of ${formatBytes(limit)}` }
        : OK;
    },
  };
  return { description, monitor: () => monitor };
}

/**
 * Disconnect a client whose outbox stays above `bytes` for `ms` milliseconds
 * without once dropping to or below it.
 *
 * @throws InvalidBrokerConfigError - `bytes` not a non-negative integer, `ms` not a positive finite number.
 * @example
 * ```ts run
 * import { softLimit, startBroker } from "@csp-kit/kafka-broker";
 *
 * const broker = await startBroker({ port: 0, logLevel: "silent", slowClient: softLimit(64 * 1024 * 1024, 60_000) });
 * const policy = broker.stats().slowClientPolicy;
 * await broker.close();
 * console.log(policy); // names the policy: 64 MiB for 60 s
 * if (policy !== softLimit(64 * 1024 * 1024, 60_000).description) throw new Error(`policy ${policy}`);
 * ```
 */
export function softLimit(bytes: number, ms: number): SlowClientPolicy {
  const limit = checkBytes("softLimit", bytes);
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms <= 0)
    throw new InvalidBrokerConfigError("softLimit(ms)", ms, "must be a positive, finite number of milliseconds");
  const description = `soft ${formatBytes(limit)} for ${ms / 1000} s`;
  return {
    description,
    monitor() {
      /** When the outbox went over the limit and stayed there; undefined while at or under it. */
      let overSince: number | undefined;
      return {
        observe(size, now) {
          if (size <= limit) {
            overSince = undefined;
            return OK;
          }
          overSince ??= now;
          if (now - overSince >= ms)
            return {
              kind: "disconnect",
              reason: `outbox over the soft limit of ${formatBytes(limit)} for ${(now - overSince) / 1000} s (now ${formatBytes(size)})`,
            };
          return { kind: "recheck", at: overSince + ms };
        },
      };
    },
  };
}

/** Never disconnect for slowness: the reader's pause alone bounds the outbox. */
export const unlimited: SlowClientPolicy = Object.freeze({
  description: "unlimited",
  monitor: () => ({ observe: () => OK }),
});
