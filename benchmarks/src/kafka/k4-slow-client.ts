/**
 * K4 — a stuck consumer beside ten fast ones: the fast consumers' Fetch
 * latency (p50, p99) with and without one client that sends Fetch requests
 * and never reads a byte of the answers, against @csp-kit/kafka-broker.
 *
 *   npx tsx benchmarks/src/kafka/k4-slow-client.ts [--runs 3] [--seconds 10] [--rate 20000] [--smoke]
 *
 * Method:
 * - the broker runs as its own process: the `csp-kit-broker` bin as it
 *   ships (dist/, rebuilt first when src/ is older), default settings
 *   (slow-client policy `soft 64 MiB for 60 s`), a fresh process per phase;
 * - one topic of 10 partitions; one producer connection sends a Produce
 *   (acks=1) every 2 ms with `rate / 500` records of 100 bytes spread over
 *   the partitions, a steady stream;
 * - ten fast consumers, one connection each, each reading every partition
 *   from offset 0: a Fetch long poll (max_wait 100 ms, min_bytes 1) at a
 *   time, the next one sent as soon as the answer is in; each records the
 *   latency of every request (send to last byte of the answer);
 * - the stuck client (second phase only) connects, pauses its socket
 *   (never reads), and keeps sending Fetch requests for every partition from
 *   offset 0 with 1 MiB per partition (large answers, as a lagging consumer
 *   asks for), as fast as its own socket takes them;
 * - the first 2 s of each phase are warm-up, not counted; then `seconds`
 *   of measurement; then the producer stops and every fast consumer reads
 *   to the end: it must have received every offset of every partition
 *   exactly once, in order, each batch's CRC-32C checked, or the run fails;
 * - phases alternate (without, with) `runs` times; the table shows the
 *   fast consumers' latency percentiles over all their requests of each
 *   phase, per run and overall, and the ratio of p99 with to p99 without.
 *   Clients and broker share the machine's cores.
 */

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { connect, type Socket } from "node:net";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  ApiKey,
  decodeResponse,
  encodeRecordBatchSync,
  encodeRequest,
  FrameSplitter,
  type MessageApiKey,
  type RequestBodies,
  readBatchHeaders,
} from "@csp-kit/kafka-protocol";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    seconds: { type: "string", default: "10" },
    rate: { type: "string", default: "20000" },
    smoke: { type: "boolean", default: false },
  },
  strict: true,
});
const RUNS = values.smoke ? 1 : Number(values.runs);
const MEASURE_MS = (values.smoke ? 2 : Number(values.seconds)) * 1000;
const WARMUP_MS = values.smoke ? 500 : 2000;
const RATE = Number(values.rate);
const PARTITIONS = 10;
const FAST_CLIENTS = 10;
const PRODUCE_EVERY_MS = 2;
const RECORDS_PER_PRODUCE = Math.max(PARTITIONS, Math.round((RATE * PRODUCE_EVERY_MS) / 1000));
const VALUE_BYTES = 100;
const TOPIC = "k4";
const NO_UUID = "AAAAAAAAAAAAAAAAAAAAAA";
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const BROKER_DIR = join(ROOT, "packages/kafka-broker");
const BIN = join(BROKER_DIR, "bin/csp-kit-broker.mjs");

const log = (line: string) => process.stderr.write(`k4: ${line}\n`);

// ---- the broker process -------------------------------------------------------------

function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) t = Math.max(t, statSync(join(entry.parentPath ?? dir, entry.name)).mtimeMs);
  }
  return t;
}

function ensureBuilt(): void {
  const built = join(BROKER_DIR, "dist/cli.js");
  if (!existsSync(built) || statSync(built).mtimeMs < newest(join(BROKER_DIR, "src"))) {
    log("building @csp-kit/kafka-broker (its dist/ is missing or older than src/)");
    execFileSync("npx", ["-y", "pnpm@10.34.8", "build"], { cwd: BROKER_DIR, stdio: ["ignore", "ignore", "inherit"] });
  }
}

async function startBrokerProcess(): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [BIN, "--port", "0", "--partitions", String(PARTITIONS), "--log-level", "warn"],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stderr!.setEncoding("utf8").on("data", (c: string) => {
    for (const line of c.split("\n")) if (line.trim() !== "") log(`broker: ${line.slice(0, 300)}`);
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.setEncoding("utf8").on("data", (c: string) => {
      out += c;
      if (out.includes("\n")) resolve(out);
    });
    child.once("exit", (code) => reject(new Error(`csp-kit-broker exited with ${code} before listening`)));
  });
  const m = /listening on \S+:(\d+)/.exec(line);
  if (m === null) throw new Error(`unexpected first line: ${line}`);
  return { port: Number(m[1]), child };
}

function stopBrokerProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

// ---- a raw client ------------------------------------------------------------------

/** One connection: requests pipelined, answers matched in order; `paused` never reads. */
class Client {
  readonly socket: Socket;
  readonly #splitter = new FrameSplitter();
  readonly #waiting: ((frame: Uint8Array) => void)[] = [];
  #correlation = 0;
  closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on("data", (chunk: Buffer) => {
      for (const frame of this.#splitter.push(chunk)) this.#waiting.shift()?.(frame);
    });
    socket.on("close", () => {
      this.closed = true;
    });
    socket.on("error", () => {});
  }

