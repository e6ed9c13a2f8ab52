import { spawn } from "node:child_process";
import { Consumer } from "../src/index.js";

const bootstrap = process.argv[2]!;
const topic = process.argv[3]!;
const N = Number(process.argv[4]);
const consumer = new Consumer({ bootstrap: [bootstrap], maxWaitTime: 100 });
const t = performance.now();
const pc = await consumer.consumePartition(topic, 0, "oldest");
let n = 0;
const m = pc.messages;
while (n < N) {
  let r = m.tryRecv();
  if (r === "would-block") r = await m.recv();
  n++;
}
console.log(N / ((performance.now() - t) / 1000));
await consumer.close();
void spawn;
