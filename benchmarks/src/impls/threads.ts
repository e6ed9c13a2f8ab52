/**
 * W8, the main thread's side: a worker thread produces 0..n-1, this thread
 * consumes them — through a csp-kit `SharedChannel` (two styles, as the other
 * csp-kit columns), through a `MessagePort` (`postMessage` per value, a
 * "message" listener here), or through the floor's hand-written
 * SharedArrayBuffer ring.
 *
 * One producer thread serves every run of the process: it is started (and tsx
 * registered in it) on first use, which falls in the untimed warm-up of a full
 * run. Between runs it is `unref`ed, so it never keeps the process alive; during
 * a run it is `ref`ed, so a run that waits on it is not mistaken for a deadlock.
 */

import { MessageChannel, type MessagePort, Worker } from "node:worker_threads";
import { SharedChannel } from "@csp-kit/threads";
import { Checksum } from "../checksum.js";
import { PORT_DONE, type ProducerJob, READY } from "../workers/w8-protocol.js";
import type { Style } from "./csp-kit.js";
import { createRing, RING_EMPTY, RingConsumer } from "./floor-ring.js";

/** The producer thread, once started. */
let producer: Promise<Worker> | undefined;
/** Rejects the run in flight when the producer thread fails; set during a run. */
let failRun: ((e: Error) => void) | undefined;

function startProducer(): Promise<Worker> {
  const worker = new Worker(new URL("../workers/boot.mjs", import.meta.url), {
    workerData: { entry: new URL("../workers/w8-producer.ts", import.meta.url).href },
  });
  worker.on("error", (e) => failRun?.(e));
  worker.on("exit", (code) => failRun?.(new Error(`the producer thread exited (code ${code})`)));
  return new Promise((resolve, reject) => {
    worker.once("error", reject);
    worker.once("message", (m) => {
      if (m !== READY) reject(new Error(`the producer thread said ${String(m)} instead of "${READY}"`));
      worker.unref();
      resolve(worker);
    });
  });
}

/**
 * Posts `job` to the producer thread and runs `consume` (which must return once
 * it has every value); resolves with its checksum after the producer said "sent".
 */
async function run(job: ProducerJob, consume: () => Promise<Checksum>, transfer?: readonly MessagePort[]) {
  producer ??= startProducer();
  const worker = await producer;
  worker.ref();
  try {
    const failed = new Promise<never>((_, reject) => {
      failRun = reject;
    });
    const sent = new Promise<void>((resolve) => worker.once("message", () => resolve()));
    worker.postMessage(job, transfer === undefined ? [] : [...transfer]);
    const ck = await Promise.race([consume(), failed]);
    await Promise.race([sent, failed]);
    return ck;
  } finally {
    failRun = undefined;
    worker.unref();
  }
}

/** csp-kit: a `SharedChannel<number>(capacity)`; the worker `sendSync`s and closes; this thread receives until `None`. */
export function sharedChannel(style: Style, n: number, capacity: number): Promise<Checksum> {
  const ch = new SharedChannel<number>(capacity);
  return run({ kind: "shared", n, handle: ch.handle }, async () => {
    const ck = new Checksum();
    if (style === "await") {
      for (let r = await ch.recv(); r.isSome(); r = await ch.recv()) ck.add(r.value);
    } else if (style === "batch") {
      for (;;) {
        let r = ch.tryRecvBatch();
        if (r === "would-block") r = await ch.recvBatch();
        if (r.isNone()) break;
        const batch = r.value;
        for (let i = 0; i < batch.length; i++) ck.add(batch[i] as number);
      }
    } else {
      for (;;) {
        let r = ch.tryRecv();
        if (r === "would-block") r = await ch.recv();
        if (r.isNone()) break;
        ck.add(r.value);
      }
    }
    return ck;
  });
}

/** The platform: the worker `postMessage`s each value on a fresh MessageChannel, then "done"; a listener here adds them. */
export function messagePort(n: number): Promise<Checksum> {
  const { port1, port2 } = new MessageChannel();
  return run(
    { kind: "port", n, port: port2 },
    () =>
      new Promise<Checksum>((resolve) => {
        const ck = new Checksum();
        port1.on("message", (m: number | typeof PORT_DONE) => {
          if (m === PORT_DONE) {
            port1.close();
            resolve(ck);
          } else ck.add(m);
        });
      }),
    [port2],
  );
}

/** The floor: the worker pushes into a hand-written SharedArrayBuffer ring; this thread takes n values. */
export function ring(n: number, capacity: number): Promise<Checksum> {
  const buffer = createRing(capacity);
  const consumer = new RingConsumer(buffer);
  return run({ kind: "ring", n, buffer }, async () => {
    const ck = new Checksum();
    for (let i = 0; i < n; i++) {
      let v = consumer.tryRecv();
      if (v === RING_EMPTY) v = await consumer.recv();
      ck.add(v);
    }
    return ck;
  });
}
