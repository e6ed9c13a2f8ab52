/**
 * Runs the broker on the real clock for about a second: "prices" are published
 * every 2 ms, "news" every 20 ms. Five clients read at different speeds; two of
 * them never read. Policy: soft limit 20 for 300 ms, hard limit 100.
 *
 * Expected: the stuck prices client passes the hard limit and is dropped at
 * once; the stuck news client stays over the soft limit for 300 ms and is
 * dropped then; the slow mobile client goes over the soft limit briefly before
 * each read and is forgiven; everybody else gets every notification, batched.
 *
 * Run: npx tsx --conditions=@csp-kit/source docs/examples/notification-broker/main.ts
 */

import { sleep, Ticker } from "@csp-kit/timers";
import { NotificationBroker, type Subscription } from "./broker.js";

const TICKS = 500;
const broker = new NotificationBroker<string>({ hardLimit: 100, softLimit: 20, softGrace: 300, maxBatch: 64 });
const started = performance.now();
const ms = () => Math.round(performance.now() - started);

interface Report {
  readonly sub: Subscription<string>;
  readonly topics: string;
  received: number;
  batches: number;
  largest: number;
  peakBacklog: number;
  /** When the tick loop first saw the client disconnected. */
  droppedAt?: number;
}
const reports: Report[] = [];

/** A client: reads its batches, pausing `pause` ms after each (`Infinity`: never reads). */
function client(id: string, topics: string[], pause: number): Promise<void> {
  const report: Report = {
    sub: broker.subscribe(id, topics),
    topics: topics.join(","),
    received: 0,
    batches: 0,
    largest: 0,
    peakBacklog: 0,
  };
  reports.push(report);
  if (pause === Number.POSITIVE_INFINITY) return Promise.resolve(); // never reads
  return (async () => {
    for await (const batch of report.sub.batches) {
      report.received += batch.length;
      report.batches++;
      report.largest = Math.max(report.largest, batch.length);
      if (pause > 0) await sleep(pause);
    }
  })();
}

const clients = [
  client("dashboard", ["prices"], 0),
  client("archiver", ["prices"], 30),
  client("stuck-feed", ["prices"], Number.POSITIVE_INFINITY),
  client("mobile", ["news"], 500),
  client("stuck-news", ["news"], Number.POSITIVE_INFINITY),
];

const ticker = new Ticker(2);
const published = { prices: 0, news: 0 };
for (let tick = 1; tick <= TICKS; tick++) {
  await ticker.c.recv();
  broker.publish("prices", `price ${tick}`);
  published.prices++;
  if (tick % 10 === 0) {
    broker.publish("news", `headline ${tick / 10}`);
    published.news++;
  }
  for (const r of reports) {
    r.peakBacklog = Math.max(r.peakBacklog, r.sub.backlog);
    if (r.sub.reason !== undefined) r.droppedAt ??= ms();
  }
}
ticker.stop();
const publishedIn = ms();
await sleep(600); // let the slow readers catch up
broker.close();
await Promise.all(clients);

console.log(`published ${published.prices} prices and ${published.news} news in ${publishedIn} ms\n`);
console.log("client       topics  received  batches  largest  peak backlog  disconnected");
for (const r of reports) {
  const total = r.topics === "prices" ? published.prices : published.news;
  const end = r.sub.reason === "broker-closed" ? "at the end (broker closed)" : `${r.sub.reason}, at ${r.droppedAt} ms`;
  console.log(
    `${r.sub.id.padEnd(12)} ${r.topics.padEnd(7)} ${`${r.received}/${total}`.padStart(8)}  ${String(r.batches).padStart(7)}` +
      `  ${String(r.largest).padStart(7)}  ${String(r.peakBacklog).padStart(12)}  ${end}`,
  );
}
