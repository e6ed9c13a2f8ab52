// Worker bootstrap: registers tsx in this worker thread, then runs the TypeScript
// fixture named by workerData.entry (a file URL). Node 20 ignores `--import tsx`
// in a Worker's execArgv, so the loader is registered from here instead.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
