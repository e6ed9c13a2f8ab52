// Worker bootstrap: registers tsx's loader in this worker thread, then imports
// the TypeScript module named by workerData.entry (a file URL). Node 20 does
// not apply `--import tsx` to a Worker, so the loader is registered here.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
