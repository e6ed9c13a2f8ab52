/** The README's examples, executed (the first one on a ManualClock instead of real time). */

import { Channel, Some } from "@csp-kit/channel";
import { recv, select } from "@csp-kit/select";
import { describe, expect, it } from "vitest";
import { after, Ticker, Timer } from "../src/index.js";
import { ManualClock } from "../src/testing.js";

describe("README", () => {
  it("Usage: a select times out with after(), and a for-await loop takes three ticks", async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const program = (async () => {
      const replies = new Channel<string>();
      const r = await select({ reply: recv(replies), timeout: recv(after(1_000, { clock })) });
      if (r.case === "timeout") log.push("no reply within a second");

      const ticker = new Ticker(100, { clock });
      let n = 0;
      for await (const t of ticker.c) {
        log.push(`tick ${t}`);
        if (++n === 3) break;
      }
      ticker.stop();
    })();
    await clock.advanceAsync(1_300);
    await program;
    expect(log).toEqual(["no reply within a second", "tick 1100", "tick 1200", "tick 1300"]);
    expect(clock.pending).toBe(0);
  });

  it("Usage: testing the same code without waiting", async () => {
    const clock = new ManualClock();
    const t = new Timer(5_000, { clock });
    const got = t.c.recv();
    clock.advance(5_000);
    expect(await got).toEqual(Some(5_000));
    expect(clock.totalScheduled).toBe(1);
  });
});
