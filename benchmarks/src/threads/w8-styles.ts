/**
 * W8 — across threads, buffered 1024: a worker produces N small numbers, the
 * main thread consumes them, through a SharedChannel and through
 * MessagePort.postMessage, measured side by side and interleaved in one process.
 *
 * - MessagePort: the worker calls `parentPort.postMessage(i)` per number; the
 *   main thread counts them in a "message" listener (Node drains the port's
 *   queue per event-loop turn).
 * - SharedChannel: the worker calls `sendSync(i)` per number (blocking while
 *   the 1024 slots are full), then `close()`; the main thread consumes in one of
 *   four styles: `for await`, `await recv()` per value, `tryRecv()` first and
 *   `await recv()` only when empty, or `await recvBatch()` (everything
 *   buffered per wake-up).
 *
 * - the floor (blocking-floor-ring.ts): the minimal single-producer
 *   single-consumer ring of Float64 slots a careful engineer writes by hand —
 *   the worker's `pushSync` blocks with `Atomics.wait` when full; the main
 *   thread drains what is there synchronously and sleeps with
 *   `Atomics.waitAsync` only when empty; nobody notifies unless the other side
 *   sleeps. What the platform allows here. Measured twice: draining (the floor
 *   of every consumer style) and with one `await` per value (the floor of a
 *   promise-per-value API such as `await recv()` or `for await`).
 *
 * Then worker -> worker: the same producer, and a consumer worker that calls
 * `recvSync()` per value, against a MessageChannel between the two workers and
 * the floor ring (blocking on both sides).
 *
 * Each run checks the count and the checksum of what was received; a lost or
 * duplicated value fails the run instead of producing a number. Worker start-up
 * is not timed (the clock starts when the ready worker is told to go). The
 * tables give each contender's median, and its ratios to the MessagePort's and
 * to the floor's medians of the same run.
 *
 * Reading the floor: it is not a ceiling. A consumer faster than its producer
 * drains the ring, sleeps, and pays a `waitAsync` wake-up (tens of
 * microseconds on a small VM) each time; whether the producer fills the 1024
 * slots meanwhile decides between streaming and ping-pong, so the floor is
 * bimodal, and a slower consumer that keeps the ring non-empty (SharedChannel's
 * `tryRecv` loop) sometimes beats it. Compare medians of several runs.
 *
 * The suite's W8 (src/workloads/w8.ts, `pnpm bench --only W8`) measures one
 * consumer style per implementation against its peers; this script compares
 * the styles and the worker -> worker path of SharedChannel alone.
 *
 * Run: pnpm --filter @csp-kit/benchmarks bench:w8-styles [N] [runs] [only]
 * (`only`: a comma-separated subset of the contenders' keys, e.g. `port,await-recv`,
 * for profiling one of them; keys are printed in the table.)
 */

import { Worker } from "node:worker_threads";
import { SharedChannel } from "@csp-kit/threads";
import { createFloorRing, FloorConsumer } from "./blocking-floor-ring.js";

const N = Number(process.argv[2] ?? 1_000_000);
const RUNS = Number(process.argv[3] ?? 3);
const ONLY = process.argv[4]?.split(",");
const CAPACITY = 1024;
/** Sum of 0..N-1, the checksum every run must reproduce. */
const EXPECTED = (N * (N - 1)) / 2;

/** Starts a fixture worker and resolves once it reported "ready" (start-up is not timed). */
function startFixture(name: string, data: Record<string, unknown>, transfer: Transferable[] = []): Promise<Worker> {
  const entry = new URL(`./${name}.ts`, import.meta.url).href;
  const worker = new Worker(new URL("../workers/boot.mjs", import.meta.url), {
    workerData: { ...data, entry, n: N },
    transferList: transfer as never[],
  });
  return new Promise((resolve, reject) => {
    worker.once("error", reject);
    worker.once("message", () => resolve(worker));
  });
}

