/**
 * `@csp-kit/channel/diagnostics` — what a stuck program is waiting on: the
 * answer to Go's "fatal error: all goroutines are asleep - deadlock!", which
 * JavaScript never prints (a promise nobody resolves just never settles, and
 * the process exits or hangs in silence).
 *
 * Opt-in: after {@link enableDiagnostics}, every operation of csp-kit that
 * waits — a channel's `send` / `recv` / `recvBatch` / `for await` step, a
 * `select`, a timer receive or `sleep`, a `Mutex` / `RWMutex` / `Semaphore`
 * lock, a `WaitGroup` / `Cond` / `Once` / `ErrGroup` wait — is recorded while
 * it waits: on which primitive, which operation, since when, and (with
 * `{ stacks: true }`) where it was called from. {@link parkedWaiters} returns
 * the inventory, {@link dump} prints it, and {@link assertNoParked} fails a
 * test that leaves operations waiting.
 *
 * ```ts
 * import { assertNoParked, disableDiagnostics, enableDiagnostics } from "@csp-kit/channel/diagnostics";
 * beforeEach(() => enableDiagnostics({ stacks: true }));
 * afterEach(() => { try { assertNoParked(); } finally { disableDiagnostics(); } });
 * ```
 *
 * Cost: off (the default), a waiting operation pays one boolean check, and
 * operations that complete at once pay nothing. On, each wait allocates one
 * record (and captures a stack with `{ stacks: true }`); completions and
 * aborts pay nothing — a finished operation's record is recognised and
 * dropped lazily. On, the inventory holds every waiting operation (and what it
 * waits on) strongly, as a debugger would: enable it for tests and debugging
 * sessions, and disable it afterwards.
 *
 * For implementers of other primitives (`@csp-kit/threads`, custom ports): the
 * park path checks {@link DIAGNOSTICS}`.on` and calls {@link recordParked};
 * a target may name itself with a {@link DIAGNOSTIC_LABEL} method.
 *
 * Invariants: see src/internal/parked.ts (one inventory per realm, shared by
 * every copy of the package; nothing is recorded while off; a snapshot lists
 * exactly the recorded operations that still wait, oldest first).
 *
 * @packageDocumentation
 * @module @csp-kit/channel/diagnostics
 */

import { ChannelError, InvalidOptionError } from "./errors.js";
import { describeValue } from "./internal/check-signal.js";
import {
  DIAGNOSTIC_LABEL,
  DIAGNOSTICS,
  type DiagnosticsSwitch,
  disable,
  enable,
  idOf,
  labelOf,
  notDone,
  type ParkedWaiter,
  record,
  sweep,
} from "./internal/parked.js";

export { DIAGNOSTIC_LABEL, DIAGNOSTICS, type DiagnosticsSwitch, type ParkedWaiter };

/** Options of {@link enableDiagnostics}. */
export interface DiagnosticsOptions {
  /**
   * Record where each waiting operation was called from (`ParkedWaiter.stack`).
   * Costs a stack capture per wait (microseconds): for tests and debugging.
   * Default `false`.
   */
  readonly stacks?: boolean | undefined;
}

/**
 * Starts recording waiting operations. Idempotent: calling it again keeps what
 * was recorded and only changes `stacks`. Operations that started waiting
 * before the call are not known: enable before the code under test runs.
 *
 * @throws {@link @csp-kit/channel!InvalidOptionError | InvalidOptionError} when `stacks` is neither a boolean nor undefined.
 *
 * @example
 * ```ts run
 * import { Channel } from "@csp-kit/channel";
 * import { disableDiagnostics, enableDiagnostics, parkedWaiters } from "@csp-kit/channel/diagnostics";
 *
 * enableDiagnostics({ stacks: true });
 * const jobs = new Channel<string>(0, { name: "jobs" });
 * const waiting = jobs.recv(); // nobody sends yet: recorded, with where it was called
 * const mine = parkedWaiters().filter((w) => w.primitive.includes('"jobs"'));
 * console.log(mine.map((w) => w.operation)); // → ["recv"]
 * jobs.close();
 * await waiting;
 * disableDiagnostics();
 * if (mine.length !== 1 || mine[0]?.operation !== "recv") throw new Error("expected one waiting recv");
 * ```
 */
