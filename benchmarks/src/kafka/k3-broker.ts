/**
 * K3 — broker ingest and fetch under kcat: kcat (librdkafka) produces
 * 1,000,000 lines of 100 bytes into one partition, then consumes them back,
 * against @csp-kit/kafka-broker and against a real Apache Kafka 4.1 broker
 * on the same machine, in one run; msg/s and MB/s side by side.
 *
 *   npx tsx benchmarks/src/kafka/k3-broker.ts [--messages 1000000] [--runs 3] [--smoke]
 *
 * Method:
 * - both brokers run as their own processes: ours is the `csp-kit-broker`
 *   bin as it ships (the built dist/, rebuilt first when src/ is newer: run
 *   from source through tsx, its larger heap makes V8's major GCs cost half
 *   again as much CPU), the real one the interop tier's KRaft broker
 *   (scripts/kafka; reused when CSP_KIT_KAFKA_BOOTSTRAP names one);
 * - one input file: line i is i in 8 digits, then filler, 100 bytes with
 *   the newline (so the message value is 99 bytes: MB/s counts lines);
 * - produce: `kcat -P -b B -t T -X linger.ms=5 < file` into a fresh
 *   one-partition topic (created beforehand with kafkajs's admin, untimed),
 *   timed from spawn to exit (startup, metadata and the last acknowledgement
 *   included; acks=all, kcat's default);
 * - consume: `kcat -C -b B -t T -X fetch.wait.max.ms=100 -X queued.min.messages=1000000 -o beginning -e -q
 *   -f '%s\n'` into a file, timed from spawn to exit (kcat sees the end of the
 *   partition when a fetch at the high watermark comes back empty, after the
 *   broker's long poll: 100 ms instead of the default 500, for both brokers;
 *   and `-X queued.min.messages=1000000`, for both: with the default 100,000
 *   a broker that answers fetches faster than kcat writes its file fills
 *   librdkafka's local queue, and librdkafka looks at the partition again
 *   only on its next periodic wake-up, ~0.7 s later — `-d fetch` shows
 *   "not fetchable: queued.min.messages exceeded" — so the faster broker
 *   measured slower);
 *   afterwards the file must have exactly N lines
 *   and the input file's SHA-256, or the run fails instead of producing a number;
 * - runs alternate between the brokers; the table shows medians and the
 *   min–max over runs. Client and broker share the machine's cores.
 */

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  closeSync,
  createReadStream,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Kafka, logLevel } from "kafkajs";
import { type KafkaBroker, startKafka, stopKafka } from "../../../scripts/kafka/broker.js";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "1000000" },
    runs: { type: "string", default: "3" },
    smoke: { type: "boolean", default: false },
  },
  strict: true,
});
const N = values.smoke ? 20_000 : Number(values.messages);
const RUNS = values.smoke ? 1 : Number(values.runs);
const LINE_BYTES = 100;
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const BROKER_DIR = join(ROOT, "packages/kafka-broker");
const BIN = join(BROKER_DIR, "bin/csp-kit-broker.mjs");

const log = (line: string) => process.stderr.write(`k3: ${line}\n`);

// ---- input --------------------------------------------------------------------

const scratch = mkdtempSync(join(os.tmpdir(), "csp-kit-k3-"));
const input = join(scratch, "lines.txt");
{
  const filler = "x".repeat(LINE_BYTES - 9);
  const parts: string[] = [];
  for (let i = 0; i < N; i++) parts.push(`${String(i).padStart(8, "0")}${filler}\n`);
  writeFileSync(input, parts.join(""));
}

async function sha256(path: string): Promise<{ hash: string; lines: number }> {
  const h = createHash("sha256");
  let lines = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    h.update(chunk);
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  }
  return { hash: h.digest("hex"), lines };
}

const expected = await sha256(input);

// ---- brokers --------------------------------------------------------------------

interface Target {
  readonly name: string;
  readonly bootstrap: string;
}

/** The newest modification time under `dir` (ms), or 0. */
function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) t = Math.max(t, statSync(join(entry.parentPath ?? dir, entry.name)).mtimeMs);
  }
  return t;
}

async function startOurs(): Promise<{ target: Target; child: ChildProcess }> {
  const built = join(BROKER_DIR, "dist/cli.js");
  if (!existsSync(built) || statSync(built).mtimeMs < newest(join(BROKER_DIR, "src"))) {
    log("building @csp-kit/kafka-broker (its dist/ is missing or older than src/)");
    execFileSync("npx", ["-y", "pnpm@10.34.8", "build"], { cwd: BROKER_DIR, stdio: ["ignore", "ignore", "inherit"] });
  }
  const child = spawn(process.execPath, [BIN, "--port", "0", "--log-level", "warn"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.setEncoding("utf8").on("data", (c: string) => {
      out += c;
      if (out.includes("\n")) resolve(out);
    });
    child.once("exit", (code) => reject(new Error(`csp-kit-broker exited with ${code} before listening`)));
  });
  const m = /listening on (\S+):(\d+)/.exec(line);
  if (m === null) throw new Error(`unexpected first line: ${line}`);
  return { target: { name: "csp-kit-broker", bootstrap: `${m[1]}:${m[2]}` }, child };
}

