/** Shared pieces of the workload definitions. */

import type { Checksum } from "../checksum.js";
import type { Run, Workload } from "../registry.js";

/** Messages per run in a full run: the SPEC's N. */
export const SPEC_N = 1_000_000;

/** Messages per run in `--smoke` mode: enough to fill and drain a 1024 buffer a few times. */
export const SMOKE_N = 4096;

/** Identity, typed: checks a workload definition against `Workload`. */
export function defineWorkload(w: Workload): Workload {
  return w;
}

/**
 * An implementation module loaded on first use: a workload's child process
 * then loads only the library it measures. (Loading every peer in every child
 * made each one pay for the others' heaps: with effect's modules resident,
 * young-generation collections cost about three times as much, and csp-kit's
 * W2 went from 15 to 25 ns/msg while the floor, which allocates nothing per
 * message, hardly moved.) Returns a maker of `Run`s that get the module.
 */
export function lazyImpl<M>(load: () => Promise<M>): (run: (m: M, n: number) => Promise<Checksum>) => Run {
  let loaded: Promise<M> | undefined;
  const module = (): Promise<M> => {
    if (loaded === undefined) loaded = load();
    return loaded;
  };
  return (run) => async (n) => run(await module(), n);
}
