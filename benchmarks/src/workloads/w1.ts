/** W1 — unbuffered hand-off: one producer, one consumer, capacity 0 (a rendezvous per message). */

import { Channel } from "@csp-kit/channel";
import { Queue } from "effect";
import csp from "js-csp";
import * as cspKit from "../impls/csp-kit.js";
import * as effect from "../impls/effect.js";
import * as floor from "../impls/floor.js";
import * as jsCsp from "../impls/js-csp.js";
import { isMain, standalone } from "../runner.js";
import { defineWorkload, SMOKE_N, SPEC_N } from "./define.js";

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
    "csp-kit": (n) => cspKit.pipeline("await", n, 1, 1, () => new Channel<number>(0)),
    "csp-kit-try": (n) => cspKit.pipeline("try", n, 1, 1, () => new Channel<number>(0)),
    "js-csp": (n) => jsCsp.pipeline(n, 1, 1, () => csp.chan<number>()),
    effect: (n) => effect.pipeline(n, 1, 1, () => Queue.bounded<number>(0)),
    floor: (n) => floor.pipeline(n, 1, 1, () => new floor.FloorChannel<number>(0)),
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