let startedKafka: KafkaBroker | undefined;
async function startReal(): Promise<Target> {
  const given = process.env.CSP_KIT_KAFKA_BOOTSTRAP;
  if (given !== undefined && given !== "") return { name: "Apache Kafka 4.1", bootstrap: given };
  startedKafka = await startKafka({ log, stateFile: join(scratch, "kafka.json"), heap: "1g" });
  return { name: "Apache Kafka 4.1", bootstrap: startedKafka.bootstrap };
}

// ---- one run ------------------------------------------------------------------------

function timed(args: readonly string[], stdin: string | undefined, stdout: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const inFd = stdin === undefined ? "ignore" : openSync(stdin, "r");
    const outFd = stdout === undefined ? "ignore" : openSync(stdout, "w");
    let stderr = "";
    const started = performance.now();
    const child = spawn("kcat", args, { stdio: [inFd, outFd, "pipe"] });
    child.stderr!.setEncoding("utf8").on("data", (c: string) => {
      stderr += c;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - started;
      if (typeof inFd === "number") closeSync(inFd);
      if (typeof outFd === "number") closeSync(outFd);
      if (code !== 0) reject(new Error(`kcat ${args.join(" ")} exited ${code}: ${stderr.slice(0, 500)}`));
      else resolve(ms);
    });
  });
}

interface Sample {
  readonly produceMs: number;
  readonly consumeMs: number;
}

/** Creates the run's topic before the clock starts (Kafka's automatic creation costs it a second of retries). */
async function createTopic(target: Target, topic: string): Promise<void> {
  const admin = new Kafka({ brokers: [target.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

async function run(target: Target, i: number): Promise<Sample> {
  const topic = `k3-${Date.now()}-${i}`;
  await createTopic(target, topic);
  const produceMs = await timed(["-P", "-b", target.bootstrap, "-t", topic, "-X", "linger.ms=5"], input, undefined);
  const out = join(scratch, `out-${i}.txt`);
  const consumeMs = await timed(
    [
      "-C",
      "-b",
      target.bootstrap,
      "-t",
      topic,
      "-X",
      "fetch.wait.max.ms=100",
      "-X",
      "queued.min.messages=1000000",
      "-o",
      "beginning",
      "-e",
      "-q",
      "-f",
      "%s\n",
    ],
    undefined,
    out,
  );
  const got = await sha256(out);
  rmSync(out);
  if (got.lines !== expected.lines || got.hash !== expected.hash)
    throw new Error(`${target.name}: consumed ${got.lines} lines (hash ${got.hash.slice(0, 12)}), expected ${N}`);
  return { produceMs, consumeMs };
}

// ---- main ------------------------------------------------------------------------

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kcatVersion = (/Version (\S+).*(librdkafka \S+)/.exec(execFileSync("kcat", ["-V"], { encoding: "utf8" })) ?? [])
  .slice(1)
  .join(" / ");

const ours = await startOurs();
const real = await startReal();
const targets = [ours.target, real];
const samples = new Map<string, Sample[]>(targets.map((t) => [t.name, []]));
try {
  // One untimed warm-up each (JIT, page cache, the JVM's first topic).
  for (const t of targets) await run(t, -1 - targets.indexOf(t));
  for (let r = 0; r < RUNS; r++) {
    const order = r % 2 === 0 ? targets : [...targets].reverse();
    for (const t of order) {
      const s = await run(t, r * 2 + targets.indexOf(t));
      samples.get(t.name)!.push(s);
      log(
        `${t.name} run ${r + 1}: produce ${(s.produceMs / 1000).toFixed(2)} s, consume ${(s.consumeMs / 1000).toFixed(2)} s`,
      );
    }
  }
} finally {
  ours.child.kill("SIGTERM");
  if (startedKafka !== undefined) await stopKafka(startedKafka);
  rmSync(scratch, { recursive: true, force: true });
}

const cpus = os.cpus();
console.log(
  `K3 — kcat -P / -C of ${N.toLocaleString("en-US")} lines of ${LINE_BYTES} bytes, one partition, ${RUNS} runs (median, min–max)`,
);
console.log(
  `machine: ${cpus[0]?.model.trim()} × ${cpus.length}, Node ${process.version}, ${kcatVersion}, load ${os.loadavg()[0]?.toFixed(1)}`,
);
console.log("");
console.log("| broker | produce msg/s | produce MB/s | consume msg/s | consume MB/s |");
console.log("|---|---:|---:|---:|---:|");
const rate = (ms: number) => N / (ms / 1000);
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const mb = (ms: number) => ((N * LINE_BYTES) / 1e6 / (ms / 1000)).toFixed(1);
for (const t of targets) {
  const s = samples.get(t.name)!;
  const p = s.map((x) => x.produceMs);
  const c = s.map((x) => x.consumeMs);
  const range = (xs: number[]) => `${fmt(rate(Math.max(...xs)))}–${fmt(rate(Math.min(...xs)))}`;
  console.log(
    `| ${t.name} | ${fmt(rate(median(p)))} (${range(p)}) | ${mb(median(p))} | ${fmt(rate(median(c)))} (${range(c)}) | ${mb(median(c))} |`,
  );
}
