/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of a
 * RecordBatch v2: KAFKA.md §2.5, check value CRC-32C("123456789") = 0xE3069283.
 *
 * A stand-in until @csp-kit/kafka-protocol exports its own `crc32c`; the log
 * calls it only through `batchCrcMatches` in batch-view.ts, so switching is a
 * one-line change there.
 *
 * Slicing-by-8: eight 256-entry tables (one Uint32Array of 2048, built once),
 * eight input bytes per step. Table k maps a byte to its CRC contribution when
 * k more zero bytes follow it, so the eight lookups of a step are independent.
 */

const POLY = 0x82f63b78;

const TABLES: Uint32Array = buildTables();

function buildTables(): Uint32Array {
  const t = new Uint32Array(8 * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[i] = c >>> 0;
  }
  for (let k = 1; k < 8; k++) {
    for (let i = 0; i < 256; i++) {
      const prev = t[(k - 1) * 256 + i]!;
      t[k * 256 + i] = ((prev >>> 8) ^ t[prev & 0xff]!) >>> 0;
    }
  }
  return t;
}

/**
 * The CRC-32C of `bytes[start..end)`, as an unsigned 32-bit number.
 *
 * Precondition: `0 <= start <= end <= bytes.length` (not checked: the callers
 * have bounds-checked the batch already).
 */
export function crc32c(bytes: Uint8Array, start = 0, end: number = bytes.length): number {
  const t = TABLES;
  let crc = 0xffffffff;
  let i = start;
  const stop8 = end - ((end - start) & 7);
  while (i < stop8) {
    crc ^= bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    crc =
      t[1792 + (crc & 0xff)]! ^
      t[1536 + ((crc >>> 8) & 0xff)]! ^
      t[1280 + ((crc >>> 16) & 0xff)]! ^
      t[1024 + (crc >>> 24)]! ^
      t[768 + bytes[i + 4]!]! ^
      t[512 + bytes[i + 5]!]! ^
      t[256 + bytes[i + 6]!]! ^
      t[bytes[i + 7]!]!;
    i += 8;
  }
  while (i < end) {
    crc = t[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
    i++;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
