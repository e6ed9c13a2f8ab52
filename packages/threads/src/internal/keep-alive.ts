/**
 * A pending `Atomics.waitAsync` does not keep a Node thread alive, so a worker
 * whose only work is awaiting a cross-thread wait (a SharedChannel `recv()`, a
 * SharedMutex `lock()`) would simply exit (with code 13 when it was a
 * top-level await). While anything in this thread holds it, one idle interval
 * timer keeps the event loop alive. The timer is made once and then only
 * referenced and unreferenced (Node's `ref()`/`unref()`): a main thread that
 * drains a channel goes through this on every empty spell, and creating and
 * clearing a timer each time showed in its profile.
 *
 * Invariants: `holders` counts `keepAlive(true)` calls not yet matched by a
 * `keepAlive(false)`; the timer exists once `holders` first became > 0 and is
 * referenced iff `holders > 0` (where timers have no `unref`, as in browsers,
 * nothing needs keeping alive and the idle timer simply stays).
 */

let holders = 0;
let timer: { ref?(): unknown; unref?(): unknown } | undefined;
const KEEP_ALIVE_MS = 0x7fff_ffff;
function noop(): void {}

/**
 * Holds (`true`) or releases (`false`) this thread's event loop while a
 * cross-thread wait is pending. Calls must pair up: each `keepAlive(true)` is
 * matched by exactly one `keepAlive(false)` when its wait ends, however it ends.
 */
export function keepAlive(hold: boolean): void {
  if (hold) {
    if (holders++ > 0) return;
    if (timer === undefined) timer = setInterval(noop, KEEP_ALIVE_MS);
    else timer.ref?.();
  } else if (--holders === 0) {
    timer?.unref?.();
  }
}
