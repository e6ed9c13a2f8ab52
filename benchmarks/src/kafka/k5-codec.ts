/**
 * K5 — the Kafka codec: encode and decode a Produce v7 request carrying one
 * RecordBatch of 1,000 records with 100-byte values, and CRC-32C over that
 * batch; @csp-kit/kafka-protocol against kafkajs 2.2.4's and
 * @platformatic/kafka 1.x's codecs, in one process.
 *
 *   npx tsx benchmarks/src/kafka/k5-codec.ts [--runs 9] [--smoke]
 *
 * Cases (each implementation starts from the same 1,000 messages: key null,
 * a 100-byte value, one timestamp, no headers; each builds its own record
 * objects from them, as its producer does):
 *   encode request   messages → RecordBatch → Produce v7 request body bytes
 *                    (kafkajs: produce/v7 request `encode()` + `.buffer`;
 *                    platformatic: `produceV7.createRequest()` + `.buffer`, what
 *                    its connection writes; csp-kit: encodeRecordBatch +
 *                    produceRequest.encode + Writer.finish)
 *   encode batch     messages → RecordBatch bytes only
 *   decode batch     RecordBatch bytes → records (the records field of the
 *                    request; kafkajs and platformatic decode batches, not
 *                    Produce requests: clients never read requests)
 *   decode request   Produce v7 body → request → records (csp-kit only: a broker's job)
 *   crc32c           CRC-32C of the ~110 KB batch; also @node-rs/crc32 called
 *                    directly, the "native implementation" of the target
 * "csp-kit" uses the package's JavaScript CRC-32C (the default); "csp-kit
 * +native" turns on its opt-in native CRC-32C (`enableNativeCrc32c()`, i.e.
 * `@node-rs/crc32`), which @platformatic/kafka uses whenever it is installed
 * (it is here: one of its optional dependencies).
 *
 * Peers: kafkajs 2.2.4 (its internal protocol modules, required by path);
 * @platformatic/kafka 1.35 — the newest 1.x: 2.x needs Node 22, 1.x runs on
 * Node >= 20.19.4 and pulls in @platformatic/dynamic-buffer, wasm-utils, ajv,
 * avsc, debug, fastq, mnemonist and scule (optional: @node-rs/crc32, protobufjs).
 *
 * Method: untimed warm-up (at least 300 ms per implementation), then `runs`
 * rounds; each round times every implementation once, in a rotating order,
 * each timing a loop long enough to take ~100 ms; the table shows the median
 * µs per operation and the min–max over rounds, then the ratios.
 */

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const SOURCE_CONDITION = "--conditions=@csp-kit/source";

// Workspace packages resolve to their TypeScript source under this condition; re-run with it when missing.
if (!process.execArgv.includes(SOURCE_CONDITION)) {
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, SOURCE_CONDITION, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: "inherit" },
  );
  process.exit(child.status ?? 1);
}

const { values } = parseArgs({
  options: { runs: { type: "string", default: "9" }, smoke: { type: "boolean", default: false } },
  strict: true,
});
const RUNS = values.smoke ? 1 : Number(values.runs);
const TARGET_MS = values.smoke ? 5 : 100;
const WARMUP_MS = values.smoke ? 0 : 300;
const RECORDS = 1000;
const VALUE_BYTES = 100;
const TIMESTAMP = 1_760_000_000_000;

