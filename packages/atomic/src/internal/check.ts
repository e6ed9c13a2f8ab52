/**
 * Validation shared by every atomic: where it may live (a SharedArrayBuffer, an
 * aligned in-range offset) and what it may hold (the exact type and range of
 * each kind). Each check returns its input on success, so calls read inline.
 */

import { InvalidAtomicLayoutError, InvalidAtomicValueError } from "../errors.js";

export const INT32_MIN = -0x8000_0000;
export const INT32_MAX = 0x7fff_ffff;
export const UINT32_MAX = 0xffff_ffff;
export const INT64_MIN: bigint = -(1n << 63n);
export const INT64_MAX: bigint = (1n << 63n) - 1n;
export const UINT64_MAX: bigint = (1n << 64n) - 1n;

/** Whether `buffer` is a SharedArrayBuffer from any realm (a worker's constructor differs from ours). */
export function isSharedArrayBuffer(buffer: unknown): buffer is SharedArrayBuffer {
  return Object.prototype.toString.call(buffer) === "[object SharedArrayBuffer]";
}

/**
 * Checks that `bytes` bytes at `byteOffset` of `buffer` can hold an atomic:
 * a SharedArrayBuffer, an offset that is a multiple of `alignment`, in range.
 * Returns the offset.
 */
export function checkSlot(
  where: string,
  buffer: unknown,
  byteOffset: unknown,
  bytes: number,
  alignment: number,
): number {
  if (!isSharedArrayBuffer(buffer)) {
    throw new InvalidAtomicLayoutError(
      `${where}: the buffer must be a SharedArrayBuffer (got ${buffer === null ? "null" : typeof buffer === "object" ? (buffer.constructor?.name ?? "an object") : typeof buffer}); ` +
        "an ArrayBuffer would be copied, not shared, when sent to a worker",
    );
  }
  if (
    typeof byteOffset !== "number" ||
    !Number.isSafeInteger(byteOffset) ||
    byteOffset < 0 ||
    byteOffset % alignment !== 0 ||
    byteOffset + bytes > buffer.byteLength
  ) {
    throw new InvalidAtomicLayoutError(
      `${where}: byteOffset must be a multiple of ${alignment} in [0, ${buffer.byteLength - bytes}] ` +
        `for a buffer of ${buffer.byteLength} bytes (got ${String(byteOffset)})`,
    );
  }
  return byteOffset;
}

export function checkBool(where: string, value: unknown): boolean {
  if (typeof value === "boolean") return value;
  throw new InvalidAtomicValueError(where, value, "must be a boolean");
}

export function checkInt32(where: string, value: unknown): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX) return value;
  throw new InvalidAtomicValueError(where, value, "must be a whole number in [-2**31, 2**31 - 1]");
}

export function checkUint32(where: string, value: unknown): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= UINT32_MAX) return value;
  throw new InvalidAtomicValueError(where, value, "must be a whole number in [0, 2**32 - 1]");
}

export function checkInt64(where: string, value: unknown): bigint {
  if (typeof value === "bigint" && value >= INT64_MIN && value <= INT64_MAX) return value;
  const hint = typeof value === "number" ? "; write a bigint literal such as 1n, or BigInt(x)" : "";
  throw new InvalidAtomicValueError(where, value, `must be a bigint in [-(2n**63n), 2n**63n - 1n]${hint}`);
}

export function checkUint64(where: string, value: unknown): bigint {
  if (typeof value === "bigint" && value >= 0n && value <= UINT64_MAX) return value;
  const hint = typeof value === "number" ? "; write a bigint literal such as 1n, or BigInt(x)" : "";
  throw new InvalidAtomicValueError(where, value, `must be a bigint in [0n, 2n**64n - 1n]${hint}`);
}
