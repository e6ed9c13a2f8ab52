/**
 * The `csp-kit-produce` command: lines from stdin to a Kafka topic, like
 * `kcat -P`, and a load generator like `kafka-producer-perf-test`.
 *
 *   csp-kit-produce -b HOST:PORT[,HOST:PORT…] -t TOPIC [-K SEP] [-p PARTITION]
 *                   [--acks 0|1|-1|all] [--idempotent] [-z none|gzip|snappy|lz4|zstd]
 *                   [--linger MS] [--batch-bytes N] [--max-in-flight N]
 *   csp-kit-produce --perf --count N --size B -b … -t … [the same options]
 *
 * Line mode: every line of stdin (without its newline; a last line without
 * one counts too) is one message; with `-K SEP` the text before the first
 * SEP is the key and the rest the value (a line without SEP has no key).
 * stdin is read only as fast as the producer takes messages: the
 * producer's backpressure reaches the pipe. Once stdin ends and every
 * message is acknowledged it prints `acked N` on stderr and exits 0; when
 * any failed it prints `failed N of M`, then each distinct reason with its
 * count, and exits 1. A bad option prints what is wrong and the usage, and
 * exits 2.
 *
 * Perf mode sends `--count` messages of `--size` bytes as fast as the
 * producer takes them, then prints one line: messages, msg/s, MB/s and the
 * latency (send to acknowledgement) at p50, p99 and the max, in ms.
 * @packageDocumentation
 * @module @csp-kit/kafka-producer/cli
 */

import { parseArgs } from "node:util";
import { AsyncProducer } from "./async-producer.js";
import type { Compression, ProducerOptions, RequiredAcks } from "./config.js";
import { isInvalidProducerConfigError, type ProducerError } from "./errors.js";
import type { ProducerMessage } from "./message.js";

/** The usage text `--help` prints. */
export const USAGE: string = `usage: csp-kit-produce -b BROKERS -t TOPIC [options] < lines
       csp-kit-produce --perf --count N --size BYTES -b BROKERS -t TOPIC [options]

  -b, --brokers LIST        bootstrap brokers, host:port, comma separated (required)
  -t, --topic TOPIC         the topic to write to (required)
  -K, --key-separator SEP   split each line at the first SEP into key and value
  -p, --partition N         write every message to partition N (default: hash of the key)
  --acks 0|1|-1|all         acknowledgements to wait for (default -1, all)
  --idempotent              an idempotent producer (needs --acks all; sets max in flight 1)
  -z, --compression CODEC   none, gzip, snappy, lz4 or zstd (default none)
  --linger MS               how long a batch waits for more messages (default 5)
  --batch-bytes N           send a batch once it holds N bytes (default 1000000)
  --max-in-flight N         requests in flight per broker (default 5)
  --perf                    send generated messages instead of stdin, and report throughput
  --count N                 perf: how many messages (default 1000000)
  --size BYTES              perf: each message's value size (default 100)
  --help                    print this and exit
`;

/** Where the CLI reads and writes; `runCli` passes the process's. */
export interface CliIo {
  /** Lines come from here (line mode only). */
  readonly stdin: AsyncIterable<Uint8Array>;
  /** Where the perf report and `--help` go (whole lines, newline included). */
  readonly stdout: (text: string) => void;
  /** Where `acked N`, failures and command-line problems go. */
  readonly stderr: (text: string) => void;
}

/** What the command line asks for. */
export interface CliCommand {
  /** `"lines"`: stdin, one message per line; `"perf"`: generated messages and a throughput report. */
  readonly mode: "lines" | "perf";
  /** The topic every message goes to (`-t`). */
  readonly topic: string;
  /** `-K`: the bytes a line is split at (first occurrence) into key and value; undefined: no keys. */
  readonly keySeparator: Uint8Array | undefined;
  /** `-p`: the partition of every message; undefined: the hash partitioner decides. */
  readonly partition: number | undefined;
  /** `--count` (perf mode): how many messages. */
  readonly count: number;
  /** `--size` (perf mode): each message's value size in bytes. */
  readonly size: number;
  /** The producer's options the flags map to (`ProducerOptions` of `@csp-kit/kafka-producer`). */
  readonly producer: ProducerOptions;
}

/** A command-line problem: printed with the usage, exit code 2. */
export class UsageError extends Error {
  /** Always `"UsageError"`. */
  override name = "UsageError";
}

