import { flush, track } from "@csp-kit/testkit/core";
import fc from "fast-check";
import { Some } from "ts-results-es";
import { describe, expect, it } from "vitest";
import {
  Channel,
  ChannelClosedError,
  distribute,
  filter,
  isChannelError,
  isTransformError,
  map,
  merge,
  pipe,
  type Receiver,
  TransformError,
  tee,
} from "../src/index.js";

/** Sends `values` and closes `ch` (never waits: the channel is infinite or has room). */
function filled<T>(values: readonly T[]): Channel<T> {
  const ch = Channel.infinite<T>();
  for (const v of values) ch.trySend(v);
  ch.close();
  return ch;
}

async function drain<T>(ch: Receiver<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of ch) out.push(v);
  return out;
}

describe("pipe", () => {
  it("forwards every value in order, then closes the output once the input is closed and drained", async () => {
    const out = new Channel<number>();
    const done = pipe(filled([1, 2, 3]), out);
    expect(await drain(out)).toEqual([1, 2, 3]);
    await done;
    expect(out.closed).toBe(true);
  });

  it("leaves the output open with { close: false }", async () => {
    const out = Channel.infinite<number>();
    await pipe(filled([1]), out, { close: false });
    expect(out.closed).toBe(false);
    expect(out.tryRecv()).toEqual(Some(1));
  });

  it("stops on abort without taking a value: the next value stays in the input and the output stays open", async () => {
    const input = new Channel<number>(4);
    const out = new Channel<number>(4);
    const controller = new AbortController();
    const done = track(pipe(input, out, { signal: controller.signal }));
    await flush();
    const reason = new Error("stop");
    controller.abort(reason);
    await flush();
    expect(done.state).toBe("rejected");
    expect(done.reason).toBe(reason);
    input.trySend(7);
    expect(input.tryRecv()).toEqual(Some(7));
    expect(out.closed).toBe(false);
  });

  it("delivers a value it already took before it stops on abort", async () => {
    const input = filled([1, 2]);
    const out = new Channel<string | number>(1);
    out.trySend("x"); // full: the pipe takes 1 and waits to send it
    const controller = new AbortController();
    const done = track(pipe(input, out, { signal: controller.signal }));
    await flush();
    controller.abort(new Error("stop"));
    await flush();
    expect(done.state).toBe("pending"); // 1 is still on its way
    expect(await out.recv()).toEqual(Some("x"));
    expect(await out.recv()).toEqual(Some(1));
    await flush();
    expect(done.state).toBe("rejected");
    expect(input.tryRecv()).toEqual(Some(2)); // never taken
  });

  it("rejects with ChannelClosedError carrying the undelivered value when the output is closed under it", async () => {
    const input = filled([1, 2, 3]);
    const out = new Channel<number>();
    const done = track(pipe(input, out));
    await flush();
    out.close();
    await flush();
    expect(done.state).toBe("rejected");
    expect(done.reason).toBeInstanceOf(ChannelClosedError);
    expect((done.reason as ChannelClosedError).value).toBe(1);
    expect(await drain(input)).toEqual([2, 3]);
  });

  it("rejects at once for a signal that is already aborted, taking nothing", async () => {
    const input = filled([1]);
    const reason = new Error("already");
    await expect(pipe(input, new Channel<number>(1), { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(input.tryRecv()).toEqual(Some(1));
  });
});

describe("merge", () => {
  it("forwards the values of every input and closes the output once all are closed and drained", async () => {
    const out = new Channel<number>();
    const done = merge([filled([1, 2]), filled([10, 20, 30]), filled([])], out);
    const got = await drain(out);
    await done;
    expect([...got].sort((a, b) => a - b)).toEqual([1, 2, 10, 20, 30]);
    expect(got.filter((v) => v < 10)).toEqual([1, 2]);
    expect(got.filter((v) => v >= 10)).toEqual([10, 20, 30]);
  });

  it("reports every undelivered value when the output is closed under several inputs", async () => {
    const out = new Channel<number>();
    const done = track(merge([filled([1, 2]), filled([10, 20])], out));
    await flush(); // each input's task holds its first value, waiting on the unbuffered output
    out.close();
    await flush();
    expect(done.state).toBe("rejected");
    expect(done.reason).toBeInstanceOf(AggregateError);
    const values = (done.reason as AggregateError).errors.map((e: ChannelClosedError) => e.value as number);
    expect(values.sort((a: number, b: number) => a - b)).toEqual([1, 10]);
  });

  it("refuses an empty list of inputs", () => {
    expect(() => merge([], new Channel<number>())).toThrow(RangeError);
  });
});

describe("tee", () => {
  it("gives every output every value, in order, and closes them all at the end", async () => {
    const outs = [Channel.infinite<number>(), new Channel<number>(1), new Channel<number>()];
    const done = tee(filled([1, 2, 3]), outs);
    const got = await Promise.all(outs.map((o) => drain(o)));
    await done;
    expect(got).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });

  it("takes the next value only when every output took the current one", async () => {
    const fast = Channel.infinite<number>();
    const slow = new Channel<number>();
    const input = filled([1, 2]);
    const done = tee(input, [fast, slow]);
    await flush();
    expect(fast.len).toBe(1);
    expect(input.len).toBe(1); // 2 waits for slow to take 1
    expect(await drain(slow)).toEqual([1, 2]);
    await done;
    expect(await drain(fast)).toEqual([1, 2]);
  });

  it("refuses an empty list of outputs", () => {
    expect(() => tee(filled([1]), [])).toThrow(RangeError);
  });
});

describe("distribute", () => {
  it("gives each value to exactly one output, keeping the input's order per output, and closes them all", async () => {
    const outs = [new Channel<number>(), new Channel<number>(), new Channel<number>()];
    const values = Array.from({ length: 30 }, (_, i) => i);
    const done = distribute(filled(values), outs);
    const got = await Promise.all(outs.map((o) => drain(o)));
    await done;
    expect(got.flat().sort((a, b) => a - b)).toEqual(values);
    for (const part of got) expect(part).toEqual([...part].sort((a, b) => a - b));
  });

  it("refuses an empty list of outputs", () => {
    expect(() => distribute(filled([1]), [])).toThrow(RangeError);
  });
});

describe("map and filter", () => {
  it("map sends fn(value) for every value in order, async functions included, then closes the output", async () => {
    const out = new Channel<string>();
    const done = map(filled([1, 2, 3]), out, async (n) => `#${n * 10}`);
    expect(await drain(out)).toEqual(["#10", "#20", "#30"]);
    await done;
  });

  it("filter forwards only the values it keeps, in order", async () => {
    const out = Channel.infinite<number>();
    await filter(filled([1, 2, 3, 4, 5, 6]), out, (n) => n % 2 === 0);
    expect(await drain(out)).toEqual([2, 4, 6]);
  });

  it("rejects with a TransformError carrying the value and the cause when the function throws, and stops there", async () => {
    const input = filled([1, 2, 3]);
    const out = Channel.infinite<number>();
    const boom = new Error("bad row");
    const error = await map(input, out, (n) => {
      if (n === 2) throw boom;
      return n;
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransformError);
    expect(isTransformError(error) && isChannelError(error)).toBe(true);
    expect((error as TransformError).value).toBe(2);
    expect((error as TransformError).cause).toBe(boom);
    expect(out.closed).toBe(false);
    expect(out.tryRecvBatch()).toEqual(Some([1]));
    expect(input.tryRecv()).toEqual(Some(3)); // never taken
  });

  it("forwards promises as values: a channel of promises is never awaited into", async () => {
    const p1 = Promise.resolve(1);
    const out = Channel.infinite<Promise<number>>();
    await filter(filled([p1]), out, () => true);
    const piped = Channel.infinite<Promise<number>>();
    await pipe(filled([p1]), piped);
    expect(out.tryRecv()).toEqual(Some(p1));
    const r = piped.tryRecv();
    expect(r !== "would-block" && r.isSome() && r.value === p1).toBe(true);
  });

  it("filter reports a rejected predicate the same way", async () => {
    const error = await filter(filled([7]), Channel.infinite<number>(), () => Promise.reject(new Error("no"))).catch(
      (e: unknown) => e,
    );
    expect((error as TransformError).value).toBe(7);
  });
});

describe("combinators under arbitrary interleavings", () => {
  const plan = fc.record({
    inputs: fc.array(fc.array(fc.nat(99), { maxLength: 6 }), { minLength: 1, maxLength: 4 }),
    outputs: fc.integer({ min: 1, max: 3 }),
    capacity: fc.constantFrom(0, 1, 3),
    scheduler: fc.scheduler(),
  });

  it("merge delivers every value once, in order per input; tee delivers every value to every output in order", async () => {
    await fc.assert(
      fc.asyncProperty(plan, async ({ inputs, outputs, capacity, scheduler: s }) => {
        // Values tagged with their input: input i's j-th value is i * 1000 + j.
        const sources = inputs.map(() => new Channel<number>(capacity));
        const producers = inputs.map(async (values, i) => {
          for (let j = 0; j < values.length; j++) {
            await s.schedule(Promise.resolve(), `input ${i} sends`);
            await sources[i]?.send(i * 1000 + j);
          }
          sources[i]?.close();
        });
        const merged = new Channel<number>(capacity);
        const merging = merge(sources, merged);
        const teeOuts = Array.from({ length: outputs }, () => new Channel<number>(capacity));
        const teeing = tee(merged, teeOuts);
        const readers = teeOuts.map(async (o, k) => {
          const got: number[] = [];
          for (;;) {
            await s.schedule(Promise.resolve(), `reader ${k} receives`);
            const r = await o.recv();
            if (r.isNone()) return got;
            got.push(r.value);
          }
        });
        const [got] = await s.waitFor(Promise.all([Promise.all(readers), merging, teeing, ...producers]));
        const expected = inputs.flatMap((values, i) => values.map((_, j) => i * 1000 + j));
        for (const seen of got) {
          expect(seen).toEqual(got[0]); // every tee output saw the same sequence
          expect([...seen].sort((a, b) => a - b)).toEqual(expected);
          for (let i = 0; i < inputs.length; i++) {
            const mine = seen.filter((v) => Math.floor(v / 1000) === i);
            expect(mine).toEqual([...mine].sort((a, b) => a - b));
          }
        }
        expect(merged.closed && teeOuts.every((o) => o.closed)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
