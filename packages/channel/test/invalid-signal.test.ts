import { flush, INVALID_SIGNALS, invalidSignalCheck, rejection, track } from "@csp-kit/testkit/core";
import { describe, expect, it } from "vitest";
import { Channel, distribute, filter, isInvalidSignalError, map, merge, pipe, tee } from "../src/index.js";

const expectInvalidSignal = invalidSignalCheck({ is: isInvalidSignalError, messageNamesOperation: true });

describe("a signal that is not an AbortSignal", () => {
  describe.each(INVALID_SIGNALS)("given $label", (bad) => {
    const options = { signal: bad.signal as AbortSignal };

    it("recv rejects with InvalidSignalError and queues no receiver, so the next send's value is kept", async () => {
      const ch = new Channel<string>();
      expectInvalidSignal(await rejection(() => ch.recv(options)), bad, "Channel.recv");
      // Had a receiver stayed queued, this send would complete into it and "v2" would vanish.
      expect(ch.trySend("v2")).toBe("would-block");
      const b = new Channel<string>(1);
      expectInvalidSignal(await rejection(() => b.recv(options)), bad, "Channel.recv");
      b.trySend("v2");
      expect(b.tryRecv()).toEqual(expect.objectContaining({ value: "v2" }));
    });

    it("send rejects with InvalidSignalError and queues no sender, so a receiver does not get the value", async () => {
      const ch = new Channel<string>();
      expectInvalidSignal(await rejection(() => ch.send("lost?", options)), bad, "Channel.send");
      expect(ch.tryRecv()).toBe("would-block");
      // A ready send with a bad signal is refused too: the mistake is loud whatever the timing.
      const roomy = new Channel<string>(1);
      expectInvalidSignal(await rejection(() => roomy.send("v", options)), bad, "Channel.send");
      expect(roomy.len).toBe(0);
    });

    it("recvBatch rejects with InvalidSignalError and takes nothing", async () => {
      const ch = new Channel<number>(4);
      ch.trySend(1);
      expectInvalidSignal(await rejection(() => ch.recvBatch(8, options)), bad, "Channel.recvBatch");
      expect(ch.len).toBe(1);
    });

    it("values throws InvalidSignalError at once and takes nothing", () => {
      const ch = new Channel<number>(1);
      ch.trySend(1);
      let error: unknown;
      try {
        ch.values(options);
      } catch (e) {
        error = e;
      }
      expectInvalidSignal(error, bad, "Channel.values");
      expect(ch.len).toBe(1);
    });

    it("every combinator rejects with InvalidSignalError before taking a value", async () => {
      const input = new Channel<number>(1);
      input.trySend(1);
      const out = new Channel<number>(1);
      const cases: [string, () => Promise<void>][] = [
        ["pipe", () => pipe(input, out, options)],
        ["merge", () => merge([input], out, options)],
        ["tee", () => tee(input, [out], options)],
        ["distribute", () => distribute(input, [out], options)],
        ["map", () => map(input, out, (v) => v, options)],
        ["filter", () => filter(input, out, () => true, options)],
      ];
      for (const [name, op] of cases) expectInvalidSignal(await rejection(op), bad, name);
      expect(input.len).toBe(1);
      expect(out.closed).toBe(false);
    });
  });

  it("an object that failed once is refused again, not silently accepted", async () => {
    const controller = new AbortController();
    const ch = new Channel<string>();
    for (let i = 0; i < 3; i++) {
      expect(isInvalidSignalError(await rejection(() => ch.recv({ signal: controller as never })))).toBe(true);
    }
    const late = track(ch.send("v2"));
    await flush();
    expect(late.state).toBe("pending");
  });
});
