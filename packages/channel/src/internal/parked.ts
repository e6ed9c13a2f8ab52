/**
 * The inventory of parked waiters behind `@csp-kit/channel/diagnostics`: every
 * primitive that makes an operation wait (a channel's blocked send or receive,
 * a select, a timer receive, a lock, a WaitGroup wait…) records it here when
 * diagnostics are on, so that a stuck program can say what it is stuck on —
 * Go's "all goroutines are asleep" dump, on demand.
 *
 * Cost model: when diagnostics are off (the default), a park path pays one
 * property load and branch (`DIAGNOSTICS.on`) and allocates nothing. When on,
 * a park allocates one entry (plus a stack string when stacks are on); an
 * unpark costs nothing at all: an entry is not removed when its operation
 * completes or aborts, it is recognised as stale by its probe (`isParked`)
 * and swept lazily — whenever the list has doubled since the last sweep, and
 * on every snapshot. So no completion or abort path is touched, and a million
 * aborted waits leave at most twice the live entries behind.
 *
 * One registry per JavaScript realm, shared by every copy of the package (the
 * ESM and CommonJS builds, two versions in one node_modules) through a
 * registered symbol on `globalThis`, as `PORT` is: a select from one copy
 * over a channel from another appears in the same dump.
 *
 * Invariants (over `on`, `entries`, `sweepAt`):
 * - if `!on` then `entries.length === 0`: disabling forgets everything, and
 *   nothing is recorded while off.
 * - `entries` is in park order (oldest first): only `record` appends, and a
 *   sweep keeps the order of what it keeps.
 * - `sweepAt >= MIN_SWEEP` and, right after a sweep, `sweepAt >= 2 * entries.length`.
 * - an entry whose probe says "not parked" never becomes parked again (tokens
 *   and waiters are commit-once), so dropping it loses nothing.
 */

/** What the park path checks: one boolean. Exported as the same object from the diagnostics subpath. */
export interface DiagnosticsSwitch {
  /** Whether waiters are recorded now. Written only by `enable` / `disable`. */
  readonly on: boolean;
}

/** One recorded park. Immutable once recorded. */
export interface ParkedEntry {
  /** The primitive's engine (a channel's port, a Selection, a lock's core). */
  readonly target: object;
  /** Stable per target while diagnostics stay on: `#id` in the dump. */
  readonly id: number;
  /** What the target is, e.g. `Channel "jobs" buffered(16)`. */
  readonly label: string;
  /** The waiting operation, e.g. `send`, `recv`, `select`, `lock`. */
  readonly operation: string;
  /** `performance.now()` when it parked. */
  readonly since: number;
  /** The caller's stack when stacks are on, without csp-kit's own frames; undefined otherwise. */
  readonly stack: string | undefined;
  /** The operation's commit-once state, asked by `isParked`. */
  readonly probe: object;
  /** Whether the operation still waits; must not run user code. */
  readonly isParked: (probe: object) => boolean;
}

/**
 * One operation that waits now, as `parkedWaiters()` reports it: a snapshot,
 * not updated afterwards.
 */
export interface ParkedWaiter {
  /** The primitive's number in this inventory (`#3`): the same for all its waiters while diagnostics stay on. */
  readonly id: number;
  /** What it waits on: `Channel "jobs" buffered(16)`, `Mutex`, `select { a: recv #1 …, b: send #2 … }`, `a timer channel`. */
  readonly primitive: string;
  /** The operation that waits: `send`, `recv`, `recvBatch`, `values`, `select`, `sleep`, `lock`, `rLock`, `acquire`, `wait`, `do`, `go`. */
  readonly operation: string;
  /** When it started waiting (`performance.now()`). */
  readonly since: number;
  /** How long it had waited when the snapshot was taken, in milliseconds. */
  readonly parkedFor: number;
  /** Where it was called from, when diagnostics were enabled with `{ stacks: true }` (csp-kit's own frames removed). */
  readonly stack: string | undefined;
  /** The object it is parked on: a channel's port (`portOf(channel)`), a lock's engine, a select. For identity checks only. */
  readonly target: object;
}

interface Registry extends DiagnosticsSwitch {
  on: boolean;
  /** Whether `record` captures a stack. Written by `enable`. */
  stacks: boolean;
  /** Recorded parks, oldest first; may hold stale entries until the next sweep. Emptied by `disable`. */
  entries: ParkedEntry[];
  /** Sweep when `entries.length` reaches this. */
  sweepAt: number;
  /** Ids of labelled targets; replaced (forgotten) by `disable`. */
  ids: WeakMap<object, number>;
  /** The next id to hand out; reset by `disable`. */
  nextId: number;
}

