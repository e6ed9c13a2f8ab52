/**
 * Every workload, in report order. To add one: create
 * `wN.ts` exporting a `Workload` (see `w2.ts` for the shape and
 * `../registry.ts` for the fields), import it here and put it in the list.
 */

import type { Workload } from "../registry.js";
import { w1 } from "./w1.js";
import { w2 } from "./w2.js";
import { w3 } from "./w3.js";
import { w4 } from "./w4.js";
import { w5 } from "./w5.js";
import { w6 } from "./w6.js";
import { w7 } from "./w7.js";
import { w8 } from "./w8.js";
import { w9 } from "./w9.js";
import { w10 } from "./w10.js";
import { w11 } from "./w11.js";

export const WORKLOADS: readonly Workload[] = [w1, w2, w3, w4, w5, w6, w7, w8, w9, w10, w11];
