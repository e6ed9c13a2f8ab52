/**
 * Runs a replica reader on a worker thread. The main thread plays the source
 * and the monitor: it appends a burst of account movements to a shared log,
 * goes quiet, appends two more, and prints what the reader reports. The reader
 * thread blocks on the log in 100 ms read slices, applies each movement to its
 * balance, and says when it has caught up. Then the main thread lowers the
 * `running` flag while the reader is blocked on the idle log: the reader
 * notices within one slice, exits, and is joined.
 *
 * Run: npx tsx --conditions=@csp-kit/source docs/examples/stop-flag/main.ts
 */

import { sleep } from "@csp-kit/timers";
import { SharedEventLog } from "./event-log.js";
import { ReaderThread } from "./stop-flag.js";

const READ_SLICE = 100;
const started = performance.now();
const at = () => `${String(Math.round(performance.now() - started)).padStart(4)} ms`;

const log = new SharedEventLog(1024);
const reader = ReaderThread.start(log, { readSlice: READ_SLICE });
console.log(`${at()}  reader thread started (read slice ${READ_SLICE} ms)`);

/** Prints the reader's reports as they come (a channel: the main thread never blocks), until it caught up. */
async function watchUntilCaughtUp(): Promise<void> {
  for await (const e of reader.events) {
    if (e.kind === "applied") {
      console.log(`${at()}    reader: #${e.position} ${e.event > 0 ? "+" : ""}${e.event} -> balance ${e.state}`);
    } else {
      console.log(`${at()}    reader: caught up at #${e.position}, waiting for the source`);
      return;
    }
  }
}

await watchUntilCaughtUp(); // the thread is up, and blocked on the empty log
for (const amount of [100, 250, -80, 40]) log.append(amount);
console.log(`${at()}  source: appended 4 movements`);
await watchUntilCaughtUp();
await sleep(250); // the source stays quiet; the reader keeps reading, one slice at a time
for (const amount of [-120, 15]) log.append(amount);
console.log(`${at()}  source: appended 2 movements`);
await watchUntilCaughtUp();

const stopAt = performance.now();
reader.stop();
console.log(`${at()}  main: running = false (the reader is blocked in a read)`);
const report = await reader.join();
console.log(
  `${at()}  main: joined the reader ${Math.round(performance.now() - stopAt)} ms after the stop ` +
    `(about one ${READ_SLICE} ms read slice, plus the exit); it applied ${report.position} events, ` +
    `and ${report.slices} reads timed out on the way`,
);
