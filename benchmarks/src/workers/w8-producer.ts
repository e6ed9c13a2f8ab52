/**
 * W8's producer thread. It answers "ready" once loaded, then runs one job per
 * message from the main thread — sending 0..n-1 through a SharedChannel
 * (`sendSync`, then `close()`), through a MessagePort (`postMessage` each,
 * then "done"), or through the floor's SharedArrayBuffer ring — and answers
 * "sent" after each. One worker serves every run of a process, so thread and
 * loader start-up stay out of the timed runs.
 */

import { parentPort } from "node:worker_threads";
import { SharedChannel } from "@csp-kit/threads";
import { RingProducer } from "../impls/floor-ring.js";
import { PORT_DONE, type ProducerJob, READY } from "./w8-protocol.js";

const control = parentPort;
if (control === null) throw new Error("w8-producer.ts runs as a worker thread");

control.on("message", (job: ProducerJob) => {
  if (job.kind === "shared") {
    const ch = SharedChannel.from<number>(job.handle);
    for (let i = 0; i < job.n; i++) ch.sendSync(i);
    ch.close();
  } else if (job.kind === "port") {
    for (let i = 0; i < job.n; i++) job.port.postMessage(i);
    job.port.postMessage(PORT_DONE);
  } else {
    const ring = new RingProducer(job.buffer);
    for (let i = 0; i < job.n; i++) ring.pushSync(i);
  }
  control.postMessage("sent");
});
control.postMessage(READY);
