/**
 * The `csp-kit-consume` command: consume a topic to stdout, in the spirit
 * of `kcat -C`.
 *
 *   csp-kit-consume -b HOST:PORT[,HOST:PORT] -t TOPIC [-p N]... [-o beginning|end|N|-N]
 *                   [-c COUNT] [-e] [-f FORMAT] [-q] [--fetch-size BYTES]
 *
 * Messages go to stdout in `-f`'s format (kcat's tokens, default `%s\n`);
 * errors and, unless `-q`, the "reached end" notes go to stderr. It exits 0
 * when `-e` saw the end of every partition, when `-c` messages were
 * printed, or when SIGINT or SIGTERM stopped it (cleanly: the consumer is
 * closed first); 1 when consuming fails (an unknown topic, an offset
 * outside the log, a broker that cannot be reached), with the reason on
 * stderr; 2 for a bad command line, with the usage.
 * @packageDocumentation
 * @module @csp-kit/kafka-consumer/cli
 */

import { once } from "node:events";
import { parseArgs } from "node:util";
import { Consumer } from "./consumer.js";
import { isOffsetOutOfRangeError } from "./errors.js";
import type { ConsumerMessage } from "./message.js";
import type { PartitionConsumer } from "./partition-consumer.js";

/** The usage text `--help` prints. */
export const USAGE: string = `usage: csp-kit-consume -b BROKERS -t TOPIC [options]

  -b, --brokers HOST:PORT[,…]  bootstrap brokers
  -t, --topic TOPIC            topic to consume
  -p, --partition N            partition to consume (repeatable; default: every partition)
  -o, --offset OFFSET          where to start: beginning (default), end, N (an offset),
                               -N (N messages before the end)
  -c, --count N                exit after N messages
  -e, --exit                   exit once every partition reached its end (as of the start)
  -f, --format FORMAT          output format (default "%s\\n"): %t topic, %p partition,
                               %o offset, %k key, %s value, %K key length, %S value length,
                               %T timestamp (ms), %h headers (k=v,…), %% a percent sign;
                               \\n \\t \\r \\\\ escapes
  -q, --quiet                  no informational notes on stderr
      --fetch-size BYTES       bytes asked for per partition and fetch (default 1048576)
      --help                   print this and exit
`;

/** Where the CLI writes, and how it learns to stop; `runCli` passes the process's. */
export interface CliIo {
  /** Message output; may return a promise to push back (stdout's drain). */
  readonly stdout: (chunk: Uint8Array) => void | Promise<void>;
  /** Errors and notes, whole lines with their newline. */
  readonly stderr: (line: string) => void;
  /** Calls `stop` once when the process is asked to stop (SIGINT, SIGTERM). */
  readonly onStop: (stop: () => void) => void;
}

/** Where a partition starts, as the command line says it. */
export type CliOffset = "beginning" | "end" | { readonly absolute: bigint } | { readonly fromEnd: bigint };

/** The parsed command line. */
export interface CliOptions {
  /** `-b`: the bootstrap brokers, `host:port`. */
  readonly brokers: readonly string[];
  /** `-t`: the topic. */
  readonly topic: string;
  /** `-p`: the partitions to consume; empty for all. */
  readonly partitions: readonly number[];
  /** `-o`: where each partition starts. */
  readonly offset: CliOffset;
  /** `-c`: exit after this many messages; undefined for no limit. */
  readonly count: number | undefined;
  /** `-e`: exit once every partition reached the end it had at the start. */
  readonly exitAtEnd: boolean;
  /** `-f`: the output format, kcat's tokens (default `%s\n`). */
  readonly format: string;
  /** `-q`: no informational notes on stderr. */
  readonly quiet: boolean;
  /** `--fetch-size`: `fetch.default` in bytes; undefined for the consumer's default. */
  readonly fetchSize: number | undefined;
}

/** A command-line problem: printed with the usage, exit code 2. */
export class UsageError extends Error {
  /** Always `"UsageError"`. */
  override name = "UsageError";
}

const OPTIONS = {
  brokers: { type: "string", short: "b" },
  topic: { type: "string", short: "t" },
  partition: { type: "string", short: "p", multiple: true },
  offset: { type: "string", short: "o" },
  count: { type: "string", short: "c" },
  exit: { type: "boolean", short: "e" },
  format: { type: "string", short: "f" },
  quiet: { type: "boolean", short: "q" },
  "fetch-size": { type: "string" },
  help: { type: "boolean" },
} as const;

