/** What W8's main thread and its producer thread say to each other. */

import type { MessagePort } from "node:worker_threads";
import type { SharedChannelHandle } from "@csp-kit/threads";

/** A job for the producer thread: send 0..n-1 through one of these. */
export type ProducerJob =
  | { readonly kind: "shared"; readonly n: number; readonly handle: SharedChannelHandle }
  | { readonly kind: "port"; readonly n: number; readonly port: MessagePort }
  | { readonly kind: "ring"; readonly n: number; readonly buffer: SharedArrayBuffer };

/** What the "port" job posts after the numbers. */
export const PORT_DONE = "done";

/** What the producer thread posts once loaded. */
export const READY = "ready";
