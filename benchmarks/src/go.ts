/**
 * The optional native Go column: builds go/main.go when `go` is on PATH and
 * runs its workloads with GOMAXPROCS=1. Absent `go`, everything here reports
 * "not available" and the harness carries on without the column.
 */

import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { BENCH_DIR, goVersion } from "./machine.js";

/** A built Go benchmark binary and the workload ids it implements. */
export interface GoBench {
  readonly binary: string;
  readonly version: string;
  readonly workloads: ReadonlySet<string>;
}

/** Builds the Go program into a temporary folder; undefined when `go` is not on PATH. Throws when the build fails. */
export function buildGo(): GoBench | undefined {
  const version = goVersion();
  if (version === undefined) return undefined;
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), "csp-kit-bench-go-")), "cspbench");
  execFileSync("go", ["build", "-o", out, "."], {
    cwd: path.join(BENCH_DIR, "go"),
    stdio: ["ignore", "ignore", "inherit"],
  });
  const list = execFileSync(out, ["-list"], { encoding: "utf8" }).trim();
  return { binary: out, version, workloads: new Set(list.split(",").filter((s) => s !== "")) };
}

/** The command line that runs one Go workload (the harness spawns it with GOMAXPROCS=1). */
export function goCommand(go: GoBench, workload: string, n: number, runs: number, warmup: boolean): string[] {
  return [go.binary, "-workload", workload, "-n", String(n), "-runs", String(runs), ...(warmup ? ["-warmup"] : [])];
}
