/** W11 — overflowing(1024) (drops the NEW value when full), one producer, one consumer. */

import { isMain, standalone } from "../runner.js";
import { droppingWorkload } from "./dropping.js";

export const w11 = droppingWorkload("W11", "newest", import.meta.url);

if (isMain(import.meta.url)) await standalone(w11);
