/**
 * Runs one workload in this process: the child-process side of the harness,
 * and the `main` of every workload file, so each runs alone:
 *
 *   npx tsx benchmarks/src/workloads/w1.ts --impl csp-kit [--n 100000] [--runs 5] [--smoke]
 *
 * After untimed warm-up runs, the runs follow each other (no forced `gc()`; see
 * `measure`); each is timed with `process.hrtime` and its checksum verified; a failed checksum, a deadlock (the event loop drained with
 * the run unfinished: a value lost or a waiter never woken) or a timeout ends
 * the process with a non-zero code and a message on stderr. (A run that never
 * yields to the event loop — a chain of already-resolved promises — cannot see
 * its own timer; the harness kills such a child a few seconds later.)
 *
 * With `--json` (what the harness passes) each implementation's samples are
 * printed as one line `RESULT {…}` on stdout.
 */

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { checkN, type Workload } from "./registry.js";

/** What a child reports for one implementation of one workload. */
export interface Sample {
  readonly workload: string;
  readonly impl: string;
  /** Operations per run. */
  readonly n: number;
  /** Wall time of each measured run, in nanoseconds. */
  readonly ns: readonly number[];
  /**
   * Host timers (`setTimeout`) still pending after this implementation's runs
   * (warm-up included) that were not pending before: timers the library armed
   * and never cleared. Absent when none.
   */
  readonly leakedTimers?: number;
  /** Operations run in total (warm-up included): what `leakedTimers` is out of. */
  readonly totalOps?: number;
}

/** Exit code of a child whose run deadlocked (the event loop drained with the run unfinished). */
export const EXIT_DEADLOCK = 2;
/** Exit code of a child that ran past its `--timeout`. */
export const EXIT_TIMEOUT = 3;

/** The line prefix of a `Sample` in `--json` mode. */
export const RESULT_PREFIX = "RESULT ";

/** The Node condition under which workspace packages resolve to their TypeScript source. */
export const SOURCE_CONDITION = "@csp-kit/source";

/** Whether the module `metaUrl` is the process's entry point. */
export function isMain(metaUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && fileURLToPath(metaUrl) === entry;
}

/** Whether `@csp-kit/channel` resolves to its source here (the harness runs children that way). */
export function measuresSource(): boolean {
  return import.meta.resolve("@csp-kit/channel").includes("/src/");
}

/** Untimed warm-up runs the last `measure` made (for the operation count in leak reports). */
let warmupRuns = 0;

/** The label of one run, for error messages: set while a run is in flight. */
let inFlight: string | undefined;

process.on("beforeExit", () => {
  if (inFlight === undefined) return;
  process.stderr.write(
    `${inFlight}: DEADLOCK — the event loop drained before the run finished ` +
      "(a value was lost or a blocked task was never woken)\n",
  );
  process.exit(EXIT_DEADLOCK);
});

/** Untimed full-size warm-up runs: at least one, and more until WARMUP_MS have passed, up to WARMUP_MAX_RUNS. */
export const WARMUP_MAX_RUNS = 3;
/** See {@link WARMUP_MAX_RUNS}. */
export const WARMUP_MS = 1000;

/**
 * Runs `impl` on `w` `runs` times with `n` operations each (after one untimed
 * full-size warm-up runs when `warmup`: one, and more while under WARMUP_MS, at
 * most WARMUP_MAX_RUNS), verifying every checksum. Returns
 * the wall time of each measured run in nanoseconds.
 *
 * The timed runs follow each other with no forced `gc()` in between. A full
 * collection between runs frees the previous run's channels; V8 then drops
 * their hidden classes and the optimized code built on them ("weak objects"
 * deopts), so every run would measure re-optimization rather than the library
 * (W2, csp-kit try style: 23–25 ns/msg after `gc()` and a 100,000-message
 * re-warm against 14.6–14.8 back to back; the floor 12.4–12.7 against 10.8).
 * A long-running program keeps its channel classes alive; back-to-back runs
 * measure that steady state, and each run pays for collecting the garbage of
 * the one before, as a real program would.
 */
export async function measure(w: Workload, impl: string, n: number, runs: number, warmup: boolean): Promise<number[]> {
  const run = w.runs[impl];
  if (run === undefined)
    throw new Error(`${w.id} has no implementation "${impl}" (has: ${Object.keys(w.runs).join(", ")})`);
  checkN(w, n);
  let warmed = 0;
  if (warmup) {
    // Full-size runs: a fast implementation needs a few before its young
    // generation has grown and its code settled (W2, csp-kit try style, from a
    // cold start: 33.6, 25.2, 18.1, then 16.6, 15.8, 16.0 ns/msg; a warm-up of
    // N/10 left the first timed runs in that slope). A slow one is warm after one.
    const t0 = performance.now();
    do {
      inFlight = `${w.id} ${impl} warm-up ${warmed + 1}`;
      (await run(n)).verify(n, inFlight);
      warmed++;
    } while (warmed < WARMUP_MAX_RUNS && performance.now() - t0 < WARMUP_MS);
  }
  warmupRuns = warmed;
  const ns: number[] = [];
  for (let i = 0; i < runs; i++) {
    inFlight = `${w.id} ${impl} run ${i + 1}`;
    const t0 = process.hrtime.bigint();
    const ck = await run(n);
    const t1 = process.hrtime.bigint();
    ck.verify(n, inFlight);
    ns.push(Number(t1 - t0));
  }
  inFlight = undefined;
  return ns;
}

