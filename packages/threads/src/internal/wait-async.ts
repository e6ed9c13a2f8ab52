/**
 * The one `Atomics.waitAsync` shim of this package, used by SharedChannel's
 * pumps and SharedMutex's async lock: a wait on a shared word that never blocks
 * the event loop. `Atomics.waitAsync` is ES2024 (Node >= 16, Chrome, Deno,
 * Bun); where a runtime lacks it, the shim polls the word every millisecond,
 * which is correct (a waiter re-checks its condition whatever the outcome),
 * only slower.
 *
 * A pending `Atomics.waitAsync` does not keep a Node thread alive: pair every
 * wait with ./keep-alive.ts.
 */

/** What `Atomics.waitAsync` returns (typed here because the project's lib is ES2022). */
type WaitAsyncResult =
  | { async: false; value: "not-equal" | "timed-out" }
  | { async: true; value: Promise<"ok" | "timed-out"> };
type WaitAsyncFn = (ta: Int32Array, index: number, value: number, timeout?: number) => WaitAsyncResult;

const atomicsWaitAsync = (Atomics as unknown as { waitAsync?: WaitAsyncFn }).waitAsync;

/** How often the fallback polls, in milliseconds. */
const POLL_MS = 1;

/**
 * Waits without blocking while `ta[index] === value`, at most `timeoutMs`
 * (`Infinity`: no limit). Returns the outcome at once (a string: `"not-equal"`,
 * or `"timed-out"` for a zero timeout) when the wait ends before it starts;
 * otherwise a promise of `"ok"` (notified) or `"timed-out"`. The fallback
 * reports `"timed-out"` after each poll, never `"ok"`, so it takes no part in
 * a caller's wake-up accounting.
 */
export function waitAsync(
  ta: Int32Array,
  index: number,
  value: number,
  timeoutMs: number = Number.POSITIVE_INFINITY,
): Promise<string> | string {
  if (atomicsWaitAsync !== undefined) return atomicsWaitAsync(ta, index, value, timeoutMs).value;
  if (Atomics.load(ta, index) !== value) return "not-equal";
  if (timeoutMs <= 0) return "timed-out";
  return new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, timeoutMs), "timed-out"));
}
