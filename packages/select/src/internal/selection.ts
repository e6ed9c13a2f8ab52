/**
 * The select engine: a `Selection` drives the ports of one `select` /
 * `trySelect` call through Go's three passes (runtime/select.go), using only the
 * port protocol of `@csp-kit/channel/port`, so channels, timers and custom
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
 * State machine of one use of a Selection (`done` is the commit-once token):
 *
 *   free ──acquire──▶ polling ──a poll commits a case──▶ done ──release──▶ free
 *     ▲                  │                        (fast path)
 *     └──release─────────┤ no live case ready, trySelect
 *                        │
 *                        └─ no live case ready, select ──▶ waiting
 *                              (owned by that select       │
 *                               for good, never free)      ├─a port commits a waiter─▶ done (won)
 *                                                          └─signal aborts───────────▶ done (aborted)
 *
 * Reuse: most selects end in the fast path (or as a trySelect that found
 * nothing), where no waiter was queued anywhere and no promise holds the
 * Selection. One such Selection is kept (`spare`) and reused by the next call,
 * with its case arrays and its receive waiters, so a select that completes at
 * once allocates only its result. A select that waits keeps its Selection; the
 * next call makes a new one. A call made while the spare is in use (a `random`
 * source that itself selects) finds no spare and makes its own.
 *
 * Invariants:
 * - `done` is set exactly once per use — by the port that commits one of our
 *   waiters, or by `onAbort` on abort — and reset only by `release`, which runs
 *   only when no waiter of this Selection is queued anywhere and no promise or
 *   signal refers to it; whoever sets `done` owns the outcome.
 * - while polling, no waiter of this select is in any queue (a poll enqueues nothing).
 * - if `resolve !== undefined` and not `done`, every waiter in the sibling list is
 *   queued on its port, and the selection watches its signal (if any).
 * - once `done`, no waiter of this select is in any queue and the selection no longer
 *   watches its signal: `win` and `onAbort` cancel synchronously, before settling.
 * - a waiter is created only for a live case (port !== undefined), at most one per case.
 * - a free Selection (the spare) holds no case, port, value or callback: `release`
 *   clears them, so keeping it retains nothing of the calls that used it.
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
import { isSelectCase, type SelectCase, type SelectCases } from "../cases.js";
import { EmptySelectError, InvalidSelectCaseError } from "../errors.js";
import { describe } from "./describe.js";

// ---------------------------------------------------------------------------
// Waiters: one per live case, linked to their siblings in poll order.
// ---------------------------------------------------------------------------

/**
 * The waiter of a receive case. Its token is the Selection. Reused by later
 * uses of the same Selection for the case at the same index: `port` and
 * `sibling` are set by the poll pass of each use and cleared by `release`.
 */
class CaseRecv extends RecvWaiter<unknown> {
  /** Discriminates the two waiter kinds without `instanceof` (a generic, slow lookup in optimized code). */
  readonly kind = "recv" as const;
  /** The next waiter of the same select, in poll order. Written by the poll pass, before any enqueue. */
  sibling: CaseWaiter | undefined = undefined;
  /** The case's port: set by the poll pass of each use; a placeholder only while the Selection is free. */
  port: Port<unknown>;
  constructor(
    readonly sel: Selection,
    readonly index: number,
    port: Port<unknown>,
  ) {
    super(sel);
    this.port = port;
  }
  /** Called by the port after it set `sel.done`; records the outcome, runs no user code. */
  complete(value: unknown, ok: boolean): void {
    this.sel.win(this, value, ok);
  }
  /** Called by the port after it set `sel.done` when the value it took cannot be delivered: the select rejects. */
  override fail(error: unknown): void {
    this.sel.lose(this, error);
  }
  enqueue(): void {
    this.port.enqueueRecv(this);
  }
  cancel(): void {
    this.port.cancelRecv(this);
  }
}

