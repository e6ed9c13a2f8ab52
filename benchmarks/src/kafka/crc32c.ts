/**
 * CRC-32C throughput: @csp-kit/kafka-protocol (JavaScript, and with its native
 * accelerator on) against native implementations and the Kafka clients' own.
 *
 *   npx tsx benchmarks/src/kafka/crc32c.ts [--rounds 3] [--runs 5] [--smoke]
 *
 * Implementations (each skipped, with a note, when it does not load here):
 *   csp-kit js          crc32cJs: slicing-by-16, pure JavaScript
 *   csp-kit native-on   crc32c after enableNativeCrc32c(): @node-rs/crc32 from 512 B, JS below
 *   @node-rs/crc32      napi-rs, prebuilt binaries (SSE4.2 / ARMv8 CRC instructions)
 *   sse4_crc32          node-gyp addon (compiled at install; not a dependency here)
 *   kafkajs             kafkajs 2.2.4's byte-at-a-time table
 *   platformatic        @platformatic/kafka's exported crc32c (native when @node-rs/crc32 loads, WASM otherwise)
 *   platformatic-js     @platformatic/kafka's jsCRC32C (byte-at-a-time)
 *   wasm-utils          @platformatic/wasm-utils' WebAssembly crc32c (platformatic's fallback)
 *
 * Every implementation × size runs in a child process of its own (one JIT
 * profile per call site), in rounds that visit the implementations in a
 * rotating order, so a shared machine's drift spreads over all columns. Each
 * child checks its answers against crc32cJs before timing. The table shows,
 * per size, the median throughput over rounds × runs, and the ratio to
 * @node-rs/crc32 (the "native implementation" of the target: within 2x).
 */

import { fork } from "node:child_process";
import { createRequire } from "node:module";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const SIZES = [100, 1024, 100 * 1024, 1024 * 1024] as const;
const IMPLS = [
  "csp-kit js",
  "csp-kit native-on",
  "@node-rs/crc32",
  "sse4_crc32",
  "kafkajs",
  "platformatic",
  "platformatic-js",
  "wasm-utils",
] as const;
type Impl = (typeof IMPLS)[number];
type Crc = (bytes: Uint8Array) => number;

const { values } = parseArgs({
  options: {
    child: { type: "string" },
    size: { type: "string" },
    runs: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    smoke: { type: "boolean", default: false },
  },
  strict: true,
});

const require = createRequire(import.meta.url);

/** Loads one implementation, or returns why it cannot. */
async function load(impl: Impl): Promise<Crc | string> {
  try {
    switch (impl) {
      case "csp-kit js": {
        const { crc32cJs } = await import("@csp-kit/kafka-protocol");
        return (b) => crc32cJs(b);
      }
      case "csp-kit native-on": {
        const { crc32c, enableNativeCrc32c } = await import("@csp-kit/kafka-protocol");
        if (!(await enableNativeCrc32c())) return "@node-rs/crc32 not loadable";
        return (b) => crc32c(b);
      }
      case "@node-rs/crc32": {
        const { crc32c } = await import("@node-rs/crc32");
        return (b) => crc32c(b);
      }
      case "sse4_crc32": {
        const m = require("sse4_crc32") as { calculate: (b: Uint8Array) => number };
        return (b) => m.calculate(b);
      }
      case "kafkajs": {
        const f = require("kafkajs/src/protocol/recordBatch/crc32C/index.js") as (b: Buffer) => number;
        return (b) => f(b as Buffer);
      }
      case "platformatic": {
        const { crc32c } = await import("@platformatic/kafka");
        return (b) => crc32c(b as Buffer);
      }
      case "platformatic-js": {
        const { jsCRC32C } = await import("@platformatic/kafka");
        return (b) => jsCRC32C(b as Buffer);
      }
      case "wasm-utils": {
        const { crc32c } = await import("@platformatic/wasm-utils");
        return (b) => crc32c(b);
      }
    }
  } catch (e) {
    return `not installed (${(e as Error).message.split("\n")[0]})`;
  }
}

