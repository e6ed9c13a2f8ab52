// The worker of cjs.cjs: sums the jobs it receives (blocking receives) and sends the total back.
const { workerData } = require("node:worker_threads");
const { SharedChannel } = require("@csp-kit/threads");

const jobs = SharedChannel.from(workerData.jobs);
const results = SharedChannel.from(workerData.results);
let sum = 0;
for (let r = jobs.recvSync(); r.isSome(); r = jobs.recvSync()) sum += r.value;
results.sendSync(sum);
