/**
 * The benchmark harness — `pnpm bench` (from the root or this folder).
 *
 *   pnpm bench [-- options]
 *     --smoke          tiny N, 1 run, no warm-up; checks every checksum; writes nothing
 *                      unless --write. What CI runs, so the suite never rots.
 *     --only W1,W2     workloads to run (default: all)
 *     --impl a,b       implementations to run (default: all; ids in src/registry.ts)
 *     --runs R         timed runs per child process (default 3)
 *     --rounds K       child processes per implementation × workload, run in
 *                      rounds that visit every implementation of a workload once
 *                      each, in a rotating order (default 3). A shared machine's
 *                      speed drifts over minutes; interleaving spreads that drift
 *                      over all columns instead of favouring whichever ran in a
 *                      quiet minute. The table shows the median of all K × R runs.
 *     --n N            operations per run, overriding each workload's N
 *     --write          write RESULTS.md and docs/charts/bench.svg even with --smoke
 *     --timeout S      per child process (default 120; 60 with --smoke). A child past it
 *                      is shown as "did not finish" (a failure only with --smoke).
 *     --render FILE    re-render RESULTS.md and the chart from a raw run in .runs/ (no measuring)
 *     --build B        what csp-kit's columns load: "esm" (default: the built dist/*.js,
 *                      what an `import` user gets — what ships), "cjs" (the built
 *                      dist/*.cjs, as a `require()` user gets it; src/builds/cjs-hooks.mjs)
 *                      or "source" (the TypeScript source through the @csp-kit/source
 *                      condition, no build needed). esm and cjs need `pnpm build` first:
 *                      the harness refuses a dist older than its src.
 *
 *     --baseline DIR   also run csp-kit's columns from another checkout of the repository
 *                      (installed, and built unless --build source), as "(before)"
 *                      columns interleaved with the others: a before / after table from
 *                      one run. Writes nothing (prints the summary).
 *
 * Each implementation × workload runs in its own child process (in --smoke
 * mode one child per workload runs all its implementations, to stay fast);
 * the child is the workload file itself, run with `--json`. A failed checksum,
 * a deadlock or a crash marks the cell FAILED and makes the exit code 1; a
 * child that runs past --timeout is reported as "did not finish" (a failure
 * only with --smoke, where N is tiny).
 */

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { renderChart } from "./chart.js";
import { buildGo, GO_PROCS, type GoBench, goCommand } from "./go.js";
import { BENCH_DIR, commit, machine, versions } from "./machine.js";
import { IMPLS, type ImplInfo, type Workload } from "./registry.js";
import { type RunInfo, renderReport } from "./report.js";
import { type Cell, key, okCell, type Results } from "./results.js";
import { EXIT_TIMEOUT, formatNs, formatRate, RESULT_PREFIX, type Sample, SOURCE_CONDITION } from "./runner.js";
import { WORKLOADS } from "./workloads/index.js";

const { values } = parseArgs({
  options: {
    smoke: { type: "boolean", default: false },
    only: { type: "string" },
    impl: { type: "string" },
    runs: { type: "string" },
    rounds: { type: "string" },
    n: { type: "string" },
    write: { type: "boolean", default: false },
    timeout: { type: "string" },
    render: { type: "string" },
    build: { type: "string", default: "esm" },
    baseline: { type: "string" },
    help: { type: "boolean", default: false },
  },
  strict: true,
});

if (values.help) {
  process.stdout.write(
    "pnpm bench [-- --smoke] [--only W1,W2] [--impl csp-kit,floor] [--runs 3] [--rounds 3] [--n N] [--write] [--timeout S] [--build esm|cjs|source]\n" +
      "  --build: what csp-kit's columns load: esm (default, the built package: run `pnpm build` first), cjs, or source (the TypeScript source)\n" +
      "pnpm bench -- --render .runs/<date>.json   (re-render RESULTS.md and the chart from a raw run)\n" +
      `workloads: ${WORKLOADS.map((w) => w.id).join(", ")}\nimplementations: ${IMPLS.map((i) => i.id).join(", ")}\n`,
  );
  process.exit(0);
}

/** Where raw samples go (gitignored): one JSON file per written run, re-renderable with --render. */
const RAW_DIR = path.join(BENCH_DIR, ".runs");