export function enableDiagnostics(options?: DiagnosticsOptions): void {
  const stacks = options?.stacks;
  if (stacks !== undefined && typeof stacks !== "boolean") {
    throw new InvalidOptionError(
      `enableDiagnostics(options): stacks must be true, false or undefined (got ${describeValue(stacks)})`,
      "enableDiagnostics(options).stacks",
      stacks,
    );
  }
  enable(stacks === true);
}

/** Stops recording and forgets everything recorded (and the `#id` numbering). */
export function disableDiagnostics(): void {
  disable();
}

/** Whether waiting operations are being recorded. */
export function diagnosticsEnabled(): boolean {
  return DIAGNOSTICS.on;
}

/**
 * The operations waiting now, oldest first — exactly those recorded since
 * {@link enableDiagnostics} that have neither completed nor been aborted.
 * Empty when diagnostics are off.
 *
 * **Gotchas:** an operation that completed in this same synchronous turn is
 * already gone, even though its promise's reactions have not run yet.
 */
export function parkedWaiters(): ParkedWaiter[] {
  if (!DIAGNOSTICS.on) return [];
  const now = performance.now();
  return sweep().map((e) => ({
    id: e.id,
    primitive: e.label,
    operation: e.operation,
    since: e.since,
    parkedFor: now - e.since,
    stack: e.stack,
    target: e.target,
  }));
}

/**
 * The inventory as text, one line per waiting operation (and its stack,
 * indented, when recorded):
 *
 * ```text
 * csp-kit: 2 operations parked (oldest first)
 *   #1 Channel "jobs" buffered(16): send, parked for 1503.2 ms
 *       at produce (file:///app/producer.ts:12:15)
 *   #2 Mutex: lock, parked for 3.1 ms
 * ```
 *
 * @param waiters - what to format; default: {@link parkedWaiters}() now.
 */
export function formatParked(waiters?: readonly ParkedWaiter[]): string {
  if (waiters === undefined && !DIAGNOSTICS.on) {
    return "csp-kit: diagnostics are off: call enableDiagnostics() before the code under test starts waiting";
  }
  const list = waiters ?? parkedWaiters();
  if (list.length === 0) return "csp-kit: no operation is parked";
  const lines = [`csp-kit: ${list.length} operation${list.length === 1 ? "" : "s"} parked (oldest first)`];
  for (const w of list) {
    lines.push(`  #${w.id} ${w.primitive}: ${w.operation}, parked for ${w.parkedFor.toFixed(1)} ms`);
    if (w.stack !== undefined) for (const frame of w.stack.split("\n")) lines.push(`      ${frame}`);
  }
  return lines.join("\n");
}

/**
 * Prints the inventory ({@link formatParked}) — Go's goroutine dump — and
 * returns the text.
 *
 * @param write - where to print; default `console.error`.
 *
 * @example
 * ```ts run
 * import { Channel } from "@csp-kit/channel";
 * import { disableDiagnostics, dump, enableDiagnostics } from "@csp-kit/channel/diagnostics";
 *
 * enableDiagnostics();
 * const jobs = new Channel<string>(0, { name: "jobs" });
 * const stuck = jobs.recv();
 * // In a service: process.on("SIGUSR2", () => dump()); — what is this stuck process waiting on?
 * const text = dump(() => {}); // prints to console.error by default; returns the text too
 * jobs.close();
 * await stuck;
 * disableDiagnostics();
 * if (!text.includes('"jobs"')) throw new Error(`the dump names the channel:\n${text}`);
 * ```
 */
export function dump(write: (text: string) => void = console.error): string {
  const text = formatParked();
  write(text);
  return text;
}

/** Options of {@link assertNoParked}. */
export interface AssertNoParkedOptions {
  /** Waiters to tolerate (a server's accept loop, a long-lived worker): return `true` to skip one. */
  readonly ignore?: ((waiter: ParkedWaiter) => boolean) | undefined;
}

