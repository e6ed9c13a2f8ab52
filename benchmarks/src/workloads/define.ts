/** Shared pieces of the workload definitions. */

import type { Workload } from "../registry.js";

/** Messages per run in a full run: the SPEC's N. */
export const SPEC_N = 1_000_000;

/** Messages per run in `--smoke` mode: enough to fill and drain a 1024 buffer a few times. */
export const SMOKE_N = 4096;

/** Identity, typed: checks a workload definition against `Workload`. */
export function defineWorkload(w: Workload): Workload {
  return w;
}

/** How W10 and W11 keep their checksum exact although their channels drop. */
export const BURST_DESCRIPTION =
  "The producer sends bursts of 1024 values (sends never wait), then waits for the consumer's acknowledgement, " +
  "on a second channel of the same library, that it received the whole burst: at most 1024 values are ever in flight, " +
  "so nothing may drop and the checksum must be exact (a drop fails the run). Measures the dropping channel's send and " +
  "receive paths with the buffer filling and draining; the acknowledgement costs one message per 1024.";
