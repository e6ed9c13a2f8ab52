/** W3 — MPMC: 4 producers and 4 consumers on one channel buffered 128. */

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
    "csp-kit": (n) => cspKit.pipeline("await", n, P, C, () => new Channel<number>(CAP)),
    "csp-kit-try": (n) => cspKit.pipeline("try", n, P, C, () => new Channel<number>(CAP)),
    "csp-kit-batch": (n) => cspKit.pipeline("batch", n, P, C, () => new Channel<number>(CAP)),
    "js-csp": (n) => jsCsp.pipeline(n, P, C, () => csp.chan<number>(CAP)),
    "thi.ng-csp": (n) => thing.pipeline(n, P, C, () => channel<number>(CAP)),
    effect: (n) => effect.pipeline(n, P, C, () => Queue.bounded<number>(CAP)),
    floor: (n) => floor.pipeline(n, P, C, () => new floor.FloorChannel<number>(CAP)),
  },
  skipped: { "channel-ts": "only an unbounded, single-consumer channel" },
  notes: { "thi.ng-csp": "`write` resolves when the value is read (see W2)" },
  module: import.meta.url,
});

if (isMain(import.meta.url)) await standalone(w3);
