// Worker-thread bootstrap: registers tsx's loader in this thread, then runs the
// TypeScript module named by workerData.entry (a file URL). Node 20 ignores
// `--import tsx` in a Worker's execArgv, so the loader is registered here. A
// build of the example would start the compiled entry directly instead.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
