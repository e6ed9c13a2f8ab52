/**
 * The floor: the least a promise-based channel can do on this platform, written
 * by hand for the benchmark. A power-of-two ring buffer, the waiting receivers'
 * resolvers and the waiting senders' values in two tiny FIFOs (in SPSC runs each
 * holds at most one: "one pending resolver per side"), and synchronous
 * completion whenever a send or receive can complete at once. No close, no
 * abort, no select, no error checks: a real channel cannot be cheaper, so a
 * library's ratio to this column is its overhead over the platform.
 *
 * Invariants:
 * - if receivers are waiting, the buffer is empty; if senders are waiting, the
 *   buffer holds `capacity` values (or `capacity` is 0).
 * - not both receivers and senders are waiting.
 * - dropping policies never have waiting senders.
 */

import { Checksum } from "../checksum.js";

/** `tryRecv()` found nothing: the caller should `await recv()`. */
export const EMPTY: unique symbol = Symbol("floor.empty");

/** What a send does when the buffer holds `capacity` values. */
export type FloorPolicy = "block" | "drop-oldest" | "drop-newest";

/**
 * A growable FIFO of waiters: a power-of-two ring (head index and size), grown
 * by doubling, never shrunk. A rendezvous empties its queue on every message;
 * an array reset to length 0 on emptying (`items.length = 0`) made every park
 * a runtime call that shrank the backing store, and the next push regrew it:
 * W1 took 108 ns/msg with it, 60 with this ring (W5: 97 against 52 ns/hop).
 * A ring touches one slot per push and per shift and nothing else.
 *
 * Invariants: `slots.length` is a power of two; `mask === slots.length - 1`;
 * `0 <= size <= slots.length`; the waiters are at `(head + i) & mask` for
 * `i < size`, every other slot is undefined.
 */
class WaitQueue<W> {
  private slots: (W | undefined)[] = new Array<W | undefined>(4).fill(undefined);
  private mask = 3;
  /** Index of the oldest waiter. */
  private head = 0;
  /** Waiters queued. */
  size = 0;

  push(w: W): void {
    if (this.size === this.slots.length) this.grow();
    this.slots[(this.head + this.size) & this.mask] = w;
    this.size++;
  }

  /** Precondition: `size > 0`. */
  shift(): W {
    const head = this.head;
    const w = this.slots[head] as W;
    this.slots[head] = undefined;
    this.head = (head + 1) & this.mask;
    this.size--;
    return w;
  }

  private grow(): void {
    const size = this.slots.length * 2;
    const next = new Array<W | undefined>(size).fill(undefined);
    for (let i = 0; i < this.size; i++) next[i] = this.slots[(this.head + i) & this.mask];
    this.slots = next;
    this.mask = size - 1;
    this.head = 0;
  }
}

interface WaitingSender<T> {
  readonly value: T;
  readonly resolve: () => void;
}

/** The hand-written floor channel. `capacity` 0 is a rendezvous; `Infinity` grows without limit. */
export class FloorChannel<T> {
  /** Ring storage; its length is 0 or a power of two; grows by doubling. */
  private slots: (T | undefined)[] = [];
  /** `slots.length - 1`. */
  private mask = -1;
  /** Index of the oldest buffered value. */
  private head = 0;
  /** Buffered values. */
  private length = 0;
  private readonly receivers = new WaitQueue<(value: T) => void>();
  private readonly senders = new WaitQueue<WaitingSender<T>>();
  /** Values dropped by a dropping policy. */
  dropped = 0;

  constructor(
    readonly capacity: number,
    private readonly policy: FloorPolicy = "block",
  ) {}

  /** Sends now if possible; `false` means "call `send`". */
  trySend(value: T): boolean {
    if (this.receivers.size > 0) {
      this.receivers.shift()(value);
      return true;
    }
    if (this.length < this.capacity) {
      this.push(value);
      return true;
    }
    if (this.policy === "drop-newest") {
      this.dropped++;
      return true;
    }
    if (this.policy === "drop-oldest") {
      this.shiftValue();
      this.push(value);
      this.dropped++;
      return true;
    }
    return false;
  }

