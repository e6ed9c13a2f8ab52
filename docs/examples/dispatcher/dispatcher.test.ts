import { Channel, type Receiver } from "@csp-kit/channel";
import { settle } from "@csp-kit/timers/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dispatcher, type TopicTask } from "./dispatcher.js";

interface Msg {
  readonly topic: string;
  readonly seq: number;
}

/** A promise the test opens by hand (Node 20 has no `Promise.withResolvers`). */
function gate(): { readonly opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** Whether `promise` is settled after one turn of the event loop, without waiting for it. */
async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  const mark = () => {
    settled = true;
  };
  promise.then(mark, mark);
  await settle();
  return settled;
}

/** Topic tasks that record when they start and what they receive. */
function recorder(before?: (topic: string) => Promise<void>) {
  const started: string[] = [];
  const received = new Map<string, number[]>();
  const task: TopicTask<Msg> = async (topic, messages: Receiver<Msg>) => {
    started.push(topic);
    const seen: number[] = [];
    received.set(topic, seen);
    await before?.(topic);
    for await (const m of messages) seen.push(m.seq);
  };
  return { started, received, task };
}

describe("the dispatcher", () => {
  it("starts a topic's task on the topic's first message, and only one task per topic", async () => {
    const input = new Channel<Msg>();
    const { started, task } = recorder();
    const done = dispatcher(input, task);
    await settle();
    expect(started).toEqual([]); // no message, no task
    await input.send({ topic: "orders", seq: 1 });
    await settle();
    expect(started).toEqual(["orders"]);
    await input.send({ topic: "payments", seq: 2 });
    await input.send({ topic: "orders", seq: 3 });
    await input.send({ topic: "payments", seq: 4 });
    await settle();
    expect(started).toEqual(["orders", "payments"]);
    input.close();
    await done;
  });

  it("hands every message to its topic's task, each topic in input order", async () => {
    const topics = fc.constantFrom("a", "b", "c", "d");
    await fc.assert(
      fc.asyncProperty(fc.array(topics, { maxLength: 40 }), fc.integer({ min: 1, max: 4 }), async (seqTopics, size) => {
        const input = new Channel<Msg>();
        const { started, received, task } = recorder();
        const done = dispatcher(input, task, { bufferSize: size });
        for (const [seq, topic] of seqTopics.entries()) await input.send({ topic, seq });
        input.close();
        await done;
        const expectedTopics = [...new Set(seqTopics)];
        expect(started).toEqual(expectedTopics);
        for (const topic of expectedTopics) {
          const expected = [...seqTopics.entries()].filter(([, t]) => t === topic).map(([seq]) => seq);
          expect(received.get(topic)).toEqual(expected);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("closes every topic channel when the input closes, and resolves only after every topic task finished", async () => {
    const input = new Channel<Msg>();
    const finish = { a: gate(), b: gate() } as Record<string, ReturnType<typeof gate>>;
    const finished: string[] = [];
    const done = dispatcher(input, async (topic, messages) => {
      for await (const _ of messages);
      await finish[topic]!.opened; // drained and closed; finishing takes a while
      finished.push(topic);
    });
    await input.send({ topic: "a", seq: 1 });
    await input.send({ topic: "b", seq: 2 });
    input.close();
    expect(await isSettled(done)).toBe(false);
    finish.a!.open();
    expect(await isSettled(done)).toBe(false);
    expect(finished).toEqual(["a"]);
    finish.b!.open();
    expect(await isSettled(done)).toBe(true);
    expect(finished).toEqual(["a", "b"]);
  });

  it("waits on a topic whose buffer is full, holding back the input for every topic", async () => {
    const input = new Channel<Msg>();
    const slow = gate();
    const { received, task } = recorder((topic) => (topic === "slow" ? slow.opened : Promise.resolve()));
    const done = dispatcher(input, task, { bufferSize: 1 });
    await input.send({ topic: "slow", seq: 1 }); // buffered in the slow topic's channel
    await input.send({ topic: "slow", seq: 2 }); // taken; the dispatcher now waits for room
    await settle();
    expect(input.trySend({ topic: "fast", seq: 3 })).toBe("would-block");
    slow.open();
    await input.send({ topic: "fast", seq: 3 });
    input.close();
    await done;
    expect(received.get("slow")).toEqual([1, 2]);
    expect(received.get("fast")).toEqual([3]);
  });

  it("stops routing when aborted: topic tasks finish what they were handed, then it rejects with the reason", async () => {
    const input = new Channel<Msg>(8);
    const stop = new AbortController();
    const { received, task } = recorder();
    const done = dispatcher(input, task, { signal: stop.signal });
    await input.send({ topic: "a", seq: 1 });
    await input.send({ topic: "b", seq: 2 });
    await settle();
    const reason = new Error("shutdown");
    stop.abort(reason);
    await expect(done).rejects.toBe(reason);
    expect(received.get("a")).toEqual([1]);
    expect(received.get("b")).toEqual([2]);
    // Nothing is taken from the input after the abort.
    await input.send({ topic: "a", seq: 3 });
    expect(input.len).toBe(1);
  });

  it("stops when a topic task fails, and rejects with its error after the other tasks finished", async () => {
    const input = new Channel<Msg>();
    const failure = new Error("topic b is broken");
    const finished: string[] = [];
    const done = dispatcher(input, async (topic, messages) => {
      for await (const m of messages) {
        if (m.topic === "b") throw failure;
      }
      finished.push(topic);
    });
    await input.send({ topic: "a", seq: 1 });
    await input.send({ topic: "b", seq: 2 });
    await expect(done).rejects.toBe(failure);
    expect(finished).toEqual(["a"]);
    expect(input.trySend({ topic: "a", seq: 3 })).toBe("would-block"); // nobody routes any more
  });
});
