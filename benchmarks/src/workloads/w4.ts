/** W4 — select fan-in over four channels buffered 16. */

import { isMain, standalone } from "../runner.js";
import { defineWorkload, lazyImpl, SMOKE_N, SPEC_N } from "./define.js";

const cspKit = lazyImpl(() => import("../impls/csp-kit.js"));
const effect = lazyImpl(() => import("../impls/effect.js"));
const floor = lazyImpl(() => import("../impls/floor.js"));
const jsCsp = lazyImpl(() => import("../impls/js-csp.js"));
const thing = lazyImpl(() => import("../impls/thing-csp.js"));

const CAP = 16;

export const w4 = defineWorkload({
  id: "W4",
  title: "select fan-in, 4 × buffered(16)",
  unit: "msg",
  n: SPEC_N,
  smokeN: SMOKE_N,
  granule: 4,
  describe:
    "Four producers each send N/4 values (producer p: p, p+4, …) on their own channel buffered 16; one consumer selects over the four receive cases until it has N values. The checksum covers everything the consumer received.",
  runs: {
    "csp-kit": cspKit((m, n) => m.fanIn("await", n, () => new m.Channel<number>(CAP))),
    "csp-kit-try": cspKit((m, n) => m.fanIn("try", n, () => new m.Channel<number>(CAP))),
    "csp-kit-prepared": cspKit((m, n) => m.fanIn("prepared", n, () => new m.Channel<number>(CAP))),
    "js-csp": jsCsp((m, n) => m.fanIn(n, () => m.csp.chan<number>(CAP))),
    "thi.ng-csp": thing((m, n) => m.fanIn(n, () => m.channel<number>(CAP))),
    effect: effect((m, n) => m.fanIn(n, () => m.Queue.bounded<number>(CAP))),
    floor: floor((m, n) => m.fanIn(n, CAP)),
  },
  skipped: {
    "csp-kit-batch": "the consumer selects; select receives one value per case",
    "channel-ts": "no select",
  },
  notes: {
    "csp-kit":
      "`await select({ a: recv(c0), b: recv(c1), c: recv(c2), d: recv(c3) })`, one cases object reused for every select; producers `await send`",
    "csp-kit-try":
      "`trySelect(cases) ?? await select(cases)` on the same reused cases object; producers `trySend` first",
    "csp-kit-prepared":
      "`const fan = prepareSelect(cases)` once, then `fan.trySelect() ?? await fan.select()`: the cases validated once; producers `trySend` first",
    "js-csp": "`yield alts([c0, c1, c2, c3])` (random order among ready channels, as csp-kit's default)",
    "thi.ng-csp":
      "`await select(c0, c1, c2, c3)`; its `write` resolves when the value is read, so each producer keeps one value in flight",
    effect:
      "`Effect.raceAll` over the four `Queue.take`s — effect has no select; the losing takes are interrupted before they take anything (a woken take re-polls in its own fiber), so each race takes exactly one value, as the checksum confirms",
    floor:
      "four rings polled in a uniformly random order drawn from one `Math.random()` per poll, as a select must (src/impls/floor.ts `FloorFanIn`), one pending resolver when all are empty: a select over these rings only",
  },
  module: import.meta.url,
});

if (isMain(import.meta.url)) await standalone(w4);
