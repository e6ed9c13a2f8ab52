/**
 * K2 — the consumer benchmark: consume N (default 1,000,000) 100-byte
 * messages from one partition, with this package's Consumer (the library
 * loop, and the csp-kit-consume CLI writing to /dev/null) and with
 * `kcat -C -e` on the same data; then the slow-partition scenario: the
 * throughput of three partitions while a fourth on the same broker is never
 * read, against the three alone.
 *
 *   npx tsx --conditions=@csp-kit/source packages/kafka-consumer/bench/k2.ts [--kafka HOST:PORT] [--messages N] [--runs R]
 *
 * Without `--kafka` it starts the csp-kit broker in a child process (so the
 * broker and the consumer do not share an event loop). The data is written
 * with `kcat -P` (batches as librdkafka makes them). Every consuming run
 * checks that it got exactly N messages, offsets 0..N-1 in order, each of
 * 100 bytes, or it fails instead of printing a number. Medians of R runs.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, openSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Consumer } from "../src/index.js";

const { values } = parseArgs({
  options: {
    kafka: { type: "string" },
    messages: { type: "string", default: "1000000" },
    runs: { type: "string", default: "3" },
    "fetch-size": { type: "string", default: String(1 << 20) },
    /** "single" or "slow" to run one scenario only (default both). */
    only: { type: "string" },
    /** Messages per partition in the slow-partition scenario (default N / 4). */
    "slow-per-partition": { type: "string" },
  },
});
const N = Number(values.messages);
const RUNS = Number(values.runs);
const FETCH = Number(values["fetch-size"]);
const here = fileURLToPath(new URL(".", import.meta.url));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function run(cmd: string, args: string[], input?: Buffer, stdout: "null" | "pipe" = "pipe"): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, {
      stdio: [input === undefined ? "ignore" : "pipe", stdout === "null" ? openSync("/dev/null", "w") : "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (c: string) => {
      stderr += c;
    });
    child.stdout?.resume();
    if (input !== undefined) child.stdin!.end(input);
    child.on("exit", (code) => {
      if (code === 0) resolve(performance.now() - started);
      else reject(new Error(`${cmd} ${args.join(" ")} exited ${code}: ${stderr}`));
    });
  });
}

async function startOurBroker(): Promise<{ bootstrap: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      "--conditions=@csp-kit/source",
      "--import",
      "tsx",
      `${here}broker-entry.ts`,
      "--port",
      "0",
      "--partitions",
      "1",
      "--log-level",
      "error",
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const line = await new Promise<string>((resolve) => {
    let out = "";
    child.stdout!.setEncoding("utf8").on("data", (c: string) => {
      out += c;
      if (out.includes("\n")) resolve(out);
    });
  });
  const m = /listening on ([^ ]+) /.exec(line);
  if (m === null) throw new Error(`no listening line: ${line}`);
  return { bootstrap: m[1]!, child };
}

/** N lines of 100 bytes (a counter padded with x): the kcat -P input. */
function lines(n: number): Buffer {
  const b = Buffer.alloc(n * 101, "x");
  for (let i = 0; i < n; i++) {
    b.write(String(i), i * 101, "latin1");
    b[i * 101 + 100] = 0x0a;
  }
  return b;
}

async function produce(bootstrap: string, topic: string, partition: number, n: number): Promise<void> {
  await run("kcat", ["-P", "-b", bootstrap, "-t", topic, "-p", String(partition), "-X", "linger.ms=20"], lines(n));
}

