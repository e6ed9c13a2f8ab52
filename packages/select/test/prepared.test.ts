import { Channel, ChannelClosedError, None, Some } from "@csp-kit/channel";
import { type HasPort, PORT, type Port } from "@csp-kit/channel/port";
import { flush, track } from "@csp-kit/testkit/core";
import { describe, expect, it } from "vitest";
import { EmptySelectError, InvalidSelectCaseError, PreparedSelect, prepareSelect, recv, send } from "../src/index.js";
import { waiting } from "./support/harness.js";

const idle = { receivers: 0, senders: 0 };

describe("prepareSelect", () => {
  it("selects over the prepared cases on every call, taking exactly one value each time", async () => {
    const a = new Channel<number>(4);
    const b = new Channel<string>(4);
    const sel = prepareSelect({ a: recv(a), b: recv(b) });
    expect(sel).toBeInstanceOf(PreparedSelect);
    expect(sel.size).toBe(2);
    await a.send(1);
    await b.send("x");
    const got = [sel.trySelect({ priority: true }), await sel.select({ priority: true })];
    expect(got).toEqual([
      { case: "a", value: Some(1) },
      { case: "b", value: Some("x") },
    ]);
    expect(sel.trySelect()).toBeUndefined();
    expect(waiting(a)).toEqual(idle);
    expect(waiting(b)).toEqual(idle);
  });

  it("waits on every live case and removes the losers when one wins, call after call", async () => {
    const a = new Channel<number>();
    const b = new Channel<number>();
    const sel = prepareSelect({ a: recv(a), b: recv(b), off: recv(null) });
    for (let round = 0; round < 3; round++) {
      const r = track(sel.select());
      await flush();
      expect(r.state).toBe("pending");
      expect(waiting(a)).toEqual({ receivers: 1, senders: 0 });
      expect(waiting(b)).toEqual({ receivers: 1, senders: 0 });
      expect((round % 2 === 0 ? a : b).trySend(round)).toBe("sent");
      expect(await r.promise).toEqual({ case: round % 2 === 0 ? "a" : "b", value: Some(round) });
      expect(waiting(a)).toEqual(idle);
      expect(waiting(b)).toEqual(idle);
    }
  });

  it("allows several calls of one prepared select to wait at once, each completing once", async () => {
    const a = new Channel<number>();
    const sel = prepareSelect({ a: recv(a) });
    const first = sel.select();
    const second = sel.select();
    expect(waiting(a)).toEqual({ receivers: 2, senders: 0 });
    expect(a.trySend(1)).toBe("sent");
    expect(a.trySend(2)).toBe("sent");
    expect(await first).toEqual({ case: "a", value: Some(1) });
    expect(await second).toEqual({ case: "a", value: Some(2) });
  });

  it("reads the cases object once: later changes to it are not seen", () => {
    const a = new Channel<number>(1);
    const b = new Channel<number>(1);
    const cases: Record<string, ReturnType<typeof recv<number>>> = { a: recv(a) };
    const sel = prepareSelect(cases);
    cases.a = recv(b);
    cases.extra = recv(b);
    b.trySend(5);
    expect(sel.trySelect()).toBeUndefined();
    a.trySend(6);
    expect(sel.trySelect()).toEqual({ case: "a", value: Some(6) });
  });

  it("reports None for a closed source and fails a send case on a closed target with ChannelClosedError", async () => {
    const a = new Channel<number>();
    a.close();
    expect(prepareSelect({ a: recv(a) }).trySelect()).toEqual({ case: "a", value: None });
    const out = new Channel<number>(1);
    out.close();
    const s = prepareSelect({ out: send(out, 9) });
    expect(() => s.trySelect()).toThrow(ChannelClosedError);
    await expect(s.select()).rejects.toBeInstanceOf(ChannelClosedError);
    // the failure released nothing half done: the next call behaves the same
    expect(() => s.trySelect()).toThrow(ChannelClosedError);
  });

  it("sends the prepared value whenever its case wins", async () => {
    const out = new Channel<number>(2);
    const s = prepareSelect({ out: send(out, 3) });
    expect(s.trySelect()).toEqual({ case: "out" });
    expect(await s.select()).toEqual({ case: "out" });
    expect([out.tryRecv(), out.tryRecv()]).toEqual([Some(3), Some(3)]);
  });

  it("aborts atomically and can be used again afterwards", async () => {
    const a = new Channel<number>();
    const sel = prepareSelect({ a: recv(a) });
    const ac = new AbortController();
    const r = sel.select({ signal: ac.signal });
    ac.abort("stop");
    await expect(r).rejects.toBe("stop");
    expect(waiting(a)).toEqual(idle);
    await expect(sel.select({ signal: AbortSignal.abort("early") })).rejects.toBe("early");
    expect(waiting(a)).toEqual(idle);
    const next = sel.select();
    a.trySend(4);
    expect(await next).toEqual({ case: "a", value: Some(4) });
  });

  it("validates at preparation: a bad case throws synchronously, {} is accepted", async () => {
    expect(() => prepareSelect({ a: 5 } as never)).toThrow(InvalidSelectCaseError);
    expect(() => prepareSelect(null as never)).toThrow(InvalidSelectCaseError);
    const empty = prepareSelect({});
    expect(empty.trySelect()).toBeUndefined();
    await expect(empty.select()).rejects.toBeInstanceOf(EmptySelectError);
  });

  it("rejects a signal that is not an AbortSignal before polling, taking nothing", async () => {
    const a = new Channel<number>(1);
    a.trySend(1);
    const sel = prepareSelect({ a: recv(a) });
    await expect(sel.select({ signal: {} as AbortSignal })).rejects.toThrow(/PreparedSelect\.select/);
    expect(a.len).toBe(1);
  });

  it("chooses uniformly among ready cases", () => {
    const chans = [new Channel<number>(1), new Channel<number>(1), new Channel<number>(1), new Channel<number>(1)];
    const sel = prepareSelect({ a: recv(chans[0]!), b: recv(chans[1]!), c: recv(chans[2]!), d: recv(chans[3]!) });
    const wins: Record<string, number> = { a: 0, b: 0, c: 0, d: 0 };
    const trials = 8000;
    for (let t = 0; t < trials; t++) {
      for (const c of chans) if (c.len === 0) c.trySend(t);
      const r = sel.trySelect();
      if (r === undefined) throw new Error("a case was ready");
      wins[r.case] = (wins[r.case] ?? 0) + 1;
    }
    // each of 4 always-ready cases: p = 1/4, sd = sqrt(n p (1-p)) ≈ 38.7; allow 5 sd
    for (const k of Object.keys(wins)) expect(Math.abs((wins[k] as number) - trials / 4)).toBeLessThan(5 * 38.8);
  });
});

