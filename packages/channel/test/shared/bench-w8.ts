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
 * Then worker -> worker: the same producer, and a consumer worker that calls
 * `recvSync()` per value, against a MessageChannel between the two workers.
 *
 * Each run checks the count and the checksum of what was received; a lost or
 * duplicated value fails the run instead of producing a number. Worker start-up
 * is not timed (the clock starts when the ready worker is told to go).
 *
 * Run: npx tsx packages/channel/test/shared/bench-w8.ts [N] [runs]
 */

import { Worker } from "node:worker_threads";
import { SharedChannel } from "../../src/shared.js";

const N = Number(process.argv[2] ?? 1_000_000);
const RUNS = Number(process.argv[3] ?? 3);
const CAPACITY = 1024;
/** Sum of 0..N-1, the checksum every run must reproduce. */
const EXPECTED = (N * (N - 1)) / 2;

/** Starts a fixture worker and resolves once it reported "ready" (start-up is not timed). */
function startFixture(name: string, data: Record<string, unknown>, transfer: Transferable[] = []): Promise<Worker> {
  const entry = new URL(`./fixtures/${name}.ts`, import.meta.url).href;
  const worker = new Worker(new URL("./fixtures/boot.mjs", import.meta.url), {
    workerData: { ...data, entry, n: N },
    transferList: transfer as never[],
  });
  return new Promise((resolve, reject) => {
    worker.once("error", reject);
    worker.once("message", () => resolve(worker));
  });
}

function startProducer(data: Record<string, unknown>, transfer: Transferable[] = []): Promise<Worker> {
  return startFixture("bench-producer", data, transfer);
}

/** Messages per second from a producer worker to a consumer worker: SharedChannel (sendSync -> recvSync) or a MessageChannel. */
async function runWorkerToWorker(mode: "shared" | "port"): Promise<number> {
  let producer: Worker;
  let consumer: Worker;
  if (mode === "shared") {
    const ch = new SharedChannel<number>(CAPACITY);
    [producer, consumer] = await Promise.all([
      startProducer({ mode, handle: ch.handle }),
      startFixture("bench-consumer", { mode, handle: ch.handle }),
    ]);
  } else {
    const { port1, port2 } = new MessageChannel();
    [producer, consumer] = await Promise.all([
      startProducer({ mode, port: port1 }, [port1]),
      startFixture("bench-consumer", { mode, port: port2 }, [port2]),
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

const fmt = (x: number) => `${(x / 1e6).toFixed(2)}M msg/s`.padStart(14);
const styles: Style[] = ["for-await", "await-recv", "try-then-await", "recv-batch"];
const shared: Record<Style, number[]> = { "for-await": [], "await-recv": [], "try-then-await": [], "recv-batch": [] };
const port: number[] = [];
for (let run = 1; run <= RUNS; run++) {
  // Interleaved, so a slow spell of the machine hits every contender alike.
  port.push(await runPort());
  for (const style of styles) shared[style].push(await runShared(style));
  console.log(
    `run ${run}: MessagePort ${fmt(port.at(-1)!)}  ${styles.map((st) => `${st} ${fmt(shared[st].at(-1)!)}`).join(" ")}`,
  );
}
const w2wPort: number[] = [];
const w2wShared: number[] = [];
for (let run = 1; run <= RUNS; run++) {
  w2wPort.push(await runWorkerToWorker("port"));
  w2wShared.push(await runWorkerToWorker("shared"));
  console.log(
    `run ${run}, worker -> worker: MessageChannel ${fmt(w2wPort.at(-1)!)}  SharedChannel sendSync/recvSync ${fmt(w2wShared.at(-1)!)}`,
  );
}
const p = median(port);
console.log(`\nW8 worker -> main thread, ${N} numbers, buffered ${CAPACITY}, median of ${RUNS} runs:`);
console.log(`  MessagePort.postMessage             ${fmt(p)}`);
for (const style of styles) {
  const s = median(shared[style]);
  console.log(`  SharedChannel, ${style.padEnd(20)} ${fmt(s)}   ${(s / p).toFixed(1)}x`);
}
const wp = median(w2wPort);
const ws = median(w2wShared);
console.log(`W8 worker -> worker, same workload, median of ${RUNS} runs:`);
console.log(`  MessageChannel.postMessage          ${fmt(wp)}`);
console.log(`  SharedChannel, sendSync/recvSync    ${fmt(ws)}   ${(ws / wp).toFixed(1)}x`);
