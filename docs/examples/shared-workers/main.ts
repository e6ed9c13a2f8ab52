/**
 * Runs the shared-workers registry as sarama uses it: four partition producers
 * send through the broker producer of their partition's leader. Partitions led
 * by the same broker share one broker producer (one connection), and the two
 * partitions that ask for broker 1 at the same moment dial it once. When the
 * leader of partition 1 moves to broker 2, partition 1 lets go of broker 1 and
 * joins broker 2's producer; when partition 0 finishes, broker 1's producer has
 * no user left and stops; broker 2's stops when the last partition finishes.
 *
 * Run: npx tsx --conditions=@csp-kit/source docs/examples/shared-workers/main.ts
 */

import { Channel } from "@csp-kit/channel";
import { sleep } from "@csp-kit/timers";
import { SharedWorkers } from "./shared-workers.js";

const started = performance.now();
const at = () => `${String(Math.round(performance.now() - started)).padStart(4)} ms`;

/** One per broker: a connection, an input channel shared by every partition it leads, and the task that writes. */
class BrokerProducer {
  readonly input = new Channel<string>(16);
  readonly delivered: string[] = [];
  readonly #task: Promise<void>;

  private constructor(readonly broker: number) {
    this.#task = (async () => {
      for await (const message of this.input) {
        await sleep(2); // one produce request on the wire
        this.delivered.push(message);
      }
    })();
  }

  /** Dials the broker (takes a while) and starts the writing task. */
  static async connect(broker: number): Promise<BrokerProducer> {
    console.log(`${at()}  broker ${broker}: dialing`);
    await sleep(20);
    console.log(`${at()}  broker ${broker}: connected`);
    return new BrokerProducer(broker);
  }

  /** Closes the input and waits until everything sent has been written (sarama: close(bp.input), then drain). */
  async shutdown(): Promise<void> {
    this.input.close();
    await this.#task;
    console.log(
      `${at()}  broker ${this.broker}: last reference released; stopped after ${this.delivered.length} messages`,
    );
  }
}

const brokers = new SharedWorkers<number, BrokerProducer>({
  start: (broker) => BrokerProducer.connect(broker),
  stop: (bp) => bp.shutdown(),
});

/** The leader of each partition of "orders", from the (simulated) metadata. */
const leaders = new Map([
  [0, 1],
  [1, 1],
  [2, 2],
  [3, 2],
]);

/** One per partition: sends its messages through its leader's broker producer. */
async function partitionProducer(partition: number, messages: number): Promise<void> {
  let leader = leaders.get(partition)!;
  let bp = await brokers.acquire(leader);
  console.log(`${at()}  partition ${partition} -> broker ${leader} (${brokers.refs(leader)} users)`);
  for (let i = 1; i <= messages; i++) {
    await bp.input.send(`orders/${partition}#${i}`);
    if (partition === 1 && i === 2) {
      // Metadata refresh: the leader of partition 1 moved to broker 2.
      await brokers.release(leader, bp);
      leader = 2;
      bp = await brokers.acquire(leader);
      console.log(`${at()}  partition ${partition}: leader moved -> broker ${leader} (${brokers.refs(leader)} users)`);
    }
    await sleep(5 * (partition + 1)); // partitions produce at different rates
  }
  await brokers.release(leader, bp);
}

await Promise.all([0, 1, 2, 3].map((p) => partitionProducer(p, 4)));
console.log(`${at()}  all partitions done; live broker producers: ${brokers.size}`);
