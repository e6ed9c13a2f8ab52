/** W1 — unbuffered hand-off: one producer, one consumer, capacity 0 (a rendezvous per message). */

import { isMain, standalone } from "../runner.js";
import { defineWorkload, lazyImpl, SMOKE_N, SPEC_N } from "./define.js";

const cspKit = lazyImpl(() => import("../impls/csp-kit.js"));
const effect = lazyImpl(() => import("../impls/effect.js"));
const floor = lazyImpl(() => import("../impls/floor.js"));
const floorSome = lazyImpl(() => import("../impls/floor-some.js"));
const jsCsp = lazyImpl(() => import("../impls/js-csp.js"));

export const w1 = defineWorkload({
  id: "W1",
  title: "unbuffered hand-off",
  unit: "msg",
  n: SPEC_N,
  smokeN: SMOKE_N,
  granule: 1,
  describe:
    "One producer sends 0..N-1 on an unbuffered channel; one consumer receives N values. Every message is a rendezvous.",
  runs: {
    "csp-kit": cspKit((m, n) => m.pipeline("await", n, 1, 1, () => new m.Channel<number>(0))),
    "csp-kit-try": cspKit((m, n) => m.pipeline("try", n, 1, 1, () => new m.Channel<number>(0))),
    "csp-kit-value": cspKit((m, n) => m.pipeline("value", n, 1, 1, () => new m.Channel<number>(0))),
    "js-csp": jsCsp((m, n) => m.pipeline(n, 1, 1, () => m.csp.chan<number>())),
    effect: effect((m, n) => m.pipeline(n, 1, 1, () => m.Queue.bounded<number>(0))),
    floor: floor((m, n) => m.pipeline(n, 1, 1, () => new m.FloorChannel<number>(0))),
    "floor-some": floorSome((m, n) => m.pipeline(n, 1, 1, () => m.channel(0))),
  },
  skipped: {
    "csp-kit-batch": "an unbuffered hand-off has one value ready at a time: nothing to batch",
    "thi.ng-csp": "no unbuffered channel (the smallest buffer is fifo(1))",
    "channel-ts": "only an unbounded channel",
  },
  notes: { effect: "`Queue.bounded(0)`: effect 4's rendezvous queue" },
  module: import.meta.url,
});

if (isMain(import.meta.url)) await standalone(w1);
