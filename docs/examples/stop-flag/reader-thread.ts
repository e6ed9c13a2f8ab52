/**
 * The body of the reader thread (started by stop-flag.ts through boot.mjs):
 * rebuilds the shared `running` flag and the log from their buffers, runs the
 * reader loop, and reports to the main thread. Applying an event here means
 * adding it to a balance — the replica's one-row table.
 */

import { parentPort, workerData } from "node:worker_threads";
import { AtomicBool } from "@csp-kit/atomic";
import { SharedEventLog } from "./event-log.js";
import { type ReaderData, type ReaderMessage, runReader } from "./stop-flag.js";

const data = workerData as ReaderData;
const running = AtomicBool.from(data.running.buffer, data.running.byteOffset);
const log = SharedEventLog.from(data.log);
const post = (message: ReaderMessage) => parentPort?.postMessage(message);

let balance = 0;
const report = runReader(running, log, data.readSlice, {
  apply(event, position) {
    balance += event;
    post({ kind: "applied", position, event, state: balance });
  },
  caughtUp(position) {
    post({ kind: "caught-up", position });
  },
});
post({ kind: "stopped", ...report });
// Nothing else keeps this thread alive: it exits, and the main thread's join() resolves.