/** The raw record of a run: enough to re-render RESULTS.md and the chart. */
interface RawRun {
  readonly info: Omit<RunInfo, "versions"> & { readonly versions: Record<string, string> };
  readonly workloads: readonly string[];
  readonly impls: readonly string[];
  readonly cells: readonly (readonly [string, Cell])[];
}

/** Writes RESULTS.md and docs/charts/bench.svg. */
function writeOutputs(results: Results, info: RunInfo): void {
  const chartDir = path.join(BENCH_DIR, "..", "docs", "charts");
  mkdirSync(chartDir, { recursive: true });
  writeFileSync(path.join(BENCH_DIR, "RESULTS.md"), renderReport(results, info));
  const subtitle = `${info.date} · ${info.machine.cpu}, ${info.machine.cores} cores · Node ${info.machine.node}`;
  writeFileSync(path.join(chartDir, "bench.svg"), renderChart(results, subtitle));
}

if (values.render !== undefined) {
  // Re-render the outputs of an earlier run (after a change to the report or chart code).
  const raw = JSON.parse(readFileSync(values.render, "utf8")) as RawRun;
  const results: Results = {
    workloads: WORKLOADS.filter((w) => raw.workloads.includes(w.id)),
    impls: IMPLS.filter((i) => raw.impls.includes(i.id)),
    cells: new Map(raw.cells),
  };
  writeOutputs(results, { ...raw.info, versions: new Map(Object.entries(raw.info.versions)) });
  process.stderr.write(`re-rendered RESULTS.md and docs/charts/bench.svg from ${values.render}\n`);
  process.exit(0);
}

/** Splits a comma list and checks every id against `known`. */
function pick<T extends { id: string }>(list: string | undefined, known: readonly T[], what: string): T[] {
  if (list === undefined) return [...known];
  const ids = list
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const unknown = ids.filter((id) => !known.some((k) => k.id.toLowerCase() === id.toLowerCase()));
  if (unknown.length > 0) {
    throw new Error(`unknown ${what}: ${unknown.join(", ")} (known: ${known.map((k) => k.id).join(", ")})`);
  }
  return known.filter((k) => ids.some((id) => id.toLowerCase() === k.id.toLowerCase()));
}

/** What csp-kit resolves to in the children (see --build). */
const BUILDS = ["source", "esm", "cjs"] as const;
const build = values.build as (typeof BUILDS)[number];
if (!BUILDS.includes(build)) throw new RangeError(`--build must be one of ${BUILDS.join(", ")} (got ${values.build})`);

/** The packages csp-kit's columns load (and atomic, which threads loads): their builds must be current when --build is esm or cjs. */
const MEASURED_PACKAGES = ["channel", "select", "timers", "mutex", "threads", "atomic"];

/** The suffix of a baseline column's id: `csp-kit-try@before` is `csp-kit-try` run from the --baseline checkout. */
const BEFORE = "@before";

/** The newest modification time of any file under `dir` (0 when there is none). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * Throws unless every measured package has a build of `which` at least as new
 * as its source: a stale dist would measure code that is not in the tree.
 */
function checkBuilt(which: "esm" | "cjs", root: string): void {
  for (const name of MEASURED_PACKAGES) {
    const pkg = path.join(root, "packages", name);
    const entry = path.join(pkg, "dist", which === "esm" ? "index.js" : "index.cjs");
    if (!existsSync(entry)) {
      throw new Error(
        `--build ${which}: packages/${name}/dist is missing; run \`pnpm build\` first, or pass --build source to measure the TypeScript source`,
      );
    }
    if (statSync(entry).mtimeMs < newestMtime(path.join(pkg, "src"))) {
      throw new Error(
        `--build ${which}: packages/${name}/dist is older than its src; run \`pnpm build\` again, or pass --build source`,
      );
    }
  }
}

if (build !== "source") checkBuilt(build, path.join(BENCH_DIR, ".."));

/** The --baseline checkout's root, and its workloads (loaded lazily, as ours are: its implementations load in its children only). */
const baselineRoot = values.baseline === undefined ? undefined : path.resolve(values.baseline);
let baselineWorkloads: readonly Workload[] = [];
if (baselineRoot !== undefined) {
  const index = path.join(baselineRoot, "benchmarks", "src", "workloads", "index.ts");
  if (!existsSync(index)) throw new Error(`--baseline ${values.baseline}: no benchmarks/src/workloads/index.ts there`);
  if (build !== "source") checkBuilt(build, baselineRoot);
  baselineWorkloads = ((await import(pathToFileURL(index).href)) as { WORKLOADS: readonly Workload[] }).WORKLOADS;
}

