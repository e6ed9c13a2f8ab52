/**
 * Takes docs/images/broker-dashboard.png: a broker with its dashboard under
 * a little traffic (kafkajs producers, partition fetchers, one client that
 * sends a malformed frame and one that stops reading its responses), shot
 * in the system's Chromium after ~15 s so the charts have a history.
 *
 *   npx tsx --conditions=@csp-kit/source packages/kafka-broker/scripts/screenshot.ts [out.png]
 */

import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ApiKey } from "@csp-kit/kafka-protocol";
import { Kafka, logLevel, Partitioners } from "kafkajs";
import { startBroker } from "../src/index.js";
import { launchChromium } from "../test/dashboard/browser.js";
import { fetchBody, RawClient } from "../test/support/client.js";

const out = resolve(
  process.argv[2] ?? fileURLToPath(new URL("../../../docs/images/broker-dashboard.png", import.meta.url)),
);
const TRAFFIC_MS = 15_000;

const broker = await startBroker({ port: 0, httpPort: 0, logLevel: "silent", outboxPauseBytes: 256 * 1024 });
const topics = [
  { name: "orders", partitions: 3 },
  { name: "payments", partitions: 2 },
  { name: "audit-log", partitions: 1 },
];
for (const t of topics) broker.createTopic(t.name, { partitions: t.partitions });
const kafka = new Kafka({ clientId: "checkout-service", brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
const stop = performance.now() + TRAFFIC_MS;

const producing = topics.map(async (t, p) => {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  for (let round = 0; performance.now() < stop; round++) {
    // A rising, then steadier rate: more messages a round as the run goes on.
    const n = 20 + Math.min(180, round * 2);
    const messages = Array.from({ length: n }, (_, i) => ({
      key: `k${i % 7}`,
      value: `${t.name} ${round}-${i} `.padEnd(120, "·"),
    }));
    await producer.send({ topic: t.name, messages, acks: -1 });
    await new Promise((r) => setTimeout(r, 5 + p * 3));
  }
  await producer.disconnect();
});

// A fetcher that follows orders-0, and one that stops reading its answers (it shows as slow).
const follower = await RawClient.connect(broker.port);
const following = (async () => {
  let offset = 0n;
  while (performance.now() < stop) {
    const r = await follower.request(ApiKey.Fetch, 11, fetchBody("orders", 0, offset, { maxWaitMs: 200 }));
    const hw = r.responses[0]?.partitions[0]?.highWatermark ?? offset;
    offset = hw;
  }
})();
const stalled = await RawClient.connect(broker.port);
stalled.pauseReading();
const stalling = setInterval(() => {
  void stalled.request(ApiKey.Fetch, 11, fetchBody("orders", 1, 0n)).catch(() => {});
}, 100);
// A client that sends garbage: the broker closes it and the page lists why.
setTimeout(async () => {
  const bad = await RawClient.connect(broker.port);
  bad.writeRaw(new Uint8Array([0, 0, 0, 6, 0, 99, 0, 0, 0, 1]));
}, 2_000);

const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1360, height: 1000 }, deviceScaleFactor: 1 });
await page.goto(`http://127.0.0.1:${broker.httpPort}/`);
await Promise.all([...producing, following]);
mkdirSync(dirname(out), { recursive: true });
await page.screenshot({ path: out, fullPage: true });
console.log(`wrote ${out}`);
clearInterval(stalling);
await browser.close();
follower.close();
stalled.close();
await broker.close();
