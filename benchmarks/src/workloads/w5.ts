/** W5 — ping-pong over two unbuffered channels, measured per hop. */

import { isMain, standalone } from "../runner.js";
import { defineWorkload, lazyImpl, SMOKE_N, SPEC_N } from "./define.js";

const cspKit = lazyImpl(() => import("../impls/csp-kit.js"));
const effect = lazyImpl(() => import("../impls/effect.js"));
const floor = lazyImpl(() => import("../impls/floor.js"));
const floorSome = lazyImpl(() => import("../impls/floor-some.js"));
const jsCsp = lazyImpl(() => import("../impls/js-csp.js"));
const thing = lazyImpl(() => import("../impls/thing-csp.js"));

export const w5 = defineWorkload({
  id: "W5",
  title: "ping-pong (per hop)",
  unit: "hop",
  n: SPEC_N,
  smokeN: SMOKE_N,
  granule: 2,
  describe:
    "Ping sends k on channel A and waits for k+1 on channel B; pong answers each value on B. N hops (N/2 round trips); the checksum covers every value received on either side.",
  runs: {
    "csp-kit": cspKit((m, n) => m.pingPong("await", n, () => new m.Channel<number>(0))),
    "csp-kit-try": cspKit((m, n) => m.pingPong("try", n, () => new m.Channel<number>(0))),
    "csp-kit-value": cspKit((m, n) => m.pingPong("value", n, () => new m.Channel<number>(0))),
    "js-csp": jsCsp((m, n) => m.pingPong(n, () => m.csp.chan<number>())),
    "thi.ng-csp": thing((m, n) => m.pingPong(n, () => m.channel<number>())),
    effect: effect((m, n) => m.pingPong(n, () => m.Queue.bounded<number>(0))),
    floor: floor((m, n) => m.pingPong(n, () => new m.FloorChannel<number>(0))),
    "floor-some": floorSome((m, n) => m.pingPong(n, () => m.channel(0))),
  },
  skipped: {
    "csp-kit-batch": "ping-pong has one value in flight: nothing to batch",
    "channel-ts": "only an unbounded channel",
  },
  notes: {
    "thi.ng-csp":
      "`channel()` (its default fifo(1), as in its README's ping-pong; no unbuffered kind exists): the same hops, since each side waits for the reply",
    effect: "`Queue.bounded(0)` (rendezvous)",
  },
  module: import.meta.url,
});

if (isMain(import.meta.url)) await standalone(w5);