/** Consumes `count` messages of each partition with the library; resolves with the seconds it took. */
async function consumeLibrary(bootstrap: string, topic: string, partitions: number[], count: number, stuck?: number) {
  const consumer = new Consumer({ bootstrap: [bootstrap], fetch: { default: FETCH }, maxWaitTime: 100 });
  const started = performance.now();
  if (stuck !== undefined) await consumer.consumePartition(topic, stuck, "oldest");
  const pcs = await Promise.all(partitions.map((p) => consumer.consumePartition(topic, p, "oldest")));
  await Promise.all(
    pcs.map(async (pc) => {
      let expected = 0n;
      const end = BigInt(count);
      const m = pc.messages;
      while (expected < end) {
        let r = m.tryRecv();
        if (r === "would-block") r = await m.recv();
        if (r.isNone()) throw new Error("closed early");
        const msg = r.value;
        if (msg.offset !== expected || msg.value?.length !== 100) {
          throw new Error(
            `partition ${pc.partition}: got offset ${msg.offset} (${msg.value?.length} bytes), expected ${expected}`,
          );
        }
        expected++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await consumer.close();
  return seconds;
}

async function main(): Promise<void> {
  const broker = values.kafka === undefined ? await startOurBroker() : undefined;
  const bootstrap = values.kafka ?? broker!.bootstrap;
  const which = values.kafka === undefined ? "csp-kit broker" : "Apache Kafka";
  const topic = `k2-${process.pid}`;
  try {
    if (values.only !== "slow") await single(bootstrap, topic, which);
    if (values.only !== "single") await slow(bootstrap);
  } finally {
    broker?.child.kill("SIGINT");
  }
}

/** The one-partition scenario: the library, the CLI and kcat on the same N messages. */
async function single(bootstrap: string, topic: string, which: string): Promise<void> {
  process.stderr.write(`producing ${N} messages to ${which} at ${bootstrap}…\n`);
  await produce(bootstrap, topic, 0, N);
  const lib: number[] = [];
  const cli: number[] = [];
  const kcat: number[] = [];
  // The built bin when there is one (as users run it), else the source through tsx.
  const built = existsSync(`${here}../dist/cli.js`);
  const cliArgs = built
    ? [`${here}../bin/csp-kit-consume.mjs`]
    : ["--conditions=@csp-kit/source", "--import", "tsx", `${here}../test/support/cli-entry.ts`];
  for (let i = 0; i < RUNS; i++) {
    lib.push(await consumeLibrary(bootstrap, topic, [0], N));
    kcat.push(
      (await run(
        "kcat",
        ["-C", "-b", bootstrap, "-t", topic, "-p", "0", "-o", "beginning", "-e", "-q"],
        undefined,
        "null",
      )) / 1000,
    );
    cli.push(
      (await run(
        process.execPath,
        [...cliArgs, "-b", bootstrap, "-t", topic, "-p", "0", "-e", "-q", "--fetch-size", String(FETCH)],
        undefined,
        "null",
      )) / 1000,
    );
  }
  const rate = (s: number) => Math.round(N / s).toLocaleString("en-US");
  console.log(`K2 on ${which}, ${N} messages of 100 bytes, 1 partition, fetch ${FETCH} bytes, median of ${RUNS}:`);
  console.log(
    `  @csp-kit/kafka-consumer (library loop)   ${rate(median(lib))} msg/s   runs ${lib.map((s) => s.toFixed(2)).join(" ")} s`,
  );
  console.log(
    `  csp-kit-consume -e -q > /dev/null (${built ? "bin" : "tsx"}) ${rate(median(cli))} msg/s   runs ${cli.map((s) => s.toFixed(2)).join(" ")} s`,
  );
  console.log(
    `  kcat -C -e -q > /dev/null                  ${rate(median(kcat))} msg/s   runs ${kcat.map((s) => s.toFixed(2)).join(" ")} s`,
  );
}

/** The slow-partition scenario: 4 partitions; partition 0 is never read in the "stuck" runs. */
async function slow(bootstrap: string): Promise<void> {
  const slowTopic = `k2s-${process.pid}`;
  const per = values["slow-per-partition"] === undefined ? Math.floor(N / 4) : Number(values["slow-per-partition"]);
  await createPartitions(bootstrap, slowTopic, 4);
  for (let p = 0; p < 4; p++) await produce(bootstrap, slowTopic, p, per);
  const alone: number[] = [];
  const stuck: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    alone.push(await consumeLibrary(bootstrap, slowTopic, [1, 2, 3], per));
    stuck.push(await consumeLibrary(bootstrap, slowTopic, [1, 2, 3], per, 0));
  }
  const a = (3 * per) / median(alone);
  const s = (3 * per) / median(stuck);
  console.log(`slow partition, 3 partitions of ${per} read, 4 on the same broker, median of ${RUNS}:`);
  console.log(`  partitions 1-3 alone                        ${Math.round(a).toLocaleString("en-US")} msg/s`);
  const extra = (median(stuck) - median(alone)) * 1000;
  console.log(
    `  partitions 1-3, partition 0 never read      ${Math.round(s).toLocaleString("en-US")} msg/s  ` +
      `(${((1 - s / a) * 100).toFixed(1)}% slower: ${extra.toFixed(0)} ms more in all; maxProcessingTime is 100 ms)`,
  );
}

/** Creates `topic` with `partitions` partitions (CreateTopics through a throwaway connection). */
async function createPartitions(bootstrap: string, topic: string, partitions: number): Promise<void> {
  const { BrokerConnection } = await import("@csp-kit/kafka-client");
  const { ApiKey } = await import("@csp-kit/kafka-protocol");
  const { realClock } = await import("@csp-kit/timers");
  const c = await BrokerConnection.connect(bootstrap, {
    clientId: "k2",
    dialTimeout: 5000,
    readTimeout: 30_000,
    tls: undefined,
    clock: realClock,
  });
  try {
    const r = await c.request(
      ApiKey.CreateTopics,
      {
        topics: [{ name: topic, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }],
        timeoutMs: 30_000,
        validateOnly: false,
      },
      { version: 4 },
    );
    const code = r?.topics[0]?.errorCode ?? -1;
    if (code !== 0 && code !== 36) throw new Error(`CreateTopics failed with ${code}`);
  } finally {
    c.close();
  }
}

await main();