const kp = await import("@csp-kit/kafka-protocol");
const require = createRequire(import.meta.url);
const kafkajsRoot = require.resolve("kafkajs").replace(/index\.js$/, "");
const kjs = {
  produceV7: require(`${kafkajsRoot}src/protocol/requests/produce/v7/request.js`) as (args: object) => {
    encode(): Promise<{ buffer: Buffer }>;
  },
  RecordBatch: require(`${kafkajsRoot}src/protocol/recordBatch/v0/index.js`).RecordBatch as (
    args: object,
  ) => Promise<{ buffer: Buffer }>,
  Record: require(`${kafkajsRoot}src/protocol/recordBatch/record/v0/index.js`) as (args: object) => unknown,
  decodeBatch: require(`${kafkajsRoot}src/protocol/recordBatch/v0/decoder.js`) as (
    decoder: unknown,
  ) => Promise<{ records: unknown[] }>,
  Decoder: require(`${kafkajsRoot}src/protocol/decoder.js`) as new (b: Buffer) => unknown,
  crc32C: require(`${kafkajsRoot}src/protocol/recordBatch/crc32C/index.js`) as (b: Buffer) => number,
};
const pk = (await import("@platformatic/kafka")) as unknown as {
  produceV7: { createRequest(acks: number, timeout: number, messages: object[], options: object): { buffer: Buffer } };
  createRecordsBatch(messages: object[], options: object): { buffer: Buffer };
  readRecordsBatches(reader: unknown): Array<{ records: unknown[] }>;
  Reader: { from(b: Buffer): unknown };
  crc32c(b: Buffer): number;
};

/** The native CRC-32C itself, from the protocol package's own (dev) dependency. */
const nodeRs = createRequire(new URL("../../../packages/kafka-protocol/package.json", import.meta.url))(
  "@node-rs/crc32",
) as { crc32c(b: Uint8Array, initial?: number): number };

// ---- inputs ---------------------------------------------------------------------

const values100 = Array.from({ length: RECORDS }, (_, i) => {
  const v = Buffer.alloc(VALUE_BYTES);
  for (let j = 0; j < VALUE_BYTES; j++) v[j] = 97 + ((i * 31 + j * 7) % 26);
  return v;
});

// ---- implementations --------------------------------------------------------------

type Op = () => unknown;

function cspRecords() {
  return values100.map((value) => ({ key: null, value, timestampDelta: 0 }));
}

const cspEncodeBatch = async () =>
  kp.encodeRecordBatch({ baseTimestamp: TIMESTAMP, maxTimestamp: TIMESTAMP, records: cspRecords() });

async function cspEncodeRequest(): Promise<Uint8Array> {
  const records = await cspEncodeBatch();
  const w = new kp.Writer(records.length + 64);
  kp.produceRequest.encode(w, 7, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30_000,
    topicData: [{ name: "k5", partitionData: [{ index: 0, records }] }],
  });
  return w.finish();
}

function kafkajsMessages() {
  return values100.map((value) => ({ key: null, value, timestamp: TIMESTAMP }));
}

async function kafkajsEncodeRequest(): Promise<Buffer> {
  const request = kjs.produceV7({
    acks: -1,
    timeout: 30_000,
    compression: 0,
    topicData: [{ topic: "k5", partitions: [{ partition: 0, messages: kafkajsMessages() }] }],
  });
  return (await request.encode()).buffer;
}

async function kafkajsEncodeBatch(): Promise<Buffer> {
  const records = values100.map((value, i) => kjs.Record({ key: null, value, offsetDelta: i, timestampDelta: 0 }));
  const batch = await kjs.RecordBatch({
    records,
    firstTimestamp: TIMESTAMP,
    maxTimestamp: TIMESTAMP,
    lastOffsetDelta: RECORDS - 1,
  });
  return batch.buffer;
}

function platformaticMessages() {
  return values100.map((value) => ({ topic: "k5", partition: 0, value, timestamp: BigInt(TIMESTAMP) }));
}

const platformaticEncodeRequest = () => pk.produceV7.createRequest(-1, 30_000, platformaticMessages(), {}).buffer;
const platformaticEncodeBatch = () => pk.createRecordsBatch(platformaticMessages(), {}).buffer;

// ---- harness ------------------------------------------------------------------------

interface Impl {
  name: string;
  op: Op;
  /** Runs before each timed loop (the native-CRC toggle). */
  setup?: () => Promise<unknown> | unknown;
}

const useJsCrc = () => kp.setNativeCrc32c(null);
const useNativeCrc = () => kp.enableNativeCrc32c();

async function loop(op: Op, n: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const r = op();
    if (r instanceof Promise) await r;
  }
  return Number(process.hrtime.bigint() - start) / n;
}

