/**
 * The benchmark registry: which implementations exist (the table's columns) and
 * what a workload is (a row). A workload maps implementation ids to a `Run`;
 * an implementation that lacks the feature is listed in `skipped` with the
 * reason, so the report can say why a cell is empty.
 *
 * Extension points:
 * - a workload: add `src/workloads/wN.ts` exporting a `Workload`, then list it in
 *   `src/workloads/index.ts`. Nothing else in the harness changes.
 * - a new peer: add its `ImplInfo` to `IMPLS` below
 *   (its `packages` are read for the version column), add the dependency to
 *   this package, and give the workloads that use it a `runs` entry.
 * - the native Go column: implement the workload in `go/main.go` and add its id
 *   to the `-list` answer there.
 */

import type { Checksum } from "./checksum.js";

/** What role an implementation plays in the report. */
export type ImplRole =
  /** The library under test (csp-kit). Compared with the best peer and with the floor. */
  | "subject"
  /** Another library with the feature. The best of them is the "best peer". */
  | "peer"
  /** The hand-written lower bound: what the platform allows (the column with id "floor"), or a variant of it with an API's costs added. */
  | "floor"
  /** Go's channels, run natively (not JavaScript): context, not a peer. */
  | "native"
  /** A subject run from another checkout (`--baseline`): the "before" of a before / after comparison. */
  | "baseline";

/** One column of the results table. */
export interface ImplInfo {
  /** The id used by `--impl` and in `Workload.runs`. */
  readonly id: string;
  /** The column header. */
  readonly label: string;
  readonly role: ImplRole;
  /** npm packages whose installed versions the report lists ("" entries are skipped). */
  readonly packages: readonly string[];
  /** One sentence for the report: how this implementation is used. */
  readonly describe: string;
}

/**
 * The implementations, in column order. Adding one here adds a column; a
 * workload without a `runs` entry for it shows "—" (with its `skipped` reason).
 */
export const IMPLS: readonly ImplInfo[] = [
  {
    id: "csp-kit",
    label: "csp-kit",
    role: "subject",
    packages: ["@csp-kit/channel", "@csp-kit/select", "@csp-kit/timers", "@csp-kit/mutex"],
    describe:
      "`await ch.send(v)` / `const r = await ch.recv()` — the pattern the README and TSDoc show; every receive allocates an `Option`. " +
      "W4/W7: `await select(cases)` (`@csp-kit/select`, timer from `@csp-kit/timers`); W6: `await mu.lock(); …; mu.unlock()` (`@csp-kit/mutex`).",
  },
  {
    id: "csp-kit-try",
    label: "csp-kit (try)",
    role: "subject",
    packages: ["@csp-kit/channel", "@csp-kit/select", "@csp-kit/timers", "@csp-kit/mutex"],
    describe:
      "the hot-loop pattern a user writes when it matters: `trySend(v)` and only on `would-block` `await send(v)`; `tryRecv()` and only on `would-block` `await recv()`. " +
      "W4/W7: `trySelect(cases)` and only on `undefined` `await select(cases)`; W6: `if (!mu.tryLock()) await mu.lock()`.",
  },
  {
    id: "csp-kit-value",
    label: "csp-kit (value)",
    role: "subject",
    packages: ["@csp-kit/channel"],
    describe:
      "the hot-loop receive (W1, W2, W3, W5, W9): producers as in the try style; the consumer `tryRecvValue()` and only on `WOULD_BLOCK` `await recvValue()` — the value itself or `CLOSED`, no `Some` per value, and a blocked receive resolves a number (no `then` lookup).",
  },
  {
    id: "csp-kit-prepared",
    label: "csp-kit (prepared)",
    role: "subject",
    packages: ["@csp-kit/select"],
    describe:
      "W4: the select loop over the same cases, `const fan = prepareSelect(cases)` once, then `fan.trySelect() ?? await fan.select()` (the cases validated once, not on every call); producers as in the try style.",
  },
  {
    id: "csp-kit-batch",
    label: "csp-kit (batch)",
    role: "subject",
    packages: ["@csp-kit/channel"],
    describe:
      "the workloads with a plain consumer (W2, W3, W8–W11): producers as in the try style; the consumer drains with `tryRecvBatch()` and only on `would-block` `await recvBatch()` — one array per batch instead of a `Some` per value.",
  },
  {
    id: "js-csp",
    label: "js-csp",
    role: "peer",
    packages: ["js-csp"],
    describe:
      "generator processes: `go(function* () { yield put(ch, v) })`, `yield take(ch)` (its README's style); W4/W7: `yield alts([...])`, W7's timer `timeout(ms)`.",
  },
  {
    id: "thi.ng-csp",
    label: "@thi.ng/csp",
    role: "peer",
    packages: ["@thi.ng/csp", "@thi.ng/buffers"],
    describe:
      "async functions: `await ch.write(v)`, `await ch.read()` (its README's style); W4/W7: `await select(a, b, …)`, W7's timer `timeout(ms)`.",
  },
  {
    id: "effect",
    label: "effect",
    role: "peer",
    packages: ["effect"],
    describe:
      "`Effect.gen` fibers run with `Effect.all(…, { concurrency: 'unbounded' })`: `yield* Queue.offer(q, v)`, `yield* Queue.take(q)`; " +
      "W4: `Effect.raceAll` of the `Queue.take`s; W6: `Semaphore.make(1)` and `withPermits(1)`; W7: `Queue.take(q).pipe(Effect.timeout(Duration.hours(1)))`.",
  },
  {
    id: "channel-ts",
    label: "channel-ts",
    role: "peer",
    packages: ["channel-ts"],
    describe: "`SimpleChannel`: synchronous `send(v)` (unbounded), `await receive()`.",
  },
  {
    id: "async-mutex",
    label: "async-mutex",
    role: "peer",
    packages: ["async-mutex"],
    describe: "W6 only: `const release = await mutex.acquire(); …; release()` (its README's style; it has no tryLock).",
  },
  {
    id: "p-mutex",
    label: "p-mutex",
    role: "peer",
    packages: ["p-mutex"],
    describe: "W6 only: `await mutex.lock(); …; mutex.unlock()` (no tryLock).",
  },
  {
    id: "esfx-mutex",
    label: "@esfx/async-mutex",
    role: "peer",
    packages: ["@esfx/async-mutex"],
    describe: "W6 only: `AsyncMutex`, `await mutex.lock(); …; mutex.unlock()`.",
  },
  {
    id: "messageport",
    label: "MessagePort",
    role: "peer",
    packages: [],
    describe:
      "W8 only: the platform's way between threads — `port.postMessage(v)` in the worker, a `message` listener on the main thread (Node's `worker_threads`).",
  },
  {
    id: "floor",
    label: "floor",
    role: "floor",
    packages: [],
    describe:
      "hand-written minimal channel (src/impls/floor.ts): power-of-two ring buffer, one pending resolver per side (a tiny FIFO of them for MPMC), synchronous completion when possible, no close, no abort, no select. " +
      "W4: four such rings polled in a uniformly random order (one `Math.random()` per poll), one pending resolver when all are empty; W6: a FIFO lock (array of resolvers, a shared resolved promise when free); " +
      "W7: the naive `Promise.race` of the value and a `setTimeout` promise, `clearTimeout` afterwards; W8: a single-producer single-consumer SharedArrayBuffer ring (src/impls/floor-ring.ts).",
  },
  {
    id: "floor-some",
    label: "floor (Some)",
    role: "floor",
    packages: [],
    describe:
      "the floor channel carrying each value as the `Some` object csp-kit's `recv()` returns (src/impls/floor-some.ts): one allocation per message and a promise resolved with an object (V8 looks up `then` on it) — the Option API's price. " +
      "csp-kit ÷ floor (Some) is csp-kit's own overhead; floor (Some) ÷ floor is what the API shape costs. Ratios in the report are against the plain floor.",
  },
  {
    id: "go",
    label: "Go (1 proc)",
    role: "native",
    packages: [],
    describe:
      "Go's native channels, select and sync.Mutex, `GOMAXPROCS=1`: goroutines interleaved on one thread, as JavaScript tasks are on the event loop (go/main.go); only when `go` is on PATH.",
  },
  {
    id: "go-2",
    label: "Go (2 procs)",
    role: "native",
    packages: [],
    describe:
      "the same Go program with `GOMAXPROCS=2`: goroutines on both cores of this machine, so hand-offs cross threads; only when `go` is on PATH.",
  },
];

