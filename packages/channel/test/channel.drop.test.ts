/**
 * The drop callback of the dropping kinds (`ring`, `overflowing`): which values
 * it is told of and when, what it is never told of, and what a throwing
 * callback does. The model test (channel.model.test.ts) checks the same rules
 * against random command sequences; these are the readable cases.
 */

import { flush, track } from "@csp-kit/testkit/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  Channel,
  ChannelClosedError,
  type DropReason,
  InvalidOptionError,
  isInvalidOptionError,
} from "../src/index.js";
import { OverflowingPolicy } from "../src/internal/buffers/overflowing.js";
import { RingPolicy } from "../src/internal/buffers/ring.js";
import { SendWaiter } from "../src/port.js";
import { coreOf } from "./support/kinds.js";

type Drop = [value: number, reason: DropReason];

function recorder(): { drops: Drop[]; onDrop: (value: number, reason: DropReason) => void } {
  const drops: Drop[] = [];
  return { drops, onDrop: (value, reason) => drops.push([value, reason]) };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the policies report what they drop (without a channel)", () => {
  it("a ring reports each evicted OLDEST value, in eviction order, as ring-overwrite", () => {
    const { drops, onDrop } = recorder();
    const b = new RingPolicy<number>(2, onDrop);
    for (let v = 1; v <= 5; v++) b.add(v);
    expect(drops).toEqual([
      [1, "ring-overwrite"],
      [2, "ring-overwrite"],
      [3, "ring-overwrite"],
    ]);
    expect([b.remove(), b.remove(), b.dropped]).toEqual([4, 5, 3]);
  });

  it("an overflowing buffer reports each refused NEW value as overflow and keeps the old ones", () => {
    const { drops, onDrop } = recorder();
    const b = new OverflowingPolicy<number>(2, onDrop);
    for (let v = 1; v <= 5; v++) b.add(v);
    expect(drops).toEqual([
      [3, "overflow"],
      [4, "overflow"],
      [5, "overflow"],
    ]);
    expect([b.remove(), b.remove(), b.dropped]).toEqual([1, 2, 3]);
  });

  it("the callback runs once the policy's state is complete: the new value stored, the drop counted", () => {
    const seen: [length: number, dropped: number, newest: number][] = [];
    const b: RingPolicy<number> = new RingPolicy<number>(2, () => {
      const copy = b.items.drain();
      for (const v of copy) b.items.push(v);
      seen.push([b.length, b.dropped, copy[copy.length - 1] as number]);
    });
    for (let v = 1; v <= 3; v++) b.add(v);
    expect(seen).toEqual([[2, 1, 3]]);
  });
});

describe("Channel.ring / Channel.overflowing with { onDrop }", () => {
  it("send and trySend report drops synchronously, before they return", async () => {
    const { drops, onDrop } = recorder();
    const ring = Channel.ring<number>(1, { onDrop });
    await ring.send(1);
    expect(drops).toEqual([]);
    const sent = ring.send(2);
    expect(drops).toEqual([[1, "ring-overwrite"]]);
    await sent;
    expect(ring.trySend(3)).toBe("sent");
    expect(drops).toEqual([
      [1, "ring-overwrite"],
      [2, "ring-overwrite"],
    ]);
    expect(ring.dropped).toBe(2);
    expect(ring.tryRecv()).toEqual(expect.objectContaining({ value: 3 }));
  });

  it("a port-level send (a select's send case) that overflows reports the value, then commits as sent", () => {
    const log: string[] = [];
    class Case extends SendWaiter<number> {
      complete(ok: boolean): void {
        log.push(`complete(${ok})`);
      }
    }
    const ch = Channel.overflowing<number>(1, { onDrop: (v, reason) => log.push(`${reason} ${v}`) });
    ch.trySend(1);
    expect(coreOf(ch).pollSend(new Case(2))).toBe(true);
    expect(log).toEqual(["overflow 2", "complete(true)"]);
  });

  it("the callback may use the channel: it sees the new value stored and the drop counted", () => {
    const log: string[] = [];
    const ring: Channel<number> = Channel.ring<number>(2, {
      onDrop: (v) => {
        log.push(`dropped ${v}, len ${ring.len}, dropped ${ring.dropped}`);
        const head = ring.tryRecv();
        log.push(`head ${head !== "would-block" && head.isSome() ? head.value : "none"}`);
      },
    });
    for (let v = 1; v <= 3; v++) ring.trySend(v);
    expect(log).toEqual(["dropped 1, len 2, dropped 1", "head 2"]);
    coreOf(ring).assertInvariants();
    expect(ring.len).toBe(1);
  });

  it("close discards nothing: buffered values stay receivable and the callback is not called", async () => {
    const { drops, onDrop } = recorder();
    const ring = Channel.ring<number>(2, { onDrop });
    ring.trySend(1);
    ring.trySend(2);
    ring.close();
    const got: number[] = [];
    for await (const v of ring) got.push(v);
    expect(got).toEqual([1, 2]);
    expect(drops).toEqual([]);
  });

  it("a send on a closed channel is not a drop: the value stays with the sender, in the error", async () => {
    const { drops, onDrop } = recorder();
    const ch = Channel.overflowing<number>(1, { onDrop });
    ch.close();
    expect(ch.trySend(7)).toBe("closed");
    const failed = track(ch.send(8));
    await flush();
    expect(failed.state).toBe("rejected");
    expect(failed.reason).toBeInstanceOf(ChannelClosedError);
    expect((failed.reason as ChannelClosedError).value).toBe(8);
    expect(drops).toEqual([]);
  });

  it("a callback that throws neither fails the send nor corrupts the channel; its error is rethrown from a microtask", async () => {
    const boom = new Error("release failed");
    const tasks: (() => void)[] = [];
    vi.spyOn(globalThis, "queueMicrotask").mockImplementation((task) => void tasks.push(task));
    const ring = Channel.ring<number>(1, {
      onDrop: () => {
        throw boom;
      },
    });
    ring.trySend(1);
    expect(ring.trySend(2)).toBe("sent");
    await expect(ring.send(3)).resolves.toBeUndefined();
    vi.restoreAllMocks();
    expect(tasks).toHaveLength(2);
    for (const task of tasks) expect(task).toThrow(boom);
    coreOf(ring).assertInvariants();
    expect([ring.len, ring.dropped]).toEqual([1, 2]);
    const r = await ring.recv();
    expect(r.isSome() && r.value).toBe(3);
  });

  it("refuses an onDrop that is not a function, and options that are not an object, before creating anything", () => {
    const bad = () => Channel.ring<number>(2, { onDrop: "release" as unknown as () => void });
    expect(bad).toThrow(InvalidOptionError);
    expect(bad).toThrow(/onDrop must be a function/);
    try {
      bad();
    } catch (error) {
      expect(isInvalidOptionError(error)).toBe(true);
      expect((error as InvalidOptionError).option).toBe("Channel.ring(capacity, options).onDrop");
    }
    expect(() => Channel.overflowing<number>(2, 5 as unknown as undefined)).toThrow(/options must be an object/);
    expect(Channel.overflowing<number>(2, { onDrop: undefined }).kind).toBe("overflowing");
  });
});
