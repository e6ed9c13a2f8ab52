/** The harness's collected results and the statistics the report and chart share. */

import type { ImplInfo, Workload } from "./registry.js";
import { median, type Sample } from "./runner.js";

/** The outcome of one implementation on one workload. */
export type Cell =
  | {
      readonly status: "ok";
      readonly sample: Sample;
      readonly nsPerOp: number;
      readonly min: number;
      readonly max: number;
    }
  | { readonly status: "failed"; readonly error: string }
  /** Did not finish within the per-child time limit: a performance outcome in a full run, a failure in --smoke. */
  | { readonly status: "timeout"; readonly seconds: number };

/** Everything a report needs. */
export interface Results {
  readonly workloads: readonly Workload[];
  /** Selected implementations, in column order. */
  readonly impls: readonly ImplInfo[];
  /** By `${workload}/${impl}`; absent = not run (skipped or lacking the feature). */
  readonly cells: ReadonlyMap<string, Cell>;
}

export function key(workload: string, impl: string): string {
  return `${workload}/${impl}`;
}

/** Summarises one sample: median, min and max nanoseconds per operation. */
export function okCell(sample: Sample): Cell {
  const per = sample.ns.map((t) => t / sample.n);
  return { status: "ok", sample, nsPerOp: median(per), min: Math.min(...per), max: Math.max(...per) };
}

/** The median ns/op of an implementation on a workload, if it ran and passed. */
export function nsPerOp(r: Results, workload: string, impl: string): number | undefined {
  const c = r.cells.get(key(workload, impl));
  return c?.status === "ok" ? c.nsPerOp : undefined;
}

/** The fastest peer (role "peer") that passed, with its ns/op. */
export function bestPeer(r: Results, workload: string): { impl: ImplInfo; nsPerOp: number } | undefined {
  let best: { impl: ImplInfo; nsPerOp: number } | undefined;
  for (const impl of r.impls) {
    if (impl.role !== "peer") continue;
    const ns = nsPerOp(r, workload, impl.id);
    if (ns !== undefined && (best === undefined || ns < best.nsPerOp)) best = { impl, nsPerOp: ns };
  }
  return best;
}

/** The plain floor's ns/op on a workload (the column with id "floor", not its variants), if it ran. */
export function floorNs(r: Results, workload: string): number | undefined {
  return r.impls.some((i) => i.id === "floor") ? nsPerOp(r, workload, "floor") : undefined;
}

/** Formats a ratio of times ("2.35×"); "—" when either side is missing. */
export function ratio(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined) return "—";
  const x = a / b;
  return `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}×`;
}