function startProducer(data: Record<string, unknown>, transfer: Transferable[] = []): Promise<Worker> {
  return startFixture("w8-styles-producer", data, transfer);
}

/** Messages per second from a producer worker to a consumer worker: SharedChannel (sendSync -> recvSync) or a MessageChannel. */
async function runWorkerToWorker(mode: "shared" | "floor" | "port"): Promise<number> {
  let producer: Worker;
  let consumer: Worker;
  if (mode === "floor") {
    const floor = createFloorRing(CAPACITY);
    [producer, consumer] = await Promise.all([
      startProducer({ mode, floor }),
      startFixture("w8-styles-consumer", { mode, floor }),
    ]);
  } else if (mode === "shared") {
    const ch = new SharedChannel<number>(CAPACITY);
    [producer, consumer] = await Promise.all([
      startProducer({ mode, handle: ch.handle }),
      startFixture("w8-styles-consumer", { mode, handle: ch.handle }),
    ]);
  } else {
    const { port1, port2 } = new MessageChannel();
    [producer, consumer] = await Promise.all([
      startProducer({ mode, port: port1 }, [port1]),
      startFixture("w8-styles-consumer", { mode, port: port2 }, [port2]),
    ]);
  }
  const result = new Promise<{ count: number; sum: number; ms: number }>((resolve) =>
    consumer.once("message", resolve),
  );
  consumer.postMessage("go");
  producer.postMessage("go");
  const { count, sum, ms } = await result;
  await Promise.all([producer.terminate(), consumer.terminate()]);
  check(`worker -> worker ${mode}`, count, sum);
  return N / (ms / 1000);
}

function check(kind: string, count: number, sum: number): void {
  if (count !== N || sum !== EXPECTED)
    throw new Error(`${kind}: received ${count} values summing to ${sum}; expected ${N} summing to ${EXPECTED}`);
}

/** How the main thread consumes from the SharedChannel. */
type Style = "for-await" | "await-recv" | "try-then-await" | "recv-batch";

/** Messages per second through a SharedChannel: worker sendSync -> main thread, consuming in `style`. */
async function runShared(style: Style): Promise<number> {
  const ch = new SharedChannel<number>(CAPACITY);
  const worker = await startProducer({ mode: "shared", handle: ch.handle });
  const start = performance.now();
  worker.postMessage("go");
  let count = 0;
  let sum = 0;
  if (style === "for-await") {
    for await (const v of ch) {
      sum += v;
      count++;
    }
  } else if (style === "await-recv") {
    for (;;) {
      const r = await ch.recv();
      if (r.isNone()) break;
      sum += r.value;
      count++;
    }
  } else if (style === "recv-batch") {
    // Everything buffered per wake-up, as a MessagePort listener drains its queue per event-loop turn.
    for (let r = await ch.recvBatch(); r.isSome(); r = await ch.recvBatch()) {
      for (const v of r.value) sum += v;
      count += r.value.length;
    }
  } else {
    // Go's `select { case v := <-ch: … default: }` first, a waiting receive only when empty.
    for (;;) {
      let r = ch.tryRecv();
      if (r === "would-block") r = await ch.recv();
      if (r.isNone()) break;
      sum += r.value;
      count++;
    }
  }
  const seconds = (performance.now() - start) / 1000;
  await worker.terminate();
  check(`SharedChannel (${style})`, count, sum);
  return N / seconds;
}

/** Messages per second through the floor ring: worker pushSync -> main thread, draining or awaiting each value. */
async function runFloor(style: "drain" | "await-each"): Promise<number> {
  const floor = createFloorRing(CAPACITY);
  const worker = await startProducer({ mode: "floor", floor });
  const ring = new FloorConsumer(floor);
  const start = performance.now();
  worker.postMessage("go");
  let count = 0;
  let sum = 0;
  if (style === "drain") {
    await ring.consumeAsync((v) => {
      sum += v;
      count++;
    });
  } else {
    for (let v = await ring.recv(); v !== undefined; v = await ring.recv()) {
      sum += v;
      count++;
    }
  }
  const seconds = (performance.now() - start) / 1000;
  await worker.terminate();
  check(`floor (${style})`, count, sum);
  return N / seconds;
}

