/**
 * K1 — producer throughput: 1,000,000 messages of 100 bytes into one
 * partition, @csp-kit/kafka-producer beside kafkajs, @platformatic/kafka
 * and kcat -P, into @csp-kit/kafka-broker (its `csp-kit-broker` bin, a
 * process of its own) and into a real Apache Kafka broker, in one run;
 * msg/s side by side. Then the producer's RSS while the broker stalls for
 * 10 s (SIGSTOP), to show that backpressure reaches `input`, not the heap.
 *
 *   npx tsx packages/kafka-producer/bench/k1.ts [--messages 1000000] [--size 100] [--runs 3]
 *       [--smoke] [--no-kafka] [--broker-bin PATH]
 *
 * Method:
 * - every client runs in a child process of its own (a fresh heap and JIT),
 *   started before the clock; the clock runs from its first send to the
 *   last acknowledgement (acks=all everywhere). kcat and csp-kit-produce
 *   read a file of N lines and are timed from spawn to exit, startup
 *   included (kcat -X linger.ms=5, its default batching);
 * - the library clients: ours an AsyncProducer (flush.frequency 5 ms,
 *   flush.bytes 1 MB) fed by `await input.send` in a loop; kafkajs
 *   `send()` of 10,000 messages at a time, awaited in turn; @platformatic/kafka
 *   `send()` of 10,000 at a time, awaited in turn;
 * - each run writes to a fresh one-partition topic, created beforehand
 *   (untimed) with max.message.bytes 8 MiB (a 10,000-message batch is
 *   larger than the 1 MB default); afterwards the partition's high watermark must be N, or the
 *   run fails instead of producing a number;
 * - runs alternate the order of the clients; the table shows the median
 *   and the min–max. Clients and brokers share the machine's cores.
 * - the stall: our producer sends 5,000,000 messages as fast as it may into our
 *   broker; after 1 s the broker process is stopped (SIGSTOP) for 10 s,
 *   then resumed. The producer reports its RSS and how many messages
 *   `input` accepted, every 250 ms.
 */

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Kafka, logLevel } from "kafkajs";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "1000000" },
    size: { type: "string", default: "100" },
    runs: { type: "string", default: "3" },
    smoke: { type: "boolean", default: false },
    "no-kafka": { type: "boolean", default: false },
    "broker-bin": { type: "string" },
    // Internal: run one client in this (child) process.
    client: { type: "string" },
    bootstrap: { type: "string" },
    topic: { type: "string" },
  },
  strict: true,
});
const N = values.smoke ? 20_000 : Number(values.messages);
const SIZE = Number(values.size);
const RUNS = values.smoke ? 1 : Number(values.runs);
const CHUNK = 10_000;
/** The stall's producer keeps sending through the 10 s stop and after it. */
const STALL_MESSAGES = values.smoke ? 1_000_000 : 5_000_000;
/** kafkajs and @platformatic/kafka send each 10,000-message chunk as one batch of about 1.1 MB: above Kafka's 1 MB default. */
const MAX_BATCH = 8 << 20;
const TOPIC_CONFIG = [{ name: "max.message.bytes", value: String(MAX_BATCH) }];
const HERE = fileURLToPath(new URL(".", import.meta.url));
const ROOT = join(HERE, "../../../");
const SELF = fileURLToPath(import.meta.url);
const PRODUCE_ENTRY = join(HERE, "../test/support/cli-entry.ts");
const log = (line: string) => process.stderr.write(`k1: ${line}\n`);

// ---- one client, in a child process ------------------------------------------------

