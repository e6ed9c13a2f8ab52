/** W3 — MPMC: 4 producers and 4 consumers on one channel buffered 128. */

import { isMain, standalone } from "../runner.js";
import { defineWorkload, lazyImpl, SMOKE_N, SPEC_N } from "./define.js";

const cspKit = lazyImpl(() => import("../impls/csp-kit.js"));
const effect = lazyImpl(() => import("../impls/effect.js"));
const floor = lazyImpl(() => import("../impls/floor.js"));
const floorSome = lazyImpl(() => import("../impls/floor-some.js"));
const jsCsp = lazyImpl(() => import("../impls/js-csp.js"));
const thing = lazyImpl(() => import("../impls/thing-csp.js"));

const CAP = 128;
const P = 4;
const C = 4;

export const w3 = defineWorkload({
  id: "W3",
  title: "MPMC 4×4 buffered(128)",
  unit: "msg",
  n: SPEC_N,
  smokeN: SMOKE_N,
  granule: 4,
  describe:
    "Four producers send 0..N-1 between them (producer p sends p, p+4, …) on a channel buffered 128; four consumers receive N/4 values each into one checksum.",
  runs: {
    "csp-kit": cspKit((m, n) => m.pipeline("await", n, P, C, () => new m.Channel<number>(CAP))),
    "csp-kit-try": cspKit((m, n) => m.pipeline("try", n, P, C, () => new m.Channel<number>(CAP))),
    "csp-kit-value": cspKit((m, n) => m.pipeline("value", n, P, C, () => new m.Channel<number>(CAP))),
    "csp-kit-batch": cspKit((m, n) => m.pipeline("batch", n, P, C, () => new m.Channel<number>(CAP))),
    "js-csp": jsCsp((m, n) => m.pipeline(n, P, C, () => m.csp.chan<number>(CAP))),
    "thi.ng-csp": thing((m, n) => m.pipeline(n, P, C, () => m.channel<number>(CAP))),
    effect: effect((m, n) => m.pipeline(n, P, C, () => m.Queue.bounded<number>(CAP))),
    floor: floor((m, n) => m.pipeline(n, P, C, () => new m.FloorChannel<number>(CAP))),
    "floor-some": floorSome((m, n) => m.pipeline(n, P, C, () => m.channel(CAP))),
  },
  skipped: { "channel-ts": "only an unbounded, single-consumer channel" },
  notes: { "thi.ng-csp": "`write` resolves when the value is read (see W2)" },
  module: import.meta.url,
});

if (isMain(import.meta.url)) await standalone(w3);
