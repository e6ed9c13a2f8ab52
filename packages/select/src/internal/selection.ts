/**
 * The select engine: one `Selection` per `select` / `trySelect` call drives the
 * ports of its cases through Go's three passes (runtime/select.go), using only
 * the port protocol of `@csp-kit/channel/port`, so channels, timers and custom
 * sources are all selectable alike.
 *
 *   1. poll    (`pollPass`)    try each live case once, in uniformly random order
 *                              (declaration order with `priority`). The first case
 *                              a port can complete wins, and nothing was enqueued
 *                              anywhere: the fast path.
 *   2. enqueue (`enqueuePass`) nothing was ready: queue one waiter per live case
 *                              on its port, all sharing this Selection as their
 *                              commit-once token — in the same synchronous turn
 *                              as the failed polls, so nothing became ready between.
 *   3. cancel  (`cancelPass`)  the first port to commit a waiter calls `win`, which
 *                              takes every other waiter off its port before the
 *                              promise settles; an abort takes all of them off.
 *
 * State machine of one Selection (`done` is the commit-once token):
 *
 *   polling ──a poll commits a case──────────────────────────────▶ done (fast path)
 *      │
 *      └─no live case ready──▶ waiting ──a port commits a waiter──▶ done (won)
 *          (trySelect stops       │
 *           here: nothing)        └──────signal aborts────────────▶ done (aborted)
 *
 * Invariants:
 * - `done` is set exactly once — by the port that commits one of our waiters, or
 *   by `onAbort` on abort — and never reset; whoever sets it owns the outcome.
 * - while polling, no waiter of this select is in any queue (a poll enqueues nothing).
 * - if `resolve !== undefined` and not `done`, every waiter in the sibling list is
 *   queued on its port, and the selection watches its signal (if any).
 * - once `done`, no waiter of this select is in any queue and the selection no longer
 *   watches its signal: `win` and `onAbort` cancel synchronously, before settling.
 * - a waiter is created only for a live case (port !== undefined), at most one per case.
 */

import { ChannelClosedError, None, Some } from "@csp-kit/channel";
import {
  type AbortLinks,
  type CommitToken,
  type Port,
  RecvWaiter,
  SendWaiter,
  unwatchAbort,
  watchAbort,
} from "@csp-kit/channel/port";
import { RecvCase, type SelectCases, SendCase } from "../cases.js";
import { EmptySelectError, InvalidSelectCaseError } from "../errors.js";
import { describe } from "./describe.js";

// ---------------------------------------------------------------------------
// Waiters: one per live case, linked to their siblings in poll order.
// ---------------------------------------------------------------------------

/** The waiter of a receive case. Its token is the Selection. */
class CaseRecv extends RecvWaiter<unknown> {
  /** The next waiter of the same select, in poll order. Written once by the poll pass, before any enqueue. */
  sibling: CaseWaiter | undefined = undefined;
  constructor(
    readonly sel: Selection,
    readonly index: number,
    readonly port: Port<unknown>,
  ) {
    super(sel);
  }
  /** Called by the port after it set `sel.done`; records the outcome, runs no user code. */
  complete(value: unknown, ok: boolean): void {
    this.sel.win(this, value, ok);
  }
  enqueue(): void {
    this.port.enqueueRecv(this);
  }
  cancel(): void {
    this.port.cancelRecv(this);
  }
}

/** The waiter of a send case. Its token is the Selection. */
class CaseSend extends SendWaiter<unknown> {
  /** The next waiter of the same select, in poll order. Written once by the poll pass, before any enqueue. */
  sibling: CaseWaiter | undefined = undefined;
  constructor(
    readonly sel: Selection,
    readonly index: number,
    readonly port: Port<unknown>,
    value: unknown,
  ) {
    super(value, sel);
  }
  /** Called by the port after it set `sel.done`; `ok === false`: the port is closed, nothing was sent. */
  complete(ok: boolean): void {
    this.sel.win(this, undefined, ok);
  }
  enqueue(): void {
    this.port.enqueueSend(this);
  }
  cancel(): void {
    this.port.cancelSend(this);
  }
}