async function runClient(client: string, bootstrap: string, topic: string): Promise<void> {
  const value = Buffer.alloc(SIZE, "x");
  const report = (ms: number) => process.stdout.write(`${JSON.stringify({ ms })}\n`);
  if (client === "ours" || client === "stall") {
    const { AsyncProducer } = await import("../src/index.js");
    const producer = new AsyncProducer({
      bootstrap: [bootstrap],
      requiredAcks: -1,
      flush: { frequency: 5, bytes: 1_000_000 },
      channelBufferSize: 4096,
    });
    const count = client === "stall" ? STALL_MESSAGES : N;
    let sent = 0;
    const sampler =
      client === "stall"
        ? setInterval(() => {
            process.stdout.write(`${JSON.stringify({ t: performance.now(), rss: process.memoryUsage().rss, sent })}\n`);
          }, 250)
        : undefined;
    const started = performance.now();
    for (; sent < count; sent++) await producer.input.send({ topic, value });
    const failures = await producer.close();
    if (sampler !== undefined) clearInterval(sampler);
    if (failures.length > 0) throw new Error(`${failures.length} failed: ${String(failures[0]?.cause)}`);
    report(performance.now() - started);
    return;
  }
  if (client === "kafkajs") {
    const producer = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const started = performance.now();
    for (let i = 0; i < N; i += CHUNK) {
      const messages = Array.from({ length: Math.min(CHUNK, N - i) }, () => ({ value }));
      await producer.send({ topic, acks: -1, messages });
    }
    report(performance.now() - started);
    await producer.disconnect();
    return;
  }
  if (client === "platformatic") {
    const { Producer } = await import("@platformatic/kafka");
    const producer = new Producer({ clientId: "k1", bootstrapBrokers: [bootstrap], acks: -1 });
    // Connect and learn the metadata before the clock (as kafkajs's connect() does).
    await producer.send({ messages: [{ topic, value }] });
    const started = performance.now();
    for (let i = 1; i < N; i += CHUNK) {
      const messages = Array.from({ length: Math.min(CHUNK, N - i) }, () => ({ topic, value }));
      await producer.send({ messages });
    }
    report(performance.now() - started);
    await producer.close();
    return;
  }
  throw new Error(`unknown client ${client}`);
}

if (values.client !== undefined) {
  await runClient(values.client, values.bootstrap as string, values.topic as string);
  process.exit(0);
}

// ---- the orchestrator ----------------------------------------------------------------

const scratch = mkdtempSync(join(os.tmpdir(), "csp-kit-k1-"));
const input = join(scratch, "lines.txt");
writeFileSync(input, `${"x".repeat(SIZE)}\n`.repeat(N));

interface Target {
  readonly name: string;
  readonly bootstrap: string;
}

const children = new Set<ChildProcess>();
function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