/** Node flags that make `@csp-kit/*` resolve to the build chosen by --build. */
function buildFlags(which: (typeof BUILDS)[number]): string[] {
  if (which === "source") return [`--conditions=${SOURCE_CONDITION}`];
  if (which === "cjs") return ["--import", fileURLToPath(new URL("./builds/register-cjs.mjs", import.meta.url))];
  return [];
}

const smoke = values.smoke;
const workloads = pick(values.only, WORKLOADS, "workload");
const picked = pick(values.impl, IMPLS, "implementation");
/** The selected columns, each subject followed by its "(before)" column when --baseline is given. */
const impls: ImplInfo[] = picked.flatMap((i) =>
  baselineRoot !== undefined && i.role === "subject"
    ? [
        i,
        {
          ...i,
          id: `${i.id}${BEFORE}`,
          label: `${i.label} (before)`,
          role: "baseline" as const,
          describe: `${i.id} run from the --baseline checkout`,
        },
      ]
    : [i],
);
/** Whether implementation `id` has a run for workload `w` (a "(before)" column: in the baseline's workload). */
function hasRun(w: Workload, id: string): boolean {
  if (!id.endsWith(BEFORE)) return w.runs[id] !== undefined;
  return baselineWorkloads.find((b) => b.id === w.id)?.runs[id.slice(0, -BEFORE.length)] !== undefined;
}
const runs = values.runs !== undefined ? Number(values.runs) : smoke ? 1 : 3;
const rounds = smoke ? 1 : values.rounds !== undefined ? Number(values.rounds) : 3;
const nOverride = values.n !== undefined ? Number(values.n) : undefined;
const timeoutS = values.timeout !== undefined ? Number(values.timeout) : smoke ? 60 : 120;
if (!Number.isSafeInteger(runs) || runs < 1)
  throw new RangeError(`--runs must be a whole number >= 1 (got ${values.runs})`);
if (!Number.isSafeInteger(rounds) || rounds < 1)
  throw new RangeError(`--rounds must be a whole number >= 1 (got ${values.rounds})`);

/** A child that failed: its last stderr lines, the samples it printed before, and whether it ran out of time. */
class ChildError extends Error {
  override name = "ChildError";
  constructor(
    message: string,
    readonly samples: readonly Sample[],
    readonly timedOut: boolean,
  ) {
    super(message);
  }
}

/** Runs one child process; resolves its samples, or rejects with a {@link ChildError}. */
function runChild(argv: readonly string[], env: NodeJS.ProcessEnv, cwd = BENCH_DIR): Promise<Sample[]> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = argv as [string, ...string[]];
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      err += d;
    });
    // The child enforces --timeout itself; this guard catches a child that cannot
    // (one that never returns to the event loop, so its timer never fires).
    let killed = false;
    const guard = setTimeout(
      () => {
        killed = true;
        child.kill("SIGKILL");
      },
      (timeoutS + 5) * 1000,
    );
    child.on("error", (e) => {
      clearTimeout(guard);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(guard);
      const samples = out
        .split("\n")
        .filter((l) => l.startsWith(RESULT_PREFIX))
        .map((l) => JSON.parse(l.slice(RESULT_PREFIX.length)) as Sample);
      if (code === 0) resolve(samples);
      else if (killed || code === EXIT_TIMEOUT) reject(new ChildError(`TIMEOUT after ${timeoutS}s`, samples, true));
      else
        reject(new ChildError(err.trim().split("\n").slice(-6).join("\n") || `exit ${code ?? signal}`, samples, false));
    });
  });
}

/** The node command line that runs workload `w` as a child for `implIds`. */
function nodeChild(w: Workload, implIds: readonly string[], n: number): string[] {
  return [
    process.execPath,
    ...buildFlags(build),
    "--import",
    "tsx",
    fileURLToPath(w.module),
    "--json",
    "--impl",
    implIds.join(","),
    "--n",
    String(n),
    "--runs",
    String(runs),
    "--timeout",
    String(timeoutS),
    ...(smoke ? ["--no-warmup"] : []),
  ];
}

