/**
 * Runs the aggregator on the real clock: a burst of 12 messages, a pause, then
 * 3 stragglers. Batches of 5 go out when full; the rest when the 100 ms flush
 * timer fires; the last one when the input closes.
 *
 * Run: npx tsx --conditions=@csp-kit/source docs/examples/aggregator/main.ts
 */

import { Channel } from "@csp-kit/channel";
import { sleep } from "@csp-kit/timers";
import { aggregator } from "./aggregator.js";

const MAX_MESSAGES = 5;
const FREQUENCY = 100;

const input = new Channel<string>();
const output = new Channel<string[]>();
const started = performance.now();
const at = () => `${String(Math.round(performance.now() - started)).padStart(4)} ms`;

const loop = aggregator(input, output, { maxMessages: MAX_MESSAGES, frequency: FREQUENCY });

const producer = (async () => {
  for (let i = 1; i <= 12; i++) await input.send(`m${i}`); // a burst
  await sleep(250); // quiet: the timer flushes what is left of the burst
  for (let i = 13; i <= 15; i++) await input.send(`m${i}`);
  input.close(); // the last partial batch goes out at once
})();

console.log(`aggregator: batches of up to ${MAX_MESSAGES} messages, flushed ${FREQUENCY} ms after their first message`);
for await (const batch of output) {
  const why = batch.length === MAX_MESSAGES ? "full" : input.closed ? "input closed" : "flush timer";
  console.log(`${at()}  batch of ${batch.length} (${why}): ${batch.join(" ")}`);
}
await Promise.all([producer, loop]);
console.log(`${at()}  input closed, output closed: done`);
