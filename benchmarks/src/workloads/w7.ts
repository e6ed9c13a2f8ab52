/** W7 — select of a ready channel against a one-hour timer, N/10 times. */

import { isMain, standalone } from "../runner.js";
import { defineWorkload, lazyImpl, SMOKE_N, SPEC_N } from "./define.js";

const cspKit = lazyImpl(() => import("../impls/csp-kit.js"));
const effect = lazyImpl(() => import("../impls/effect.js"));
const floor = lazyImpl(() => import("../impls/floor.js"));
const jsCsp = lazyImpl(() => import("../impls/js-csp.js"));
const thing = lazyImpl(() => import("../impls/thing-csp.js"));

/** One hour: a timer that must never fire during a run. */
const HOUR_MS = 3_600_000;

export const w7 = defineWorkload({
  id: "W7",
  title: "select: ready vs 1-hour timer",
  unit: "select",
  n: SPEC_N / 10,
  smokeN: SMOKE_N,
  granule: 1,
  describe:
    "N/10 = 100,000 times: put i on a channel buffered 1, create a fresh one-hour timer, and select between receiving from the channel and the timer; the channel must win every time (a timer win fails the run). " +
    "Measures what a select with a timeout costs when the value is already there — including creating and disposing of the timer.",
  runs: {
    "csp-kit": cspKit((m, n) => m.selectAgainstTimer("await", n, HOUR_MS)),
    "csp-kit-try": cspKit((m, n) => m.selectAgainstTimer("try", n, HOUR_MS)),
    "js-csp": jsCsp((m, n) => m.selectAgainstTimer(n, HOUR_MS)),
    "thi.ng-csp": thing((m, n) => m.selectAgainstTimer(n, HOUR_MS, () => m.channel<number>(1))),
    effect: effect((m, n) => m.selectAgainstTimer(n, HOUR_MS)),
    floor: floor((m, n) => m.selectAgainstTimer(n, HOUR_MS)),
  },
  skipped: {
    "csp-kit-batch": "the consumer selects; select receives one value per case",
    "channel-ts": "no select and no timer",
  },
  notes: {
    "csp-kit":
      "`await ch.send(i)`, then `await select({ value: recv(ch), timeout: recv(after(3_600_000)) })` (`after` from `@csp-kit/timers`, armed only while a select waits on it)",
    "csp-kit-try": "`trySend` first, then `trySelect(cases) ?? await select(cases)` on the same two cases",
    "js-csp": "`yield put(ch, i)`, then `yield alts([ch, timeout(3_600_000)])`",
    "thi.ng-csp": "`ch.offer(i)`, then `await select(ch, timeout(3_600_000))`",
    effect: "`Queue.offer(q, i)`, then `Queue.take(q).pipe(Effect.timeout(Duration.millis(3_600_000)))`",
    floor:
      "the naive JavaScript version: `Promise.race([value, new Promise((r) => { t = setTimeout(r, 3_600_000) })])`, then `clearTimeout(t)`",
  },
  module: import.meta.url,
});

if (isMain(import.meta.url)) await standalone(w7);
