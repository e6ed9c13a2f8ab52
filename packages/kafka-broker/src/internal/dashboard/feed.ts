/**
 * The dashboard feed: one sampler per broker that, on a ticker (4 times a
 * second by default), samples the traffic totals into the throughput
 * history and, while anyone watches, builds one snapshot, serialises it
 * once, and offers it to every viewer's channel.
 *
 * ```
 *  Ticker ─► sampler: select { tick · stop }
 *              │ throughput.sample(totals)
 *              │ json = JSON.stringify(buildSnapshot(...))       (only if viewers)
 *              └─► for each viewer: viewer.trySend(json)  ── Channel.ring(1) per viewer ──► its SSE writer
 * ```
 *
 * Each viewer's channel is a ring of one: a send never waits and replaces a
 * snapshot the viewer has not taken yet. A snapshot is the whole state, so
 * the one dropped is simply stale. However slow or stuck a browser is, the
 * sampler never waits for it and holds at most one snapshot for it: the
 * broker's produce and fetch paths never see it.
 *
 * - never blocks on a viewer (`trySend` on a ring never waits);
 * - shutdown (`close`): stop the sampler, close every viewer's channel (its
 *   writer sees "closed" and ends its stream).
 *
 * Invariants:
 * - `#viewers` holds exactly the open channels of subscribed viewers;
 * - `#droppedByGone` is the drop count of every channel already unsubscribed;
 * - after `close()`, no viewer is added and the sampler has ended.
 */

import { Channel } from "@csp-kit/channel";
import { recv, select } from "@csp-kit/select";
import { type Clock, Ticker } from "@csp-kit/timers";
import type { BrokerStats } from "../../broker.js";
import { buildSnapshot, type DashboardSnapshot, type DisconnectLog } from "./snapshot.js";
import { Throughput } from "./throughput.js";
import type { TrafficMeter } from "./traffic.js";

/** Options of a {@link DashboardFeed}. */
export interface DashboardFeedOptions {
  /** The sampling period. */
  readonly sampleIntervalMs: number;
  readonly clock: Clock;
  readonly meter: TrafficMeter;
  readonly disconnects: DisconnectLog;
  /** The broker's stats now. */
  readonly stats: () => BrokerStats;
  /** The outbox size above which a client is flagged slow. */
  readonly outboxPauseBytes: number;
  /** Viewers disconnected so far for not taking their stream (the HTTP side counts them). */
  readonly viewersDisconnected: () => number;
}

/** The sampler and its viewers. See the file header. */
export class DashboardFeed {
  readonly #options: DashboardFeedOptions;
  readonly #throughput = new Throughput();
  readonly #viewers = new Set<Channel<string>>();
  readonly #stop = Channel.unbuffered<void>();
  readonly #loop: Promise<void>;
  #droppedByGone = 0;
  #closed = false;

  constructor(options: DashboardFeedOptions) {
    this.#options = options;
    this.#throughput.sample(options.clock.now(), options.meter.totals);
    this.#loop = this.#sampler();
  }

  /** Viewers subscribed now. */
  get viewers(): number {
    return this.#viewers.size;
  }

  /** Snapshots dropped so far because a viewer was behind. */
  get dropped(): number {
    let n = this.#droppedByGone;
    for (const v of this.#viewers) n += v.dropped;
    return n;
  }

  /**
   * A new viewer's channel (a ring of one), holding the current snapshot
   * already, or undefined after close. Give it back with {@link unsubscribe}.
   * Throws what the broker's stats throw (nothing is subscribed then).
   */
  subscribe(): Channel<string> | undefined {
    if (this.#closed) return undefined;
    const viewer = Channel.ring<string>(1);
    this.#viewers.add(viewer); // first, so that the snapshot counts this viewer
    try {
      viewer.trySend(JSON.stringify(this.snapshot()));
    } catch (error) {
      this.unsubscribe(viewer);
      throw error;
    }
    return viewer;
  }

  /** Ends a viewer's channel. Idempotent. */
  unsubscribe(viewer: Channel<string>): void {
    if (!this.#viewers.delete(viewer)) return;
    this.#droppedByGone += viewer.dropped;
    viewer.close();
  }

  /** A snapshot now. */
  snapshot(): DashboardSnapshot {
    const o = this.#options;
    return buildSnapshot({
      stats: o.stats(),
      time: o.clock.now(),
      now: this.#throughput.rateNow(),
      series: this.#throughput.series(),
      totals: o.meter.totals,
      disconnects: o.disconnects.rows(),
      viewers: { connected: this.#viewers.size, dropped: this.dropped, disconnected: o.viewersDisconnected() },
      outboxPauseBytes: o.outboxPauseBytes,
    });
  }

  /** Stops the sampler and ends every viewer's channel. Idempotent. */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#stop.close();
    }
    await this.#loop;
    for (const viewer of [...this.#viewers]) this.unsubscribe(viewer);
  }

  async #sampler(): Promise<void> {
    const o = this.#options;
    const ticker = new Ticker(o.sampleIntervalMs, { clock: o.clock });
    try {
      for (;;) {
        const r = await select({ tick: recv(ticker.c), stop: recv(this.#stop) });
        if (r.case === "stop") return;
        this.#throughput.sample(o.clock.now(), o.meter.totals);
        if (this.#viewers.size === 0) continue;
        let json: string;
        try {
          json = JSON.stringify(this.snapshot());
        } catch {
          continue; // the broker's stats are not readable at this instant (it is starting): the next tick tries again
        }
        for (const viewer of this.#viewers) viewer.trySend(json);
      }
    } finally {
      ticker.stop();
    }
  }
}
