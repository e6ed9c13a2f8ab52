/** W10 — ring(1024) (drops the OLDEST value when full), one producer, one consumer. */

import { Channel } from "@csp-kit/channel";
import { sliding } from "@thi.ng/buffers";
import { type ChannelValue, channel } from "@thi.ng/csp";
import { Queue } from "effect";
import csp from "js-csp";
import * as cspKit from "../impls/csp-kit.js";
import * as effect from "../impls/effect.js";
import * as floor from "../impls/floor.js";
import * as jsCsp from "../impls/js-csp.js";
import * as thing from "../impls/thing-csp.js";
import { isMain, standalone } from "../runner.js";
import { BURST_DESCRIPTION, defineWorkload, SMOKE_N, SPEC_N } from "./define.js";

const CAP = 1024;

export const w10 = defineWorkload({
  id: "W10",
  title: "ring(1024) SPSC",
  unit: "msg",
  n: SPEC_N,
  smokeN: SMOKE_N,
  granule: 1,
  describe: `A ring(1024) channel (drops the OLDEST value when full). ${BURST_DESCRIPTION}`,
  runs: {
    "csp-kit": (n) => cspKit.bursts("await", n, CAP, () => Channel.ring<number>(CAP)),
    "csp-kit-try": (n) => cspKit.bursts("try", n, CAP, () => Channel.ring<number>(CAP)),
    "csp-kit-batch": (n) => cspKit.bursts("batch", n, CAP, () => Channel.ring<number>(CAP)),
    "js-csp": (n) => jsCsp.bursts(n, CAP, () => csp.chan<number>(csp.buffers.sliding<number>(CAP))),
    "thi.ng-csp": (n) =>
      thing.bursts(
        n,
        CAP,
        () => channel<number>(sliding<ChannelValue<number>>(CAP)),
        () => channel<number>(1),
      ),
    effect: (n) => effect.bursts(n, CAP, () => Queue.sliding<number>(CAP)),
    floor: (n) => floor.bursts(n, CAP, () => new floor.FloorChannel<number>(CAP, "drop-oldest")),
  },
  skipped: { "channel-ts": "only an unbounded channel" },
  module: import.meta.url,
});

if (isMain(import.meta.url)) await standalone(w10);
