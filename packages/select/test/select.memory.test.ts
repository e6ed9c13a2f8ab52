import { Channel } from "@csp-kit/channel";
import { describe, expect, it } from "vitest";
import { recv, select, send } from "../src/index.js";
import { FakeTimer } from "./support/fake-timer.js";
import { waiting } from "./support/harness.js";

const SELECTS = 100_000;
const LIMIT_MB = 8;

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error("run with --expose-gc (the vitest config sets it)");
  collect();
  collect();
}

describe("memory", () => {
  it(`keeps nothing of ${SELECTS.toLocaleString("en-US")} selects aborted while waiting on long-lived channels`, async () => {
    const input = new Channel<number>();
    const output = new Channel<number[]>();
    const timer = new FakeTimer();
    const batch = [1, 2, 3];
    const run = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) {
        const ac = new AbortController();
        const p =
          i % 2 === 0
            ? select({ msg: recv(input), out: send(output, batch) }, { signal: ac.signal })
            : select({ msg: recv(input), tick: recv(timer), out: send(output, batch) }, { signal: ac.signal });
        ac.abort();
        await p.catch(() => undefined);
      }
    };
    await run(1_000); // warm up: compile the paths before measuring
    gc();
    const before = process.memoryUsage().heapUsed;
    await run(SELECTS);
    gc();
    const grewMb = (process.memoryUsage().heapUsed - before) / (1024 * 1024);
    console.log(`memory: ${SELECTS.toLocaleString("en-US")} aborted selects grew heap by ${grewMb.toFixed(2)} MB`);
    expect(grewMb).toBeLessThan(LIMIT_MB);
    expect(waiting(input)).toEqual({ receivers: 0, senders: 0 });
    expect(waiting(output)).toEqual({ receivers: 0, senders: 0 });
    expect(timer.arms).toBe(timer.disarms);
    expect(timer.isArmed).toBe(false);
  });
});
