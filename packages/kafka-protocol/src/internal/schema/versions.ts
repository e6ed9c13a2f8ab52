/**
 * Version ranges as Kafka's schemas write them (`"3+"`, `"0-8"`, `"5"`,
 * `"none"`), or as an inclusive pair `[3, 8]`.
 *
 * Invariants:
 * - A parsed range is `{ min, max }` with `0 <= min`, and `min > max` only for
 *   the empty range ({@link NO_VERSIONS}); `"3+"` has `max` {@link MAX_VERSION}.
 */

/** The largest version number (an int16 on the wire): the upper end of an open range like `"3+"`. */
export const MAX_VERSION = 0x7fff;

/** An inclusive range of versions; empty when `min > max`. */
export interface Versions {
  readonly min: number;
  readonly max: number;
}

/** The empty range (`"none"`). */
export const NO_VERSIONS: Versions = { min: 1, max: 0 };

const RANGE = /^(\d+)(?:(\+)|-(\d+))?$/;

/**
 * Parses a range. Throws a `TypeError` naming `where` for a malformed one:
 * a malformed range is a bug in a schema, never bad input from the wire.
 */
export function parseVersions(range: string | readonly [number, number], where: string): Versions {
  if (typeof range !== "string") {
    const [min, max] = range;
    if (!(Number.isInteger(min) && Number.isInteger(max) && min >= 0 && max >= min && max <= MAX_VERSION)) {
      throw new TypeError(`${where}: version range [${min}, ${max}] is not 0 <= min <= max <= ${MAX_VERSION}`);
    }
    return { min, max };
  }
  if (range === "none") return NO_VERSIONS;
  const m = RANGE.exec(range);
  if (m === null)
    throw new TypeError(`${where}: version range ${JSON.stringify(range)} is not "N", "N+", "N-M" or "none"`);
  const min = Number(m[1]);
  const max = m[2] === "+" ? MAX_VERSION : m[3] === undefined ? min : Number(m[3]);
  if (max < min || max > MAX_VERSION) throw new TypeError(`${where}: version range ${JSON.stringify(range)} is empty`);
  return { min, max };
}

/** Whether `version` lies in `range`. */
export function inVersions(range: Versions, version: number): boolean {
  return version >= range.min && version <= range.max;
}
