// The worker of esm.mjs: sums the jobs it receives (blocking receives) and sends the total back.
import { workerData } from "node:worker_threads";
import { SharedChannel } from "@csp-kit/threads";

const jobs = SharedChannel.from(workerData.jobs);
const results = SharedChannel.from(workerData.results);
let sum = 0;
for (let r = jobs.recvSync(); r.isSome(); r = jobs.recvSync()) sum += r.value;
results.sendSync(sum);
