/**
 * CRC-32C (Castagnoli), the checksum of Kafka's RecordBatch v2: pure
 * JavaScript by default, with an opt-in native accelerator.
 *
 * The JavaScript path is table-driven "slicing": sixteen 256-entry tables,
 * built once when the module loads (16 KiB), let one step fold 16 input bytes
 * (large inputs, read as 32-bit little-endian words) or 8 bytes (small
 * inputs, read byte by byte, which is faster below a few hundred bytes than
 * making a word view). It runs at roughly 0.5–0.9 GiB/s on one core here.
 *
 * Native code with the CPU's CRC32 instruction is about four times faster on
 * large inputs, and no JavaScript loop gets within 2x of it, so the package
 * can hand large inputs to `@node-rs/crc32` (an *optional peer dependency*:
 * prebuilt binaries, no compiler, about 0.6 MB installed). It is never loaded
 * unless the application asks ({@link enableNativeCrc32c} or
 * {@link setNativeCrc32c}); below {@link NATIVE_MIN_BYTES} the JavaScript path
 * is still used, because calling into native code costs more than hashing a
 * small input. Numbers and the choice among native packages:
 * `benchmarks/src/kafka/crc32c.ts`.
 *
 * Invariants:
 * - `TABLE[k * 256 + n]` is the CRC contribution of byte `n` followed by `k`
 *   zero bytes (`TABLE[0..255]` is the classic byte-at-a-time table); the
 *   tables are written once at module load and never again.
 * - Every implementation in use agrees with {@link crc32cJs} on the check
 *   value: `native` is only ever set to a function that returned 0xE3069283
 *   for "123456789" and the same value as the JavaScript path for a second,
 *   incremental probe.
 * - Results are unsigned 32-bit integers (`0 <= crc < 2**32`).
 */

import { ProtocolError } from "./errors.js";

/** The reflected Castagnoli polynomial 0x1EDC6F41. */
const POLY = 0x82f63b78;

/** Inputs of at least this many bytes are read as 32-bit words, 16 bytes per step; shorter ones byte by byte, 8 per step. */
const WORD_MIN_BYTES = 256;

/**
 * With a native implementation enabled, inputs of at least this many bytes
 * go to it; shorter ones stay in JavaScript, which is faster there (the call
 * into native code costs a few hundred nanoseconds).
 */
export const NATIVE_MIN_BYTES = 512;

/** The slicing tables; see the invariants above. */
const TABLE = /* @__PURE__ */ buildTables();

/** Whether this platform stores an Int32Array's words little-endian (every platform Node runs on today); if not, the word path is skipped. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function buildTables(): Int32Array {
  const t = new Int32Array(16 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let j = 0; j < 8; j++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n] as number;
    for (let k = 1; k < 16; k++) {
      c = (t[c & 255] as number) ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
}

/**
 * The native implementation in use, or null for JavaScript only. Written by
 * {@link setNativeCrc32c} and {@link enableNativeCrc32c} (after the check in
 * `verify`), read by {@link crc32c}; the swap is one assignment, so a
 * computation never sees a half-installed implementation.
 */
let native: NativeCrc32c | null = null;

/**
 * A native CRC-32C function: `(bytes, previous) => crc`, with `previous` the
 * CRC of the bytes before these (0 to start), as `@node-rs/crc32`'s
 * `crc32c(input, initialState)` and `sse4_crc32`'s `calculate(input, initial)`.
 */
export type NativeCrc32c = (bytes: Uint8Array, previous: number) => number;

/**
 * The CRC-32C of `bytes`, continuing from `previous` (the CRC of the bytes
 * before them; 0 to start).
 *
 * Incremental: `crc32c(b, crc32c(a)) === crc32c(concat(a, b))`. Uses the
 * native implementation for inputs of at least {@link NATIVE_MIN_BYTES} when
 * one is enabled, otherwise {@link crc32cJs}; both give the same answer.
 *
 * Gotchas: a RecordBatch's CRC covers the bytes from `attributes` (offset 21)
 * to the end of the batch, not the whole batch.
 *
 * @throws {@link ProtocolError} kind `invalid-value` when `bytes` is not a
 *   Uint8Array or `previous` is not an unsigned 32-bit integer.
 *
 * @example
 * ```ts run
 * import { crc32c } from "@csp-kit/kafka-protocol";
 *
 * const sum = crc32c(new TextEncoder().encode("123456789")).toString(16);
 * console.log(sum); // → e3069283
 * if (sum !== "e3069283") throw new Error(`got ${sum}`);
 * ```
 */