/**
 * Host timers pending now that keep the process alive (`unref`ed ones, such as
 * this runner's own time limit, are not counted).
 */
export function pendingTimers(): number {
  let count = 0;
  for (const r of process.getActiveResourcesInfo()) if (r === "Timeout") count++;
  return count;
}

/** The median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Formats operations per second: "12.3 M", "456 k". */
export function formatRate(opsPerSec: number): string {
  if (opsPerSec >= 1e6) return `${(opsPerSec / 1e6).toFixed(opsPerSec >= 1e8 ? 0 : 2)} M`;
  if (opsPerSec >= 1e3) return `${(opsPerSec / 1e3).toFixed(opsPerSec >= 1e5 ? 0 : 1)} k`;
  return opsPerSec.toFixed(0);
}

/** Formats nanoseconds per operation with 3 significant digits. */
export function formatNs(ns: number): string {
  return ns >= 100 ? ns.toFixed(0) : ns >= 10 ? ns.toFixed(1) : ns.toFixed(2);
}

/**
 * The `main` of a workload file. Options: `--impl a,b` (default: all),
 * `--n N`, `--runs R` (default 5), `--smoke` (smokeN, 1 run, no warm-up),
 * `--no-warmup`, `--timeout S` (default 300), `--json`.
 */
export async function standalone(w: Workload): Promise<void> {
  const { values } = parseArgs({
    options: {
      impl: { type: "string" },
      n: { type: "string" },
      runs: { type: "string" },
      smoke: { type: "boolean", default: false },
      "no-warmup": { type: "boolean", default: false },
      timeout: { type: "string" },
      json: { type: "boolean", default: false },
    },
    strict: true,
  });

  // Run alone (without --json), a workload file re-runs itself under the source condition: it
  // measures the TypeScript source, no build needed. The harness's --json children load what
  // their conditions resolve to: the built package by default (`pnpm bench --build`).
  if (!values.json && !measuresSource() && process.env.CSP_BENCH_CHILD === undefined) {
    const r = spawnSync(
      process.execPath,
      [...process.execArgv, `--conditions=${SOURCE_CONDITION}`, ...process.argv.slice(1)],
      { stdio: "inherit", env: { ...process.env, CSP_BENCH_CHILD: "1" } },
    );
    process.exit(r.status ?? 1);
  }

  const impls = values.impl !== undefined ? values.impl.split(",").filter((s) => s !== "") : Object.keys(w.runs);
  const n = values.n !== undefined ? Number(values.n) : values.smoke ? w.smokeN : w.n;
  const runs = values.runs !== undefined ? Number(values.runs) : values.smoke ? 1 : 5;
  const warmup = !values.smoke && !values["no-warmup"];
  const timeoutS = values.timeout !== undefined ? Number(values.timeout) : 300;
  if (!Number.isSafeInteger(runs) || runs < 1)
    throw new RangeError(`--runs must be a whole number >= 1 (got ${values.runs})`);

  const timer = setTimeout(() => {
    process.stderr.write(`${inFlight ?? w.id}: TIMEOUT after ${timeoutS}s\n`);
    process.exit(EXIT_TIMEOUT);
  }, timeoutS * 1000);
  timer.unref();

  for (const impl of impls) {
    const before = pendingTimers();
    const ns = await measure(w, impl, n, runs, warmup);
    const leaked = pendingTimers() - before;
    const totalOps = n * (runs + warmupRuns);
    if (values.json) {
      const sample: Sample = { workload: w.id, impl, n, ns, ...(leaked > 0 ? { leakedTimers: leaked, totalOps } : {}) };
      process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(sample)}\n`);
    } else {
      const per = ns.map((t) => t / n);
      const med = median(per);
      process.stdout.write(
        `${w.id} ${impl.padEnd(12)} n=${n}  median ${formatNs(med)} ns/${w.unit}  ${formatRate(1e9 / med)} ${w.unit}/s` +
          `  (${runs} run${runs > 1 ? "s" : ""}: ${per.map(formatNs).join(" ")})  checksum ok` +
          `${measuresSource() ? "" : import.meta.resolve("@csp-kit/channel").endsWith(".cjs") ? "  [csp-kit from dist, CommonJS]" : "  [csp-kit from dist, ESM]"}` +
          `${leaked > 0 ? `  LEAK: ${leaked} timers still pending after ${totalOps} operations` : ""}\n`,
      );
    }
  }
  clearTimeout(timer);
  // A library that leaves timers armed (an uncancellable one-hour timeout per
  // select, say) would keep this process alive until they fire. The leak is
  // reported above (`leakedTimers`); end the process now instead of waiting.
  if (pendingTimers() > 0) process.exit(0);
}