/**
 * Fails when operations are still waiting — the test helper for "this test
 * left something blocked": a send nobody received, a lock never unlocked, a
 * select nobody answered. Framework-agnostic: it throws, so call it at the
 * end of a test or in `afterEach`.
 *
 * @throws {@link ParkedWaitersError} listing the waiting operations (its
 *   message is the {@link formatParked} text).
 * @throws {@link DiagnosticsOffError} when diagnostics are off — a check that
 *   could see nothing must not pass.
 *
 * @example
 * ```ts run
 * import { Channel } from "@csp-kit/channel";
 * import { assertNoParked, disableDiagnostics, enableDiagnostics } from "@csp-kit/channel/diagnostics";
 *
 * enableDiagnostics();
 * const accept = new Channel<string>(0, { name: "accept" });
 * const serving = accept.recv(); // a long-lived loop that waits on purpose
 * assertNoParked({ ignore: (w) => w.primitive.includes('"accept"') }); // passes: the only waiter is ignored
 * let failed = false;
 * try {
 *   assertNoParked(); // in a test's afterEach: fails while anything still waits
 * } catch {
 *   failed = true;
 * }
 * accept.close();
 * await serving;
 * disableDiagnostics();
 * if (!failed) throw new Error("assertNoParked() fails while a receive waits");
 * ```
 */
export function assertNoParked(options?: AssertNoParkedOptions): void {
  if (!DIAGNOSTICS.on) throw new DiagnosticsOffError("assertNoParked()");
  const ignore = options?.ignore;
  const waiters = ignore === undefined ? parkedWaiters() : parkedWaiters().filter((w) => !ignore(w));
  if (waiters.length > 0) throw new ParkedWaitersError(waiters);
}

/**
 * For implementers of waiting primitives: records that an operation waits
 * now. Call it only when {@link DIAGNOSTICS}`.on`, right after the operation
 * was queued, in the same synchronous turn:
 *
 * ```ts
 * queue.push(waiter);
 * if (DIAGNOSTICS.on) recordParked(this, "SharedChannel", "recv", waiter);
 * ```
 *
 * Nothing needs to be called when the operation completes or aborts: the
 * record is dropped once `isParked(probe)` says it no longer waits.
 *
 * @param target - what the operation waits on; its label is its
 *   {@link DIAGNOSTIC_LABEL} method's result if it has one, else `label`.
 * @param label - what to call `target` otherwise (`"Mutex"`).
 * @param operation - the waiting operation (`"lock"`).
 * @param probe - the operation's commit-once state.
 * @param isParked - whether it still waits; must be cheap and run no user
 *   code. Default: `!probe.done` (a port's `CommitToken`).
 */
export function recordParked<P extends object>(
  target: object,
  label: string,
  operation: string,
  probe: P,
  isParked: (probe: P) => boolean = notDone,
): void {
  if (DIAGNOSTICS.on) record(target, label, operation, probe, isParked);
}

/**
 * `#id label` of `target` as the inventory names it — for a waiter that spans
 * several targets (a select names each case's port). Hands out an id when
 * `target` has none yet. Call only when {@link DIAGNOSTICS}`.on`.
 */
export function describeParkTarget(target: object, label: string): string {
  return `#${idOf(target)} ${labelOf(target, label)}`;
}

/**
 * {@link assertNoParked} found operations still waiting. `waiters` lists
 * them; the message is their dump.
 */
export class ParkedWaitersError extends ChannelError {
  override name = "ParkedWaitersError";
  /** The operations that were still waiting, oldest first. */
  readonly waiters: readonly ParkedWaiter[];
  constructor(waiters: readonly ParkedWaiter[], options?: ErrorOptions) {
    super(
      `${formatParked(waiters)}\nEach is an operation that never completed: complete it (send, receive, close, ` +
        "unlock…), abort it through its { signal }, or pass { ignore } for a waiter that is meant to outlive the test",
      options,
    );
    this.waiters = waiters;
  }
}

/** A diagnostics check ran while diagnostics were off, so it could have seen nothing. */
export class DiagnosticsOffError extends ChannelError {
  override name = "DiagnosticsOffError";
  /** The check that was called. */
  readonly operation: string;
  constructor(operation: string, options?: ErrorOptions) {
    super(
      `${operation}: diagnostics are off, so no waiting operation was recorded; ` +
        "call enableDiagnostics() before the code under test runs (e.g. in beforeEach)",
      options,
    );
    this.operation = operation;
  }
}

/** Whether `error` is a {@link ParkedWaitersError} (also from another copy of the package, by `name`). */
export function isParkedWaitersError(error: unknown): error is ParkedWaitersError {
  return error instanceof ParkedWaitersError || (error instanceof Error && error.name === "ParkedWaitersError");
}

/** Whether `error` is a {@link DiagnosticsOffError} (also from another copy of the package, by `name`). */
export function isDiagnosticsOffError(error: unknown): error is DiagnosticsOffError {
  return error instanceof DiagnosticsOffError || (error instanceof Error && error.name === "DiagnosticsOffError");
}
