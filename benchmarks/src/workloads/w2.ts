/** W2 — buffered(1024), one producer, one consumer. */

import { Channel } from "@csp-kit/channel";
import { channel } from "@thi.ng/csp";
import { Queue } from "effect";
import csp from "js-csp";
import * as cspKit from "../impls/csp-kit.js";
import * as effect from "../impls/effect.js";
import * as floor from "../impls/floor.js";
import * as jsCsp from "../impls/js-csp.js";
import * as thing from "../impls/thing-csp.js";
import { isMain, standalone } from "../runner.js";
import { defineWorkload, SMOKE_N, SPEC_N } from "./define.js";

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
    "csp-kit": (n) => cspKit.pipeline("await", n, 1, 1, () => new Channel<number>(CAP)),
    "csp-kit-try": (n) => cspKit.pipeline("try", n, 1, 1, () => new Channel<number>(CAP)),
    "csp-kit-batch": (n) => cspKit.pipeline("batch", n, 1, 1, () => new Channel<number>(CAP)),
    "js-csp": (n) => jsCsp.pipeline(n, 1, 1, () => csp.chan<number>(CAP)),
    "thi.ng-csp": (n) => thing.pipeline(n, 1, 1, () => channel<number>(CAP)),
    effect: (n) => effect.pipeline(n, 1, 1, () => Queue.bounded<number>(CAP)),
    floor: (n) => floor.pipeline(n, 1, 1, () => new floor.FloorChannel<number>(CAP)),
  },
  skipped: { "channel-ts": "only an unbounded channel" },
  notes: { "thi.ng-csp": "`write` resolves when the value is read, so an awaiting producer keeps one value in flight" },
  module: import.meta.url,
});

if (isMain(import.meta.url)) await standalone(w2);
