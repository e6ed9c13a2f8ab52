/** W5 — ping-pong over two unbuffered channels, measured per hop. */

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
    "csp-kit": (n) => cspKit.pingPong("await", n, () => new Channel<number>(0)),
    "csp-kit-try": (n) => cspKit.pingPong("try", n, () => new Channel<number>(0)),
    "js-csp": (n) => jsCsp.pingPong(n, () => csp.chan<number>()),
    "thi.ng-csp": (n) => thing.pingPong(n, () => channel<number>()),
    effect: (n) => effect.pingPong(n, () => Queue.bounded<number>(0)),
    floor: (n) => floor.pingPong(n, () => new floor.FloorChannel<number>(0)),
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
