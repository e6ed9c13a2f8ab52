/**
 * `stressScale()`: the one multiplier every `*.stress.test.ts` (and a stress-sized
 * workers test) scales its rounds by, read from the environment variable
 * `CSP_STRESS` (default 1).
 */

import { InvalidStressScaleError } from "./errors.js";

/**
 * The stress multiplier: `CSP_STRESS` as a positive finite number, 1 when unset or empty.
 *
 * **Gotchas:** read it once per file (at module level) so a test title can show it.
 *
 * @throws InvalidStressScaleError when `CSP_STRESS` is set to something that is not a positive number.
 * @example
 * ```ts
 * const ROUNDS = Math.round(35 * stressScale());
 * ```
 */
export function stressScale(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env.CSP_STRESS;
  if (raw === undefined || raw.trim() === "") return 1;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    throw new InvalidStressScaleError(
      `CSP_STRESS must be a positive number such as 1, 0.5 or 10 (got ${JSON.stringify(raw)}); unset it for the default 1`,
      raw,
    );
  }
  return n;
}