/** Looks an implementation up by id. */
export function implInfo(id: string): ImplInfo | undefined {
  return IMPLS.find((i) => i.id === id);
}

/**
 * One run of a workload on one implementation: moves the values 0..n-1 from
 * producers to consumers and returns the consumers' checksum. Setup (creating
 * channels) is inside the run and timed with it; it is negligible at n = 10^6.
 */
export type Run = (n: number) => Promise<Checksum>;

/** One row of the results table. */
export interface Workload {
  /** "W1" … "W11": the SPEC's numbering. */
  readonly id: string;
  /** Short title for tables and the chart. */
  readonly title: string;
  /** What one operation is: a message moved, a hop of a ping-pong, a lock/unlock… */
  readonly unit: string;
  /** Messages per run in a full run (SPEC: 1,000,000 unless stated). */
  readonly n: number;
  /** Messages per run in `--smoke` mode: small, but big enough to block and wake every path. */
  readonly smokeN: number;
  /** n must be a multiple of this (e.g. 4 consumers, 2 hops per round trip). */
  readonly granule: number;
  /** One or two sentences for the report: the exact shape of the workload and what the checksum covers. */
  readonly describe: string;
  /** The implementations of this workload, by implementation id. */
  readonly runs: Readonly<Record<string, Run>>;
  /** Implementations without the feature, by id, with the reason shown in the report. */
  readonly skipped?: Readonly<Record<string, string>>;
  /** Per-implementation caveats shown in the report (e.g. "capacity 1: its minimum"). */
  readonly notes?: Readonly<Record<string, string>>;
  /** The module that defines the workload (`import.meta.url`): the harness runs it as the child process. */
  readonly module: string;
}

/** Throws unless `n` is a positive multiple of the workload's granule. */
export function checkN(w: Workload, n: number): void {
  if (!Number.isSafeInteger(n) || n <= 0 || n % w.granule !== 0) {
    throw new RangeError(`${w.id}: n must be a positive multiple of ${w.granule} (got ${n})`);
  }
}
