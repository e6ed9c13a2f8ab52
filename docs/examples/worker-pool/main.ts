/**
 * Runs the worker pool twice.
 *
 * 1. In-process, for I/O-bound work: 3 workers health-check 8 services whose
 *    (simulated) answers take 20 to 80 ms; one service is down. The checks
 *    overlap, so the whole round takes far less than the sum of the latencies.
 * 2. On worker threads, for CPU-bound work: counting the primes below 2,000,000
 *    in 20 chunks fed through a SharedChannel to 2 to 4 threads; whichever
 *    thread is free takes the next chunk. The results channel closes when
 *    every thread has exited, which ends the `for await`.
 *
 * Run: npx tsx --conditions=@csp-kit/source docs/examples/worker-pool/main.ts
 */

import { availableParallelism } from "node:os";
import { Channel } from "@csp-kit/channel";
import { SharedChannel } from "@csp-kit/threads";
import { sleep } from "@csp-kit/timers";
import type { PrimeRange } from "./count-primes.js";
import { threadPool } from "./thread-pool.js";
import { workerPool } from "./worker-pool.js";

// --- 1. In-process: overlapping I/O ------------------------------------------

const services: Record<string, number> = {
  auth: 40,
  billing: 80,
  catalog: 20,
  cart: 30,
  search: 60,
  mail: 50,
  inventory: 70,
  reviews: 25,
};
const DOWN = "mail";

/** A simulated health check: answers after the service's latency; one service refuses. */
async function check(service: string, signal: AbortSignal): Promise<string> {
  await sleep(services[service] ?? 10, { signal });
  if (service === DOWN) throw new Error("connection refused");
  return "healthy";
}

let t0 = performance.now();
const names = new Channel<string>();
const checks = workerPool(names, check, { workers: 3 });
void (async () => {
  for (const name of Object.keys(services)) await names.send(name);
  names.close();
})();
console.log("health checks: 3 workers, 8 services");
for await (const r of checks.results) {
  const status = r.ok ? r.value : `DOWN (${(r.error as Error).message})`;
  console.log(`  worker ${r.worker}  ${r.task.padEnd(9)} ${status}`);
}
await checks.done;
const sum = Object.values(services).reduce((a, b) => a + b, 0);
console.log(`  done in ${Math.round(performance.now() - t0)} ms (the latencies add up to ${sum} ms)\n`);

// --- 2. Worker threads: parallel CPU ------------------------------------------

const LIMIT = 2_000_000;
const CHUNK = 100_000;
const THREADS = Math.min(4, Math.max(2, availableParallelism()));

t0 = performance.now();
const ranges = new SharedChannel<PrimeRange>(32);
const pool = threadPool<PrimeRange, number>(ranges, {
  threads: THREADS,
  work: new URL("./count-primes.ts", import.meta.url),
});
void (async () => {
  for (let from = 0; from < LIMIT; from += CHUNK) await ranges.send({ from, to: from + CHUNK });
  ranges.close();
})();
console.log(`prime count below ${LIMIT.toLocaleString("en")}: ${THREADS} threads, ${LIMIT / CHUNK} chunks`);
let primes = 0;
const chunksPerThread = new Map<number, number>();
for await (const r of pool.results) {
  if (!r.ok) throw r.error;
  primes += r.value;
  chunksPerThread.set(r.worker, (chunksPerThread.get(r.worker) ?? 0) + 1);
}
await pool.done; // every thread has exited
const spread = [...chunksPerThread].map(([id, n]) => `thread ${id}: ${n}`).join(", ");
console.log(`  chunks done per thread: ${spread}`);
console.log(`  ${primes} primes, in ${Math.round(performance.now() - t0)} ms (thread start-up included)`);