/** Child: time one implementation on one size; print one JSON line of MiB/s per run. */
async function child(impl: Impl, size: number, runs: number, smoke: boolean): Promise<void> {
  const f = await load(impl);
  if (typeof f === "string") {
    process.stdout.write(`${JSON.stringify({ skipped: f })}\n`);
    return;
  }
  const { crc32cJs } = await import("@csp-kit/kafka-protocol");
  const buf = Buffer.alloc(size);
  for (let i = 0; i < size; i++) buf[i] = (i * 131 + (i >>> 8) * 7 + 17) & 255;
  const want = crc32cJs(buf);
  if (f(buf) !== want || f(Buffer.from("123456789")) !== 0xe3069283) {
    process.stderr.write(`${impl}: WRONG CRC at ${size} B (got ${f(buf)}, want ${want})\n`);
    process.exit(1);
  }
  // Enough calls for ~64 MiB per run (≥ 200 calls); a tenth of that warms up.
  const calls = smoke ? 20 : Math.max(200, Math.floor((64 * 2 ** 20) / size));
  let sink = 0;
  for (let i = 0; i < Math.max(20, calls / 10); i++) sink ^= f(buf);
  const mibs: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) sink ^= f(buf);
    const ns = Number(process.hrtime.bigint() - t0);
    mibs.push((size * calls) / 2 ** 20 / (ns / 1e9));
  }
  process.stdout.write(`${JSON.stringify({ mibs, sink })}\n`);
}

function runChild(
  impl: Impl,
  size: number,
  runs: number,
  smoke: boolean,
): Promise<{ mibs?: number[]; skipped?: string }> {
  return new Promise((resolve, reject) => {
    const args = ["--child", impl, "--size", String(size), "--runs", String(runs), ...(smoke ? ["--smoke"] : [])];
    const cp = fork(fileURLToPath(import.meta.url), args, {
      execArgv: [...process.execArgv, "--conditions=@csp-kit/source"],
      stdio: ["ignore", "pipe", "inherit", "ipc"],
    });
    let out = "";
    cp.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    cp.on("exit", (code) => {
      if (code !== 0) reject(new Error(`${impl} @ ${size} B exited with ${code}`));
      else resolve(JSON.parse(out.trim().split("\n").pop() ?? "{}"));
    });
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** Prints one markdown table: per implementation and size, `stat` of its samples and the ratio to @node-rs/crc32's. */
function table(samples: Map<string, number[]>, skipped: Map<Impl, string>, stat: (xs: number[]) => number): void {
  const header = ["implementation", ...SIZES.map(label)];
  const rows: string[][] = [];
  for (const impl of IMPLS) {
    if (skipped.has(impl)) continue;
    rows.push([
      impl,
      ...SIZES.map((size) => {
        const m = stat(samples.get(`${impl}|${size}`) ?? [Number.NaN]);
        const ref = stat(samples.get(`@node-rs/crc32|${size}`) ?? [Number.NaN]);
        return `${m.toFixed(0)} (${(ref / m).toFixed(2)}x)`;
      }),
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const r of rows) console.log(line(r));
}

const label = (size: number): string =>
  size >= 2 ** 20 ? `${size / 2 ** 20} MiB` : size >= 1024 ? `${size / 1024} KiB` : `${size} B`;

async function main(): Promise<void> {
  const runs = Number(values.runs);
  const rounds = values.smoke ? 1 : Number(values.rounds);
  const samples = new Map<string, number[]>();
  const skipped = new Map<Impl, string>();
  for (let round = 0; round < rounds; round++) {
    for (const size of SIZES) {
      const order = IMPLS.map((_, i) => IMPLS[(i + round) % IMPLS.length] as Impl);
      for (const impl of order) {
        if (skipped.has(impl)) continue;
        const r = await runChild(impl, size, runs, values.smoke);
        if (r.skipped !== undefined) {
          skipped.set(impl, r.skipped);
          continue;
        }
        const k = `${impl}|${size}`;
        samples.set(k, [...(samples.get(k) ?? []), ...(r.mibs ?? [])]);
      }
    }
  }
  const cpus = os.cpus();
  console.log(
    `CRC-32C throughput, median MiB/s of ${rounds} rounds × ${runs} runs (ratio = @node-rs/crc32 ÷ this; ≤ 2 meets the target)`,
  );
  console.log(
    `${cpus[0]?.model.trim()} × ${cpus.length}, Node ${process.version}, load ${os.loadavg()[0]?.toFixed(2)}\n`,
  );
  table(samples, skipped, median);
  console.log("\nBest run (the least disturbed by other load on a shared machine), MiB/s and ratio:\n");
  table(samples, skipped, (xs) => Math.max(...xs));
  for (const [impl, why] of skipped) console.log(`\n${impl}: skipped, ${why}`);
}

if (values.child !== undefined) {
  await child(values.child as Impl, Number(values.size), Number(values.runs), values.smoke);
} else {
  await main();
}