type CaseWaiter = CaseRecv | CaseSend;

// ---------------------------------------------------------------------------
// Validation (before any pass: a bad case must not leave half a select done)
// ---------------------------------------------------------------------------

/**
 * Checks `cases` and returns its case names in declaration order.
 * @throws InvalidSelectCaseError for a non-object or a property that is not a case;
 *   EmptySelectError for a blocking select without cases.
 */
export function caseNames(cases: SelectCases, where: string, blocking: boolean): string[] {
  if (typeof cases !== "object" || cases === null) {
    throw new InvalidSelectCaseError(
      `${where}: cases must be an object of named cases, such as { msg: recv(ch), out: send(ch2, v) }; got ${describe(cases)}`,
    );
  }
  const names = Object.keys(cases);
  if (names.length === 0 && blocking) throw new EmptySelectError();
  for (const name of names) {
    const c = cases[name];
    if (c instanceof RecvCase || c instanceof SendCase) continue;
    throw new InvalidSelectCaseError(
      `${where}: case "${name}" is ${describe(c)}, not a case; wrap a channel in recv(ch) or send(ch, value)`,
      name,
    );
  }
  return names;
}

// ---------------------------------------------------------------------------
// The Selection
// ---------------------------------------------------------------------------

/** Picks an index in `[0, k)` from `random()`; tolerates a source that returns 1 or garbage. */
function pick(random: () => number, k: number): number {
  const r = Math.floor(random() * k);
  return r >= 0 && r < k ? r : r >= k ? k - 1 : 0;
}

/** Above this many cases the random order uses an index array instead of a bit mask. */
const MASK_LIMIT = 31;

export class Selection implements CommitToken, AbortLinks {
  /** The commit-once token of every waiter below. See the invariants. */
  done = false;
  /** First / last waiter created by the poll pass, linked by `sibling`. Set only while polling. */
  private first: CaseWaiter | undefined = undefined;
  private last: CaseWaiter | undefined = undefined;
  /** The waiter that won, with what its port reported. Written once, by `win`. */
  winner: CaseWaiter | undefined = undefined;
  private value: unknown = undefined;
  private ok = false;
  /** Promise callbacks: set by `enqueuePass` (the select is waiting), undefined while polling. */
  private resolve: ((result: unknown) => void) | undefined = undefined;
  private reject: ((reason: unknown) => void) | undefined = undefined;
  /** Links of the signal's shared watch list (see `watchAbort`); set while a waiting select watches a signal. */
  abortList: object | undefined = undefined;
  abortPrev: AbortLinks | undefined = undefined;
  abortNext: AbortLinks | undefined = undefined;

  constructor(
    private readonly cases: SelectCases,
    private readonly names: readonly string[],
  ) {}

  // --- Pass 1: poll ---------------------------------------------------------

  /**
   * Polls every live case once, in random order, or in declaration order when
   * `priority`. Returns `true` as soon as one port committed a case (then
   * `winner` is set and nothing of this select is queued anywhere); `false` when
   * no case was ready (then every live case has a waiter in the sibling list).
   *
   * Uniformity: each step picks uniformly among the cases not yet tried, so the
   * order is a uniformly random permutation and the first ready case in it is
   * uniformly distributed over the ready cases.
   */
  pollPass(priority: boolean, random: () => number): boolean {
    const n = this.names.length;
    if (priority || n === 1) {
      for (let i = 0; i < n; i++) if (this.pollCase(i)) return true;
      return false;
    }
    if (n <= MASK_LIMIT) {
      let tried = 0;
      for (let left = n; left > 0; left--) {
        let r = pick(random, left);
        let i = 0;
        for (; ; i++) {
          if ((tried & (1 << i)) !== 0) continue; // tried already
          if (r === 0) break; // the r-th untried case (0-based)
          r--;
        }
        tried |= 1 << i;
        if (this.pollCase(i)) return true;
      }
      return false;
    }
    const order = Array.from({ length: n }, (_, i) => i);
    for (let k = 0; k < n; k++) {
      const j = k + pick(random, n - k);
      const i = order[j] as number;
      order[j] = order[k] as number;
      if (this.pollCase(i)) return true;
    }
    return false;
  }

