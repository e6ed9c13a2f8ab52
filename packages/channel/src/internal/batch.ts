/** The argument check shared by the batch receives of `Channel` and `SharedChannel`. */

import { InvalidCapacityError } from "../errors.js";
import { UNBOUNDED } from "./buffers/buffer.js";

/**
 * Validates the `max` of a batch receive: a whole number >= 1, or `Infinity`;
 * `undefined` means `Infinity` (everything ready — a SharedChannel never has
 * more than its capacity ready). Returns it.
 *
 * @param where - the call, for the message: `Channel.recvBatch(max)`.
 */
export function checkBatchMax(where: string, max: number | undefined): number {
  if (max === undefined) return UNBOUNDED;
  if ((Number.isSafeInteger(max) && max >= 1) || max === UNBOUNDED) return max;
  const got = typeof max === "number" ? String(max) : `a ${typeof max}`;
  throw new InvalidCapacityError(
    `${where}: max must be a whole number >= 1 or Infinity (got ${got}); omit it to take everything ready`,
    max,
  );
}
