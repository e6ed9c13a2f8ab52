/** W8 — across threads: a worker produces, the main thread consumes, buffered 1024. */

import { isMain, standalone } from "../runner.js";
import { defineWorkload, lazyImpl, SMOKE_N, SPEC_N } from "./define.js";

const threads = lazyImpl(() => import("../impls/threads.js"));

const CAP = 1024;

export const w8 = defineWorkload({
  id: "W8",
  title: "across threads, buffered(1024)",
  unit: "msg",
  n: SPEC_N,
  smokeN: SMOKE_N,
  granule: 1,
  describe:
    "A worker thread sends 0..N-1 (small numbers); the main thread receives them. One worker serves all runs of a process (started during the warm-up), so thread start-up is not timed. The checksum covers everything the main thread received.",
  runs: {
    "csp-kit": threads((m, n) => m.sharedChannel("await", n, CAP)),
    "csp-kit-try": threads((m, n) => m.sharedChannel("try", n, CAP)),
    "csp-kit-batch": threads((m, n) => m.sharedChannel("batch", n, CAP)),
    messageport: threads((m, n) => m.messagePort(n)),
    floor: threads((m, n) => m.ring(n, CAP)),
  },
  skipped: {
    "js-csp": "single-thread channels only",
    "thi.ng-csp": "single-thread channels only",
    effect: "its Queue is single-thread",
    "channel-ts": "single-thread channels only",
  },
  notes: {
    "csp-kit":
      "`SharedChannel<number>(1024)` from `@csp-kit/threads`: the worker `sendSync(i)` (blocking while full) then `close()`; the main thread `await ch.recv()` until `None`",
    "csp-kit-try": "the same channel; the main thread `tryRecv()` first and `await recv()` only on `would-block`",
    messageport:
      "`port.postMessage(i)` per value on a fresh `MessageChannel`, a `message` listener on the main thread. Unbounded: the worker never waits, so nothing is buffered 1024",
    floor:
      "a hand-written single-producer single-consumer ring of 1024 `Float64` slots in a SharedArrayBuffer (src/impls/floor-ring.ts): each side spins briefly, then sleeps (`Atomics.wait` in the worker when full, `Atomics.waitAsync` on the main thread when empty) on a flag the other side swaps off with one notify; counters on separate cache lines, each side caching the other's; no close, no codec",
  },
  module: import.meta.url,
});

if (isMain(import.meta.url)) await standalone(w8);
