import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ApiKey } from "@csp-kit/kafka-protocol";
import { afterEach, describe, expect, it } from "vitest";
import { parseCli, USAGE } from "../src/cli.js";
import { useBrokers, useTempDirs } from "./support/broker.js";
import { batchOf, fetchBody, metadataBody, produceBody, RawClient } from "./support/client.js";

const ENTRY = fileURLToPath(new URL("./support/cli-entry.ts", import.meta.url));
const tempDir = useTempDirs();
const start = useBrokers();
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

interface Cli {
  readonly child: ChildProcess;
  /** Resolves with the first stdout line. */
  readonly firstLine: Promise<string>;
  readonly exit: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function cli(args: string[]): Cli {
  const child = spawn(process.execPath, ["--conditions=@csp-kit/source", "--import", "tsx", ENTRY, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  let gotLine: (line: string) => void;
  const firstLine = new Promise<string>((resolve) => {
    gotLine = resolve;
  });
  child.stdout!.setEncoding("utf8").on("data", (c: string) => {
    stdout += c;
    if (stdout.includes("\n")) gotLine(stdout.slice(0, stdout.indexOf("\n")));
  });
  child.stderr!.setEncoding("utf8").on("data", (c: string) => {
    stderr += c;
  });
  const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on("exit", (code) => {
      gotLine("");
      resolve({ code, stdout, stderr });
    });
  });
  return { child, firstLine, exit };
}

function portOf(line: string): number {
  const m = /listening on 127\.0\.0\.1:(\d+)/.exec(line);
  if (m === null) throw new Error(`no listening line: ${JSON.stringify(line)}`);
  return Number(m[1]);
}

describe("parseCli", () => {
  it("maps every flag to a broker option, with Kafka's port by default", () => {
    expect(parseCli([])).toEqual({ port: 9092 });
    expect(
      parseCli([
        "--host",
        "0.0.0.0",
        "--port",
        "0",
        "--partitions",
        "3",
        "--auto-create",
        "false",
        "--max-message-bytes",
        "2000000",
        "--data-dir",
        "/tmp/d",
        "--flush",
        "250",
        "--http-port",
        "8080",
        "--log-level",
        "debug",
      ]),
    ).toEqual({
      host: "0.0.0.0",
      port: 0,
      defaultPartitions: 3,
      autoCreateTopics: false,
      maxMessageBytes: 2_000_000,
      dataDir: "/tmp/d",
      flush: { intervalMs: 250 },
      httpPort: 8080,
      logLevel: "debug",
    });
    expect(parseCli(["--data-dir", "/d", "--flush", "always"])).toMatchObject({ flush: "always" });
    expect(parseCli(["--help"])).toBe("help");
  });

  it.each([
    [["--port", "ninety"], /--port must be a whole number/],
    [["--auto-create", "maybe"], /--auto-create must be true or false/],
    [["--flush", "always"], /--flush needs --data-dir/],
    [["--flush", "soon", "--data-dir", "/d"], /--flush must be always, never or a number/],
    [["--log-level", "loud"], /--log-level must be/],
    [["--colour"], /Unknown option '--colour'/],
  ])("refuses %j with a message that says what to do", (args, message) => {
    expect(() => parseCli(args)).toThrow(message);
  });
});

describe("the csp-kit-broker command", () => {
  it("prints where it listens, serves clients, and stops cleanly on SIGTERM", async () => {
    const run = cli(["--port", "0", "--partitions", "2", "--log-level", "warn"]);
    const line = await run.firstLine;
    expect(line).toMatch(
      /^csp-kit-broker listening on 127\.0\.0\.1:\d+ \(advertised as 127\.0\.0\.1:\d+\), partitions in memory$/,
    );
    const client = await RawClient.connect(portOf(line));
    const md = await client.request(ApiKey.Metadata, 4, metadataBody(["made-by-cli"]));
    expect(md.topics[0]!.partitions).toHaveLength(2);
    run.child.kill("SIGTERM");
    const { code, stdout } = await run.exit;
    expect(code).toBe(0);
    expect(stdout).toContain("csp-kit-broker stopped");
    await client.closed;
  });

  it("keeps what it was sent in --data-dir across a stop (SIGINT) and a start", async () => {
    const dataDir = tempDir();
    const first = cli(["--port", "0", "--data-dir", dataDir, "--flush", "always", "--log-level", "silent"]);
    let client = await RawClient.connect(portOf(await first.firstLine));
    await client.request(ApiKey.Metadata, 4, metadataBody(["durable"]));
    const r = await client.request(ApiKey.Produce, 7, produceBody("durable", 0, batchOf(["kept"])));
    expect(r.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
    first.child.kill("SIGINT");
    expect((await first.exit).code).toBe(0);
    const second = cli(["--port", "0", "--data-dir", dataDir, "--log-level", "silent"]);
    client = await RawClient.connect(portOf(await second.firstLine));
    const fetched = await client.request(ApiKey.Fetch, 11, fetchBody("durable", 0, 0n));
    expect(fetched.responses[0]!.partitions[0]!.highWatermark).toBe(1n);
    second.child.kill("SIGTERM");
    expect((await second.exit).code).toBe(0);
  });

  it("prints the usage for --help, and exits 2 with the reason for a bad option", async () => {
    const help = await cli(["--help"]).exit;
    expect([help.code, help.stdout]).toEqual([0, USAGE]);
    const bad = await cli(["--partitions", "0", "--port", "0"]).exit;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/defaultPartitions: must be an integer from 1 to 10000/);
  });

  it("exits 1 when it cannot listen", async () => {
    const { port } = await start();
    const taken = await cli(["--port", String(port), "--log-level", "silent"]).exit;
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/EADDRINUSE/);
  });

  it("is the package's bin, run from the built CLI", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(pkg.bin).toEqual({ "csp-kit-broker": "./bin/csp-kit-broker.mjs" });
    const bin = readFileSync(new URL("../bin/csp-kit-broker.mjs", import.meta.url), "utf8");
    expect(bin.startsWith("#!/usr/bin/env node\n")).toBe(true);
    expect(bin).toContain('import { runCli } from "../dist/cli.js";');
    expect(pkg.exports["./cli"].import.default).toBe("./dist/cli.js");
  });
});
