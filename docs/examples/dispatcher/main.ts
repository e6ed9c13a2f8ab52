/**
 * Runs the dispatcher on a small shop's event stream: orders, payments and
 * shipments interleaved on one input. Each topic's task starts on the topic's
 * first event and "produces" its events at its own pace (payments are slow);
 * every topic keeps its own order, and closing the input ends every task.
 *
 * Run: npx tsx --conditions=@csp-kit/source docs/examples/dispatcher/main.ts
 */

import { Channel } from "@csp-kit/channel";
import { sleep } from "@csp-kit/timers";
import { dispatcher } from "./dispatcher.js";

interface Event {
  readonly topic: string;
  readonly key: string;
}

/** How long one produce takes, per topic (ms). */
const LATENCY: Record<string, number> = { orders: 5, payments: 20, shipments: 10 };

const stream: Event[] = [
  { topic: "orders", key: "order-1 created" },
  { topic: "orders", key: "order-2 created" },
  { topic: "payments", key: "order-1 paid" },
  { topic: "orders", key: "order-3 created" },
  { topic: "shipments", key: "order-1 shipped" },
  { topic: "payments", key: "order-2 paid" },
  { topic: "orders", key: "order-2 cancelled" },
  { topic: "payments", key: "order-2 refunded" },
  { topic: "shipments", key: "order-3 shipped" },
];

const started = performance.now();
const at = () => `${String(Math.round(performance.now() - started)).padStart(4)} ms`;
const produced = new Map<string, string[]>();

const input = new Channel<Event>();
const done = dispatcher(
  input,
  async (topic, messages) => {
    console.log(`${at()}  [${topic}] task started`);
    const log: string[] = [];
    produced.set(topic, log);
    for await (const event of messages) {
      await sleep(LATENCY[topic] ?? 1); // the topic's own pace: a slow topic does not reorder the others
      log.push(event.key);
      console.log(`${at()}  [${topic}] produced "${event.key}"`);
    }
    console.log(`${at()}  [${topic}] channel closed: task done after ${log.length} events`);
  },
  { bufferSize: 8 },
);

for (const event of stream) await input.send(event);
console.log(`${at()}  all ${stream.length} events routed; closing the input`);
input.close();
await done;

console.log(`${at()}  dispatcher finished: ${produced.size} topic tasks, each in input order:`);
for (const [topic, keys] of produced) {
  const expected = stream.filter((e) => e.topic === topic).map((e) => e.key);
  const inOrder = keys.join("|") === expected.join("|");
  console.log(`  ${topic.padEnd(9)} ${keys.length} events, ${inOrder ? "in order" : "OUT OF ORDER"}`);
}