  /** Waits until `value` is taken or buffered. Precondition: `trySend(value)` just returned false. */
  send(value: T): Promise<void> {
    return new Promise<void>((resolve) => this.senders.push({ value, resolve }));
  }

  /** Receives now if possible. */
  tryRecv(): T | typeof EMPTY {
    if (this.length > 0) {
      const value = this.shiftValue();
      if (this.senders.size > 0) {
        const s = this.senders.shift();
        this.push(s.value);
        s.resolve();
      }
      return value;
    }
    if (this.senders.size > 0) {
      const s = this.senders.shift();
      s.resolve();
      return s.value;
    }
    return EMPTY;
  }

  /** Waits for a value. Precondition: `tryRecv()` just returned `EMPTY`. */
  recv(): Promise<T> {
    return new Promise<T>((resolve) => this.receivers.push(resolve));
  }

  private push(value: T): void {
    if (this.length === this.slots.length) this.grow();
    this.slots[(this.head + this.length) & this.mask] = value;
    this.length++;
  }

  private shiftValue(): T {
    const value = this.slots[this.head] as T;
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.length--;
    return value;
  }

  private grow(): void {
    const size = this.slots.length === 0 ? 16 : this.slots.length * 2;
    const next = new Array<T | undefined>(size).fill(undefined);
    for (let i = 0; i < this.length; i++) next[i] = this.slots[(this.head + i) & this.mask];
    this.slots = next;
    this.mask = size - 1;
    this.head = 0;
  }
}

// ---------------------------------------------------------------------------
// Workload shapes on the floor channel
// ---------------------------------------------------------------------------

async function produce(ch: FloorChannel<number>, first: number, step: number, n: number): Promise<void> {
  for (let v = first; v < n; v += step) {
    if (!ch.trySend(v)) await ch.send(v);
  }
}

async function consume(ch: FloorChannel<number>, count: number, ck: Checksum): Promise<void> {
  for (let i = 0; i < count; i++) {
    let v = ch.tryRecv();
    if (v === EMPTY) v = await ch.recv();
    ck.add(v);
  }
}

/** `producers` tasks send 0..n-1 between them (task p sends p, p+P, …); `consumers` tasks receive n/C each. */
export async function pipeline(
  n: number,
  producers: number,
  consumers: number,
  make: () => FloorChannel<number>,
): Promise<Checksum> {
  const ch = make();
  const ck = new Checksum();
  const tasks: Promise<void>[] = [];
  for (let c = 0; c < consumers; c++) tasks.push(consume(ch, n / consumers, ck));
  for (let p = 0; p < producers; p++) tasks.push(produce(ch, p, producers, n));
  await Promise.all(tasks);
  return ck;
}

/** n hops: ping sends even values on `a`, pong answers each with the next odd value on `b`. */
export async function pingPong(n: number, make: () => FloorChannel<number>): Promise<Checksum> {
  const a = make();
  const b = make();
  const ck = new Checksum();
  const pong = async () => {
    for (let k = 0; k < n / 2; k++) {
      let v = a.tryRecv();
      if (v === EMPTY) v = await a.recv();
      ck.add(v);
      if (!b.trySend(v + 1)) await b.send(v + 1);
    }
  };
  const ping = async () => {
    for (let k = 0; k < n; k += 2) {
      if (!a.trySend(k)) await a.send(k);
      let v = b.tryRecv();
      if (v === EMPTY) v = await b.recv();
      ck.add(v);
    }
  };
  await Promise.all([pong(), ping()]);
  return ck;
}

/**
 * The producer sends bursts of `burst` values without waiting, then waits for
 * the consumer's acknowledgement (on a second channel) that it received the
 * whole burst; so a dropping channel of capacity >= burst never drops.
 */