async function startOurs(): Promise<{ target: Target; child: ChildProcess }> {
  const bin = values["broker-bin"] ?? join(ROOT, "packages/kafka-broker/bin/csp-kit-broker.mjs");
  if (values["broker-bin"] === undefined && !existsSync(join(ROOT, "packages/kafka-broker/dist/cli.js"))) {
    log("building @csp-kit/kafka-broker (its dist/ is missing)");
    execFileSync("npx", ["-y", "pnpm@10.34.8", "build"], {
      cwd: join(ROOT, "packages/kafka-broker"),
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
  const child = track(
    spawn(process.execPath, [bin, "--port", "0", "--log-level", "warn", "--max-message-bytes", String(MAX_BATCH)], {
      stdio: ["ignore", "pipe", "inherit"],
    }),
  );
  const line = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.setEncoding("utf8").on("data", (c: string) => {
      out += c;
      if (out.includes("\n")) resolve(out);
    });
    child.once("exit", (code) => reject(new Error(`csp-kit-broker exited with ${code} before listening`)));
  });
  const m = /listening on (\S+):(\d+)/.exec(line);
  if (m === null) throw new Error(`unexpected first line: ${line}`);
  return { target: { name: "csp-kit-broker", bootstrap: `${m[1]}:${m[2]}` }, child };
}

type KafkaModule = typeof import("../../../scripts/kafka/broker.js");
let stopReal: (() => Promise<void>) | undefined;
async function startReal(): Promise<Target> {
  const given = process.env.CSP_KIT_KAFKA_BOOTSTRAP;
  if (given !== undefined && given !== "") return { name: "Apache Kafka", bootstrap: given };
  const { startKafka, stopKafka } = (await import("../../../scripts/kafka/broker.js")) as KafkaModule;
  const broker = await startKafka({ log, stateFile: join(scratch, "kafka.json"), heap: "1g" });
  stopReal = () => stopKafka(broker);
  return { name: "Apache Kafka", bootstrap: broker.bootstrap };
}

async function admin<T>(target: Target, fn: (a: ReturnType<Kafka["admin"]>) => Promise<T>): Promise<T> {
  const a = new Kafka({ brokers: [target.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await a.connect();
  try {
    return await fn(a);
  } finally {
    await a.disconnect();
  }
}

/** Runs a child to its exit; resolves with its stdout. */
function child(command: string, args: readonly string[], stdin?: string): Promise<{ ms: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const inFd = stdin === undefined ? "ignore" : openSync(stdin, "r");
    const started = performance.now();
    const c = track(spawn(command, args, { stdio: [inFd, "pipe", "pipe"] }));
    let stdout = "";
    let stderr = "";
    c.stdout?.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    c.stderr?.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    c.on("error", reject);
    c.on("close", (code) => {
      const ms = performance.now() - started;
      if (typeof inFd === "number") closeSync(inFd);
      if (code !== 0) reject(new Error(`${command} ${args.join(" ")} exited ${code}: ${stderr.slice(0, 600)}`));
      else resolve({ ms, stdout });
    });
  });
}

const nodeArgs = ["--conditions=@csp-kit/source", "--import", "tsx"];
const CLIENTS = ["csp-kit-producer", "kafkajs", "@platformatic/kafka", "kcat -P", "csp-kit-produce"] as const;
type Client = (typeof CLIENTS)[number];

async function runOnce(target: Target, client: Client, i: number): Promise<number> {
  const topic = `k1-${client.replace(/[^a-z]/g, "")}-${Date.now()}-${i}`;
  await admin(target, (a) =>
    a.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: TOPIC_CONFIG }], waitForLeaders: true }),
  );
  let ms: number;
  const lib = (name: string) =>
    child(process.execPath, [
      ...nodeArgs,
      SELF,
      "--client",
      name,
      "--bootstrap",
      target.bootstrap,
      "--topic",
      topic,
      "--messages",
      String(N),
      "--size",
      String(SIZE),
    ]);
  switch (client) {
    case "csp-kit-producer":
      ms = JSON.parse((await lib("ours")).stdout.trim()).ms;
      break;
    case "kafkajs":
      ms = JSON.parse((await lib("kafkajs")).stdout.trim()).ms;
      break;
    case "@platformatic/kafka":
      ms = JSON.parse((await lib("platformatic")).stdout.trim()).ms;
      break;
    case "kcat -P":
      ms = (await child("kcat", ["-P", "-b", target.bootstrap, "-t", topic, "-X", "linger.ms=5"], input)).ms;
      break;
    case "csp-kit-produce":
      ms = (await child(process.execPath, [...nodeArgs, PRODUCE_ENTRY, "-b", target.bootstrap, "-t", topic], input)).ms;
      break;
  }
  const offsets = await admin(target, (a) => a.fetchTopicOffsets(topic));
  const high = Number(offsets[0]?.high ?? -1);
  if (high !== N) throw new Error(`${client} → ${target.name}: high watermark ${high}, expected ${N}`);
  return ms;
}

interface StallReport {
  readonly before: number;
  readonly during: number;
  readonly sentAtStop: number;
  readonly sentAtResume: number;
  readonly afterMs: number;
}