/** The smallest sweep threshold: below it the list is never swept by `record`. */
const MIN_SWEEP = 64;
/** The label method a target may implement (`[DIAGNOSTIC_LABEL]()`), registered so every copy agrees. */
export const DIAGNOSTIC_LABEL: unique symbol = Symbol.for("@csp-kit/channel.diagnostic-label");
const KEY = Symbol.for("@csp-kit/channel.diagnostics");

/** The realm's registry, made by the first copy of the package that loads. */
export const REGISTRY: Registry = sharedRegistry();

/** Finds the realm's registry on `globalThis`, or makes it. */
function sharedRegistry(): Registry {
  const realm = globalThis as Record<symbol, unknown>;
  const existing = realm[KEY] as Registry | undefined;
  if (existing !== undefined) return existing;
  const made: Registry = { on: false, stacks: false, entries: [], sweepAt: MIN_SWEEP, ids: new WeakMap(), nextId: 1 };
  realm[KEY] = made;
  return made;
}

/** The park path's switch: `if (DIAGNOSTICS.on) recordParked(…)`. */
export const DIAGNOSTICS: DiagnosticsSwitch = REGISTRY;

/** Starts recording (idempotent; a second call only changes `stacks`). */
export function enable(stacks: boolean): void {
  REGISTRY.stacks = stacks;
  REGISTRY.on = true;
}

/** Stops recording and forgets every entry and id. */
export function disable(): void {
  REGISTRY.on = false;
  REGISTRY.stacks = false;
  REGISTRY.entries = [];
  REGISTRY.sweepAt = MIN_SWEEP;
  REGISTRY.ids = new WeakMap();
  REGISTRY.nextId = 1;
}

/** The default probe: a commit token (or a waiter that is its own token) still waits while `done` is false. */
export function notDone(probe: object): boolean {
  return !(probe as { readonly done: boolean }).done;
}

/** The id of `target` in dumps, handed out on first use. */
export function idOf(target: object): number {
  let id = REGISTRY.ids.get(target);
  if (id === undefined) {
    id = REGISTRY.nextId++;
    REGISTRY.ids.set(target, id);
  }
  return id;
}

/** What `target` calls itself (`[DIAGNOSTIC_LABEL]()`), else `fallback`. Runs only csp-kit's label methods. */
export function labelOf(target: object, fallback: string): string {
  const label = (target as { [DIAGNOSTIC_LABEL]?: unknown })[DIAGNOSTIC_LABEL];
  return typeof label === "function" ? String(label.call(target)) : fallback;
}

/**
 * Records a park. Precondition: `REGISTRY.on` (the caller checked it), and the
 * operation is queued now, in the same synchronous turn.
 */
export function record<P extends object>(
  target: object,
  fallbackLabel: string,
  operation: string,
  probe: P,
  isParked: (probe: P) => boolean,
): void {
  const entries = REGISTRY.entries;
  entries.push({
    target,
    id: idOf(target),
    label: labelOf(target, fallbackLabel),
    operation,
    since: performance.now(),
    stack: REGISTRY.stacks ? callerStack() : undefined,
    probe,
    isParked: isParked as (probe: object) => boolean,
  });
  if (entries.length >= REGISTRY.sweepAt) sweep();
}

/** Drops stale entries; returns the live ones, oldest first. */
export function sweep(): ParkedEntry[] {
  const live = REGISTRY.entries.filter((e) => e.isParked(e.probe));
  REGISTRY.entries = live;
  REGISTRY.sweepAt = Math.max(MIN_SWEEP, 2 * live.length);
  return live;
}

/**
 * Frames of csp-kit itself (its sources and builds, in the workspace or
 * installed) and of the Promise constructor, dropped from the top of a
 * recorded stack so that it starts at the caller.
 */
const OWN_FRAME =
  /[\\/](?:packages[\\/](?:channel|select|timers|mutex|threads)|@csp-kit[\\/][\w.-]+)[\\/](?:src|dist)[\\/]|^\s*at new Promise \(<anonymous>\)$/;
/** Frames kept after the caller's. */
const STACK_FRAMES = 8;

/** The stack of the code that made the operation wait, from its first frame outside csp-kit. */
function callerStack(): string | undefined {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  const raw = new Error().stack;
  Error.stackTraceLimit = limit;
  if (raw === undefined) return undefined;
  const frames = raw.split("\n").filter((line) => /^\s*at /.test(line));
  let first = 0;
  while (first < frames.length && OWN_FRAME.test(frames[first] as string)) first++;
  const kept = frames.slice(first, first + STACK_FRAMES).map((line) => line.trim());
  return kept.length > 0 ? kept.join("\n") : undefined;
}
