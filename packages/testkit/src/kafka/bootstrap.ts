/**
 * Bootstrap addresses: `host:port`, or a comma-separated list of them (the first
 * entry is used), as Kafka clients and CSP_KIT_KAFKA_BOOTSTRAP write them.
 */

import { InvalidBootstrapError } from "./errors.js";

/**
 * Splits `host:port` (the first entry of a comma-separated list); a bracketed IPv6
 * host loses its brackets.
 *
 * @throws InvalidBootstrapError when it is not `host:port` with a port in 1..65535.
 * @example
 * parseBootstrap("127.0.0.1:9092"); // { host: "127.0.0.1", port: 9092 }
 */
export function parseBootstrap(value: string): { host: string; port: number } {
  const first = value.split(",")[0]!.trim();
  const match = /^(.+):(\d+)$/.exec(first);
  const port = match === null ? Number.NaN : Number(match[2]);
  if (match === null || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new InvalidBootstrapError(
      `${JSON.stringify(value)} is not a Kafka bootstrap address: write host:port, e.g. 127.0.0.1:9092`,
      value,
    );
  }
  return { host: match[1]!.replace(/^\[(.*)\]$/, "$1"), port };
}
