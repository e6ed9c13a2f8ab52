/** W10 — ring(1024) (drops the OLDEST value when full), one producer, one consumer. */

import { isMain, standalone } from "../runner.js";
import { droppingWorkload } from "./dropping.js";

export const w10 = droppingWorkload("W10", "oldest", import.meta.url);

if (isMain(import.meta.url)) await standalone(w10);