/** Median and range of ns/op for each implementation over RUNS rounds. */
async function measure(impls: Impl[]): Promise<Map<string, number[]>> {
  const iterations = new Map<string, number>();
  for (const impl of impls) {
    await impl.setup?.();
    const until = performance.now() + WARMUP_MS;
    let n = 0;
    do {
      const r = impl.op();
      if (r instanceof Promise) await r;
      n++;
    } while (performance.now() < until || n < 3);
    const perOp = await loop(impl.op, 5);
    iterations.set(impl.name, Math.max(3, Math.round((TARGET_MS * 1e6) / perOp)));
  }
  const samples = new Map<string, number[]>(impls.map((i) => [i.name, []]));
  for (let round = 0; round < RUNS; round++) {
    for (let k = 0; k < impls.length; k++) {
      const impl = impls[(round + k) % impls.length]!;
      await impl.setup?.();
      samples.get(impl.name)!.push(await loop(impl.op, iterations.get(impl.name)!));
    }
  }
  useJsCrc();
  return samples;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const results: Array<{ title: string; rows: Array<{ name: string; med: number; min: number; max: number }> }> = [];

async function bench(title: string, impls: Impl[]): Promise<void> {
  process.stderr.write(`measuring: ${title}\n`);
  const samples = await measure(impls);
  results.push({
    title,
    rows: impls.map((i) => {
      const xs = samples.get(i.name)!;
      return { name: i.name, med: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
    }),
  });
}

// ---- correctness first: every encoder's output decodes to the same records ----------------

{
  const ours = await cspEncodeBatch();
  const theirs = [await kafkajsEncodeBatch(), platformaticEncodeBatch()];
  for (const bytes of [ours, ...theirs]) {
    const { batches } = await kp.decodeRecordBatches(bytes);
    const records = batches[0]?.records ?? [];
    if (records.length !== RECORDS || records.some((r, i) => !Buffer.from(r.value!).equals(values100[i]!))) {
      throw new Error("an encoder's batch does not decode to the 1,000 input records");
    }
  }
  const request = await cspEncodeRequest();
  const decoded = kp.produceRequest.decode(new kp.Reader(request), 7);
  const records = decoded.topicData[0]?.partitionData[0]?.records;
  if (records === undefined || records === null || !Buffer.from(records).equals(Buffer.from(ours))) {
    throw new Error("the Produce request does not carry the batch");
  }
  if ((await kp.enableNativeCrc32c()) !== true) throw new Error("@node-rs/crc32 did not load: no native CRC-32C");
  useJsCrc();
}

// ---- the cases ----------------------------------------------------------------------------

await bench("encode a Produce v7 request (1,000 × 100 B, uncompressed)", [
  { name: "csp-kit", op: cspEncodeRequest, setup: useJsCrc },
  { name: "csp-kit +native", op: cspEncodeRequest, setup: useNativeCrc },
  { name: "kafkajs", op: kafkajsEncodeRequest },
  { name: "platformatic", op: platformaticEncodeRequest },
]);

await bench("encode the RecordBatch (1,000 × 100 B, uncompressed)", [
  { name: "csp-kit", op: cspEncodeBatch, setup: useJsCrc },
  { name: "csp-kit +native", op: cspEncodeBatch, setup: useNativeCrc },
  { name: "kafkajs", op: kafkajsEncodeBatch },
  { name: "platformatic", op: platformaticEncodeBatch },
]);

const batchBytes = Buffer.from(await cspEncodeBatch());
const requestBytes = Buffer.from(await cspEncodeRequest());

await bench("decode the RecordBatch (1,000 records)", [
  { name: "csp-kit", op: () => kp.decodeRecordBatches(batchBytes), setup: useJsCrc },
  { name: "csp-kit +native", op: () => kp.decodeRecordBatches(batchBytes), setup: useNativeCrc },
  { name: "csp-kit no-crc", op: () => kp.decodeRecordBatches(batchBytes, { verifyCrc: false }) },
  { name: "kafkajs", op: () => kjs.decodeBatch(new kjs.Decoder(batchBytes)) },
  { name: "platformatic", op: () => pk.readRecordsBatches(pk.Reader.from(batchBytes)) },
]);

const decodeRequest = async () => {
  const request = kp.produceRequest.decode(new kp.Reader(requestBytes), 7);
  return kp.decodeRecordBatches(request.topicData[0]!.partitionData[0]!.records!);
};
await bench("decode the Produce v7 request, records included (csp-kit only)", [
  { name: "csp-kit", op: decodeRequest, setup: useJsCrc },
  { name: "csp-kit +native", op: decodeRequest, setup: useNativeCrc },
]);

await bench(`CRC-32C of the batch (${batchBytes.length - 21} bytes)`, [
  { name: "csp-kit", op: () => kp.crc32c(batchBytes), setup: useJsCrc },
  { name: "csp-kit +native", op: () => kp.crc32c(batchBytes), setup: useNativeCrc },
  { name: "kafkajs", op: () => kjs.crc32C(batchBytes) },
  { name: "platformatic", op: () => pk.crc32c(batchBytes) },
  { name: "@node-rs/crc32", op: () => nodeRs.crc32c(batchBytes) },
]);

// ---- report -------------------------------------------------------------------------------

const us = (ns: number) => (ns / 1000).toFixed(ns < 10_000 ? 2 : 1);
/** A dependency's version, from the package.json above its entry point (its exports map may hide package.json). */
function version(pkg: string): string {
  let dir = path.dirname(require.resolve(pkg));
  for (;;) {
    const file = path.join(dir, "package.json");
    if (existsSync(file)) {
      const json = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (json.name === pkg) return json.version ?? "?";
    }
    const up = path.dirname(dir);
    if (up === dir) return "?";
    dir = up;
  }
}
console.log(
  `\nK5 codec — Node ${process.version}, ${os.cpus()[0]?.model ?? "?"} × ${os.cpus().length}; ` +
    `kafkajs ${version("kafkajs")}, @platformatic/kafka ${version("@platformatic/kafka")}; ` +
    `${RUNS} rounds, median (min–max) µs/op${values.smoke ? " — SMOKE, numbers meaningless" : ""}\n`,
);
for (const { title, rows } of results) {
  console.log(title);
  const ours = rows.find((r) => r.name === "csp-kit")!.med;
  for (const r of rows) {
    const ratio = r.name === "csp-kit" ? "" : `  ${(r.med / ours).toFixed(2)}x csp-kit's time`;
    console.log(`  ${r.name.padEnd(16)} ${us(r.med).padStart(8)}  (${us(r.min)}–${us(r.max)})${ratio}`);
  }
  console.log("");
}

const get = (title: string, name: string) =>
  results.find((r) => r.title.startsWith(title))!.rows.find((r) => r.name === name)!.med;
const enc = "encode a Produce";
const crc = "CRC-32C";
console.log("Targets:");
console.log(
  `  encode request: kafkajs / csp-kit = ${(get(enc, "kafkajs") / get(enc, "csp-kit")).toFixed(2)}x (target >= 3), ` +
    `platformatic / csp-kit = ${(get(enc, "platformatic") / get(enc, "csp-kit")).toFixed(2)}x (target >= 1); ` +
    `with native CRC: ${(get(enc, "kafkajs") / get(enc, "csp-kit +native")).toFixed(2)}x and ` +
    `${(get(enc, "platformatic") / get(enc, "csp-kit +native")).toFixed(2)}x`,
);
console.log(
  `  CRC-32C: csp-kit JS / @node-rs/crc32 = ${(get(crc, "csp-kit") / get(crc, "@node-rs/crc32")).toFixed(2)}x ` +
    `the time (target <= 2); csp-kit +native / @node-rs/crc32 = ` +
    `${(get(crc, "csp-kit +native") / get(crc, "@node-rs/crc32")).toFixed(2)}x; ` +
    `platformatic's crc32c (it copies its input first) / @node-rs/crc32 = ` +
    `${(get(crc, "platformatic") / get(crc, "@node-rs/crc32")).toFixed(2)}x`,
);
