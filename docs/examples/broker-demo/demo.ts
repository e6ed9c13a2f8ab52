/**
 * `pnpm demo`: csp-kit's Kafka-compatible broker with its live dashboard,
 * under a few real clients for a while.
 *
 * ```
 *  startBroker({ httpPort }) ──► dashboard at http://127.0.0.1:<port>/
 *  producers (kafkajs, N): send batches of 100 messages, acks=all, round the topics, until the deadline
 *  consumers (Fetcher, M): long-poll Fetch over their share of the partitions, until they have read
 *                          everything the producers wrote
 * ```
 *
 * The run checks itself: every partition's high watermark equals what the
 * producers had acknowledged and what the consumers read.
 */

import { type Broker, startBroker } from "@csp-kit/kafka-broker";
import { Kafka, logLevel, Partitioners } from "kafkajs";
import { type Assignment, Fetcher } from "./fetcher.js";

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** How long the producers produce. Default 10 s. */
  readonly durationMs?: number;
  /** Producers. Default 3. */
  readonly producers?: number;
  /** Consumers. Default 2. */
  readonly consumers?: number;
  /** The broker's Kafka port. Default 0 (a free one). */
  readonly port?: number;
  /** The dashboard's port. Default 0 (a free one). */
  readonly httpPort?: number;
  /** Called once the broker and its dashboard listen. */
  readonly onStarted?: (broker: Broker, dashboard: string) => void;
}

/** What a run did. */
export interface DemoSummary {
  readonly bootstrap: string;
  readonly dashboard: string;
  readonly producers: number;
  readonly consumers: number;
  /** How long the producers produced, ms. */
  readonly producingMs: number;
  /** Messages the producers had acknowledged. */
  readonly produced: number;
  /** Messages the consumers read. */
  readonly consumed: number;
  /** Sum of the partitions' high watermarks at the end. */
  readonly stored: number;
  readonly producedPerSecond: number;
  readonly consumedPerSecond: number;
  /** Bytes of record batches the consumers received. */
  readonly consumedBytes: number;
}

/** The topics of the demo and their partition counts. */
export const TOPICS: readonly { readonly name: string; readonly partitions: number }[] = [
  { name: "orders", partitions: 3 },
  { name: "clicks", partitions: 2 },
  { name: "audit", partitions: 1 },
];

const BATCH = 100;
const VALUE = "x".repeat(90);

/**
 * Runs the demo and resolves with its summary. The broker is left running
 * (the caller closes it: `summary` then `broker.close()`), so `--keep` can
 * leave the dashboard up.
 */
export async function runDemo(options: DemoOptions = {}): Promise<{ summary: DemoSummary; broker: Broker }> {
  const durationMs = options.durationMs ?? 10_000;
  const producerCount = options.producers ?? 3;
  const consumerCount = options.consumers ?? 2;
  const broker = await startBroker({
    port: options.port ?? 0,
    httpPort: options.httpPort ?? 0,
    logLevel: "warn",
  });
  const dashboard = `http://${broker.host}:${broker.httpPort}/`;
  try {
    for (const t of TOPICS) broker.createTopic(t.name, { partitions: t.partitions });
    options.onStarted?.(broker, dashboard);

    // Consumers: the partitions dealt round-robin; each long-polls its share.
    const all: Assignment[] = TOPICS.flatMap((t) =>
      Array.from({ length: t.partitions }, (_, partition) => ({
        topic: t.name,
        partition,
        offset: 0n,
        highWatermark: 0n,
      })),
    );
    const shares = Array.from({ length: consumerCount }, (_, i) => all.filter((_, j) => j % consumerCount === i));
    const fetchers = await Promise.all(
      shares.map((_, i) => Fetcher.connect(broker.host, broker.port, `demo-consumer-${i + 1}`)),
    );
    let target: Map<string, bigint> | undefined;
    const caughtUp = (share: readonly Assignment[]): boolean =>
      target !== undefined && share.every((a) => a.offset >= (target?.get(`${a.topic}/${a.partition}`) ?? 0n));
    const consuming = fetchers.map(async (fetcher, i) => {
      const share = shares[i] ?? [];
      while (!caughtUp(share)) await fetcher.fetch(share, 200);
    });
    // A consumer failure is reported once the producers are done (below), never left unhandled.
    const consumed = Promise.all(consuming);
    consumed.catch(() => {});

    // Producers: kafkajs, acks=all, until the deadline.
    const kafka = new Kafka({ clientId: "demo", brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const started = performance.now();
    const deadline = started + durationMs;
    let produced = 0;
    const producing = Array.from({ length: producerCount }, async (_, p) => {
      const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      try {
        for (let round = 0; performance.now() < deadline; round++) {
          const topic = TOPICS[(p + round) % TOPICS.length] as (typeof TOPICS)[number];
          const messages = Array.from({ length: BATCH }, (_, i) => ({
            key: `p${p}-${round}-${i}`,
            value: VALUE,
          }));
          await producer.send({ topic: topic.name, messages, acks: -1 });
          produced += BATCH;
        }
      } finally {
        await producer.disconnect();
      }
    });
    await Promise.all(producing);
    const producingMs = performance.now() - started;

    // Everything acknowledged is in the logs: the consumers read up to there.
    const stats = broker.stats();
    target = new Map(
      stats.topics.flatMap((t) => t.partitions.map((p) => [`${t.name}/${p.partition}`, BigInt(p.highWatermark)])),
    );
    await consumed;
    const consumingMs = performance.now() - started;
    for (const f of fetchers) f.close();

    const stored = stats.topics.reduce((n, t) => n + t.partitions.reduce((m, p) => m + p.highWatermark, 0), 0);
    const records = fetchers.reduce((n, f) => n + f.records, 0);
    const summary: DemoSummary = {
      bootstrap: broker.bootstrap,
      dashboard,
      producers: producerCount,
      consumers: consumerCount,
      producingMs,
      produced,
      consumed: records,
      stored,
      producedPerSecond: produced / (producingMs / 1000),
      consumedPerSecond: records / (consumingMs / 1000),
      consumedBytes: fetchers.reduce((n, f) => n + f.bytes, 0),
    };
    if (produced !== stored || records !== stored)
      throw new Error(`lost or duplicated messages: produced ${produced}, stored ${stored}, consumed ${records}`);
    return { summary, broker };
  } catch (error) {
    await broker.close();
    throw error;
  }
}

/** The summary as the demo prints it. */
export function formatSummary(s: DemoSummary): string {
  const n = (x: number): string => Math.round(x).toLocaleString("en-US");
  return [
    `produced ${n(s.produced)} messages in ${(s.producingMs / 1000).toFixed(1)} s (${n(s.producedPerSecond)} msg/s) from ${s.producers} kafkajs producers, acks=all`,
    `consumed ${n(s.consumed)} messages (${n(s.consumedPerSecond)} msg/s, ${(s.consumedBytes / 1048576).toFixed(1)} MiB) with ${s.consumers} fetchers`,
    `stored   ${n(s.stored)} messages in ${TOPICS.length} topics: none lost, none duplicated`,
  ].join("\n");
}
