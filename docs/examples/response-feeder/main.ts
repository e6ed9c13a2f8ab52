/**
 * Runs one "broker" that fetches for two partitions in rounds, and a feeder per
 * partition. The user of partition "fast" reads at once; the user of partition
 * "slow" spends 150 ms on each message. With a 100 ms maxProcessingTime, the
 * slow partition's feeder gives up, the broker re-subscribes its rest, and the
 * fast partition never waits more than one timeout for the slow one.
 *
 * Run: npx tsx --conditions=@csp-kit/source docs/examples/response-feeder/main.ts
 */

import { Channel } from "@csp-kit/channel";
import { sleep } from "@csp-kit/timers";
import { type FeedResult, responseFeeder } from "./response-feeder.js";

const MAX_PROCESSING_TIME = 100;
const FETCH_SIZE = 3;
const started = performance.now();
const at = () => `${String(Math.round(performance.now() - started)).padStart(4)} ms`;

interface Partition {
  readonly name: string;
  /** Messages the broker still has to fetch for it (a re-subscribed rest goes back to the front). */
  backlog: string[];
  readonly responses: Channel<readonly string[]>;
  readonly messages: Channel<string>;
  readonly acks: Channel<FeedResult<string>>;
  readonly feeder: Promise<void>;
}

function partition(name: string, count: number): Partition {
  const responses = new Channel<readonly string[]>();
  const messages = new Channel<string>();
  const acks = new Channel<FeedResult<string>>();
  const feeder = responseFeeder(responses, messages, acks, { maxProcessingTime: MAX_PROCESSING_TIME });
  const backlog = Array.from({ length: count }, (_, i) => `${name}-${i + 1}`);
  return { name, backlog, responses, messages, acks, feeder };
}

const partitions = [partition("fast", 9), partition("slow", 4)];

// The users: one reads at once, one takes 150 ms per message.
const users = partitions.map(async (p) => {
  for await (const msg of p.messages) {
    console.log(`${at()}  user of ${p.name} got ${msg}`);
    if (p.name === "slow") await sleep(150);
  }
});

// The broker: fetch for every partition that has something, then wait for every feeder's ack.
for (let round = 1; partitions.some((p) => p.backlog.length > 0); round++) {
  const fed = partitions.filter((p) => p.backlog.length > 0);
  for (const p of fed) await p.responses.send(p.backlog.splice(0, FETCH_SIZE));
  for (const p of fed) {
    const { delivered, rest } = (await p.acks.recv()).unwrap();
    p.backlog.unshift(...rest); // re-subscribe: the rest is fetched again next round
    const gaveUp = rest.length > 0 ? `, gave up and re-subscribed ${rest.length}` : "";
    console.log(`${at()}  round ${round}: ${p.name} delivered ${delivered}${gaveUp}`);
  }
}
for (const p of partitions) p.responses.close();
await Promise.all([...partitions.map((p) => p.feeder), ...users]);
console.log(`${at()}  every message delivered once, in order per partition`);
