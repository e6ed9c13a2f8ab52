import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { compileFormat, parseCli } from "../src/cli.js";
import { numbered, produceBatches, useBroker } from "./support/cluster.js";

const ENTRY = fileURLToPath(new URL("./support/cli-entry.ts", import.meta.url));
const start = useBroker();
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

interface Run {
  readonly child: ChildProcess;
  /** Resolves once stdout holds `text`. */
  readonly sees: (text: string) => Promise<void>;
  readonly exit: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function cli(args: string[]): Run {
  const child = spawn(process.execPath, ["--conditions=@csp-kit/source", "--import", "tsx", ENTRY, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout!.setEncoding("utf8").on("data", (c: string) => {
    stdout += c;
    for (const w of waiters.splice(0))
      if (stdout.includes(w.text)) w.resolve();
      else waiters.push(w);
  });
  child.stderr!.setEncoding("utf8").on("data", (c: string) => {
    stderr += c;
  });
  const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
  const sees = (text: string) =>
    new Promise<void>((resolve) => {
      if (stdout.includes(text)) resolve();
      else waiters.push({ text, resolve });
    });
  return { child, sees, exit };
}

describe("parseCli", () => {
  it("reads kcat's flags, with a negative offset after -o", () => {
    expect(parseCli(["-b", "h:1", "-t", "x", "-p", "0", "-p", "2", "-o", "-5", "-c", "3", "-e", "-q"])).toEqual({
      brokers: ["h:1"],
      topic: "x",
      partitions: [0, 2],
      offset: { fromEnd: 5n },
      count: 3,
      exitAtEnd: true,
      format: "%s\\n",
      quiet: true,
      fetchSize: undefined,
    });
    expect(parseCli(["-b", "h:1", "-t", "x", "-o", "end"])).toMatchObject({ offset: "end", partitions: [] });
    expect(parseCli(["-b", "h:1", "-t", "x", "-o", "12"])).toMatchObject({ offset: { absolute: 12n } });
  });

  it.each([
    [["-t", "x"], "-b"],
    [["-b", "h:1"], "-t"],
    [["-b", "nohost", "-t", "x"], "host:port"],
    [["-b", "h:1", "-t", "x", "-o", "soon"], "-o"],
    [["-b", "h:1", "-t", "x", "-c", "0"], "-c"],
    [["-b", "h:1", "-t", "x", "--nope"], "nope"],
  ])("refuses %j, naming the problem", (args, says) => {
    expect(() => parseCli(args)).toThrow(says);
  });
});

describe("compileFormat", () => {
  it("expands kcat's tokens and escapes", () => {
    const m = {
      topic: "t",
      partition: 1,
      offset: 7n,
      timestamp: 5,
      key: new TextEncoder().encode("k"),
      value: null,
      headers: [{ key: "a", value: new TextEncoder().encode("b") }],
    };
    const text = compileFormat("%t/%p@%o %k=%s (%K,%S) %T [%h] 100%%\\t%x\\n")
      .map((s) => (typeof s === "function" ? s(m) : s))
      .map((v) => (typeof v === "string" ? v : new TextDecoder().decode(v)))
      .join("");
    expect(text).toBe("t/1@7 k= (1,-1) 5 [a=b] 100%\t%x\n");
  });
});

describe("csp-kit-consume against the in-process broker", () => {
  it("-e prints every message of every partition and exits 0 at the end", async () => {
    const b = await start({ partitions: 2 });
    await produceBatches(b.bootstrap, "t", 0, numbered("a", 2, 3));
    await produceBatches(b.bootstrap, "t", 1, numbered("b", 1, 2));
    const { code, stdout, stderr } = await cli(["-b", b.bootstrap, "-t", "t", "-e", "-f", "%p:%o:%k:%s\\n"]).exit;
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines.filter((l) => l.startsWith("0:"))).toEqual([0, 1, 2, 3, 4, 5].map((i) => `0:${i}:k${i}:a-${i}`));
    expect(lines.filter((l) => l.startsWith("1:"))).toEqual(["1:0:k0:b-0", "1:1:k1:b-1"]);
    expect(stderr).toContain("Reached end of topic t [0] at offset 6");
  });

  it("-o -N starts N before the end; -c stops after a count; -q is quiet", async () => {
    const b = await start();
    await produceBatches(b.bootstrap, "t", 0, numbered("m", 2, 5));
    const tail = await cli(["-b", b.bootstrap, "-t", "t", "-p", "0", "-o", "-3", "-e", "-q"]).exit;
    expect(tail).toMatchObject({ code: 0, stdout: "m-7\nm-8\nm-9\n", stderr: "" });
    const counted = await cli(["-b", b.bootstrap, "-t", "t", "-o", "2", "-c", "4", "-f", "%o "]).exit;
    expect(counted).toMatchObject({ code: 0, stdout: "2 3 4 5 " });
  });

  it("without -e it follows the partition until SIGINT, then exits 0", async () => {
    const b = await start();
    await produceBatches(b.bootstrap, "t", 0, numbered("m", 1, 2));
    const run = cli(["-b", b.bootstrap, "-t", "t", "-q"]);
    await run.sees("m-1\n");
    await produceBatches(b.bootstrap, "t", 0, numbered("m", 1, 1, 2));
    await run.sees("m-2\n");
    run.child.kill("SIGINT");
    expect(await run.exit).toMatchObject({ code: 0, stdout: "m-0\nm-1\nm-2\n" });
  });

  it("exits 1 with the reason for an offset outside the log, and 2 with the usage for a bad flag", async () => {
    const b = await start();
    await produceBatches(b.bootstrap, "t", 0, numbered("m", 1, 2));
    const out = await cli(["-b", b.bootstrap, "-t", "t", "-o", "50", "-e"]).exit;
    expect(out.code).toBe(1);
    expect(out.stderr).toContain("offset 50");
    const bad = await cli(["-b", b.bootstrap]).exit;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("usage: csp-kit-consume");
  });
});
