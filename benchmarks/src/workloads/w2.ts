/** W2 — buffered(1024), one producer, one consumer. */

import { isMain, standalone } from "../runner.js";
import { defineWorkload, lazyImpl, SMOKE_N, SPEC_N } from "./define.js";

const cspKit = lazyImpl(() => import("../impls/csp-kit.js"));
const effect = lazyImpl(() => import("../impls/effect.js"));
const floor = lazyImpl(() => import("../impls/floor.js"));
const floorSome = lazyImpl(() => import("../impls/floor-some.js"));
const jsCsp = lazyImpl(() => import("../impls/js-csp.js"));
const thing = lazyImpl(() => import("../impls/thing-csp.js"));

const CAP = 1024;

export const w2 = defineWorkload({
  id: "W2",
  title: "buffered(1024) SPSC",
  unit: "msg",
  n: SPEC_N,
  smokeN: SMOKE_N,
  granule: 1,
  describe: "One producer sends 0..N-1 on a channel buffered 1024; one consumer receives N values.",
  runs: {
    "csp-kit": cspKit((m, n) => m.pipeline("await", n, 1, 1, () => new m.Channel<number>(CAP))),
    "csp-kit-try": cspKit((m, n) => m.pipeline("try", n, 1, 1, () => new m.Channel<number>(CAP))),
    "csp-kit-value": cspKit((m, n) => m.pipeline("value", n, 1, 1, () => new m.Channel<number>(CAP))),
    "csp-kit-batch": cspKit((m, n) => m.pipeline("batch", n, 1, 1, () => new m.Channel<number>(CAP))),
    "js-csp": jsCsp((m, n) => m.pipeline(n, 1, 1, () => m.csp.chan<number>(CAP))),
    "thi.ng-csp": thing((m, n) => m.pipeline(n, 1, 1, () => m.channel<number>(CAP))),
    effect: effect((m, n) => m.pipeline(n, 1, 1, () => m.Queue.bounded<number>(CAP))),
    floor: floor((m, n) => m.pipeline(n, 1, 1, () => new m.FloorChannel<number>(CAP))),
    "floor-some": floorSome((m, n) => m.pipeline(n, 1, 1, () => m.channel(CAP))),
  },
  skipped: { "channel-ts": "only an unbounded channel" },
  notes: { "thi.ng-csp": "`write` resolves when the value is read, so an awaiting producer keeps one value in flight" },
  module: import.meta.url,
});

if (isMain(import.meta.url)) await standalone(w2);