/** Messages per second through postMessage: worker parentPort.postMessage -> main "message" listener. */
async function runPort(): Promise<number> {
  const worker = await startProducer({ mode: "port" });
  let count = 0;
  let sum = 0;
  const done = new Promise<void>((resolve) => {
    worker.on("message", (m: number | string) => {
      if (m === "done") resolve();
      else {
        sum += m as number;
        count++;
      }
    });
  });
  const start = performance.now();
  worker.postMessage("go");
  await done;
  const seconds = (performance.now() - start) / 1000;
  await worker.terminate();
  check("MessagePort", count, sum);
  return N / seconds;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Contender {
  readonly key: string;
  readonly label: string;
  readonly run: () => Promise<number>;
  readonly results: number[];
}
const contender = (key: string, label: string, run: () => Promise<number>): Contender => ({
  key,
  label,
  run,
  results: [],
});
const styles: Style[] = ["for-await", "await-recv", "try-then-await", "recv-batch"];
const toMain = [
  contender("port", "MessagePort.postMessage", runPort),
  contender("floor", "floor ring, drain", () => runFloor("drain")),
  contender("floor-await", "floor ring, await per value", () => runFloor("await-each")),
  ...styles.map((st) => contender(st, `SharedChannel, ${st}`, () => runShared(st))),
];
const toWorker = [
  contender("w2w-port", "MessageChannel.postMessage", () => runWorkerToWorker("port")),
  contender("w2w-floor", "floor ring, pushSync/consumeSync", () => runWorkerToWorker("floor")),
  contender("w2w-shared", "SharedChannel, sendSync/recvSync", () => runWorkerToWorker("shared")),
];
const selected = (cs: Contender[]) => cs.filter((c) => ONLY === undefined || ONLY.includes(c.key));

const fmt = (x: number) => `${(x / 1e6).toFixed(2)}M msg/s`.padStart(14);
for (const group of [selected(toMain), selected(toWorker)]) {
  for (let run = 1; run <= RUNS && group.length > 0; run++) {
    // Interleaved, so a slow spell of the machine hits every contender alike.
    for (const c of group) c.results.push(await c.run());
    console.log(`run ${run}: ${group.map((c) => `${c.key} ${fmt(c.results.at(-1)!).trim()}`).join("  ")}`);
  }
}

/** Prints one group: each contender's median, × the port's median and ÷ the floor's median (when measured). */
function table(title: string, group: Contender[], portKey: string, floorKey: string): void {
  const measured = group.filter((c) => c.results.length > 0);
  if (measured.length === 0) return;
  const med = (key: string) => {
    const c = measured.find((x) => x.key === key);
    return c === undefined ? undefined : median(c.results);
  };
  const port = med(portKey);
  const floor = med(floorKey);
  console.log(`\n${title}, ${N} numbers, buffered ${CAPACITY}, median of ${RUNS} runs:`);
  console.log(`  ${"".padEnd(48)} ${"rate".padStart(14)}  ${"÷ port".padStart(7)}  ${"÷ floor".padStart(7)}`);
  for (const c of measured) {
    const m = median(c.results);
    const vsPort = port === undefined ? "" : `${(m / port).toFixed(1)}x`;
    const vsFloor = floor === undefined ? "" : `${((100 * m) / floor).toFixed(0)}%`;
    console.log(`  ${`${c.label} [${c.key}]`.padEnd(48)} ${fmt(m)}  ${vsPort.padStart(7)}  ${vsFloor.padStart(7)}`);
  }
}
table("W8 worker -> main thread", toMain, "port", "floor");
table("W8 worker -> worker", toWorker, "w2w-port", "w2w-floor");
