/**
 * W10 and W11 are one workload over the two dropping channels: ring (drops the
 * OLDEST value when full) and overflowing (drops the NEW value). This builds
 * either; each library's channel comes from the policy it names for that side.
 */

import type { ChannelValue } from "@thi.ng/csp";
import type { Workload } from "../registry.js";
import { defineWorkload, lazyImpl, SMOKE_N, SPEC_N } from "./define.js";

const cspKit = lazyImpl(() => import("../impls/csp-kit.js"));
const effect = lazyImpl(() => import("../impls/effect.js"));
const floor = lazyImpl(() => import("../impls/floor.js"));
const jsCsp = lazyImpl(() => import("../impls/js-csp.js"));
const thing = lazyImpl(() => import("../impls/thing-csp.js"));

const CAP = 1024;

/** How W10 and W11 keep their checksum exact although their channels drop. */
const BURST_DESCRIPTION =
  "The producer sends bursts of 1024 values (sends never wait), then waits for the consumer's acknowledgement, " +
  "on a second channel of the same library, that it received the whole burst: at most 1024 values are ever in flight, " +
  "so nothing may drop and the checksum must be exact (a drop fails the run). Measures the dropping channel's send and " +
  "receive paths with the buffer filling and draining; the acknowledgement costs one message per 1024.";

/**
 * The workload over the channel that drops the `drops` value when full.
 * @param module - the workload file's `import.meta.url` (the harness runs that file as the child).
 */
export function droppingWorkload(id: string, drops: "oldest" | "newest", module: string): Workload {
  const oldest = drops === "oldest";
  const kind = oldest ? "ring" : "overflowing";
  const csp = (m: { Channel: typeof import("@csp-kit/channel").Channel }) =>
    oldest ? m.Channel.ring<number>(CAP) : m.Channel.overflowing<number>(CAP);
  return defineWorkload({
    id,
    title: `${kind}(${CAP}) SPSC`,
    unit: "msg",
    n: SPEC_N,
    smokeN: SMOKE_N,
    granule: 1,
    describe: `A${oldest ? "" : "n"} ${kind}(${CAP}) channel (drops the ${oldest ? "OLDEST" : "NEW"} value when full). ${BURST_DESCRIPTION}`,
    runs: {
      "csp-kit": cspKit((m, n) => m.bursts("await", n, CAP, () => csp(m))),
      "csp-kit-try": cspKit((m, n) => m.bursts("try", n, CAP, () => csp(m))),
      "csp-kit-value": cspKit((m, n) => m.bursts("value", n, CAP, () => csp(m))),
      "csp-kit-batch": cspKit((m, n) => m.bursts("batch", n, CAP, () => csp(m))),
      "js-csp": jsCsp((m, n) =>
        m.bursts(n, CAP, () =>
          m.csp.chan<number>(oldest ? m.csp.buffers.sliding<number>(CAP) : m.csp.buffers.dropping<number>(CAP)),
        ),
      ),
      "thi.ng-csp": thing((m, n) =>
        m.bursts(
          n,
          CAP,
          () =>
            m.channel<number>(oldest ? m.sliding<ChannelValue<number>>(CAP) : m.dropping<ChannelValue<number>>(CAP)),
          () => m.channel<number>(1),
        ),
      ),
      effect: effect((m, n) =>
        m.bursts(n, CAP, () => (oldest ? m.Queue.sliding<number>(CAP) : m.Queue.dropping<number>(CAP))),
      ),
      floor: floor((m, n) =>
        m.bursts(n, CAP, () => new m.FloorChannel<number>(CAP, oldest ? "drop-oldest" : "drop-newest")),
      ),
    },
    skipped: { "channel-ts": "only an unbounded channel" },
    module,
  });
}
