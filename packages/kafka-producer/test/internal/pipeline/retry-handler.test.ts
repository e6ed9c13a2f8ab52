import { Channel } from "@csp-kit/channel";
import { describe, expect, it } from "vitest";
import { isRetryBufferOverflowError } from "../../../src/errors.js";
import type { Envelope, MessageEnvelope, PartitionEnvelope } from "../../../src/internal/envelope.js";
import { retryHandler } from "../../../src/internal/pipeline/retry-handler.js";
import { envelope } from "../helpers.js";

describe("retryHandler", () => {
  it("never blocks the retry path while the input is full, and hands everything on in order", async () => {
    const retries = new Channel<PartitionEnvelope>();
    const input = new Channel<Envelope>();
    const done = retryHandler({ retries, input, maxBufferLength: 0, maxBufferBytes: 0, overflow: () => {} });
    const sent = Array.from({ length: 50 }, (_, i) => envelope("t", 0, `m${i}`));
    // Nobody reads the input: every send on the retry path still completes.
    for (const m of sent) await retries.send(m);
    retries.close();
    const got: Envelope[] = [];
    for (let i = 0; i < sent.length; i++) got.push((await input.recv()).unwrap());
    await done;
    expect(got).toEqual(sent);
  });

  it("past maxBufferLength fails the oldest message, keeps fins, and never waits", async () => {
    const retries = new Channel<PartitionEnvelope>();
    const input = new Channel<Envelope>();
    const failed: [MessageEnvelope, unknown][] = [];
    const done = retryHandler({
      retries,
      input,
      maxBufferLength: 3,
      maxBufferBytes: 0,
      overflow: (m, e) => failed.push([m, e]),
    });
    const fin: PartitionEnvelope = { kind: "fin", topic: "t", partition: 0, retries: 0 };
    const ms = Array.from({ length: 4 }, (_, i) => envelope("t", 0, `m${i}`));
    await retries.send(fin);
    for (const m of ms) await retries.send(m);
    retries.close();
    expect(failed.map(([m]) => m)).toEqual([ms[0], ms[1]]);
    expect(failed.every(([, e]) => isRetryBufferOverflowError(e))).toBe(true);
    const got: Envelope[] = [];
    for (let i = 0; i < 3; i++) got.push((await input.recv()).unwrap());
    await done;
    expect(got).toEqual([fin, ms[2], ms[3]]);
  });

  it("bounds the bytes as well", async () => {
    const retries = new Channel<PartitionEnvelope>();
    const input = new Channel<Envelope>();
    const failed: MessageEnvelope[] = [];
    const a = envelope("t", 0, "x".repeat(100));
    const done = retryHandler({
      retries,
      input,
      maxBufferLength: 0,
      maxBufferBytes: a.size * 2,
      overflow: (m) => failed.push(m),
    });
    const b = envelope("t", 0, "y".repeat(100));
    const c = envelope("t", 0, "z".repeat(100));
    for (const m of [a, b, c]) await retries.send(m);
    retries.close();
    expect(failed).toEqual([a]);
    expect((await input.recv()).unwrap()).toBe(b);
    expect((await input.recv()).unwrap()).toBe(c);
    await done;
  });
});
