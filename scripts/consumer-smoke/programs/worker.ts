// The worker of main.ts: sums the jobs (blocking receives) and sends the total back.
import { workerData } from "node:worker_threads";
import { SharedChannel, type SharedChannelHandle } from "@csp-kit/threads";

const handles = workerData as { jobs: SharedChannelHandle; results: SharedChannelHandle };
const jobs = SharedChannel.from<number>(handles.jobs);
const results = SharedChannel.from<number>(handles.results);
let sum = 0;
for (let r = jobs.recvSync(); r.isSome(); r = jobs.recvSync()) sum += r.value;
results.sendSync(sum);
