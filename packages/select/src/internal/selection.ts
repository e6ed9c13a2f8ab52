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
 * Selection. One such Selection is kept as a spare and reused by the next
 * call, with its receive waiters, so a select that completes at once
 * allocates only its result: plain `select` / `trySelect` share one module
 * spare, and each prepared select (`prepareSelect`) keeps its own, over its
 * own fixed cases. A select that waits keeps its Selection; the next call
 * makes a new one. A call made while the spare is in use (a `random` source
 * that itself selects) finds it `inUse` and makes its own. The spare slot is
 * written only when a call makes a Selection or keeps one, never per call: a
 * Selection made after a wait is young until two scavenges promote it, and
 * storing it into the long-lived slot on every release took the write
 * barrier's slow path on every select (W4 under callgrind: 280 thousand
 * barrier calls from the select loop per 300 thousand messages, 4 thousand
 * after).
 *
 * Cost model of a call that does not wait: validating the cases (plain
 * selects only: a `for…in`, an own-property and a brand check per case —
 * what `prepareSelect` does once instead), one `random()` for the whole poll
 * order (up to 12 cases), the polls, the result object, and `release`, which
 * clears only what the call touched (the waiters its polls linked, the winner,
 * a plain select's cases) rather than every slot.
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
 * - a free plain Selection (the module spare) holds no case, port, value or
 *   callback: `release` clears them, so keeping it retains nothing of the calls
 *   that used it. A free prepared Selection holds only its prepared select's
 *   own cases and ports, and no value or callback.
 * - a receive waiter never polled by the current use keeps the state the last
 *   `release` left (port cleared for a plain Selection, sibling undefined).
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

/**
 * The Selection the next plain `select` / `trySelect` call reuses when it is
 * free (`!inUse`); undefined after a select kept it. Written only when a call
 * makes a new Selection or keeps one: a store of a young Selection into this
 * long-lived variable on every call was a slow write barrier per select.
 */
let spare: Selection | undefined;

/** Up to this many cases one `random()` picks the whole poll order (12! is far below 2^53: every order is reachable). */
const ONE_DRAW_LIMIT = 12;
/** The largest double below 1: what a random source that returns 1 (or more) is read as. */
const LAST_BELOW_ONE = 1 - 2 ** -53;

/**
 * The validated cases of a select, declaration order: `names[i]` names
 * `list[i]`, for `i < count`. A plain `select(cases)` fills its Selection's own
 * set on every call (`collect`) and `release` empties it; a prepared select
 * fills one set once, at preparation, and every use reads it unchanged.
 *
 * Invariants: entries from `count` on are undefined; a prepared set never
 * changes after `prepare`; `spare` is set only on a prepared set, and is a free
 * Selection over this set or undefined.
 */
export class CaseSet {
  readonly names: (string | undefined)[] = [];
  readonly list: (SelectCase | undefined)[] = [];
  count = 0;
  /**
   * A prepared set's Selection, reused by its next call when free (`!inUse`);
   * undefined once a waiting select kept it. Written only when a call makes a
   * new one or keeps it (see the module's `spare`).
   */
  spare: Selection | undefined = undefined;

  /**
   * Checks `cases` and records them in declaration order. One pass of
   * `for…in` over own properties, which V8 serves from the object's
   * enumeration cache whatever its shape (a select site sees many case-object
   * shapes), so there is no keyed property lookup per case.
   * Precondition: `count === 0`.
   * @throws InvalidSelectCaseError for a non-object or a property that is not a case.
   */
  fill(cases: SelectCases, where: string): void {
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
  }

  /** Empties a plain select's set (so a free Selection retains no case). */
  clear(): void {
    const n = this.count;
    for (let i = 0; i < n; i++) {
      this.names[i] = undefined;
      this.list[i] = undefined;
    }
    this.count = 0;
  }

  /** The cases and the ports they wait on, for the diagnostics inventory (runs only when it is on). */
  describe(label: (port: Port<unknown>) => string): string {
    const parts: string[] = [];
    for (let i = 0; i < this.count; i++) {
      const c = this.list[i] as SelectCase;
      parts.push(`${this.names[i]}: ${c.kind} ${c.port === undefined ? "nil" : label(c.port)}`);
    }
    return `select { ${parts.join(", ")} }`;
  }
}

/** Validates `cases` once, for a prepared select. @throws InvalidSelectCaseError as `select` would reject. */
export function prepare(cases: SelectCases, where: string): CaseSet {
  const set = new CaseSet();
  set.fill(cases, where);
  return set;
}

export class Selection implements CommitToken, AbortLinks {
  /** The commit-once token of every waiter below. See the invariants. */
  done = false;
  /** Whether a call is using this Selection: set by `acquire*`, cleared by `release` (never, once a select kept it). */
  private inUse = false;
  /** The cases of the current use (see {@link CaseSet}). */
  private readonly set: CaseSet;
  /** Whether `set` belongs to a prepared select (fixed cases) rather than to this Selection. */
  private readonly prepared: boolean;
  /** Receive waiters by case index, created on first need and reused by later uses of this Selection. */
  private readonly recvWaiters: (CaseRecv | undefined)[] = [];
  /** First / last waiter of the current use's poll pass, linked by `sibling`. Reset by `release`. */
  private first: CaseWaiter | undefined = undefined;
  private last: CaseWaiter | undefined = undefined;
  /** The waiter that won, with what its port reported. Written once per use, by `win`. */
  winner: CaseWaiter | undefined = undefined;
  private value: unknown = undefined;
  private ok = false;
  /** Promise callbacks: set by the waiting select's executor, undefined while polling. */
  resolve: ((result: unknown) => void) | undefined = undefined;
  reject: ((reason: unknown) => void) | undefined = undefined;
  /** Links of the signal's shared watch list (see `watchAbort`); set while a waiting select watches a signal. */
  abortList: object | undefined = undefined;
  abortPrev: AbortLinks | undefined = undefined;
  abortNext: AbortLinks | undefined = undefined;

  private constructor(set: CaseSet, prepared: boolean) {
    this.set = set;
    this.prepared = prepared;
  }

  /**
   * A free Selection for one plain call: the spare if it is free, else a new
   * one. Pair with `release`, unless the call goes on to wait: then the
   * Selection stays with that select for good.
   */
  static acquire(): Selection {
    let s = spare;
    if (s === undefined || s.inUse) {
      s = new Selection(new CaseSet(), false);
      spare = s;
    }
    s.inUse = true;
    return s;
  }

  /** A free Selection over a prepared set: its spare, else a new one. Same pairing rule as {@link Selection.acquire}. */
  static acquireFor(set: CaseSet): Selection {
    let s = set.spare;
    if (s === undefined || s.inUse) {
      s = new Selection(set, true);
      set.spare = s;
    }
    s.inUse = true;
    return s;
  }

  /**
   * This use goes on to wait: the select keeps this Selection for good, so it
   * stops being anyone's spare (and the spare slot retains nothing of it).
   */
  keep(): void {
    if (this.prepared) {
      if (this.set.spare === this) this.set.spare = undefined;
    } else if (spare === this) spare = undefined;
  }

  /** How many cases this use has. */
  get count(): number {
    return this.set.count;
  }

  /**
   * Ends a use that queued nothing (a fast-path win, or a trySelect that found
   * nothing) and makes this the spare. Clears only what the use touched: the
   * waiters its poll pass linked and the winner (their ports, for a plain
   * select whose next call may have other cases; their sibling links), and a
   * plain select's cases. Precondition: no waiter of this Selection is
   * queued, no promise refers to it.
   */
  release(): void {
    const plain = !this.prepared;
    for (let w = this.first; w !== undefined; ) {
      const next: CaseWaiter | undefined = w.sibling;
      w.sibling = undefined;
      if (plain && w.kind === "recv") w.port = NO_PORT;
      w = next;
    }
    const won = this.winner;
    if (plain && won !== undefined && won.kind === "recv") won.port = NO_PORT;
    this.reset();
  }

  /**
   * Ends a use that failed before or during polling (a bad case, a port that
   * threw): a poll may have pointed a waiter at a port without linking it, so
   * every waiter is cleared. Precondition: as {@link Selection.release}.
   */
  releaseAll(): void {
    for (const w of this.recvWaiters) {
      if (w === undefined) continue;
      w.sibling = undefined;
      if (!this.prepared) w.port = NO_PORT;
    }
    this.reset();
  }

  private reset(): void {
    if (!this.prepared) this.set.clear();
    this.first = this.last = this.winner = undefined;
    this.value = undefined;
    this.ok = false;
    this.done = false;
    this.inUse = false;
  }

  // --- Validation (before any pass: a bad case must not leave half a select done)

  /**
   * Checks `cases` and records them for this use of a plain select.
   * @throws InvalidSelectCaseError for a non-object or a property that is not a case;
   *   EmptySelectError for a blocking select without cases.
   */
  collect(cases: SelectCases, where: string, blocking: boolean): void {
    this.set.fill(cases, where);
    if (blocking && this.set.count === 0) throw new EmptySelectError();
  }

  /** The diagnostics label of this select's cases. */
  describe(label: (port: Port<unknown>) => string): string {
    return this.set.describe(label);
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
    const n = this.set.count;
    if (priority || n === 1) return this.pollInOrder(n);
    if (n <= ONE_DRAW_LIMIT) return this.pollOneDraw(n, random);
    return this.pollStepwise(n, random);
  }

  // Each order strategy is a function of its own, and so is each rare step of a
  // poll: TurboFan charges the whole bytecode of a function it inlines, cold
  // branches included, against one budget per optimized function, and a
  // `trySelect` loop that ran out of it called `pollRecv`, `result` and
  // `release` instead of inlining them (seen in a W4 profile).

  /** Declaration order (`priority`, or a single case). */
  private pollInOrder(n: number): boolean {
    for (let i = 0; i < n; i++) if (this.pollCase(i)) return true;
    return false;
  }

  /**
   * Up to ONE_DRAW_LIMIT cases: one draw numbers the permutation; its
   * mixed-radix digits, most significant first, pick the d-th untried case at
   * each step (d = floor(u * left), then u keeps the fraction). The first case
   * polled is floor(random() * n), as with one draw per step; 12 steps use
   * under 29 of the draw's 53 bits.
   */
  private pollOneDraw(n: number, random: () => number): boolean {
    let u = random();
    if (!(u >= 0 && u < 1)) u = u >= 1 ? LAST_BELOW_ONE : 0;
    let tried = 0;
    for (let left = n; left > 0; left--) {
      const x = u * left;
      let d = x | 0;
      u = x - d;
      let i = 0;
      for (; ; i++) {
        if ((tried & (1 << i)) !== 0) continue; // tried already
        if (d === 0) break; // the d-th untried case (0-based)
        d--;
      }
      tried |= 1 << i;
      if (this.pollCase(i)) return true;
    }
    return false;
  }

  /** More than ONE_DRAW_LIMIT cases: one draw per step, over a bit mask or (beyond 31 cases) an index array. */
  private pollStepwise(n: number, random: () => number): boolean {
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
    const c = this.set.list[i] as SelectCase;
    const port = c.port;
    if (port === undefined) return false;
    if (c.kind !== "recv") return this.pollSendCase(i, port, c.value);
    let r = this.recvWaiters[i];
    if (r === undefined) r = this.newRecvWaiter(i, port);
    else if (r.port !== port) r.port = port;
    if (port.pollRecv(r)) return true;
    this.link(r);
    return false;
  }

  /** The receive waiter of case `i`, made on its first poll and kept for later uses of this Selection. */
  private newRecvWaiter(i: number, port: Port<unknown>): CaseRecv {
    const r = new CaseRecv(this, i, port);
    this.recvWaiters[i] = r;
    return r;
  }

  /** Polls a send case (a fresh waiter each poll: it carries the case's value). */
  private pollSendCase(i: number, port: Port<unknown>, value: unknown): boolean {
    const s = new CaseSend(this, i, port, value);
    if (port.pollSend(s)) return true;
    this.link(s);
    return false;
  }

  /** Appends a waiter whose poll failed to the sibling list (poll order: the enqueue pass's order). */
  private link(w: CaseWaiter): void {
    if (this.last === undefined) this.first = w;
    else this.last.sibling = w;
    this.last = w;
  }

  // --- Pass 2: enqueue ------------------------------------------------------

  /**
   * Queues every waiter on its port (in poll order: random, or declaration order
   * with `priority`, which decides between two cases on one port) and listens for
   * abort. Precondition: `pollPass` returned `false` in this same synchronous turn,
   * and `resolve` / `reject` are set (the waiting select's promise executor ran).
   * Enqueueing completes nothing, so no case can win during this pass.
   */
  enqueuePass(signal: AbortSignal | undefined): void {
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
    const name = this.set.names[w.index] as string;
    if (w.kind === "send") return { case: name };
    return { case: name, value: this.ok ? new Some(this.value) : None };
  }
}
