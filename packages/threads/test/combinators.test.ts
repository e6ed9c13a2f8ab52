/**
 * A SharedChannel is a `Receiver` and a `Sender` of this thread, so the
 * combinators of `@csp-kit/channel` take it like any channel.
 */

import { Channel, pipe } from "@csp-kit/channel";
import { describe, expect, it } from "vitest";
import { SharedChannel } from "../src/index.js";

async function drain<T>(ch: Channel<T>): Promise<T[]> {
  const got: T[] = [];
  for await (const v of ch) got.push(v);
  return got;
}

describe("SharedChannel with the channel combinators", () => {
  it("pipe takes a SharedChannel as input and forwards everything until it is closed and drained", async () => {
    const shared = new SharedChannel<number>(4);
    await shared.send(1);
    await shared.send(2);
    shared.close();
    const out = Channel.infinite<number>();
    await pipe(shared, out);
    expect(await drain(out)).toEqual([1, 2]);
  });

  it("pipe takes a SharedChannel as output", async () => {
    const input = Channel.infinite<string>();
    await input.send("a");
    await input.send("b");
    input.close();
    const shared = new SharedChannel<string>(4);
    await pipe(input, shared);
    expect(shared.closed).toBe(true);
    expect([shared.tryRecv(), shared.tryRecv(), shared.tryRecv()].map(String)).toEqual(["Some(a)", "Some(b)", "None"]);
  });
});
