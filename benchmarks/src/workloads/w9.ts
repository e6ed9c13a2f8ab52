/** W9 — infinite (unbounded) channel, one producer, one consumer. */

import { isMain, standalone } from "../runner.js";
import { defineWorkload, lazyImpl, SMOKE_N, SPEC_N } from "./define.js";

const cspKit = lazyImpl(() => import("../impls/csp-kit.js"));
const effect = lazyImpl(() => import("../impls/effect.js"));
const floor = lazyImpl(() => import("../impls/floor.js"));
const floorSome = lazyImpl(() => import("../impls/floor-some.js"));
const channelTs = lazyImpl(() => import("../impls/channel-ts.js"));

export const w9 = defineWorkload({
  id: "W9",
  title: "infinite SPSC",
  unit: "msg",
  n: SPEC_N,
  smokeN: SMOKE_N,
  granule: 1,
  describe:
    "One producer sends 0..N-1 on an unbounded channel (sends never wait); one consumer receives N values. " +
    "A producer whose sends complete synchronously (csp-kit (try), channel-ts, floor) runs ahead, so the backlog grows towards N and is drained afterwards; one that awaits each send interleaves with the consumer.",
  runs: {
    "csp-kit": cspKit((m, n) => m.pipeline("await", n, 1, 1, () => m.Channel.infinite<number>())),
    "csp-kit-try": cspKit((m, n) => m.pipeline("try", n, 1, 1, () => m.Channel.infinite<number>())),
    "csp-kit-value": cspKit((m, n) => m.pipeline("value", n, 1, 1, () => m.Channel.infinite<number>())),
    "csp-kit-batch": cspKit((m, n) => m.pipeline("batch", n, 1, 1, () => m.Channel.infinite<number>())),
    effect: effect((m, n) => m.pipeline(n, 1, 1, () => m.Queue.unbounded<number>())),
    "channel-ts": channelTs((m, n) => m.spsc(n)),
    floor: floor((m, n) => m.pipeline(n, 1, 1, () => new m.FloorChannel<number>(Number.POSITIVE_INFINITY))),
    "floor-some": floorSome((m, n) => m.pipeline(n, 1, 1, () => m.channel(Number.POSITIVE_INFINITY))),
  },
  skipped: {
    "js-csp": "no unbounded buffer (as in core.async)",
    "thi.ng-csp": "no unbounded buffer (writes beyond the buffer queue, at most 1024)",
    go: "Go has no unbounded channel",
  },
  notes: {
    "channel-ts":
      "`SimpleChannel`: `send` is synchronous, so the backlog grows towards N; its `receive` takes from the backlog with " +
      "`Array.prototype.shift()`, O(backlog) per call on a large array, so the run time grows as N² (×4 per doubling of N) " +
      "and N = 1,000,000 does not finish within the per-child time limit",
  },
  module: import.meta.url,
});

if (isMain(import.meta.url)) await standalone(w9);
