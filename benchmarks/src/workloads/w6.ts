/** W6 — mutex: 4 tasks × N/4 lock/unlock around a shared counter increment. */

import { isMain, standalone } from "../runner.js";
import { defineWorkload, lazyImpl, SMOKE_N, SPEC_N } from "./define.js";

const cspKit = lazyImpl(() => import("../impls/csp-kit.js"));
const effect = lazyImpl(() => import("../impls/effect.js"));
const floor = lazyImpl(() => import("../impls/floor.js"));
const mutexes = lazyImpl(() => import("../impls/mutexes.js"));

const TASKS = 4;

export const w6 = defineWorkload({
  id: "W6",
  title: "mutex, 4 tasks",
  unit: "lock",
  n: SPEC_N,
  smokeN: SMOKE_N,
  granule: TASKS,
  describe:
    "Four async tasks each lock the mutex N/4 times (4 × 250,000) and, inside the critical section, add their next value (task t: t, t+4, …) to a shared counter (the checksum), then unlock. " +
    "With `await lock()` each task resumes a microtask after it acquired, so the other three are queued by then: every lock after the first is contended and handed over in FIFO order.",
  runs: {
    "csp-kit": cspKit((m, n) => m.lockedCounter("await", n, TASKS)),
    "csp-kit-try": cspKit((m, n) => m.lockedCounter("try", n, TASKS)),
    effect: effect((m, n) => m.lockedCounter(n, TASKS)),
    "async-mutex": mutexes((m, n) => m.asyncMutex(n, TASKS)),
    "p-mutex": mutexes((m, n) => m.pMutex(n, TASKS)),
    "esfx-mutex": mutexes((m, n) => m.esfxMutex(n, TASKS)),
    floor: floor((m, n) => m.lockedCounter(n, TASKS)),
  },
  skipped: {
    "csp-kit-batch": "a mutex workload",
    "js-csp": "no mutex (a channel of capacity 1 can be used as one, but that is not a mutex API)",
    "thi.ng-csp": "no mutex (a channel of capacity 1 can be used as one, but that is not a mutex API)",
    "channel-ts": "no mutex",
  },
  notes: {
    "csp-kit": "`await mu.lock(); counter…; mu.unlock()` with `Mutex` from `@csp-kit/mutex`",
    "csp-kit-try":
      "`if (!mu.tryLock()) await mu.lock()`: the critical section never awaits, so a task that gets the lock with `tryLock` never yields — each task runs its 250,000 iterations in one go and the mutex is never contended. This column measures the uncontended fast path (tryLock + unlock), the others the contended hand-over",
    effect:
      "`Semaphore.make(1)`; `yield* sem.withPermits(1)(Effect.sync(() => counter…))` (effect 4's form of `Effect.makeSemaphore(1)`)",
    floor:
      "a FIFO lock: a flag, an array queue of resolvers, a shared resolved promise when free; `await lock()` as the others",
  },
  module: import.meta.url,
});

if (isMain(import.meta.url)) await standalone(w6);
