/**
 * The `csp-kit-broker` command: a Kafka-compatible broker for development
 * and tests, in one Node process.
 *
 *   csp-kit-broker [--host 127.0.0.1] [--port 9092] [--partitions 1]
 *                  [--auto-create true|false] [--max-message-bytes 1048588]
 *                  [--data-dir DIR] [--flush always|never|<ms>]
 *                  [--http-port PORT] [--log-level silent|error|warn|info|debug]
 *
 * It prints one line saying where it listens (and where its dashboard
 * is), then logs to stderr at the chosen level; SIGINT or SIGTERM
 * stops it cleanly (connections closed, logs flushed) and it exits 0. A bad
 * option prints what is wrong and the usage, and exits 2; a broker that
 * cannot start (port taken, unreadable data directory) exits 1.
 * @packageDocumentation
 * @module @csp-kit/kafka-broker/cli
 */

import { parseArgs } from "node:util";
import { type Broker, startBroker } from "./broker.js";
import { type BrokerOptions, DEFAULT_KAFKA_PORT, isInvalidBrokerConfigError } from "./config.js";
import { isBrokerStartError } from "./errors.js";
import type { FlushPolicy } from "./internal/log/store.js";
import { isLogLevel, type LogLevel } from "./internal/server/logger.js";

/** The usage text `--help` prints. */
export const USAGE: string = `usage: csp-kit-broker [options]

  --host HOST               address to listen on (default 127.0.0.1: this machine only)
  --port PORT               port to listen on (default ${DEFAULT_KAFKA_PORT}; 0 picks a free one)
  --partitions N            partitions of automatically created topics (default 1)
  --auto-create true|false  create topics that Metadata names (default true)
  --max-message-bytes N     largest record batch a partition accepts (default 1048588)
  --data-dir DIR            keep the logs in segment files under DIR (default: in memory)
  --flush always|never|MS   when a durable log forces writes to disk (default never)
  --http-port PORT          serve the live dashboard at / (and the state as JSON at /api/state) on this port
  --log-level LEVEL         silent, error, warn, info or debug (default info)
  --help                    print this and exit
`;

/** Where the CLI writes, and how it learns to stop; `runCli` passes the process's. */
export interface CliIo {
  /** Where the listening line, `--help` and "stopped" go (whole lines, newline included). */
  readonly stdout: (line: string) => void;
  /** Where problems with the command line or the start go. */
  readonly stderr: (line: string) => void;
  /** Calls `stop` once when the process is asked to stop (SIGINT, SIGTERM). */
  readonly onStop: (stop: () => void) => void;
}

/** A command-line problem: printed with the usage, exit code 2. */
class UsageError extends Error {
  override name = "UsageError";
}

function integer(flag: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`--${flag} must be a whole number, not ${JSON.stringify(text)}`);
  return Number(text);
}

/** Turns the command line into broker options. @throws UsageError */
export function parseCli(args: readonly string[]): BrokerOptions | "help" {
  const v = (() => {
    try {
      return parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: false }).values;
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  })();
  if (v.help === true) return "help";
  const options: { -readonly [K in keyof BrokerOptions]: BrokerOptions[K] } = {
    port: v.port === undefined ? DEFAULT_KAFKA_PORT : integer("port", v.port),
  };
  if (v.host !== undefined) options.host = v.host;
  if (v.partitions !== undefined) options.defaultPartitions = integer("partitions", v.partitions);
  if (v["auto-create"] !== undefined) {
    const a = v["auto-create"];
    if (a !== "true" && a !== "false")
      throw new UsageError(`--auto-create must be true or false, not ${JSON.stringify(a)}`);
    options.autoCreateTopics = a === "true";
  }
  if (v["max-message-bytes"] !== undefined)
    options.maxMessageBytes = integer("max-message-bytes", v["max-message-bytes"]);
  if (v["data-dir"] !== undefined) options.dataDir = v["data-dir"];
  if (v.flush !== undefined) {
    const f = v.flush;
    let flush: FlushPolicy;
    if (f === "always" || f === "never") flush = f;
    else if (/^\d+$/.test(f) && Number(f) > 0) flush = { intervalMs: Number(f) };
    else throw new UsageError(`--flush must be always, never or a number of milliseconds, not ${JSON.stringify(f)}`);
    if (options.dataDir === undefined && flush !== "never")
      throw new UsageError("--flush needs --data-dir: an in-memory broker has nothing to flush");
    options.flush = flush;
  }
  if (v["http-port"] !== undefined) options.httpPort = integer("http-port", v["http-port"]);
  if (v["log-level"] !== undefined) {
    const level = v["log-level"];
    if (!isLogLevel(level))
      throw new UsageError(`--log-level must be silent, error, warn, info or debug, not ${JSON.stringify(level)}`);
    options.logLevel = level as LogLevel;
  }
  return options;
}

const OPTIONS = {
  host: { type: "string" },
  port: { type: "string" },
  partitions: { type: "string" },
  "auto-create": { type: "string" },
  "max-message-bytes": { type: "string" },
  "data-dir": { type: "string" },
  flush: { type: "string" },
  "http-port": { type: "string" },
  "log-level": { type: "string" },
  help: { type: "boolean" },
} as const;

/**
 * Runs the command: starts the broker, prints where it listens, and
 * resolves with the exit code once it has stopped (or failed to start).
 */
export async function main(args: readonly string[], io: CliIo): Promise<number> {
  let options: BrokerOptions | "help";
  try {
    options = parseCli(args);
  } catch (error) {
    io.stderr(`csp-kit-broker: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (options === "help") {
    io.stdout(USAGE);
    return 0;
  }
  let broker: Broker;
  try {
    broker = await startBroker(options);
  } catch (error) {
    if (isInvalidBrokerConfigError(error)) {
      io.stderr(`csp-kit-broker: ${error.message}\n${USAGE}`);
      return 2;
    }
    io.stderr(`csp-kit-broker: ${isBrokerStartError(error) ? error.message : String(error)}\n`);
    return 1;
  }
  const storage = options.dataDir === undefined ? "in memory" : `in ${options.dataDir}`;
  const http = broker.httpPort === undefined ? "" : `, dashboard at http://${broker.host}:${broker.httpPort}/`;
  io.stdout(
    `csp-kit-broker listening on ${broker.host}:${broker.port} (advertised as ${broker.bootstrap}), partitions ${storage}${http}\n`,
  );
  await new Promise<void>((resolve) => io.onStop(resolve));
  await broker.close();
  io.stdout("csp-kit-broker stopped\n");
  return 0;
}

/** The bin's entry point: `main` on the process's arguments, streams and signals; sets the exit code. */
export function runCli(args: readonly string[] = process.argv.slice(2)): void {
  const io: CliIo = {
    stdout: (line) => process.stdout.write(line),
    stderr: (line) => process.stderr.write(line),
    onStop: (stop) => {
      let stopping = false;
      const handler = (): void => {
        if (stopping) return;
        stopping = true;
        stop();
      };
      process.once("SIGINT", handler);
      process.once("SIGTERM", handler);
    },
  };
  main(args, io).then(
    (code) => {
      process.exitCode = code;
      // Anything left (a client socket mid-close) must not keep a stopped broker's process alive.
      if (code === 0) setImmediate(() => process.exit(code));
    },
    (error: unknown) => {
      process.stderr.write(
        `csp-kit-broker: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
