/**
 * The optional native Go columns: builds go/main.go when `go` is on PATH and
 * runs its workloads with GOMAXPROCS=1 (column `go`: goroutines interleave on
 * one thread, as JavaScript tasks do on the event loop) and GOMAXPROCS=2
 * (column `go-2`: what Go does with this machine's two cores). Absent `go`,
 * everything here reports "not available" and the harness carries on without
 * the columns.
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

/** The Go columns: implementation id → the GOMAXPROCS its runs get. */
export const GO_PROCS: Readonly<Record<string, number>> = { go: 1, "go-2": 2 };

/** The command line that runs one Go workload as column `impl` (the harness sets GOMAXPROCS from {@link GO_PROCS}). */
export function goCommand(
  go: GoBench,
  impl: string,
  workload: string,
  n: number,
  runs: number,
  warmup: boolean,
): string[] {
  return [
    go.binary,
    "-impl",
    impl,
    "-workload",
    workload,
    "-n",
    String(n),
    "-runs",
    String(runs),
    ...(warmup ? ["-warmup"] : []),
  ];
}