  static open(port: number): Promise<Client> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port }, () => {
        socket.off("error", reject);
        socket.setNoDelay(true);
        resolve(new Client(socket));
      });
      socket.once("error", reject);
    });
  }

  /** Writes a request; resolves with the answer's frame (never, for a paused client). */
  send<K extends MessageApiKey>(apiKey: K, version: number, body: RequestBodies[K]): Promise<Uint8Array> {
    const correlationId = ++this.#correlation;
    const answer = new Promise<Uint8Array>((resolve) => this.#waiting.push(resolve));
    this.socket.write(encodeRequest({ apiKey, apiVersion: version, correlationId, clientId: "k4" }, body));
    return answer;
  }

  close(): void {
    this.socket.destroy();
  }
}

function fetchBody(offsets: readonly bigint[], maxWaitMs: number, partitionMaxBytes: number): RequestBodies[1] {
  return {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1n },
    maxWaitMs,
    minBytes: 1,
    maxBytes: 64 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic: TOPIC,
        topicId: NO_UUID,
        partitions: offsets.map((fetchOffset, partition) => ({
          partition,
          currentLeaderEpoch: -1,
          fetchOffset,
          lastFetchedEpoch: -1,
          logStartOffset: -1n,
          partitionMaxBytes,
          replicaDirectoryId: NO_UUID,
        })),
      },
    ],
    forgottenTopicsData: [],
    rackId: "",
  };
}

/**
 * Bytes the kernel holds received and unread for the local TCP port `port`
 * (Linux: `rx_queue` in /proc/net/tcp), or undefined elsewhere: what the
 * broker has sent the stuck client and it never took.
 */
function unreadBytes(port: number): number | undefined {
  let table: string;
  try {
    table = readFileSync("/proc/net/tcp", "utf8");
  } catch {
    return undefined;
  }
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  for (const line of table.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[1]?.endsWith(`:${hex}`)) return Number.parseInt(f[4]?.split(":")[1] ?? "0", 16);
  }
  return undefined;
}

// ---- one phase -------------------------------------------------------------------

interface Phase {
  readonly latencies: number[];
  readonly produced: number;
  readonly stuckRequests: number;
  readonly stuckClosedByBroker: boolean;
  /** Bytes of answers sitting unread in the stuck client's socket at the end of the measurement. */
  readonly stuckUnread: number | undefined;
}

const VALUE = new Uint8Array(VALUE_BYTES).fill(0x61);