export function crc32c(bytes: Uint8Array, previous = 0): number {
  if (native !== null && bytes instanceof Uint8Array && bytes.length >= NATIVE_MIN_BYTES) {
    checkPrevious(previous);
    return native(bytes, previous);
  }
  return crc32cJs(bytes, previous);
}

/**
 * The CRC-32C of `bytes`, continuing from `previous`, always in JavaScript
 * (never the native accelerator). Same contract as {@link crc32c}.
 *
 * @throws {@link ProtocolError} kind `invalid-value` on a bad argument, as {@link crc32c}.
 */
export function crc32cJs(bytes: Uint8Array, previous = 0): number {
  if (!(bytes instanceof Uint8Array)) {
    throw new ProtocolError("invalid-value", `crc32c needs a Uint8Array (or Buffer), got ${describe(bytes)}`);
  }
  checkPrevious(previous);
  const t = TABLE;
  const n = bytes.length;
  let crc = ~previous;
  let i = 0;
  if (LITTLE_ENDIAN && n >= WORD_MIN_BYTES) {
    // Bytes up to the first 4-aligned address, so the word view is aligned.
    const offset = bytes.byteOffset;
    for (; ((offset + i) & 3) !== 0; i++) crc = (t[(crc ^ (bytes[i] as number)) & 255] as number) ^ (crc >>> 8);
    const blocks = (n - i) >>> 4;
    const w = new Int32Array(bytes.buffer, offset + i, blocks * 4);
    for (let k = 0; k < w.length; k += 4) {
      const a = crc ^ (w[k] as number);
      const b = w[k + 1] as number;
      const c = w[k + 2] as number;
      const d = w[k + 3] as number;
      crc =
        (t[3840 + (a & 255)] as number) ^
        (t[3584 + ((a >>> 8) & 255)] as number) ^
        (t[3328 + ((a >>> 16) & 255)] as number) ^
        (t[3072 + (a >>> 24)] as number) ^
        (t[2816 + (b & 255)] as number) ^
        (t[2560 + ((b >>> 8) & 255)] as number) ^
        (t[2304 + ((b >>> 16) & 255)] as number) ^
        (t[2048 + (b >>> 24)] as number) ^
        (t[1792 + (c & 255)] as number) ^
        (t[1536 + ((c >>> 8) & 255)] as number) ^
        (t[1280 + ((c >>> 16) & 255)] as number) ^
        (t[1024 + (c >>> 24)] as number) ^
        (t[768 + (d & 255)] as number) ^
        (t[512 + ((d >>> 8) & 255)] as number) ^
        (t[256 + ((d >>> 16) & 255)] as number) ^
        (t[d >>> 24] as number);
    }
    i += blocks * 16;
  }
  for (const end8 = n - 7; i < end8; i += 8) {
    const a =
      crc ^
      ((bytes[i] as number) |
        ((bytes[i + 1] as number) << 8) |
        ((bytes[i + 2] as number) << 16) |
        ((bytes[i + 3] as number) << 24));
    crc =
      (t[1792 + (a & 255)] as number) ^
      (t[1536 + ((a >>> 8) & 255)] as number) ^
      (t[1280 + ((a >>> 16) & 255)] as number) ^
      (t[1024 + (a >>> 24)] as number) ^
      (t[768 + (bytes[i + 4] as number)] as number) ^
      (t[512 + (bytes[i + 5] as number)] as number) ^
      (t[256 + (bytes[i + 6] as number)] as number) ^
      (t[bytes[i + 7] as number] as number);
  }
  for (; i < n; i++) crc = (t[(crc ^ (bytes[i] as number)) & 255] as number) ^ (crc >>> 8);
  return ~crc >>> 0;
}

/**
 * Installs `fn` as the native CRC-32C for inputs of at least
 * {@link NATIVE_MIN_BYTES}, or removes it (`null`): the synchronous form of
 * {@link enableNativeCrc32c}, for an application that imports the native
 * module itself.
 *
 * `fn` is checked before it is installed: it must return 0xE3069283 for
 * "123456789" and agree with the JavaScript path on an incremental probe.
 *
 * Gotchas: the setting is global to this copy of the package (every
 * encoder and decoder uses it); it changes speed, never results.
 *
 * @throws {@link ProtocolError} kind `invalid-value` when `fn` is not a
 *   function or gives a wrong answer (nothing is installed then).
 *
 * @example
 * ```ts run
 * import { crc32cImplementation, crc32cJs, setNativeCrc32c } from "@csp-kit/kafka-protocol";
 *
 * // An application that imports a native module itself passes it here, e.g.
 * // import { crc32c as nodeRsCrc32c } from "@node-rs/crc32"; (a stand-in below)
 * const before = crc32cImplementation();
 * const nodeRsCrc32c = (bytes: Uint8Array, previous?: number) => crc32cJs(bytes, previous);
 * setNativeCrc32c((bytes, previous) => nodeRsCrc32c(bytes, previous));
 * console.log(crc32cImplementation()); // → native
 * if (crc32cImplementation() !== "native") throw new Error("not installed");
 * if (before === "js") setNativeCrc32c(null); // removes it again
 * ```
 */