/** The waiter of a send case. Its token is the Selection. One per poll (its value is the case's). */
class CaseSend extends SendWaiter<unknown> {
  /** Discriminates the two waiter kinds (see {@link CaseRecv.kind}). */
  readonly kind = "send" as const;
  /** The next waiter of the same select, in poll order. Written by the poll pass, before any enqueue. */
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
  /** Called by the port after it set `sel.done` when it can take no value and says why (nothing was sent): the select rejects. */
  override fail(error: unknown): void {
    this.sel.lose(this, error);
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
// The Selection
// ---------------------------------------------------------------------------

/** Picks an index in `[0, k)` from `random()`; tolerates a source that returns 1 or garbage. */
function pick(random: () => number, k: number): number {
  const r = Math.floor(random() * k);
  return r >= 0 && r < k ? r : r >= k ? k - 1 : 0;
}

/** Above this many cases the random order uses an index array instead of a bit mask. */
const MASK_LIMIT = 31;

/** A port that is never called: what a reused receive waiter points at while its Selection is free. */
const NO_PORT: Port<unknown> = {
  closed: true,
  pollRecv: unreachable,
  pollSend: unreachable,
  enqueueRecv: unreachable,
  enqueueSend: unreachable,
  cancelRecv: unreachable,
  cancelSend: unreachable,
};

function unreachable(): never {
  throw new Error("internal: a free Selection's waiter was used");
}

const hasOwn = Object.prototype.hasOwnProperty;

// Cold paths of `collect`, kept out of it so that it stays small enough to inline.

function notCases(where: string, cases: unknown): InvalidSelectCaseError {
  return new InvalidSelectCaseError(
    `${where}: cases must be an object of named cases, such as { msg: recv(ch), out: send(ch2, v) }; got ${describe(cases)}`,
  );
}

function notACase(where: string, name: string, c: unknown): InvalidSelectCaseError {
  return new InvalidSelectCaseError(
    `${where}: case "${name}" is ${describe(c)}, not a case; wrap a channel in recv(ch) or send(ch, value)`,
    name,
  );
}

/** The free Selection the next call reuses; undefined while it is in use (or after a select kept it). */
let spare: Selection | undefined;

export class Selection implements CommitToken, AbortLinks {
  /** The commit-once token of every waiter below. See the invariants. */
  done = false;
  /**
   * The cases of the current use, declaration order: `names[i]` names
   * `list[i]`, for `i < count`. Written by `collect`; entries from `count` on
   * are cleared (undefined) by `release`. The arrays are reused, never shrunk.
   */
  private readonly names: (string | undefined)[] = [];
  private readonly list: (SelectCase | undefined)[] = [];
  private count = 0;
  /** Receive waiters by case index, created on first need and reused by later uses of this Selection. */
  private readonly recvWaiters: (CaseRecv | undefined)[] = [];
  /** First / last waiter of the current use's poll pass, linked by `sibling`. Reset by `release`. */
  private first: CaseWaiter | undefined = undefined;
  private last: CaseWaiter | undefined = undefined;
  /** The waiter that won, with what its port reported. Written once per use, by `win`. */
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

  /**
   * A free Selection for one call: the spare if it is free, else a new one.
   * Pair with `release`, unless the call goes on to wait: then the Selection
   * stays with that select for good.
   */
  static acquire(): Selection {
    const s = spare;
    if (s === undefined) return new Selection();
    spare = undefined;
    return s;
  }

  /**
   * Ends a use that queued nothing (a fast-path win, a trySelect that found
   * nothing, or a failure before or during polling) and makes this the spare.
   * Clears every reference the use left, so the spare retains nothing.
   * Precondition: no waiter of this Selection is queued, no promise refers to it.
   */
  release(): void {
    const n = this.count;
    for (let i = 0; i < n; i++) {
      this.names[i] = undefined;
      this.list[i] = undefined;
      const w = this.recvWaiters[i];
      if (w !== undefined) {
        w.port = NO_PORT;
        w.sibling = undefined;
      }
    }
    this.count = 0;
    this.first = this.last = this.winner = undefined;
    this.value = undefined;
    this.ok = false;
    this.done = false;
    spare = this;
  }

  // --- Validation (before any pass: a bad case must not leave half a select done)

  /**
   * Checks `cases` and records them in declaration order. One pass of
   * `for…in` over own properties, which V8 serves from the object's enumeration
   * cache whatever its shape (a select site sees many case-object shapes), so
   * there is no keyed property lookup per case.
   * @throws InvalidSelectCaseError for a non-object or a property that is not a case;
   *   EmptySelectError for a blocking select without cases.
   */
  collect(cases: SelectCases, where: string, blocking: boolean): void {
    if (typeof cases !== "object" || cases === null) throw notCases(where, cases);
    let n = 0;
    for (const name in cases) {
      if (!hasOwn.call(cases, name)) continue;
      const c = cases[name];
      if (!isSelectCase(c)) throw notACase(where, name, c);
      this.names[n] = name;
      this.list[n] = c;
      this.count = ++n;
    }
    if (n === 0 && blocking) throw new EmptySelectError();
  }

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
    const n = this.count;
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
    const c = this.list[i] as SelectCase;
    const port = c.port;
    if (port === undefined) return false;
    let w: CaseWaiter;
    if (c.kind === "recv") {
      let r = this.recvWaiters[i];
      if (r === undefined) r = this.recvWaiters[i] = new CaseRecv(this, i, port);
      else r.port = port;
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

  /**
   * Called by a port that committed `w` (it set `done` and dequeued `w`) but
   * could not complete it — a SharedChannel value that does not decode on
   * this thread, a SharedChannel broken by a dead sender: the select rejects with `error`, after
   * cancelling the other waiters, as `win` does. While polling, a port throws
   * instead and the poll pass propagates it, so this runs while waiting; if it
   * is called while polling, it throws `error` into that poll.
   */
  lose(w: CaseWaiter, error: unknown): void {
    const reject = this.reject;
    if (reject === undefined) throw error;
    this.cancelPass(w);
    unwatchAbort(this);
    reject(error);
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
    return (this.winner as CaseWaiter).kind === "send" && !this.ok;
  }

  /** The error for a failed send case: carries the unsent value. Precondition: `failed()`. */
  closedError(): ChannelClosedError {
    return new ChannelClosedError((this.winner as CaseSend).value);
  }

  /** The result object for the winner. Precondition: `winner` set and not `failed()`. */
  result(): unknown {
    const w = this.winner as CaseWaiter;
    const name = this.names[w.index] as string;
    if (w.kind === "send") return { case: name };
    return { case: name, value: this.ok ? new Some(this.value) : None };
  }
}