const cells = new Map<string, Cell>();
let failures = 0;

function record(w: Workload, implId: string, outcome: Sample | Error): void {
  const label = `${w.id} ${(IMPLS.find((i) => i.id === implId)?.label ?? implId).padEnd(17)}`;
  if (outcome instanceof ChildError && outcome.timedOut) {
    // Too slow to finish is a performance result in a full run; in --smoke (tiny N) it means a hang.
    if (smoke) failures++;
    cells.set(key(w.id, implId), { status: "timeout", seconds: timeoutS });
    process.stderr.write(`${label} did not finish in ${timeoutS}s${smoke ? " — FAILED" : ""}\n`);
    return;
  }
  if (outcome instanceof Error) {
    failures++;
    cells.set(key(w.id, implId), { status: "failed", error: outcome.message });
    process.stderr.write(`${label} FAILED\n${outcome.message.replace(/^/gm, "    ")}\n`);
    return;
  }
  const cell = okCell(outcome);
  cells.set(key(w.id, implId), cell);
  if (cell.status === "ok") {
    const ns = formatNs(cell.nsPerOp).padStart(7);
    const leak = outcome.leakedTimers === undefined ? "" : `  LEAK: ${outcome.leakedTimers} timers left pending`;
    process.stderr.write(
      `${label} ${ns} ns/${w.unit}  ${formatRate(1e9 / cell.nsPerOp).padStart(8)} ${w.unit}/s${leak}\n`,
    );
  }
}

/** Runs `implIds` of `w` in one child; returns each implementation's sample or error. */
async function runJs(w: Workload, implIds: readonly string[], n: number): Promise<Map<string, Sample | Error>> {
  const before = implIds.length > 0 && implIds.every((id) => id.endsWith(BEFORE));
  if (!before && implIds.some((id) => id.endsWith(BEFORE))) throw new Error("internal: one child runs one checkout");
  const base = before ? baselineWorkloads.find((b) => b.id === w.id) : undefined;
  const outcomes = new Map<string, Sample | Error>();
  let samples: Sample[] = [];
  let error: Error | undefined;
  try {
    samples =
      base !== undefined && baselineRoot !== undefined
        ? (
            await runChild(
              nodeChild(
                base,
                implIds.map((id) => id.slice(0, -BEFORE.length)),
                n,
              ),
              process.env,
              path.join(baselineRoot, "benchmarks"),
            )
          ).map((x) => ({ ...x, impl: `${x.impl}${BEFORE}` }))
        : await runChild(nodeChild(w, implIds, n), process.env);
  } catch (e) {
    error = e as Error;
    samples =
      e instanceof ChildError ? [...e.samples].map((x) => (before ? { ...x, impl: `${x.impl}${BEFORE}` } : x)) : [];
  }
  // The child runs its implementations in order and stops at the first failure:
  // that one gets the error, the ones after it were never run.
  let blamed = false;
  for (const id of implIds) {
    const s = samples.find((x) => x.impl === id);
    if (s !== undefined) outcomes.set(id, s);
    else if (error !== undefined && !blamed) {
      blamed = true;
      outcomes.set(id, error);
    } else
      outcomes.set(id, new Error(error ? "not run: the child stopped at an earlier failure" : "no result reported"));
  }
  return outcomes;
}

/** One sample holding every run of `parts` (one implementation's rounds); leaked timers: the worst round. */
function merge(parts: readonly Sample[]): Sample {
  const first = parts[0] as Sample;
  const leaks = parts.filter((p) => p.leakedTimers !== undefined);
  const worst = leaks.reduce<Sample | undefined>(
    (a, p) => (a === undefined || (p.leakedTimers ?? 0) > (a.leakedTimers ?? 0) ? p : a),
    undefined,
  );
  return {
    workload: first.workload,
    impl: first.impl,
    n: first.n,
    ns: parts.flatMap((p) => p.ns),
    ...(worst === undefined ? {} : { leakedTimers: worst.leakedTimers as number, totalOps: worst.totalOps as number }),
  };
}

/**
 * Runs every implementation of `w` in `rounds` rounds, one child each per round,
 * starting each round one implementation later than the last; records each
 * implementation's merged runs, or its first failure (a failed implementation
 * is not run again).
 */