export function setNativeCrc32c(fn: NativeCrc32c | null): void {
  if (fn === null) {
    native = null;
    return;
  }
  if (typeof fn !== "function") {
    throw new ProtocolError("invalid-value", `setNativeCrc32c needs a function or null, got ${describe(fn)}`);
  }
  verify(fn);
  native = fn;
}

/**
 * Loads `@node-rs/crc32` (an optional peer dependency: `npm install
 * @node-rs/crc32`) and uses it for inputs of at least
 * {@link NATIVE_MIN_BYTES}. Resolves to true when it is installed and
 * passed the check, false when it is not installed or not loadable on this
 * platform (then the JavaScript path stays in use; nothing throws).
 *
 * Blocking: the first call loads a native module (a dynamic `import()`);
 * later calls resolve at once.
 *
 * Gotchas: global to this copy of the package, as {@link setNativeCrc32c};
 * call it once at startup. In a browser it resolves to false.
 *
 * @example
 * ```ts run
 * import { crc32c, enableNativeCrc32c } from "@csp-kit/kafka-protocol";
 *
 * const accelerated = await enableNativeCrc32c();
 * console.log(accelerated ? "native CRC-32C" : "JavaScript CRC-32C"); // either: @node-rs/crc32 is optional
 * const sum = crc32c(new Uint8Array(4096)); // same result either way
 * if (typeof accelerated !== "boolean" || sum !== crc32c(new Uint8Array(4096))) throw new Error("unexpected");
 * ```
 */
export async function enableNativeCrc32c(): Promise<boolean> {
  if (native !== null) return true;
  let fn: NativeCrc32c;
  try {
    const mod: NodeRsCrc32 = await import("@node-rs/crc32");
    const f = mod.crc32c ?? mod.default?.crc32c;
    if (typeof f !== "function") return false;
    fn = (bytes, previous) => f(bytes, previous);
  } catch {
    return false;
  }
  verify(fn);
  native = fn;
  return true;
}

/** Which implementation {@link crc32c} uses for large inputs: `"native"` after a successful enable, else `"js"`. */
export function crc32cImplementation(): "js" | "native" {
  return native === null ? "js" : "native";
}

/** The shape of `@node-rs/crc32`'s module namespace (ESM import of a CommonJS module: named export or `default`). */
interface NodeRsCrc32 {
  readonly crc32c?: (input: Uint8Array, initialState?: number | null) => number;
  readonly default?: { readonly crc32c?: (input: Uint8Array, initialState?: number | null) => number };
}

/** Throws unless `fn` computes CRC-32C: the check value, and an incremental probe across a word-sized input compared with the JavaScript path. */
function verify(fn: NativeCrc32c): void {
  const check = new Uint8Array([0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39]);
  const probe = new Uint8Array(NATIVE_MIN_BYTES + 13);
  for (let i = 0; i < probe.length; i++) probe[i] = (i * 131 + 17) & 255;
  let got: unknown;
  let gotIncremental: unknown;
  try {
    got = fn(check, 0);
    gotIncremental = fn(probe, 0x12345678);
  } catch (cause) {
    throw new ProtocolError("invalid-value", "the native CRC-32C function threw on the check input", -1, { cause });
  }
  const want = crc32cJs(probe, 0x12345678);
  if (got !== 0xe3069283 || gotIncremental !== want) {
    throw new ProtocolError(
      "invalid-value",
      `the native CRC-32C function gives wrong answers (check value ${String(got)}, want ${0xe3069283}; ` +
        `incremental probe ${String(gotIncremental)}, want ${want}): pass a CRC-32C (Castagnoli) function ` +
        "taking (bytes, previousCrc)",
    );
  }
}

/** Precondition: none. Throws unless `previous` is an integer in [0, 2**32). */
function checkPrevious(previous: number): void {
  if (!(typeof previous === "number" && previous >>> 0 === previous)) {
    throw new ProtocolError(
      "invalid-value",
      `crc32c's previous CRC must be an unsigned 32-bit integer (0 to start), got ${describe(previous)}`,
    );
  }
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "object") return (v as object).constructor?.name ?? "object";
  return typeof v === "number" ? String(v) : typeof v;
}