export async function bursts(n: number, burst: number, make: () => FloorChannel<number>): Promise<Checksum> {
  const ch = make();
  const ack = new FloorChannel<number>(1);
  const ck = new Checksum();
  const consumer = async () => {
    for (let i = 0; i < n; i++) {
      let v = ch.tryRecv();
      if (v === EMPTY) v = await ch.recv();
      ck.add(v);
      if ((i + 1) % burst === 0 || i + 1 === n) {
        if (!ack.trySend(i)) await ack.send(i);
      }
    }
  };
  const producer = async () => {
    for (let start = 0; start < n; start += burst) {
      const end = Math.min(n, start + burst);
      for (let v = start; v < end; v++) {
        if (!ch.trySend(v)) await ch.send(v);
      }
      if (ack.tryRecv() === EMPTY) await ack.recv();
    }
  };
  await Promise.all([consumer(), producer()]);
  return ck;
}

// ---------------------------------------------------------------------------
// W4: select fan-in, hand-written
// ---------------------------------------------------------------------------

/**
 * The least a select fan-in can cost: `k` bounded rings (one per producer); the
 * consumer polls them in a uniformly random order, as Go's select and
 * csp-kit's do (the first ready ring in a uniformly random permutation is
 * uniformly distributed over the ready rings), drawn from one random number
 * per poll; when all are empty it leaves one pending resolver that the next
 * send completes directly. A producer whose ring is full waits with one
 * pending resolver of its own. No close, no abort, and a select over these
 * rings only — not a general select.
 *
 * Invariants:
 * - `consumer !== undefined` only while every ring is empty.
 * - `waiting[i] !== undefined` only while ring i holds `capacity` values.
 * - `producers <= 12`, so one `Math.random()` (53 bits) picks any of the
 *   `producers!` poll orders.
 */
export class FloorFanIn {
  /** One ring per producer; grown lazily like `FloorChannel`'s. */
  private readonly rings: FloorChannel<number>[];
  /** The blocked producer of each ring (at most one each: one producer per ring). */
  private readonly waiting: (WaitingSender<number> | undefined)[];
  /** The consumer's resolver while it waits on all rings. */
  private consumer: ((value: number) => void) | undefined;

  constructor(
    readonly producers: number,
    capacity: number,
  ) {
    if (producers < 1 || producers > 12) throw new RangeError("FloorFanIn: 1 to 12 producers");
    this.rings = Array.from({ length: producers }, () => new FloorChannel<number>(capacity));
    this.waiting = new Array<WaitingSender<number> | undefined>(producers).fill(undefined);
  }

  /** Producer `i` sends now if it can; `false` means "call `send`". */
  trySend(i: number, value: number): boolean {
    const consumer = this.consumer;
    if (consumer !== undefined) {
      this.consumer = undefined;
      consumer(value);
      return true;
    }
    return (this.rings[i] as FloorChannel<number>).trySend(value);
  }

  /** Producer `i` waits for room. Precondition: `trySend(i, value)` just returned false. */
  send(i: number, value: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiting[i] = { value, resolve };
    });
  }

  /**
   * Takes a value from the first non-empty ring in a random order: one draw
   * `u` numbers the permutation, read as mixed-radix digits, most significant
   * first (`d = floor(u * left)`, then `u` keeps the fraction; the first ring
   * polled is `floor(u * k)`), exactly as csp-kit's select does.
   */
  tryRecv(): number | typeof EMPTY {
    let u = Math.random();
    let tried = 0;
    for (let left = this.producers; left > 0; left--) {
      const x = u * left;
      let d = x | 0;
      u = x - d;
      let i = 0;
      for (; ; i++) {
        if ((tried & (1 << i)) !== 0) continue;
        if (d === 0) break;
        d--;
      }
      tried |= 1 << i;
      const ring = this.rings[i] as FloorChannel<number>;
      const v = ring.tryRecv();
      if (v !== EMPTY) {
        const w = this.waiting[i];
        if (w !== undefined) {
          this.waiting[i] = undefined;
          ring.trySend(w.value);
          w.resolve();
        }
        return v;
      }
    }
    return EMPTY;
  }

  /** Waits for a value. Precondition: `tryRecv()` just returned `EMPTY`. */
  recv(): Promise<number> {
    return new Promise<number>((resolve) => {
      this.consumer = resolve;
    });
  }
}

