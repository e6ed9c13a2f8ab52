import { getEventListeners } from "node:events";
import { Channel, None, Some } from "@csp-kit/channel";
import { portOf, SendWaiter } from "@csp-kit/channel/port";
import { recv, select } from "@csp-kit/select";
import { track } from "@csp-kit/testkit/core";
import { describe, expect, it, vi } from "vitest";
import { done, ReceiveOnlyError } from "../src/index.js";
import { settle } from "../src/testing.js";
import { doneCoreOf } from "./support/track.js";

describe("done", () => {
  it("makes a receive wait until the signal aborts, then report closed", async () => {
    const controller = new AbortController();
    const c = done(controller.signal);
    expect(c.closed).toBe(false);
    const got = track(c.recv());
    await settle();
    expect(got.state).toBe("pending");
    controller.abort();
    await settle();
    expect(got.value).toEqual(None);
    expect(c.closed).toBe(true);
    expect(c.tryRecv()).toEqual(None);
  });

  it("is closed at once for an already aborted signal", async () => {
    const c = done(AbortSignal.abort());
    expect(c.closed).toBe(true);
    expect(c.tryRecv()).toEqual(None);
    expect(await c.recv()).toEqual(None);
  });

  it("reports would-block from tryRecv while the signal is live", () => {
    expect(done(new AbortController().signal).tryRecv()).toBe("would-block");
  });

  it("closes every waiting receiver at the abort", async () => {
    const controller = new AbortController();
    const c = done(controller.signal);
    const waiters = [track(c.recv()), track(c.recv()), track(c.recv())];
    controller.abort();
    await settle();
    for (const w of waiters) expect(w.value).toEqual(None);
    doneCoreOf(c).assertInvariants();
  });

  it("watches its signal only while somebody waits", async () => {
    const controller = new AbortController();
    const add = vi.spyOn(controller.signal, "addEventListener");
    const c = done(controller.signal);
    expect(add).not.toHaveBeenCalled();
    expect(doneCoreOf(c).isWatching).toBe(false);
    const stop = new AbortController();
    const got = track(c.recv({ signal: stop.signal }));
    expect(doneCoreOf(c).isWatching).toBe(true);
    doneCoreOf(c).assertInvariants();
    stop.abort();
    await settle();
    expect(got.state).toBe("rejected");
    // Off the signal's watch list: the signal no longer reaches this channel.
    expect(doneCoreOf(c).isWatching).toBe(false);
    doneCoreOf(c).assertInvariants();
    expect(controller.signal.aborted).toBe(false);
  });

  it("worker loops each making done(signal) share one abort listener on the signal", async () => {
    const controller = new AbortController();
    const jobs = new Channel<number>();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    try {
      const loops = Array.from({ length: 50 }, async () => {
        for (;;) {
          const r = await select({ stop: recv(done(controller.signal)), job: recv(jobs) });
          if (r.case === "stop") return;
        }
      });
      await settle();
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
      for (let i = 0; i < 100; i++) await jobs.send(i);
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
      controller.abort();
      await Promise.all(loops);
      await settle();
      expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("ends a for-await loop when the signal aborts", async () => {
    const controller = new AbortController();
    const seen: never[] = [];
    const loop = (async () => {
      for await (const v of done(controller.signal)) seen.push(v);
      return "ended";
    })();
    await settle();
    controller.abort();
    expect(await loop).toBe("ended");
    expect(seen).toEqual([]);
  });

  it("stops a select loop over a work channel when the signal aborts", async () => {
    const controller = new AbortController();
    const jobs = new Channel<number>();
    const handled: number[] = [];
    const worker = (async () => {
      for (;;) {
        const r = await select({ stop: recv(done(controller.signal)), job: recv(jobs) });
        if (r.case === "stop") return "stopped";
        if (r.value.isSome()) handled.push(r.value.value);
      }
    })();
    await jobs.send(1);
    await jobs.send(2);
    controller.abort();
    expect(await worker).toBe("stopped");
    expect(handled).toEqual([1, 2]);
    expect(jobs.trySend(3)).toBe("would-block");
  });

  it("refuses a send through its port with ReceiveOnlyError", () => {
    class NullSend extends SendWaiter<never> {
      complete(): void {}
    }
    const port = portOf(done(new AbortController().signal));
    expect(() => port.pollSend(new NullSend(undefined as never))).toThrow(ReceiveOnlyError);
    expect(() => port.enqueueSend(new NullSend(undefined as never))).toThrow(/a done\(\) channel/);
  });

  it("delivers values from a channel racing it until the abort", async () => {
    const controller = new AbortController();
    const ch = new Channel<number>(1);
    await ch.send(7);
    const r = await select({ stop: recv(done(controller.signal)), v: recv(ch) });
    expect(r).toEqual({ case: "v", value: Some(7) });
  });
});