  /** Polls case `i` once. Precondition: polling (not waiting), `!done`. A null case is never ready. */
  private pollCase(i: number): boolean {
    const c = this.cases[this.names[i] as string] as RecvCase<unknown> | SendCase<unknown>;
    const port = c.port;
    if (port === undefined) return false;
    let w: CaseWaiter;
    if (c.kind === "recv") {
      const r = new CaseRecv(this, i, port);
      if (port.pollRecv(r)) return true;
      w = r;
    } else {
      const s = new CaseSend(this, i, port, c.value);
      if (port.pollSend(s)) return true;
      w = s;
    }
    if (this.last === undefined) this.first = w;
    else this.last.sibling = w;
    this.last = w;
    return false;
  }

  // --- Pass 2: enqueue ------------------------------------------------------

  /**
   * Queues every waiter on its port (in poll order: random, or declaration order
   * with `priority`, which decides between two cases on one port) and listens for
   * abort. Precondition: `pollPass` returned `false` in this same synchronous turn.
   * Enqueueing completes nothing, so no case can win during this pass.
   */
  enqueuePass(resolve: (result: unknown) => void, reject: (reason: unknown) => void, signal?: AbortSignal): void {
    this.resolve = resolve;
    this.reject = reject;
    for (let w = this.first; w !== undefined; w = w.sibling) {
      w.enqueue();
      // Defensive: a port that completes on enqueue breaks the protocol; `win` has then
      // already withdrawn the waiters queued so far, so queue no more of them.
      if (this.done) return;
    }
    if (signal !== undefined) watchAbort(signal, this);
  }

  // --- Pass 3: cancel -------------------------------------------------------

  /**
   * Called by the port that committed `w` (it set `done` and dequeued `w`).
   * While polling, only records the outcome for the caller. While waiting,
   * cancels the other waiters, then settles — state first, then resume (no user
   * code runs here: settling only queues promise reactions).
   */
  win(w: CaseWaiter, value: unknown, ok: boolean): void {
    this.winner = w;
    this.value = value;
    this.ok = ok;
    const resolve = this.resolve;
    if (resolve === undefined) return;
    this.cancelPass(w);
    unwatchAbort(this);
    if (this.failed()) (this.reject as (reason: unknown) => void)(this.closedError());
    else resolve(this.result());
  }

  /** Removes every waiter except `winner` from its port. O(cases); safe on the port that is calling us. */
  private cancelPass(winner: CaseWaiter | undefined): void {
    for (let w = this.first; w !== undefined; w = w.sibling) if (w !== winner) w.cancel();
  }

  /**
   * Called by the signal's shared watch list when it aborts (it has already
   * removed us from the list). Atomic: if a port already committed a case, the
   * abort is ignored.
   */
  onAbort(reason: unknown): void {
    if (this.done) return;
    this.done = true;
    this.cancelPass(undefined);
    (this.reject as (reason: unknown) => void)(reason);
  }

  // --- Outcome --------------------------------------------------------------

  /** Whether the winner is a send case whose port was closed (Go panics: the select fails). Precondition: `winner` set. */
  failed(): boolean {
    return this.winner instanceof CaseSend && !this.ok;
  }

  /** The error for a failed send case: carries the unsent value. Precondition: `failed()`. */
  closedError(): ChannelClosedError {
    return new ChannelClosedError((this.winner as CaseSend).value);
  }

  /** The result object for the winner. Precondition: `winner` set and not `failed()`. */
  result(): unknown {
    const w = this.winner as CaseWaiter;
    const name = this.names[w.index];
    if (w instanceof CaseSend) return { case: name };
    return { case: name, value: this.ok ? Some(this.value) : None };
  }
}