/** Select fan-in: producer p sends p, p+4, … into its ring; one consumer takes n values. */
export async function fanIn(n: number, capacity: number): Promise<Checksum> {
  const producers = 4;
  const sel = new FloorFanIn(producers, capacity);
  const ck = new Checksum();
  const consumer = async () => {
    for (let i = 0; i < n; i++) {
      let v = sel.tryRecv();
      if (v === EMPTY) v = await sel.recv();
      ck.add(v);
    }
  };
  const producer = async (p: number) => {
    for (let v = p; v < n; v += producers) {
      if (!sel.trySend(p, v)) await sel.send(p, v);
    }
  };
  const tasks = [consumer()];
  for (let p = 0; p < producers; p++) tasks.push(producer(p));
  await Promise.all(tasks);
  return ck;
}

// ---------------------------------------------------------------------------
// W6: mutex, hand-written
// ---------------------------------------------------------------------------

/** The promise every uncontended `lock()` returns. */
const UNLOCKED: Promise<void> = Promise.resolve();

/**
 * The least a FIFO async mutex can cost: a flag, a FIFO of resolvers, and one
 * shared resolved promise for the uncontended case. `unlock` hands the lock to
 * the oldest waiter directly. No abort, no misuse checks.
 *
 * Invariants: waiters exist only while `locked`.
 */
export class FloorMutex {
  private locked = false;
  private readonly waiters = new WaitQueue<() => void>();

  lock(): Promise<void> {
    if (!this.locked) {
      this.locked = true;
      return UNLOCKED;
    }
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  unlock(): void {
    if (this.waiters.size > 0) this.waiters.shift()();
    else this.locked = false;
  }
}

/** `tasks` tasks each `await lock()` n/tasks times and add their next value inside. */
export async function lockedCounter(n: number, tasks: number): Promise<Checksum> {
  const mu = new FloorMutex();
  const ck = new Checksum();
  const task = async (first: number) => {
    for (let v = first; v < n; v += tasks) {
      await mu.lock();
      ck.add(v);
      mu.unlock();
    }
  };
  const all: Promise<void>[] = [];
  for (let t = 0; t < tasks; t++) all.push(task(t));
  await Promise.all(all);
  return ck;
}

// ---------------------------------------------------------------------------
// W7: a ready value against a timer, the naive way
// ---------------------------------------------------------------------------

/** What the timer's promise resolves to. */
const TIMED_OUT: unique symbol = Symbol("floor.timed-out");

/**
 * n times: put i on a floor channel buffered 1, then what a JavaScript
 * programmer writes — `Promise.race` of the receive and a `setTimeout`
 * promise — and `clearTimeout` of the loser. The receive must win every time.
 */
export async function selectAgainstTimer(n: number, timeoutMs: number): Promise<Checksum> {
  const ready = new FloorChannel<number>(1);
  const ck = new Checksum();
  for (let i = 0; i < n; i++) {
    if (!ready.trySend(i)) await ready.send(i);
    const v = ready.tryRecv();
    const receive = v === EMPTY ? ready.recv() : Promise.resolve(v);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
    });
    const r = await Promise.race([receive, timeout]);
    clearTimeout(timer);
    if (r === TIMED_OUT) throw new Error("the one-hour timer won the race");
    ck.add(r);
  }
  return ck;
}