describe("the poll order drawn from one random number", () => {
  /** A source that is never ready and records the order in which a select polls it. */
  function recorder(name: string, log: string[]): HasPort<number> {
    const port: Port<number> = {
      closed: false,
      pollRecv: () => {
        log.push(name);
        return false;
      },
      pollSend: () => false,
      enqueueRecv: () => {},
      enqueueSend: () => {},
      cancelRecv: () => false,
      cancelSend: () => false,
    };
    return { [PORT]: port };
  }

  it("numbers the n! poll orders: sweeping the draw over [0, 1) visits each order equally often", () => {
    const log: string[] = [];
    const names = ["a", "b", "c", "d"];
    const cases = Object.fromEntries(names.map((n) => [n, recv(recorder(n, log))]));
    const sel = prepareSelect(cases);
    const seen = new Map<string, number>();
    const steps = 24 * 10;
    for (let k = 0; k < steps; k++) {
      log.length = 0;
      const u = (k + 0.5) / steps;
      let draws = 0;
      expect(
        sel.trySelect({
          random: () => {
            draws++;
            return u;
          },
        }),
      ).toBeUndefined();
      expect(draws).toBe(1);
      // the first case polled is floor(u * n), as with one draw per step
      expect(log[0]).toBe(names[Math.floor(u * 4)]);
      const order = log.join("");
      seen.set(order, (seen.get(order) ?? 0) + 1);
    }
    expect(seen.size).toBe(24);
    for (const count of seen.values()) expect(count).toBe(10);
  });

  it("tolerates a draw of 1, a negative draw or NaN", () => {
    const log: string[] = [];
    const sel = prepareSelect({ a: recv(recorder("a", log)), b: recv(recorder("b", log)) });
    for (const [u, order] of [
      [1, "ba"],
      [-0.5, "ab"],
      [Number.NaN, "ab"],
    ] as const) {
      log.length = 0;
      sel.trySelect({ random: () => u });
      expect(log.join("")).toBe(order);
    }
  });
});