const OPTIONS = {
  brokers: { type: "string", short: "b" },
  topic: { type: "string", short: "t" },
  "key-separator": { type: "string", short: "K" },
  partition: { type: "string", short: "p" },
  acks: { type: "string" },
  idempotent: { type: "boolean" },
  compression: { type: "string", short: "z" },
  linger: { type: "string" },
  "batch-bytes": { type: "string" },
  "max-in-flight": { type: "string" },
  perf: { type: "boolean" },
  count: { type: "string" },
  size: { type: "string" },
  help: { type: "boolean" },
} as const;

const CODECS: readonly Compression[] = ["none", "gzip", "snappy", "lz4", "zstd"];

function whole(flag: string, text: string | undefined, fallback: number, min = 0): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min) {
    throw new UsageError(`--${flag} must be a whole number${min > 0 ? ` >= ${min}` : ""}, not ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/**
 * Turns the command line into a command.
 *
 * @throws {@link UsageError} naming the flag and what it accepts.
 */
export function parseCli(args: readonly string[]): CliCommand | "help" {
  const v = (() => {
    try {
      return parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: false }).values;
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  })();
  if (v.help === true) return "help";
  if (v.brokers === undefined || v.brokers === "") throw new UsageError("-b/--brokers is required (host:port,...)");
  if (v.topic === undefined || v.topic === "") throw new UsageError("-t/--topic is required");
  const bootstrap = v.brokers.split(",").map((b) => b.trim());
  for (const b of bootstrap) {
    if (!/^[^:\s]+:\d+$/.test(b)) throw new UsageError(`-b/--brokers: ${JSON.stringify(b)} is not host:port`);
  }
  let requiredAcks: RequiredAcks = -1;
  if (v.acks !== undefined) {
    const a = v.acks === "all" ? "-1" : v.acks;
    if (a !== "0" && a !== "1" && a !== "-1")
      throw new UsageError(`--acks must be 0, 1, -1 or all, not ${JSON.stringify(v.acks)}`);
    requiredAcks = Number(a) as RequiredAcks;
  }
  const compression = (v.compression ?? "none") as Compression;
  if (!CODECS.includes(compression)) {
    throw new UsageError(`-z/--compression must be one of ${CODECS.join(", ")}, not ${JSON.stringify(v.compression)}`);
  }
  const idempotent = v.idempotent === true;
  if (idempotent && requiredAcks !== -1) throw new UsageError("--idempotent needs --acks all (-1)");
  const partition = v.partition === undefined ? undefined : whole("partition", v.partition, 0);
  const separator = v["key-separator"];
  if (separator === "") throw new UsageError("-K/--key-separator must not be empty");
  const perf = v.perf === true;
  if (!perf && (v.count !== undefined || v.size !== undefined)) throw new UsageError("--count and --size need --perf");
  const producer: ProducerOptions = {
    bootstrap,
    clientId: "csp-kit-produce",
    requiredAcks,
    compression,
    idempotent,
    maxOpenRequests: idempotent ? 1 : whole("max-in-flight", v["max-in-flight"], 5, 1),
    flush: {
      frequency: whole("linger", v.linger, 5),
      bytes: whole("batch-bytes", v["batch-bytes"], 1_000_000, 1),
    },
    ...(partition === undefined ? {} : { partitioner: "manual" as const }),
    returnSuccesses: perf,
    returnErrors: true,
    channelBufferSize: 4096,
  };
  return {
    mode: perf ? "perf" : "lines",
    topic: v.topic,
    keySeparator: separator === undefined ? undefined : new TextEncoder().encode(separator),
    partition,
    count: whole("count", v.count, 1_000_000, 1),
    size: whole("size", v.size, 100),
    producer,
  };
}

/**
 * Splits stdin into lines, a chunk at a time: yields the complete lines of
 * each chunk as one array (a last line without a newline included; `\r\n`
 * taken as one newline). One await per chunk, not per line.
 */
async function* lineBatches(stdin: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array[]> {
  let rest: Uint8Array | undefined;
  for await (const chunk of stdin) {
    let data = chunk;
    if (rest !== undefined) {
      const joined = new Uint8Array(rest.length + chunk.length);
      joined.set(rest);
      joined.set(chunk, rest.length);
      data = joined;
      rest = undefined;
    }
    const lines: Uint8Array[] = [];
    let start = 0;
    for (let i = data.indexOf(10); i >= 0; i = data.indexOf(10, start)) {
      const end = i > start && data[i - 1] === 13 ? i - 1 : i;
      lines.push(data.subarray(start, end));
      start = i + 1;
    }
    if (start < data.length) rest = data.slice(start);
    if (lines.length > 0) yield lines;
  }
  if (rest !== undefined && rest.length > 0) yield [rest];
}

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  if (needle.length === 1) return hay.indexOf(needle[0] as number);
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function toMessage(command: CliCommand, line: Uint8Array): ProducerMessage {
  const base = { topic: command.topic, ...(command.partition === undefined ? {} : { partition: command.partition }) };
  const sep = command.keySeparator;
  if (sep !== undefined) {
    const at = indexOf(line, sep);
    if (at >= 0) return { ...base, key: line.subarray(0, at), value: line.subarray(at + sep.length) };
  }
  return { ...base, value: line };
}

/** Prints the failures, one line per distinct reason with its count. */
function report(failures: readonly ProducerError[], total: number, io: CliIo): void {
  const reasons = new Map<string, number>();
  for (const f of failures) {
    const cause = f.cause instanceof Error ? f.cause.message : String(f.cause);
    reasons.set(cause, (reasons.get(cause) ?? 0) + 1);
  }
  io.stderr(`csp-kit-produce: failed ${failures.length} of ${total}\n`);
  for (const [reason, n] of reasons) io.stderr(`  ${n} × ${reason}\n`);
}

async function runLines(command: CliCommand, io: CliIo): Promise<number> {
  const producer = new AsyncProducer(command.producer);
  const failures: ProducerError[] = [];
  const draining = (async () => {
    for await (const e of producer.errors) failures.push(e);
  })();
  let total = 0;
  try {
    for await (const batch of lineBatches(io.stdin)) {
      for (const line of batch) {
        const m = toMessage(command, line);
        // Without an await while the producer takes messages at once; `send` waits when it is full.
        if (producer.input.trySend(m) !== "sent") await producer.input.send(m);
        total++;
      }
    }
  } finally {
    producer.asyncClose();
    await draining;
  }
  if (failures.length > 0) {
    report(failures, total, io);
    return 1;
  }
  io.stderr(`acked ${total}\n`);
  return 0;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function runPerf(command: CliCommand, io: CliIo): Promise<number> {
  const { count, size } = command;
  const producer = new AsyncProducer<number>(command.producer);
  const value = new Uint8Array(size).fill(120);
  const latencies = new Float64Array(count);
  let acked = 0;
  const failures: ProducerError[] = [];
  const reading = (async () => {
    for await (const s of producer.successes) latencies[acked++] = performance.now() - (s.metadata as number);
  })();
  const draining = (async () => {
    for await (const e of producer.errors) failures.push(e);
  })();
  const started = performance.now();
  const base = {
    topic: command.topic,
    value,
    ...(command.partition === undefined ? {} : { partition: command.partition }),
  };
  for (let i = 0; i < count; i++) {
    const m = { ...base, metadata: performance.now() };
    if (producer.input.trySend(m) !== "sent") await producer.input.send(m);
  }
  producer.asyncClose();
  await Promise.all([reading, draining]);
  const seconds = (performance.now() - started) / 1000;
  const sorted = latencies.subarray(0, acked).sort();
  const rate = acked / seconds;
  io.stdout(
    `${acked} records sent, ${rate.toFixed(1)} records/sec (${((rate * size) / (1024 * 1024)).toFixed(2)} MB/sec), ` +
      `latency p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms, ` +
      `max ${(sorted[sorted.length - 1] ?? 0).toFixed(2)} ms\n`,
  );
  if (failures.length > 0) {
    report(failures, count, io);
    return 1;
  }
  return 0;
}

/** Runs the command and resolves with the exit code (0 all acknowledged, 1 failures, 2 bad usage). */
export async function main(args: readonly string[], io: CliIo): Promise<number> {
  let command: CliCommand | "help";
  try {
    command = parseCli(args);
  } catch (error) {
    io.stderr(`csp-kit-produce: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (command === "help") {
    io.stdout(USAGE);
    return 0;
  }
  try {
    return command.mode === "perf" ? await runPerf(command, io) : await runLines(command, io);
  } catch (error) {
    if (isInvalidProducerConfigError(error)) {
      io.stderr(`csp-kit-produce: ${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

/** The bin's entry point: `main` on the process's arguments and streams; sets the exit code. */
export function runCli(args: readonly string[] = process.argv.slice(2)): void {
  const io: CliIo = {
    stdin: process.stdin,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  };
  main(args, io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `csp-kit-produce: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
