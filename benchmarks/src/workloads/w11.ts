/** W11 — overflowing(1024) (drops the NEW value when full), one producer, one consumer. */

import type { ChannelValue } from "@thi.ng/csp";
import { isMain, standalone } from "../runner.js";
import { BURST_DESCRIPTION, defineWorkload, lazyImpl, SMOKE_N, SPEC_N } from "./define.js";

const cspKit = lazyImpl(() => import("../impls/csp-kit.js"));
const effect = lazyImpl(() => import("../impls/effect.js"));
const floor = lazyImpl(() => import("../impls/floor.js"));
const jsCsp = lazyImpl(() => import("../impls/js-csp.js"));
const thing = lazyImpl(() => import("../impls/thing-csp.js"));

const CAP = 1024;

export const w11 = defineWorkload({
  id: "W11",
  title: "overflowing(1024) SPSC",
  unit: "msg",
  n: SPEC_N,
  smokeN: SMOKE_N,
  granule: 1,
  describe: `An overflowing(1024) channel (drops the NEW value when full). ${BURST_DESCRIPTION}`,
  runs: {
    "csp-kit": cspKit((m, n) => m.bursts("await", n, CAP, () => m.Channel.overflowing<number>(CAP))),
    "csp-kit-try": cspKit((m, n) => m.bursts("try", n, CAP, () => m.Channel.overflowing<number>(CAP))),
    "csp-kit-batch": cspKit((m, n) => m.bursts("batch", n, CAP, () => m.Channel.overflowing<number>(CAP))),
    "js-csp": jsCsp((m, n) => m.bursts(n, CAP, () => m.csp.chan<number>(m.csp.buffers.dropping<number>(CAP)))),
    "thi.ng-csp": thing((m, n) =>
      m.bursts(
        n,
        CAP,
        () => m.channel<number>(m.dropping<ChannelValue<number>>(CAP)),
        () => m.channel<number>(1),
      ),
    ),
    effect: effect((m, n) => m.bursts(n, CAP, () => m.Queue.dropping<number>(CAP))),
    floor: floor((m, n) => m.bursts(n, CAP, () => new m.FloorChannel<number>(CAP, "drop-newest"))),
  },
  skipped: { "channel-ts": "only an unbounded channel" },
  module: import.meta.url,
});

if (isMain(import.meta.url)) await standalone(w11);
