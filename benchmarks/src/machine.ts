/** What the report says about where and with what it ran: machine, Node, library versions. */

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { IMPLS } from "./registry.js";

/** The benchmarks package folder. */
export const BENCH_DIR = fileURLToPath(new URL("..", import.meta.url));

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
  /** 1-minute load average when the run started (a hint of how shared the machine was). */
  readonly load: number;
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    load: os.loadavg()[0] ?? 0,
  };
}

/** The installed version of an npm package this folder depends on, or "?". */
export function packageVersion(name: string): string {
  try {
    const pkg = JSON.parse(readFileSync(`${BENCH_DIR}node_modules/${name}/package.json`, "utf8")) as {
      version?: string;
    };
    return pkg.version ?? "?";
  } catch {
    return "?";
  }
}

/** The short commit of the work tree, with "+changes" when packages/ differs from it; "" outside git. */
export function commit(): string {
  try {
    const rev = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: BENCH_DIR, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "../packages"], {
      cwd: BENCH_DIR,
      encoding: "utf8",
    }).trim();
    return dirty === "" ? rev : `${rev}+changes`;
  } catch {
    return "";
  }
}

/** Every package named by an implementation, with its installed version. */
export function versions(): Map<string, string> {
  const out = new Map<string, string>();
  for (const impl of IMPLS) for (const p of impl.packages) if (!out.has(p)) out.set(p, packageVersion(p));
  return out;
}

/** The `go version` line, or undefined when `go` is not on PATH. */
export function goVersion(): string | undefined {
  try {
    return execFileSync("go", ["version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
}
