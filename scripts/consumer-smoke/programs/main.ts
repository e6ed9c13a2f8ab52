// Consumer smoke test, TypeScript: compiled with strict, skipLibCheck: false,
// under moduleResolution node16 and bundler, with the oldest supported
// TypeScript and the newest; then run. The `@ts-expect-error` lines fail the
// compile if a declaration degrades to `any` (an unused expectation is an error).
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { AtomicInt32, AtomicLayout } from "@csp-kit/atomic";
import { Channel, ChannelClosedError, type Option, type Receiver } from "@csp-kit/channel";
import { type Port, portOf } from "@csp-kit/channel/port";
import { type Broker, startBroker } from "@csp-kit/kafka-broker";
import { BrokerConnectionError } from "@csp-kit/kafka-client";
import { Consumer, type ConsumerMessage } from "@csp-kit/kafka-consumer";
import { SyncProducer } from "@csp-kit/kafka-producer";
import { ApiKey } from "@csp-kit/kafka-protocol";
import { Mutex, WaitGroup } from "@csp-kit/mutex";
import { recv, select, send } from "@csp-kit/select";
import { SharedChannel, type SharedChannelHandle } from "@csp-kit/threads";
import { after, sleep } from "@csp-kit/timers";
import { ManualClock } from "@csp-kit/timers/testing";

// channel: values keep their type through for-await.
const ch = new Channel<number>(4);
for (const v of [1, 2, 3]) await ch.send(v);
ch.close();
let sum = 0;
for await (const v of ch) {
  sum += v;
  // @ts-expect-error a number is not a string
  const s: string = v;
  void s;
}
assert.equal(sum, 6);
const r: Option<number> = await ch.recv();
assert.ok(r.isNone());
await assert.rejects(ch.send(1), ChannelClosedError);
// @ts-expect-error a Channel<number> does not take strings
void ch.trySend("x");

// port: the low-level protocol types.
const port: Port<number> = portOf(new Channel<number>(1));
assert.equal(typeof port.pollRecv, "function");

// select: the result narrows by case.
const words = new Channel<string>(1);
await words.send("hi");
const timeout: Receiver<number> = after(10_000);
const picked = await select({ word: recv(words), timeout: recv(timeout) });
if (picked.case === "word") {
  const w: Option<string> = picked.value;
  assert.equal(w.unwrap(), "hi");
} else {
  const t: Option<number> = picked.value;
  assert.fail(`timer won: ${String(t)}`);
}
// @ts-expect-error there is no case "nope"
if (picked.case === "nope") assert.fail("unreachable");
// @ts-expect-error send's value must match the channel's type
send(words, 42);
await sleep(1);

// timers/testing.
const clock = new ManualClock();
const fired = after(1000, { clock }).recv();
clock.advance(1000);
assert.ok((await fired).isSome());

// mutex.
const mu = new Mutex();
const wg = new WaitGroup();
let counter = 0;
for (let i = 0; i < 5; i++) {
  wg.add(1);
  void mu.runExclusive(async () => {
    const seen = counter;
    await sleep(0);
    counter = seen + 1;
    wg.done();
  });
}
await wg.wait();
assert.equal(counter, 5);

// atomic.
const n = new AtomicInt32();
const next: number = n.add(2);
assert.equal(next, 2);
const layout = new AtomicLayout({ stop: "bool", hits: "int64" });
const { hits, stop } = layout.bind(layout.allocate());
const h: bigint = hits.add(3n);
const b: boolean = stop.load();
assert.equal(h, 3n);
assert.equal(b, false);

// threads: a SharedChannel to a real worker.
const jobs = new SharedChannel<number>(16);
const results = new SharedChannel<number>(1);
const data: { jobs: SharedChannelHandle; results: SharedChannelHandle } = {
  jobs: jobs.handle,
  results: results.handle,
};
const worker = new Worker(new URL("./worker.js", import.meta.url), { workerData: data });
for (let i = 1; i <= 100; i++) await jobs.send(i);
jobs.close();
const total = await results.recv();
assert.equal(total.unwrap(), 5050);
await new Promise((resolve) => worker.once("exit", resolve));

// kafka: produce to an in-process broker and consume the messages back, typed.
const broker: Broker = await startBroker({ port: 0, logLevel: "silent" });
const producer = new SyncProducer({ bootstrap: [broker.bootstrap] });
const { offset } = await producer.send({ topic: "smoke", key: "k", value: "m0" });
// @ts-expect-error an offset is a bigint
const asNumber: number = offset;
void asNumber;
await producer.close();
const consumer = new Consumer({ bootstrap: [broker.bootstrap] });
const pc = await consumer.consumePartition("smoke", 0, "oldest");
const first = await pc.messages.recv();
const m: ConsumerMessage | undefined = first.isSome() ? first.value : undefined;
assert.equal(m?.offset, 0n);
assert.equal(ApiKey.Fetch, 1);
assert.ok(new BrokerConnectionError("127.0.0.1:1", "x") instanceof Error);
await consumer.close();
await broker.close();

console.log("typescript: ok");