async function runRounds(w: Workload, implIds: readonly string[], n: number): Promise<void> {
  const done = new Map<string, Sample[]>(implIds.map((id) => [id, []]));
  const failed = new Map<string, Error>();
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < implIds.length; k++) {
      const id = implIds[(r + k) % implIds.length] as string;
      if (failed.has(id)) continue;
      const outcome = (await runJs(w, [id], n)).get(id) as Sample | Error;
      if (outcome instanceof Error) failed.set(id, outcome);
      else done.get(id)?.push(outcome);
    }
  }
  for (const id of implIds) {
    const error = failed.get(id);
    record(w, id, error ?? merge(done.get(id) as Sample[]));
  }
}

let go: GoBench | undefined;
const goImpls = impls.filter((i) => GO_PROCS[i.id] !== undefined).map((i) => i.id);
let goInfo = goImpls.length === 0 ? "not selected" : "not on PATH: columns skipped";
if (goImpls.length > 0) {
  try {
    go = buildGo();
    if (go !== undefined) goInfo = `${go.version}, ${goImpls.map((id) => `GOMAXPROCS=${GO_PROCS[id]}`).join(" and ")}`;
  } catch (e) {
    goInfo = `build failed: columns skipped (${(e as Error).message.split("\n")[0]})`;
    failures++;
  }
}
process.stderr.write(
  `csp-kit benchmarks: ${smoke ? "smoke, " : ""}${workloads.length} workload(s), ${rounds} round(s) × ${runs} run(s) each; Go: ${goInfo}\n`,
);

const started = Date.now();
const startedAt = new Date(started).toISOString().replace(/\.\d+Z$/, "Z");
const machineAtStart = machine();
for (const w of workloads) {
  const n = nOverride ?? (smoke ? w.smokeN : w.n);
  const js = impls.filter((i) => hasRun(w, i.id)).map((i) => i.id);
  if (smoke) {
    const ours = js.filter((id) => !id.endsWith(BEFORE));
    const theirs = js.filter((id) => id.endsWith(BEFORE));
    for (const group of [ours, theirs]) {
      if (group.length > 0) for (const [id, outcome] of await runJs(w, group, n)) record(w, id, outcome);
    }
  } else {
    await runRounds(w, js, n);
  }
  if (go?.workloads.has(w.id)) {
    for (const id of goImpls) {
      const env = { ...process.env, GOMAXPROCS: String(GO_PROCS[id]) };
      try {
        const [s] = await runChild(goCommand(go, id, w.id, n, runs * rounds, !smoke), env);
        record(w, id, s ?? new Error("the Go program reported no result"));
      } catch (e) {
        record(w, id, e as Error);
      }
    }
  }
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (go !== undefined) rmSync(path.dirname(go.binary), { recursive: true, force: true });

const results: Results = { workloads, impls, cells };
const args = process.argv.slice(2);
const info: RunInfo = {
  command: `pnpm bench${args.length > 0 ? ` -- ${args.join(" ")}` : ""}`,
  date: startedAt,
  machine: machineAtStart,
  versions: versions(),
  commit: commit(),
  runs,
  rounds,
  n: nOverride,
  smoke,
  build,
  go: goInfo,
};
const report = renderReport(results, info);

if ((!smoke || values.write) && baselineRoot === undefined) {
  writeOutputs(results, info);
  const raw: RawRun = {
    info: { ...info, versions: Object.fromEntries(info.versions) },
    workloads: workloads.map((w) => w.id),
    impls: impls.map((i) => i.id),
    cells: [...cells],
  };
  mkdirSync(RAW_DIR, { recursive: true });
  writeFileSync(path.join(RAW_DIR, `${info.date.replace(/:/g, "-")}.json`), JSON.stringify(raw, null, 2));
  process.stderr.write("wrote RESULTS.md and docs/charts/bench.svg (raw samples in benchmarks/.runs/)\n");
}

// The summary table on stdout.
// With --baseline the ratios too: they are the before / after comparison.
const summary =
  report.split(baselineRoot === undefined ? "\n## Ratios" : "\n## Per workload")[0]?.split("## Summary")[1] ?? "";
process.stdout.write(`## Summary${summary}\n`);
process.stdout.write(`${failures === 0 ? "all checksums ok" : `${failures} FAILED`} in ${seconds}s\n`);
process.exit(failures === 0 ? 0 : 1);
