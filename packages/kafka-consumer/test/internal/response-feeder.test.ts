import { KafkaErrorCode } from "@csp-kit/kafka-protocol";
import { settle } from "@csp-kit/timers/testing";
import { describe, expect, it } from "vitest";
import { isMessageTooLargeError, isOffsetOutOfRangeError } from "../../src/errors.js";
import { responseFeeder } from "../../src/internal/response-feeder.js";
import { batch, child, concat, data, part } from "./helpers.js";

const MAX = 100; // maxProcessingTime, ms

const text = (v: Uint8Array | null) => (v === null ? null : new TextDecoder().decode(v));

/** Takes every message buffered now. */
function drain(c: ReturnType<typeof child>["child"]): string[] {
  const out: string[] = [];
  for (;;) {
    const r = c.messages.tryRecv();
    if (r === "would-block" || r.isNone()) return out;
    out.push(text(r.value.value) ?? "null");
  }
}

describe("the response feeder", () => {
  it("hands a response to a user who keeps up without arming a timer, then acks ok and moves the offset", async () => {
    const { child: c, clock } = child({ maxProcessingTime: MAX, channelBufferSize: 8 });
    const done = responseFeeder(c);
    const p = part(data(concat(batch(0n, 3), batch(3n, 2)), 0, 5n));
    await c.feeder.send(p.part);
    expect(await p.ackedOnce).toBe("ok");
    expect(drain(c)).toEqual(["v0", "v1", "v2", "v3", "v4"]);
    expect(c.offset).toBe(5n);
    expect(c.highWaterMark).toBe(5n);
    expect(clock.now()).toBe(0);
    expect(clock.pending).toBe(0);
    c.die();
    await done;
  });

  it("trims the records of a batch that starts before the offset asked for", async () => {
    const { child: c } = child({ channelBufferSize: 8 }, 2n);
    const done = responseFeeder(c);
    const p = part(data(batch(0n, 5)));
    await c.feeder.send(p.part);
    await p.ackedOnce;
    expect(drain(c)).toEqual(["v2", "v3", "v4"]);
    c.die();
    await done;
  });

  it("acks early when a message waits maxProcessingTime, finishes at the user's pace, then re-subscribes", async () => {
    const { child: c, clock } = child({ maxProcessingTime: MAX, channelBufferSize: 1 });
    const done = responseFeeder(c);
    const p = part(data(batch(0n, 4)));
    await c.feeder.send(p.part);
    await settle();
    expect(p.acks).toEqual([]); // v0 buffered, v1 waits with the timer armed
    clock.advance(MAX - 1);
    await settle();
    expect(p.acks).toEqual([]);
    clock.advance(1);
    await settle();
    expect(p.acks).toEqual(["timed-out"]); // the broker goes on without this partition
    expect(p.subscriptions()).toBe(0);
    const got: string[] = [];
    for (let i = 0; i < 4; i++) {
      got.push(text((await c.messages.recv()).unwrap().value)!);
      await settle();
    }
    expect(got).toEqual(["v0", "v1", "v2", "v3"]); // nothing lost, nothing twice
    await settle();
    expect(p.subscriptions()).toBe(1);
    expect(clock.pending).toBe(0);
    c.die();
    await done;
  });

  it("re-arms the timer per message: slow in total but quick per message is never cut off", async () => {
    const { child: c, clock } = child({ maxProcessingTime: MAX, channelBufferSize: 0 });
    const done = responseFeeder(c);
    const p = part(data(batch(0n, 4)));
    await c.feeder.send(p.part);
    for (let i = 0; i < 4; i++) {
      await settle();
      clock.advance(MAX - 1);
      await settle();
      expect(c.messages.tryRecv()).not.toBe("would-block");
    }
    expect(await p.ackedOnce).toBe("ok");
    expect(clock.now()).toBe(4 * (MAX - 1));
    c.die();
    await done;
  });

  it("stops at once when the partition consumer dies mid-response, acking 'dying'", async () => {
    const { child: c } = child({ channelBufferSize: 1 });
    const done = responseFeeder(c);
    const p = part(data(batch(0n, 3)));
    await c.feeder.send(p.part);
    await settle();
    c.die();
    await done;
    expect(p.acks).toEqual(["dying"]);
  });

  it("re-dispatches silently on a leader change, and reports other errors first", async () => {
    const { child: c } = child();
    const done = responseFeeder(c);
    const moved = part(data(null, KafkaErrorCode.NOT_LEADER_OR_FOLLOWER));
    await c.feeder.send(moved.part);
    expect(await moved.ackedOnce).toBe("redispatch");
    await settle();
    expect(c.trigger.tryRecv()).not.toBe("would-block");
    expect(c.errors.tryRecv()).toBe("would-block");
    const storage = part(data(null, KafkaErrorCode.KAFKA_STORAGE_ERROR));
    await c.feeder.send(storage.part);
    await storage.ackedOnce;
    await settle();
    expect(c.errors.tryRecv()).toMatchObject({ value: { partition: 0, cause: { code: 56 } } });
    expect(c.trigger.tryRecv()).not.toBe("would-block");
    c.die();
    await done;
  });

  it("OFFSET_OUT_OF_RANGE: a typed error and the partition consumer closes; or a reset with resetOnOutOfRange", async () => {
    const plain = child({}, 9n);
    const done = responseFeeder(plain.child);
    await plain.child.feeder.send(part(data(null, KafkaErrorCode.OFFSET_OUT_OF_RANGE)).part);
    await done; // it dies
    const e = plain.child.errors.tryRecv();
    expect(e !== "would-block" && e.isSome() && isOffsetOutOfRangeError(e.value.cause)).toBe(true);

    const reset = child({ offsets: { resetOnOutOfRange: "newest" } }, 9n);
    const done2 = responseFeeder(reset.child);
    await reset.child.feeder.send(part(data(null, KafkaErrorCode.OFFSET_OUT_OF_RANGE)).part);
    await settle();
    expect(reset.child.resetTo).toBe("newest");
    expect(reset.child.trigger.tryRecv()).not.toBe("would-block");
    reset.child.die();
    await done2;
  });

  it("doubles the fetch size for a batch that does not fit, and skips it past fetch.max", async () => {
    const { child: c } = child({ fetch: { default: 64, max: 128 } });
    const done = responseFeeder(c);
    const partial = batch(0n, 10).subarray(0, 60);
    const a = part(data(partial));
    await c.feeder.send(a.part);
    expect(await a.ackedOnce).toBe("ok");
    expect(c.fetchSize).toBe(128);
    const b = part(data(partial));
    await c.feeder.send(b.part);
    await b.ackedOnce;
    await settle();
    const e = c.errors.tryRecv();
    expect(e !== "would-block" && e.isSome() && isMessageTooLargeError(e.value.cause)).toBe(true);
    expect(c.offset).toBe(1n);
    c.die();
    await done;
  });
});
