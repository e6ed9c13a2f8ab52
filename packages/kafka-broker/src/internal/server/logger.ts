/**
 * The broker's logger: four levels, a message and a small record of details
 * per line. The default writes one line per event to stderr; tests pass a
 * recording logger. A {@link BrokerLogger} is also a `StoreLogger` (the
 * storage layer's `warn` / `info`), so one logger serves the whole broker.
 *
 * Invariants:
 * - a logger never throws into the broker: {@link consoleLogger} formats
 *   details with a replacer that survives bigints and cycles;
 * - below its level a logger does nothing (no formatting cost).
 */

/** How much the broker says: each level includes the ones before it; `"silent"` says nothing. */
export type LogLevel = "silent" | "error" | "warn" | "info" | "debug";

/** The levels in order of verbosity. */
export const LOG_LEVELS: readonly LogLevel[] = Object.freeze(["silent", "error", "warn", "info", "debug"]);

/** Extra facts of a log line: the connection, the client, the reason. */
export type LogDetails = Readonly<Record<string, unknown>>;

/**
 * Where the broker reports what happens: a connection closed for a malformed
 * frame (`warn`), a slow client disconnected (`warn`), a topic created
 * (`info`), every connection opened and closed (`debug`).
 */
export interface BrokerLogger {
  /** Something failed inside the broker (a handler threw, a disk failed). */
  error(message: string, details: LogDetails): void;
  /** A client was cut off (malformed input, too slow, over the limit), or recovery dropped data. */
  warn(message: string, details: LogDetails): void;
  /** The broker's own life: started, stopped, a topic created or deleted. */
  info(message: string, details: LogDetails): void;
  /** Every connection opened and closed, retention passes. */
  debug(message: string, details: LogDetails): void;
}

/** Whether `value` is one of the {@link LOG_LEVELS}. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === "string" && (LOG_LEVELS as readonly string[]).includes(value);
}

function format(details: LogDetails): string {
  const keys = Object.keys(details);
  if (keys.length === 0) return "";
  const seen = new WeakSet<object>();
  try {
    return ` ${JSON.stringify(details, (_key, value: unknown) => {
      if (typeof value === "bigint") return value.toString();
      if (typeof value === "object" && value !== null) {
        if (seen.has(value)) return "[cycle]";
        seen.add(value);
      }
      return value;
    })}`;
  } catch {
    return " [details not printable]";
  }
}

/**
 * A logger that writes `level message {details}` lines to `write`
 * (stderr by default), dropping lines more verbose than `level`.
 *
 * @example
 * ```ts run
 * import { consoleLogger } from "@csp-kit/kafka-broker";
 *
 * const lines: string[] = [];
 * const logger = consoleLogger("debug", (line) => lines.push(line)); // stderr when no writer is given
 * logger.info("topic created", { topic: "orders", partitions: 3 });
 * console.log(lines[0]); // → [kafka-broker] info topic created {"topic":"orders","partitions":3}
 * if (lines[0]?.trimEnd() !== '[kafka-broker] info topic created {"topic":"orders","partitions":3}') throw new Error(`got ${lines[0]}`);
 * ```
 */
export function consoleLogger(
  level: LogLevel = "info",
  write: (line: string) => void = (line) => process.stderr.write(line),
): BrokerLogger {
  const rank = LOG_LEVELS.indexOf(level);
  const at =
    (name: Exclude<LogLevel, "silent">) =>
    (message: string, details: LogDetails): void => {
      if (LOG_LEVELS.indexOf(name) > rank) return;
      write(`[kafka-broker] ${name} ${message}${format(details)}\n`);
    };
  return { error: at("error"), warn: at("warn"), info: at("info"), debug: at("debug") };
}

/** A logger that says nothing. */
export const silentLogger: BrokerLogger = consoleLogger("silent", () => {});