function whole(flag: string, text: string): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`${flag} must be a whole number, not ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/** Turns the command line into options. @throws UsageError */
export function parseCli(args: readonly string[]): CliOptions | "help" {
  // `-o -5` would look like an option to parseArgs: join a negative offset to its flag.
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = args[i + 1];
    if ((a === "-o" || a === "--offset") && next !== undefined && /^-\d+$/.test(next)) {
      joined.push(`--offset=${next}`);
      i++;
    } else joined.push(a);
  }
  let v: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true; allowPositionals: false }>>["values"];
  try {
    v = parseArgs({ args: joined, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (v.help === true) return "help";
  if (v.brokers === undefined) throw new UsageError("-b (--brokers) is required, e.g. -b 127.0.0.1:9092");
  const brokers = v.brokers.split(",").filter((s) => s.length > 0);
  for (const b of brokers) {
    if (!/^.+:\d{1,5}$/.test(b)) throw new UsageError(`-b takes host:port, not ${JSON.stringify(b)}`);
  }
  if (brokers.length === 0) throw new UsageError("-b needs at least one host:port");
  if (v.topic === undefined || v.topic === "") throw new UsageError("-t (--topic) is required");
  const partitions = (v.partition ?? []).map((p) => whole("-p", p));
  let offset: CliOffset = "beginning";
  const o = v.offset;
  if (o === undefined || o === "beginning") offset = "beginning";
  else if (o === "end") offset = "end";
  else if (/^\d+$/.test(o)) offset = { absolute: BigInt(o) };
  else if (/^-\d+$/.test(o)) offset = { fromEnd: BigInt(o.slice(1)) };
  else throw new UsageError(`-o must be beginning, end, N or -N, not ${JSON.stringify(o)}`);
  const count = v.count === undefined ? undefined : whole("-c", v.count);
  if (count === 0) throw new UsageError("-c must be at least 1");
  const fetchSize = v["fetch-size"] === undefined ? undefined : whole("--fetch-size", v["fetch-size"]);
  if (fetchSize === 0) throw new UsageError("--fetch-size must be at least 1");
  return {
    brokers,
    topic: v.topic,
    partitions,
    offset,
    count,
    exitAtEnd: v.exit === true,
    format: v.format ?? "%s\\n",
    quiet: v.quiet === true,
    fetchSize,
  };
}

// ---- the output format ------------------------------------------------------------

/** A piece of a compiled format: literal bytes, or a reader of one message field (bytes or text). */
export type Segment = Uint8Array | ((m: ConsumerMessage) => Uint8Array | string);

const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);

function headersText(m: ConsumerMessage): string {
  return m.headers.map((h) => `${h.key}=${h.value === null ? "" : Buffer.from(h.value).toString("utf8")}`).join(",");
}

/**
 * Compiles a kcat format string into segments: literal bytes and token
 * readers. Unknown `%x` tokens are kept literally, as kcat does.
 */
export function compileFormat(format: string): Segment[] {
  const out: Segment[] = [];
  let literal = "";
  const flush = () => {
    if (literal !== "") out.push(encoder.encode(literal));
    literal = "";
  };
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    const n = format[i + 1];
    if (c === "\\" && n !== undefined) {
      literal += n === "n" ? "\n" : n === "t" ? "\t" : n === "r" ? "\r" : n === "\\" ? "\\" : `\\${n}`;
      i++;
      continue;
    }
    if (c !== "%" || n === undefined) {
      literal += c;
      continue;
    }
    i++;
    let token: Segment | undefined;
    switch (n) {
      case "%":
        literal += "%";
        continue;
      case "t":
        token = (m) => m.topic;
        break;
      case "p":
        token = (m) => String(m.partition);
        break;
      case "o":
        token = (m) => String(m.offset);
        break;
      case "k":
        token = (m) => m.key ?? EMPTY;
        break;
      case "s":
        token = (m) => m.value ?? EMPTY;
        break;
      case "K":
        token = (m) => String(m.key === null ? -1 : m.key.length);
        break;
      case "S":
        token = (m) => String(m.value === null ? -1 : m.value.length);
        break;
      case "T":
        token = (m) => String(m.timestamp);
        break;
      case "h":
        token = headersText;
        break;
      default:
        literal += `%${n}`;
        continue;
    }
    flush();
    out.push(token);
  }
  flush();
  return out;
}

/** Collects formatted messages into one buffer and writes it in large chunks. */
class Output {
  #buffer = Buffer.allocUnsafe(1 << 16);
  #length = 0;
  readonly #write: CliIo["stdout"];
  readonly #segments: Segment[];

  constructor(format: string, write: CliIo["stdout"]) {
    this.#segments = compileFormat(format);
    this.#write = write;
  }

  /** Appends one message; resolves at once unless a full buffer had to be written first. */
  add(m: ConsumerMessage): void | Promise<void> {
    for (const s of this.#segments) {
      const v = typeof s === "function" ? s(m) : s;
      if (typeof v === "string") this.#text(v);
      else this.#bytes(v);
    }
    return this.#length >= 1 << 15 ? this.flush() : undefined;
  }

  #room(n: number): void {
    if (this.#length + n <= this.#buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, this.#length + n));
    this.#buffer.copy(grown, 0, 0, this.#length);
    this.#buffer = grown;
  }

  #text(s: string): void {
    this.#room(s.length * 3);
    this.#length += this.#buffer.write(s, this.#length, "utf8");
  }

  #bytes(b: Uint8Array): void {
    this.#room(b.length);
    this.#buffer.set(b, this.#length);
    this.#length += b.length;
  }

  /** Writes what is buffered. */
  async flush(): Promise<void> {
    if (this.#length === 0) return;
    const chunk = Buffer.from(this.#buffer.subarray(0, this.#length));
    this.#length = 0;
    await this.#write(chunk);
  }
}

// ---- the command ------------------------------------------------------------------

/**
 * Runs the command and resolves with the exit code: 0 when done (or
 * stopped), 1 when consuming failed, 2 for a bad command line.
 */
export async function main(args: readonly string[], io: CliIo): Promise<number> {
  let options: CliOptions | "help";
  try {
    options = parseCli(args);
  } catch (error) {
    io.stderr(`csp-kit-consume: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (options === "help") {
    await io.stdout(encoder.encode(USAGE));
    return 0;
  }
  const o = options;
  const consumer = new Consumer({
    bootstrap: o.brokers,
    clientId: "csp-kit-consume",
    returnErrors: true,
    maxWaitTime: 500,
    fetch: o.fetchSize === undefined ? undefined : { default: o.fetchSize },
    metadata: { refreshFrequency: 0 },
    net: { dialTimeout: 10_000 },
  });
  const stop = new AbortController();
  io.onStop(() => stop.abort());
  const note = (line: string) => {
    if (!o.quiet) io.stderr(`% ${line}\n`);
  };
  let failure: string | undefined;
  const fail = (reason: string) => {
    failure ??= reason;
    stop.abort();
  };
  const out = new Output(o.format, io.stdout);
  const consumers: PartitionConsumer[] = [];
  try {
    const partitions = o.partitions.length > 0 ? o.partitions : await consumer.partitions(o.topic);
    let remaining = o.count ?? Number.POSITIVE_INFINITY;
    const loops: Promise<void>[] = [];
    for (const p of partitions) {
      if (stop.signal.aborted) break;
      const end = o.exitAtEnd ? await consumer.getOffset(o.topic, p, "newest") : -1n;
      let start: bigint | "oldest" | "newest";
      if (o.offset === "beginning") start = "oldest";
      else if (o.offset === "end") start = "newest";
      else if ("absolute" in o.offset) start = o.offset.absolute;
      else {
        const oldest = await consumer.getOffset(o.topic, p, "oldest");
        const newest = end >= 0n ? end : await consumer.getOffset(o.topic, p, "newest");
        start = newest - o.offset.fromEnd > oldest ? newest - o.offset.fromEnd : oldest;
      }
      const pc = await consumer.consumePartition(o.topic, p, start);
      consumers.push(pc);
      loops.push(
        (async () => {
          for await (const e of pc.errors) {
            io.stderr(`% ERROR: ${e.message}\n`);
            if (isOffsetOutOfRangeError(e.cause)) fail(e.message);
          }
        })(),
      );
      loops.push(
        (async () => {
          let next = typeof start === "bigint" ? start : await consumer.getOffset(o.topic, p, start);
          if (o.exitAtEnd && next >= end) {
            note(`Reached end of topic ${o.topic} [${p}] at offset ${next}`);
            return;
          }
          for (;;) {
            let r = pc.messages.tryRecv();
            if (r === "would-block") {
              await out.flush();
              r = await pc.messages.recv({ signal: stop.signal }).catch(() => "would-block" as const);
              if (r === "would-block") return;
            }
            if (r.isNone()) {
              if (!stop.signal.aborted) fail(`partition ${p} stopped`);
              return;
            }
            if (remaining <= 0) return;
            const m = r.value;
            const pushed = out.add(m);
            if (pushed !== undefined) await pushed;
            next = m.offset + 1n;
            if (--remaining <= 0) {
              stop.abort();
              return;
            }
            if (o.exitAtEnd && next >= end) {
              note(`Reached end of topic ${o.topic} [${p}] at offset ${next}`);
              return;
            }
          }
        })(),
      );
    }
    // The message loops end at the end (-e), at the count (-c), or on stop; the error loops at close.
    const messageLoops = loops.filter((_, i) => i % 2 === 1);
    await Promise.race([
      Promise.all(messageLoops),
      new Promise<void>((resolve) => stop.signal.addEventListener("abort", () => resolve(), { once: true })),
    ]);
    stop.abort();
    await Promise.all(messageLoops);
    await out.flush();
    await consumer.close();
    await Promise.all(loops);
  } catch (error) {
    await consumer.close().catch(() => {});
    io.stderr(`csp-kit-consume: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  if (failure !== undefined) {
    io.stderr(`csp-kit-consume: ${failure}\n`);
    return 1;
  }
  return 0;
}

/** The bin's entry point: `main` on the process's arguments, streams and signals; sets the exit code. */
export function runCli(args: readonly string[] = process.argv.slice(2)): void {
  const io: CliIo = {
    stdout: (chunk) => {
      if (process.stdout.write(chunk)) return undefined;
      return once(process.stdout, "drain").then(() => undefined);
    },
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
      // Nothing left may keep a finished command alive (a socket mid-close): exit once stdout is written.
      process.stdout.write("", () => process.exit(code));
    },
    (error: unknown) => {
      process.stderr.write(
        `csp-kit-consume: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