async function stall(ours: { target: Target; child: ChildProcess }): Promise<StallReport> {
  const topic = `k1-stall-${Date.now()}`;
  await admin(ours.target, (a) =>
    a.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: TOPIC_CONFIG }], waitForLeaders: true }),
  );
  const samples: { t: number; rss: number; sent: number }[] = [];
  const c = track(
    spawn(
      process.execPath,
      [
        ...nodeArgs,
        SELF,
        "--client",
        "stall",
        "--bootstrap",
        ours.target.bootstrap,
        "--topic",
        topic,
        "--messages",
        String(N),
        "--size",
        String(SIZE),
      ],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    ),
  );
  let buffered = "";
  let first: (() => void) | undefined;
  const firstSample = new Promise<void>((resolve) => {
    first = resolve;
  });
  c.stdout?.setEncoding("utf8").on("data", (d: string) => {
    buffered += d;
    for (let i = buffered.indexOf("\n"); i >= 0; i = buffered.indexOf("\n")) {
      const j = JSON.parse(buffered.slice(0, i)) as { t?: number; rss?: number; sent?: number };
      buffered = buffered.slice(i + 1);
      if (j.rss !== undefined) {
        samples.push({ t: performance.now(), rss: j.rss, sent: j.sent ?? 0 });
        first?.();
      }
    }
  });
  const exited = new Promise<number | null>((resolve) =>
    c.once("close", (code) => {
      first?.();
      resolve(code);
    }),
  );
  await firstSample;
  await new Promise((r) => setTimeout(r, 1000));
  const stopAt = performance.now();
  ours.child.kill("SIGSTOP");
  await new Promise((r) => setTimeout(r, 10_000));
  const resumeAt = performance.now();
  ours.child.kill("SIGCONT");
  const code = await exited;
  if (code !== 0) throw new Error(`the stall producer exited ${code}`);
  if (samples.filter((s) => s.t >= stopAt && s.t <= resumeAt).length === 0) {
    throw new Error("the stall producer finished before the broker stopped: raise STALL_MESSAGES");
  }
  const before = samples.filter((s) => s.t < stopAt);
  const during = samples.filter((s) => s.t >= stopAt && s.t <= resumeAt);
  const max = (xs: { rss: number }[]) => Math.max(...xs.map((s) => s.rss));
  return {
    before: max(before),
    during: max(during),
    sentAtStop: before[before.length - 1]?.sent ?? 0,
    sentAtResume: during[during.length - 1]?.sent ?? 0,
    afterMs: performance.now() - resumeAt,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const kcatVersion = (/Version (\S+).*(librdkafka \S+)/.exec(execFileSync("kcat", ["-V"], { encoding: "utf8" })) ?? [])
  .slice(1)
  .join(" / ");

const ours = await startOurs();
const targets: Target[] = [ours.target];
const results = new Map<string, number[]>();
let stallReport: StallReport | undefined;
try {
  if (!values["no-kafka"]) targets.push(await startReal());
  for (const t of targets) {
    // One untimed warm-up per broker (the JVM's first topic, page cache).
    await runOnce(t, "csp-kit-producer", -1);
    for (let r = 0; r < RUNS; r++) {
      const order = r % 2 === 0 ? CLIENTS : [...CLIENTS].reverse();
      for (const c of order) {
        const ms = await runOnce(t, c, r);
        const key = `${t.name}\u0000${c}`;
        results.set(key, [...(results.get(key) ?? []), ms]);
        log(`${t.name} ${c} run ${r + 1}: ${Math.round(N / (ms / 1000)).toLocaleString("en-US")} msg/s`);
      }
    }
  }
  stallReport = await stall(ours);
} finally {
  for (const c of children) if (c !== ours.child) c.kill("SIGKILL");
  ours.child.kill("SIGCONT");
  ours.child.kill("SIGTERM");
  if (stopReal !== undefined) await stopReal();
  rmSync(scratch, { recursive: true, force: true });
}

const cpus = os.cpus();
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const rate = (ms: number) => N / (ms / 1000);
console.log(
  `K1 — ${N.toLocaleString("en-US")} messages of ${SIZE} bytes into one partition, acks=all, ${RUNS} runs (median msg/s, min–max)`,
);
console.log(
  `machine: ${cpus[0]?.model.trim()} × ${cpus.length}, Node ${process.version}, ${kcatVersion}, load ${os.loadavg()[0]?.toFixed(1)}`,
);
console.log("");
console.log(`| client | ${targets.map((t) => t.name).join(" | ")} |`);
console.log(`|---|${targets.map(() => "---:").join("|")}|`);
for (const c of CLIENTS) {
  const cells = targets.map((t) => {
    const xs = results.get(`${t.name}\u0000${c}`) ?? [];
    if (xs.length === 0) return "—";
    return `${fmt(rate(median(xs)))} (${fmt(rate(Math.max(...xs)))}–${fmt(rate(Math.min(...xs)))})`;
  });
  console.log(`| ${c} | ${cells.join(" | ")} |`);
}
if (stallReport !== undefined) {
  const mib = (b: number) => (b / (1024 * 1024)).toFixed(0);
  console.log("");
  console.log(
    `stall: the broker stopped for 10 s under a producer sending as fast as it may: RSS ${mib(stallReport.before)} MiB before, ` +
      `at most ${mib(stallReport.during)} MiB during; input accepted ${fmt(stallReport.sentAtStop)} messages before the stop ` +
      `and ${fmt(stallReport.sentAtResume - stallReport.sentAtStop)} more during it; all ${fmt(STALL_MESSAGES)} acknowledged ` +
      `${(stallReport.afterMs / 1000).toFixed(1)} s after the resume`,
  );
}
