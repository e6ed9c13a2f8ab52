/**
 * The concurrent prime sieve from Go's documentation, on csp-kit channels.
 *
 * A generator task sends 2, 3, 4, … into an unbuffered channel. Each prime found
 * starts a filter task between the previous channel and a new one, which drops
 * the multiples of that prime. The head of the chain always yields the next prime.
 * Every task is stopped through one AbortSignal when enough primes are found.
 */
import { Channel } from "@csp-kit/channel";

/** Statistics of one sieve run. */
export interface SieveResult {
  /** The primes found, ascending. */
  readonly primes: number[];
  /** Filter tasks started (one per prime except the last). */
  readonly filters: number;
  /** Values handed from one task to another over a channel. */
  readonly handoffs: number;
}

/** Sends 2, 3, 4, … on `out` until aborted. */
async function generate(out: Channel<number>, signal: AbortSignal, count: { handoffs: number }): Promise<void> {
  for (let i = 2; ; i++) {
    await out.send(i, { signal });
    count.handoffs++;
  }
}

/** Copies the values of `input` that `prime` does not divide to `out`, until aborted. */
async function filter(
  input: Channel<number>,
  out: Channel<number>,
  prime: number,
  signal: AbortSignal,
  count: { handoffs: number },
): Promise<void> {
  for await (const n of input.values({ signal })) {
    if (n % prime !== 0) {
      await out.send(n, { signal });
      count.handoffs++;
    }
  }
}

/** Runs the sieve until `count` primes are found, then stops every task. */
export async function sieve(count: number): Promise<SieveResult> {
  if (!Number.isSafeInteger(count) || count < 1)
    throw new RangeError(`count must be a whole number >= 1 (got ${count})`);
  const stop = new AbortController();
  const stats = { handoffs: 0 };
  const tasks: Promise<void>[] = [];
  let ch = new Channel<number>();
  tasks.push(generate(ch, stop.signal, stats));
  const primes: number[] = [];
  while (primes.length < count) {
    const r = await ch.recv();
    if (r.isNone()) break;
    primes.push(r.value);
    if (primes.length === count) break;
    const next = new Channel<number>();
    tasks.push(filter(ch, next, r.value, stop.signal, stats));
    ch = next;
  }
  stop.abort();
  // Every task ends with the abort: their rejections are the expected way out.
  const outcomes = await Promise.allSettled(tasks);
  const unexpected = outcomes.find((o) => o.status === "rejected" && o.reason !== stop.signal.reason);
  if (unexpected && unexpected.status === "rejected") throw unexpected.reason;
  return { primes, filters: tasks.length - 1, handoffs: stats.handoffs };
}
