/**
 * The retention loop: one per topic registry (so one per single broker, and
 * one per cluster, whose brokers share the registry). One pass over every
 * partition per tick of a Ticker, until `stop` closes.
 *
 * Never blocks on anything but its two channels; a pass is synchronous.
 * Shutdown: close `stop`, await the promise; the ticker is stopped on the
 * way out.
 */

import type { Channel } from "@csp-kit/channel";
import { recv, select } from "@csp-kit/select";
import { type Clock, Ticker } from "@csp-kit/timers";
import type { TopicRegistry } from "../topics/topic-registry.js";

/** Runs retention on `topics` every `intervalMs` until `stop` is closed. */
export async function retentionLoop(
  topics: TopicRegistry,
  intervalMs: number,
  clock: Clock,
  stop: Channel<void>,
): Promise<void> {
  const ticker = new Ticker(intervalMs, { clock });
  try {
    for (;;) {
      const r = await select({ tick: recv(ticker.c), stop: recv(stop) });
      if (r.case === "stop") return;
      topics.applyRetention(clock.now());
    }
  } finally {
    ticker.stop();
  }
}
