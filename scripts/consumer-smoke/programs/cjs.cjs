"use strict";
// Consumer smoke test, CommonJS (require): uses every @csp-kit package as an npm user would,
// from the tarballs installed into a scratch project outside the workspace.
const { join } = require("node:path");
const assert = require("node:assert/strict");
const { Worker } = require("node:worker_threads");
const { AtomicInt32, AtomicLayout } = require("@csp-kit/atomic");
const { Channel, ChannelClosedError, InvalidCapacityError, isChannelClosedError } = require("@csp-kit/channel");
const { PORT, portOf } = require("@csp-kit/channel/port");
const { Mutex, WaitGroup } = require("@csp-kit/mutex");
const { recv, select } = require("@csp-kit/select");
const { SharedChannel, ChannelClosedError: ThreadsClosedError } = require("@csp-kit/threads");
const { after, sleep } = require("@csp-kit/timers");
const { ManualClock } = require("@csp-kit/timers/testing");
const { startBroker } = require("@csp-kit/kafka-broker");
const { isBrokerConnectionError } = require("@csp-kit/kafka-client");
const { Consumer } = require("@csp-kit/kafka-consumer");
const { SyncProducer } = require("@csp-kit/kafka-producer");
const { ApiKey } = require("@csp-kit/kafka-protocol");

async function main() {
  // channel: buffered send, close, for-await drains in order.
  const ch = new Channel(4);
  for (const v of [1, 2, 3]) await ch.send(v);
  ch.close();
  const got = [];
  for await (const v of ch) got.push(v);
  assert.deepEqual(got, [1, 2, 3]);
  await assert.rejects(ch.send(4), ChannelClosedError);
  assert.equal(Channel.name, "Channel");
  assert.throws(
    () => new Channel(-1),
    (e) => e instanceof InvalidCapacityError && e.name === "InvalidCapacityError",
  );
  assert.equal(InvalidCapacityError.name, "InvalidCapacityError");

  // port: the subpath shares the main entry's classes and symbols.
  assert.equal(typeof portOf(new Channel(1)).pollRecv, "function");
  assert.equal(typeof new Channel(1)[PORT], "object");
  assert.equal(ThreadsClosedError, ChannelClosedError, "one ChannelClosedError across packages");

  // select + timers: a ready channel wins over a timer; an empty one loses to it.
  const ready = new Channel(1);
  await ready.send("hello");
  const r1 = await select({ value: recv(ready), timeout: recv(after(10_000)) });
  assert.equal(r1.case, "value");
  assert.equal(r1.value.unwrap(), "hello");
  const r2 = await select({ value: recv(new Channel()), timeout: recv(after(5)) });
  assert.equal(r2.case, "timeout");
  await sleep(1);

  // timers/testing: a manual clock fires timers without waiting.
  const clock = new ManualClock();
  const fired = after(1000, { clock });
  const pending = fired.recv();
  clock.advance(1000);
  assert.ok((await pending).isSome());

  // mutex: mutual exclusion and a WaitGroup.
  const mu = new Mutex();
  const wg = new WaitGroup();
  let counter = 0;
  for (let i = 0; i < 10; i++) {
    wg.add(1);
    void mu.runExclusive(async () => {
      const seen = counter;
      await sleep(0);
      counter = seen + 1;
      wg.done();
    });
  }
  await wg.wait();
  assert.equal(counter, 10);

  // atomic: a counter and a layout.
  const n = new AtomicInt32();
  n.add(41);
  assert.equal(n.add(1), 42);
  const layout = new AtomicLayout({ stop: "bool", hits: "int64" });
  const fields = layout.bind(layout.allocate());
  fields.hits.add(5n);
  assert.equal(fields.hits.load(), 5n);

  // threads: a SharedChannel to a real worker and back.
  const jobs = new SharedChannel(16);
  const results = new SharedChannel(1);
  const worker = new Worker(join(__dirname, "worker.cjs"), {
    workerData: { jobs: jobs.handle, results: results.handle },
  });
  for (let i = 1; i <= 100; i++) await jobs.send(i);
  jobs.close();
  const total = await results.recv();
  assert.equal(total.unwrap(), 5050);
  await new Promise((resolve) => worker.once("exit", resolve));
  assert.ok(isChannelClosedError(new ThreadsClosedError("x")));

  // kafka: produce to an in-process broker and consume the messages back.
  assert.equal(ApiKey.Produce, 0);
  const broker = await startBroker({ port: 0, logLevel: "silent" });
  const producer = new SyncProducer({ bootstrap: [broker.bootstrap] });
  for (let i = 0; i < 3; i++) await producer.send({ topic: "smoke", key: "k", value: `m${i}` });
  await producer.close();
  const consumer = new Consumer({ bootstrap: [broker.bootstrap] });
  const pc = await consumer.consumePartition("smoke", 0, "oldest");
  const values = [];
  for await (const m of pc.messages) {
    values.push(new TextDecoder().decode(m.value ?? undefined));
    if (values.length === 3) break;
  }
  assert.deepEqual(values, ["m0", "m1", "m2"]);
  await consumer.close();
  await broker.close();
  assert.equal(isBrokerConnectionError(new Error("x")), false);

  console.log("cjs: ok (channel, port, select, timers, testing, mutex, atomic, threads + worker, kafka)");
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
