/**
 * Runs the applier on the real clock against a simulated source: the first
 * connect is refused, the stream breaks after event 3, and the applier is
 * stopped while its read waits on an idle source. Then a second applier is
 * stopped in the middle of a 10-second backoff.
 *
 * Run: npx tsx --conditions=@csp-kit/source docs/examples/stoppable-applier/main.ts
 */

import { sleep } from "@csp-kit/timers";
import { runApplier } from "./applier.js";
import { SimulatedSource } from "./simulated-source.js";

const started = performance.now();
const ms = () => Math.round(performance.now() - started);
const log = (line: string) => console.log(`${String(ms()).padStart(5)} ms  ${line}`);

// --- 1. refused connect, broken stream, stop during a pending read
{
  const source = new SimulatedSource();
  source.failNextConnect(new Error("connection refused"));
  const stop = new AbortController();
  const run = runApplier({
    connect: (position, signal) => source.connect(position, signal),
    apply: (event) => log(`applied #${event.position}: ${event.statement}`),
    signal: stop.signal,
    retryDelay: 100,
    log,
  });

  for (let i = 1; i <= 6; i++) {
    await sleep(60);
    source.append(`insert into t values (${i})`);
    if (i === 3) source.breakConnections(new Error("connection reset by peer"));
  }
  await sleep(300); // the source goes idle: the producer task blocks in read()

  log(`STOP REPLICA, with ${source.pendingReads} read pending on an idle source`);
  const t0 = performance.now();
  stop.abort();
  const { position, applied } = await run;
  log(
    `stopped after ${(performance.now() - t0).toFixed(2)} ms: ${applied} events applied, resume at #${position}; ` +
      `the read is still pending (${source.pendingReads}) and will be dropped`,
  );
}

// --- 2. stop during a long backoff
{
  const source = new SimulatedSource();
  for (let i = 0; i < 10; i++) source.failNextConnect(new Error("connection refused"));
  const stop = new AbortController();
  const run = runApplier({
    connect: (position, signal) => source.connect(position, signal),
    apply: () => {},
    signal: stop.signal,
    retryDelay: 10_000,
    log,
  });
  await sleep(50);
  const t0 = performance.now();
  stop.abort();
  await run;
  log(`stopped during a 10 s backoff after ${(performance.now() - t0).toFixed(2)} ms`);
}