async function phase(withStuck: boolean): Promise<Phase> {
  const { port, child } = await startBrokerProcess();
  const clients: Client[] = [];
  try {
    const producer = await Client.open(port);
    clients.push(producer);
    // Metadata creates the topic (10 partitions: --partitions).
    await producer.send(ApiKey.Metadata, 9, {
      topics: [{ topicId: NO_UUID, name: TOPIC }],
      allowAutoTopicCreation: true,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
    const perPartition = Math.ceil(RECORDS_PER_PRODUCE / PARTITIONS);
    const batch = encodeRecordBatchSync({
      records: Array.from({ length: perPartition }, (_, i) => ({ key: null, value: VALUE, timestampDelta: i })),
      baseTimestamp: Date.now(),
      maxTimestamp: Date.now(),
    });
    const produceBody: RequestBodies[0] = {
      transactionalId: null,
      acks: 1,
      timeoutMs: 30_000,
      topicData: [
        { name: TOPIC, partitionData: Array.from({ length: PARTITIONS }, (_, index) => ({ index, records: batch })) },
      ],
    };

    // Producer: one Produce every 2 ms (never more than 4 in flight).
    let producing = true;
    let produced = 0;
    let inFlight = 0;
    const ticker = setInterval(() => {
      if (!producing || inFlight >= 4) return;
      inFlight++;
      void producer.send(ApiKey.Produce, 7, produceBody).then(() => {
        inFlight--;
        produced += perPartition * PARTITIONS;
      });
    }, PRODUCE_EVERY_MS);

    // Fast consumers.
    const started = performance.now();
    const measureFrom = started + WARMUP_MS;
    const measureTo = measureFrom + MEASURE_MS;
    const latencies: number[] = [];
    let failure: Error | undefined;
    const fast = await Promise.all(Array.from({ length: FAST_CLIENTS }, () => Client.open(port)));
    clients.push(...fast);
    let finalTargets: bigint[] | undefined;
    const consumers = fast.map(async (c) => {
      const offsets = Array.from({ length: PARTITIONS }, () => 0n);
      for (;;) {
        if (finalTargets !== undefined && offsets.every((o, p) => o >= (finalTargets as bigint[])[p]!)) return offsets;
        const t0 = performance.now();
        const frame = await c.send(ApiKey.Fetch, 11, fetchBody(offsets, 100, 1 << 20));
        const t1 = performance.now();
        if (t0 >= measureFrom && t1 <= measureTo) latencies.push(t1 - t0);
        const body = decodeResponse(ApiKey.Fetch, 11, frame).body;
        for (const p of body.responses[0]?.partitions ?? []) {
          if (p.errorCode !== 0) throw new Error(`fetch of partition ${p.partitionIndex}: error ${p.errorCode}`);
          if (p.records === null) continue;
          for (const h of readBatchHeaders(p.records).headers) {
            const last = h.baseOffset + BigInt(h.lastOffsetDelta);
            if (last < offsets[p.partitionIndex]!) continue;
            if (h.baseOffset !== offsets[p.partitionIndex])
              throw new Error(
                `partition ${p.partitionIndex}: a gap at ${offsets[p.partitionIndex]} (got ${h.baseOffset})`,
              );
            offsets[p.partitionIndex] = last + 1n;
          }
        }
      }
    });
    const consuming = Promise.all(consumers).catch((error: Error) => {
      failure = error;
      return [];
    });

    // The stuck client: sends Fetch requests for everything and never reads.
    let stuckRequests = 0;
    let stuck: Client | undefined;
    let stuckTimer: NodeJS.Timeout | undefined;
    if (withStuck) {
      stuck = await Client.open(port);
      clients.push(stuck);
      stuck.socket.pause();
      const s = stuck;
      stuckTimer = setInterval(() => {
        // As fast as its own socket takes them (never an unbounded queue in this process).
        while (!s.closed && !s.socket.writableNeedDrain) {
          void s.send(ApiKey.Fetch, 11, fetchBody(Array(PARTITIONS).fill(0n), 0, 1 << 20));
          stuckRequests++;
          if (stuckRequests % 64 === 0) break;
        }
      }, 5);
    }

    await new Promise((resolve) => setTimeout(resolve, WARMUP_MS + MEASURE_MS));
    producing = false;
    clearInterval(ticker);
    while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    if (stuckTimer !== undefined) clearInterval(stuckTimer);
    const stuckClosedByBroker = stuck?.closed ?? false;
    const stuckUnread = stuck === undefined ? undefined : unreadBytes(stuck.socket.localPort ?? 0);
    finalTargets = Array.from({ length: PARTITIONS }, () => BigInt(produced / PARTITIONS));
    const ends = await consuming;
    if (failure !== undefined) throw failure;
    for (const offsets of ends)
      if (offsets.some((o, p) => o !== finalTargets![p]))
        throw new Error(`a consumer ended at ${offsets.join(",")}, expected ${finalTargets.join(",")}`);
    return { latencies, produced, stuckRequests, stuckClosedByBroker, stuckUnread };
  } finally {
    for (const c of clients) c.close();
    await stopBrokerProcess(child);
  }
}

// ---- the runs -------------------------------------------------------------------

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

ensureBuilt();
const rows: { run: string; without: number[]; with: number[]; note: string }[] = [];
const allWithout: number[] = [];
const allWith: number[] = [];
for (let r = 1; r <= RUNS; r++) {
  const a = await phase(false);
  const b = await phase(true);
  log(
    `run ${r}: without ${a.latencies.length} fetches, ${a.produced} records; with ${b.latencies.length} fetches, ${b.produced} records, the stuck client sent ${b.stuckRequests} requests and left ${b.stuckUnread ?? "?"} bytes of answers unread${b.stuckClosedByBroker ? "; it was disconnected" : ""}`,
  );
  rows.push({
    run: String(r),
    without: a.latencies.sort((x, y) => x - y),
    with: b.latencies.sort((x, y) => x - y),
    note: `${b.stuckRequests} stuck requests${b.stuckClosedByBroker ? ", disconnected" : ""}`,
  });
  allWithout.push(...a.latencies);
  allWith.push(...b.latencies);
}
rows.push({
  run: "all",
  without: allWithout.sort((x, y) => x - y),
  with: allWith.sort((x, y) => x - y),
  note: "",
});

const cpus = os.cpus();
console.log(
  `K4 — ${FAST_CLIENTS} fast consumers (Fetch long polls on ${PARTITIONS} partitions) beside one client that never reads; ${RATE.toLocaleString("en-US")} records/s of ${VALUE_BYTES} bytes produced; ${MEASURE_MS / 1000} s measured per phase, ${RUNS} runs`,
);
console.log(
  `machine: ${cpus[0]?.model.trim()} × ${cpus.length}, Node ${process.version}, load ${os.loadavg()[0]?.toFixed(1)}`,
);
console.log("");
console.log(
  "| run | p50 without (ms) | p99 without (ms) | p50 with (ms) | p99 with (ms) | p99 ratio | fetches without / with |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|");
const ms = (x: number) => x.toFixed(2);
for (const row of rows) {
  const p99a = percentile(row.without, 99);
  const p99b = percentile(row.with, 99);
  console.log(
    `| ${row.run} | ${ms(percentile(row.without, 50))} | ${ms(p99a)} | ${ms(percentile(row.with, 50))} | ${ms(p99b)} | ${(p99b / p99a).toFixed(2)} | ${row.without.length} / ${row.with.length} |`,
  );
}
