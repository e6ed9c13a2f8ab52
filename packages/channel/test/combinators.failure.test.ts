import { flush, track } from "@csp-kit/testkit/core";
import { describe, expect, it } from "vitest";
import {
  Channel,
  ChannelClosedError,
  distribute,
  isChannelClosedError,
  isTransformError,
  map,
  merge,
  pipe,
  tee,
} from "../src/index.js";
import { portOf } from "../src/port.js";

/** Receivers queued on `ch` (through its port: a probe waiter would change the count). */
function receiversWaiting(ch: Channel<unknown>): number {
  return (portOf(ch) as unknown as { recvq: { size: number } }).recvq.size;
}

describe("combinators after a failure", () => {
  it("merge settles at once when one input's value cannot be delivered, and takes nothing from the idle input", async () => {
    const a = new Channel<string>();
    const b = new Channel<string>();
    const out = new Channel<string>();
    const merged = track(merge([a, b], out));
    await flush();
    out.close();
    await a.send("A1");
    await flush();
    // Settled while b is idle, with the value it could not deliver.
    expect(merged.state).toBe("rejected");
    expect(isChannelClosedError(merged.reason)).toBe(true);
    expect((merged.reason as ChannelClosedError).value).toBe("A1");
    // b's task is gone: its next value stays with its sender.
    expect(receiversWaiting(b as Channel<unknown>)).toBe(0);
    expect(b.trySend("B1")).toBe("would-block");
  });

  it("distribute stops every task at the first failed output: no other value is taken from the input", async () => {
    const input = new Channel<number>();
    const broken = new Channel<number>();
    const healthy = new Channel<number>();
    broken.close();
    const done = track(distribute(input, [broken, healthy], { close: false }));
    await flush();
    // Both tasks wait on the input; the first in line is the broken output's.
    await input.send(1);
    await flush();
    expect(done.state).toBe("rejected");
    expect((done.reason as ChannelClosedError).value).toBe(1);
    expect(receiversWaiting(input as Channel<unknown>)).toBe(0);
    expect(input.trySend(2)).toBe("would-block");
  });

  it("a failing map function settles at once and takes nothing more", async () => {
    const input = new Channel<number>();
    const out = new Channel<number>(4);
    const done = track(
      map(input, out, (v) => {
        if (v === 2) throw new Error("bad");
        return v;
      }),
    );
    await input.send(1);
    await input.send(2);
    await flush();
    expect(done.state).toBe("rejected");
    expect(isTransformError(done.reason)).toBe(true);
    expect(input.trySend(3)).toBe("would-block");
  });

  it("tee and pipe still deliver what they took before they settle", async () => {
    const input = new Channel<number>();
    const slow = new Channel<number>();
    const closed = new Channel<number>();
    closed.close();
    const done = track(tee(input, [slow, closed]));
    await input.send(7);
    await flush();
    // The value was taken: it is still delivered to the output that can take it.
    expect(done.state).toBe("pending");
    expect(await slow.recv()).toEqual(expect.objectContaining({ value: 7 }));
    await flush();
    expect(done.state).toBe("rejected");
    expect((done.reason as ChannelClosedError).value).toBe(7);
    expect(input.trySend(8)).toBe("would-block");

    const source = new Channel<number>();
    const sink = new Channel<number>();
    sink.close();
    const piped = track(pipe(source, sink));
    await source.send(1);
    await flush();
    expect(piped.state).toBe("rejected");
  });

  it("an abort of the caller's signal still rejects with its reason, and a failure's stop is not reported as an error", async () => {
    const a = new Channel<number>();
    const b = new Channel<number>();
    const out = new Channel<number>();
    const controller = new AbortController();
    const merged = track(merge([a, b], out, { signal: controller.signal }));
    await flush();
    controller.abort("shutdown");
    await flush();
    expect(merged.state).toBe("rejected");
    expect(merged.reason).toBe("shutdown");
    expect(receiversWaiting(a as Channel<unknown>) + receiversWaiting(b as Channel<unknown>)).toBe(0);

    const c = new Channel<number>();
    const d = new Channel<number>();
    const sink = new Channel<number>();
    sink.close();
    const failed = track(merge([c, d], sink));
    await flush();
    await c.send(1);
    await flush();
    // One failure, one error: the stopped sibling adds nothing (no AggregateError).
    expect(failed.reason).toBeInstanceOf(ChannelClosedError);
  });
});
