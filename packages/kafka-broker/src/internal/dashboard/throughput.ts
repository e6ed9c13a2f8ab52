/**
 * Throughput over time, from samples of the traffic totals: the rate now
 * (over the last second of samples) and one point per second for the last
 * minute. Pure: it is told the time and the totals, it keeps no timer.
 *
 * ```
 *  sample(now, totals) ──► recent: the samples of the last ~1 s ──► rateNow()
 *                     └──► when a second has passed since the last point:
 *                          series.push(rate over that second); keep the last 60
 * ```
 *
 * Invariants:
 * - `#recent` is in time order and its first sample is at most
 *   `windowMs` older than its last, unless it holds two samples or fewer;
 * - `#series` holds at most `points` points, oldest first, each the rate
 *   between two samples at least `stepMs` apart;
 * - `#pointFrom` is the sample the next point is measured from.
 */

import type { TrafficTotals } from "./traffic.js";

/** Rates at one time, per second. */
export interface Rates {
  /** When (ms since the epoch, the clock's). */
  readonly t: number;
  /** Records produced per second. */
  readonly producedRecords: number;
  /** Bytes produced per second. */
  readonly producedBytes: number;
  /** Records fetched per second. */
  readonly fetchedRecords: number;
  /** Bytes fetched per second. */
  readonly fetchedBytes: number;
}

interface Sample {
  readonly t: number;
  readonly totals: Readonly<TrafficTotals>;
}

/** Options of a {@link Throughput}. */
export interface ThroughputOptions {
  /** The span of the "now" rate. Default 1000 ms. */
  readonly windowMs?: number;
  /** The spacing of the series' points. Default 1000 ms. */
  readonly stepMs?: number;
  /** How many points the series keeps. Default 60. */
  readonly points?: number;
}

function rate(from: Sample, to: Sample): Rates {
  const seconds = (to.t - from.t) / 1000;
  const per = (k: keyof TrafficTotals): number => (seconds > 0 ? (to.totals[k] - from.totals[k]) / seconds : 0);
  return {
    t: to.t,
    producedRecords: per("producedRecords"),
    producedBytes: per("producedBytes"),
    fetchedRecords: per("fetchedRecords"),
    fetchedBytes: per("fetchedBytes"),
  };
}

/** The throughput history of one broker. See the file header. */
export class Throughput {
  readonly #windowMs: number;
  readonly #stepMs: number;
  readonly #points: number;
  readonly #recent: Sample[] = [];
  readonly #series: Rates[] = [];
  #pointFrom: Sample | undefined;

  constructor(options: ThroughputOptions = {}) {
    this.#windowMs = options.windowMs ?? 1000;
    this.#stepMs = options.stepMs ?? 1000;
    this.#points = options.points ?? 60;
  }

  /** Records the totals at time `t` (not earlier than the previous sample's). */
  sample(t: number, totals: Readonly<TrafficTotals>): void {
    const s: Sample = { t, totals: { ...totals } };
    this.#recent.push(s);
    while (this.#recent.length > 2 && t - (this.#recent[1] as Sample).t >= this.#windowMs) this.#recent.shift();
    if (this.#pointFrom === undefined) {
      this.#pointFrom = s;
      return;
    }
    if (t - this.#pointFrom.t >= this.#stepMs) {
      this.#series.push(rate(this.#pointFrom, s));
      if (this.#series.length > this.#points) this.#series.shift();
      this.#pointFrom = s;
    }
  }

  /** The rates over the last window of samples (zeros before two samples exist). */
  rateNow(): Rates {
    const first = this.#recent[0];
    const last = this.#recent[this.#recent.length - 1];
    if (first === undefined || last === undefined)
      return { t: 0, producedRecords: 0, producedBytes: 0, fetchedRecords: 0, fetchedBytes: 0 };
    return rate(first, last);
  }

  /** The per-second points of the last minute, oldest first (a copy). */
  series(): Rates[] {
    return this.#series.slice();
  }
}
