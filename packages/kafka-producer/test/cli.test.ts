import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type Broker, startBroker } from "@csp-kit/kafka-broker";
import { afterEach, describe, expect, it } from "vitest";
import { parseCli } from "../src/cli.js";
import { readAll } from "./support/read-back.js";

const ENTRY = fileURLToPath(new URL("./support/cli-entry.ts", import.meta.url));
const children: ChildProcess[] = [];
let broker: Broker | undefined;
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await broker?.close();
  broker = undefined;
});

/** Runs csp-kit-produce with `input` on stdin; resolves with its exit code and output. */
function produce(args: string[], input = ""): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--conditions=@csp-kit/source", "--import", "tsx", ENTRY, ...args], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (c: string) => {
    stdout += c;
  });
  child.stderr?.setEncoding("utf8").on("data", (c: string) => {
    stderr += c;
  });
  child.stdin?.end(input);
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

async function start(options: { partitions?: number; maxMessageBytes?: number } = {}): Promise<Broker> {
  broker = await startBroker({
    port: 0,
    logLevel: "silent",
    defaultPartitions: options.partitions ?? 3,
    ...(options.maxMessageBytes === undefined ? {} : { maxMessageBytes: options.maxMessageBytes }),
  });
  return broker;
}

describe("parseCli", () => {
  it("maps kcat's flags to producer options", () => {
    const c = parseCli([
      "-b",
      "h:1,g:2",
      "-t",
      "t",
      "-K",
      ":",
      "-p",
      "2",
      "--acks",
      "all",
      "--idempotent",
      "-z",
      "zstd",
    ]);
    if (c === "help") throw new Error("help");
    expect(c.mode).toBe("lines");
    expect(c.partition).toBe(2);
    expect(c.producer).toMatchObject({
      bootstrap: ["h:1", "g:2"],
      requiredAcks: -1,
      idempotent: true,
      maxOpenRequests: 1,
      compression: "zstd",
      partitioner: "manual",
    });
    expect(parseCli(["--help"])).toBe("help");
  });

  it.each([
    [["-t", "t"], "--brokers is required"],
    [["-b", "h:1"], "--topic is required"],
    [["-b", "nohost", "-t", "t"], "is not host:port"],
    [["-b", "h:1", "-t", "t", "--acks", "2"], "--acks must be 0, 1, -1 or all"],
    [["-b", "h:1", "-t", "t", "-z", "brotli"], "--compression must be one of"],
    [["-b", "h:1", "-t", "t", "--idempotent", "--acks", "1"], "--idempotent needs --acks all"],
    [["-b", "h:1", "-t", "t", "--count", "5"], "--count and --size need --perf"],
    [["-b", "h:1", "-t", "t", "--bogus"], "Unknown option"],
  ])("refuses %j: %s", (args, message) => {
    expect(() => parseCli(args)).toThrow(message);
  });
});

describe("csp-kit-produce, spawned against an in-process broker", () => {
  it("writes every stdin line, with -K keys and -p partition, in order, and prints acked N", async () => {
    const b = await start();
    const lines = Array.from({ length: 200 }, (_, i) => (i % 5 === 0 ? `no-key-${i}` : `k${i % 3}:v${i}`));
    const r = await produce(["-b", b.bootstrap, "-t", "lines", "-K", ":", "-p", "1"], `${lines.join("\n")}\n`);
    expect(r.stderr).toBe("acked 200\n");
    expect(r.code).toBe(0);
    const stored = await readAll(b.bootstrap, "lines", 3);
    expect(stored.every((s) => s.partition === 1)).toBe(true);
    expect(stored.map((s) => (s.key === null ? s.value : `${s.key}:${s.value}`))).toEqual(lines);
  });

  it.each([
    [["--acks", "0"]],
    [["--acks", "1", "-z", "gzip"]],
    [["--idempotent", "-z", "lz4"]],
    [["-z", "snappy"]],
    [["-z", "zstd"]],
  ])("with %j: every line stored, per-partition order kept (keys hashed)", async (extra) => {
    const b = await start();
    const lines = Array.from({ length: 300 }, (_, i) => `key${i % 7}\tvalue ${i}`);
    // A last line without a newline is a message too.
    const r = await produce(["-b", b.bootstrap, "-t", "modes", "-K", "\t", ...extra], lines.join("\n"));
    expect(r.stderr).toBe("acked 300\n");
    expect(r.code).toBe(0);
    const stored = await readAll(b.bootstrap, "modes", 3);
    expect(stored).toHaveLength(300);
    for (let key = 0; key < 7; key++) {
      const mine = stored.filter((s) => s.key === `key${key}`);
      expect(new Set(mine.map((s) => s.partition)).size).toBe(1);
      expect(mine.map((s) => s.value)).toEqual(lines.filter((_, i) => i % 7 === key).map((l) => l.split("\t")[1]));
    }
  });

  it("exits 1 and names the reason when the broker refuses messages", async () => {
    const b = await start({ partitions: 1, maxMessageBytes: 500 });
    const r = await produce(["-b", b.bootstrap, "-t", "big"], `${"x".repeat(2000)}\n`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("failed 1 of 1");
    expect(r.stderr).toMatch(/\n {2}1 × MESSAGE_TOO_LARGE \(10\)/);
  });

  it("exits 2 with the usage on a bad option", async () => {
    const r = await produce(["-t", "x"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--brokers is required");
    expect(r.stderr).toContain("usage: csp-kit-produce");
  });

  it("--perf sends --count messages of --size bytes and reports msg/s, MB/s and latency", async () => {
    const b = await start({ partitions: 2 });
    const r = await produce(["--perf", "--count", "3000", "--size", "50", "-b", b.bootstrap, "-t", "perf"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^3000 records sent, [\d.]+ records\/sec \([\d.]+ MB\/sec\), latency p50 [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms\n$/,
    );
    const stored = await readAll(b.bootstrap, "perf", 2);
    expect(stored).toHaveLength(3000);
    expect(stored.every((s) => s.value?.length === 50)).toBe(true);
  });
});
