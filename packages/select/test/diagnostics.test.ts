/** A waiting select in the parked-waiter inventory (`@csp-kit/channel/diagnostics`): one entry naming its cases. */
import { Channel } from "@csp-kit/channel";
import { assertNoParked, disableDiagnostics, enableDiagnostics, parkedWaiters } from "@csp-kit/channel/diagnostics";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recv, select, send, trySelect } from "../src/index.js";

beforeEach(() => {
  enableDiagnostics({ stacks: true });
});
afterEach(() => {
  disableDiagnostics();
});

describe("select in the diagnostics inventory", () => {
  it("a waiting select is one entry naming each case and its port; the channels record none of its waiters", async () => {
    const jobs = new Channel<number>(2, { name: "jobs" });
    const out = new Channel<string>(0, { name: "out" });
    const r = select({ job: recv(jobs), result: send(out, "x"), off: recv(null) });
    const parked = parkedWaiters();
    expect(parked.map((w) => `${w.primitive}: ${w.operation}`)).toEqual([
      'select { job: recv #1 Channel "jobs" buffered(2), result: send #2 Channel "out" unbuffered, off: recv nil }: select',
    ]);
    expect(parked[0]?.stack?.split("\n")[0]).toMatch(/diagnostics\.test\.ts/);
    expect(jobs.trySend(1)).toBe("sent");
    expect(parkedWaiters()).toEqual([]);
    expect((await r).case).toBe("job");
    assertNoParked();
  });

  it("an aborted select leaves at once; a select or trySelect that completes at once is never recorded", async () => {
    const ch = new Channel<number>();
    const controller = new AbortController();
    const r = select({ a: recv(ch) }, { signal: controller.signal });
    expect(parkedWaiters()).toHaveLength(1);
    controller.abort("no");
    expect(parkedWaiters()).toHaveLength(0);
    await expect(r).rejects.toBe("no");
    const ready = Channel.buffered<number>(1);
    ready.trySend(1);
    await select({ a: recv(ready) });
    expect(trySelect({ a: recv(ch) })).toBeUndefined();
    assertNoParked();
  });
});
