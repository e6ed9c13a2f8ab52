import { Channel, Some } from "@csp-kit/channel";
import { ManualClock, settle } from "@csp-kit/timers/testing";
import { describe, expect, it } from "vitest";
import { type FeedResult, responseFeeder } from "./response-feeder.js";

const MAX = 100; // maxProcessingTime, ms

function setup() {
  const clock = new ManualClock();
  const responses = new Channel<readonly string[]>();
  const messages = new Channel<string>();
  const acks = new Channel<FeedResult<string>>();
  const done = responseFeeder(responses, messages, acks, { maxProcessingTime: MAX, clock });
  /** Receives one message as the user, after letting the feeder reach its select. */
  const take = async () => {
    await settle();
    return messages.tryRecv();
  };
  /** The broker's side: the ack for the response being fed, once the feeder sends it. */
  const ack = async () => {
    await settle();
    return acks.tryRecv();
  };
  return { clock, responses, messages, acks, done, take, ack };
}

describe("the response feeder", () => {
  it("hands every message to a user who keeps up, then acks the whole response", async () => {
    const { responses, take, ack, clock } = setup();
    await responses.send(["a", "b", "c"]);
    expect([await take(), await take(), await take()]).toEqual([Some("a"), Some("b"), Some("c")]);
    expect(await ack()).toEqual(Some({ delivered: 3, rest: [] }));
    expect(clock.now()).toBe(0);
  });

  it("gives up when the user does not take a message within maxProcessingTime, and returns it with the rest", async () => {
    const { responses, take, ack, clock } = setup();
    await responses.send(["a", "b", "c"]);
    expect(await take()).toEqual(Some("a"));
    await settle();
    clock.advance(MAX - 1);
    expect(await ack()).toBe("would-block"); // still offering "b"
    clock.advance(1);
    expect(await ack()).toEqual(Some({ delivered: 1, rest: ["b", "c"] }));
    expect(await take()).toBe("would-block"); // "b" was not sent: the expiry case won instead
  });

  it("restarts the expiry for every message: slow in total but quick per message is never cut off", async () => {
    const { responses, take, ack, clock } = setup();
    await responses.send(["a", "b", "c", "d"]);
    const got = [];
    for (let i = 0; i < 4; i++) {
      await settle();
      clock.advance(MAX - 1); // each message waits just under the limit
      got.push(await take());
    }
    expect(got).toEqual([Some("a"), Some("b"), Some("c"), Some("d")]);
    expect(clock.now()).toBe(4 * (MAX - 1)); // far longer than MAX in total
    expect(await ack()).toEqual(Some({ delivered: 4, rest: [] }));
  });

  it("holds the broker until it acks: the next response waits for the ack to be taken", async () => {
    const { responses, take, ack } = setup();
    await responses.send(["a"]);
    await take();
    await settle();
    expect(responses.trySend(["b"])).toBe("would-block"); // busy sending the ack
    expect(await ack()).toEqual(Some({ delivered: 1, rest: [] }));
    await settle();
    expect(responses.trySend(["b"])).toBe("sent");
  });

  it("feeds a re-subscribed rest again, in order, on the next round", async () => {
    const { responses, take, ack, clock } = setup();
    await responses.send(["a", "b", "c"]);
    await settle();
    clock.advance(MAX);
    const first = await ack();
    expect(first).toEqual(Some({ delivered: 0, rest: ["a", "b", "c"] }));
    await responses.send(first === "would-block" ? [] : first.unwrap().rest);
    expect([await take(), await take(), await take()]).toEqual([Some("a"), Some("b"), Some("c")]);
    expect(await ack()).toEqual(Some({ delivered: 3, rest: [] }));
  });

  it("closes the user's channel when the responses end, and leaves no timer armed", async () => {
    const { responses, messages, done, clock } = setup();
    responses.close();
    await done;
    expect(messages.closed).toBe(true);
    expect(clock.pending).toBe(0);
  });
});
