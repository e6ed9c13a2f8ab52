/**
 * Runs a tiny producer whose stages form a cycle: the user sends 12 messages
 * to `input`; a broker stage reads `input` and fails the first attempt of every
 * third message, which goes back to `input` for a retry. First without a retry
 * buffer (the broker sends its failures straight to `input`, which only it
 * reads: stuck), then with one (every message gets through, in order per retry).
 *
 * Run: npx tsx --conditions=@csp-kit/source docs/examples/retry-buffer/main.ts
 */

import { Channel } from "@csp-kit/channel";
import { recv, select } from "@csp-kit/select";
import { after } from "@csp-kit/timers";
import { retryBuffer } from "./retry-buffer.js";

interface Message {
  readonly id: number;
  readonly attempt: number;
}

const COUNT = 12;

/**
 * Runs the cycle; failures go to `retryPath`. Resolves with the delivery log,
 * or with what got through before it stopped making progress for 200 ms.
 */
async function run(withBuffer: boolean): Promise<{ delivered: string[]; stuck: boolean }> {
  const stop = new AbortController();
  const { signal } = stop;
  const input = new Channel<Message>();
  const retries = new Channel<Message>();
  const delivered: string[] = [];
  const progress = new Channel<void>(COUNT);

  const user = (async () => {
    for (let id = 1; id <= COUNT; id++) await input.send({ id, attempt: 1 }, { signal });
  })();
  const broker = (async () => {
    for await (const msg of input.values({ signal })) {
      if (msg.id % 3 === 0 && msg.attempt === 1) {
        // NOT_LEADER: send it back for a retry. Without a buffer this send waits for
        // a reader of `input` — and the only reader is this very loop.
        await (withBuffer ? retries : input).send({ id: msg.id, attempt: 2 }, { signal });
        continue;
      }
      delivered.push(msg.attempt === 1 ? `m${msg.id}` : `m${msg.id}(retry)`);
      progress.trySend();
    }
  })();
  const handler = withBuffer ? retryBuffer(retries, input, { signal }) : Promise.resolve();

  let stuck = false;
  while (delivered.length < COUNT) {
    const r = await select({ progress: recv(progress), idle: recv(after(200)) });
    if (r.case === "idle") {
      stuck = true;
      break;
    }
  }
  stop.abort();
  await Promise.allSettled([user, broker, handler]);
  return { delivered, stuck };
}

console.log(`${COUNT} messages; every third one fails once and goes back to the input\n`);
const without = await run(false);
console.log(`without a retry buffer: ${without.stuck ? "STUCK" : "done"} after ${without.delivered.length} messages`);
console.log(`  ${without.delivered.join(" ")}`);
console.log("  (the broker waits to send a retry to the input, and only the broker reads the input)\n");
const withBuffer = await run(true);
console.log(`with the retry buffer:  ${withBuffer.stuck ? "STUCK" : "done"}, ${withBuffer.delivered.length} messages`);
console.log(`  ${withBuffer.delivered.join(" ")}`);
