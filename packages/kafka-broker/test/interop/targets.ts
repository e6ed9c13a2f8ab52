/**
 * The two brokers every interop scenario runs against: ours (started in
 * this process) and the interop tier's real Apache Kafka (kafkaBootstrap()).
 * A scenario is a function of a target that returns what the client saw,
 * normalised (no broker ids, no hosts, no timing); the test runs it on both
 * and expects the same outcome.
 */

import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { ApiKey, decodeRecordBatches, type RecordBatch } from "@csp-kit/kafka-protocol";
import { kafkaBootstrap } from "@csp-kit/testkit/kafka";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, inject } from "vitest";
import { type Broker, startBroker } from "../../src/index.js";
import { fetchBody, RawClient } from "../support/client.js";

/** One broker under test. */
export interface Target {
  readonly name: "csp-kit" | "kafka";
  readonly host: string;
  readonly port: number;
  readonly bootstrap: string;
}

/** A topic name no earlier run used (the real broker keeps its topics between runs). */
export function uniqueTopic(scenario: string): string {
  return `interop-${scenario}-${randomBytes(4).toString("hex")}`;
}

/** Starts our broker before the file's tests and stops it after; returns both targets. */
export function useTargets(): () => readonly [Target, Target] {
  let broker: Broker | undefined;
  let targets: readonly [Target, Target] | undefined;
  beforeAll(async () => {
    broker = await startBroker({ logLevel: "warn" });
    const real = kafkaBootstrap();
    targets = [
      { name: "csp-kit", host: broker.host, port: broker.port, bootstrap: broker.bootstrap },
      { name: "kafka", host: real.host, port: real.port, bootstrap: `${real.host}:${real.port}` },
    ];
  });
  afterAll(async () => {
    await broker?.close();
  });
  return () => {
    if (targets === undefined) throw new Error("useTargets: the targets start in beforeAll");
    return targets;
  };
}

/** Creates `topic` with `partitions` through kafkajs's admin, and waits until its metadata lists them. */
export async function createTopic(target: Target, topic: string, partitions: number): Promise<void> {
  const admin = new Kafka({ brokers: [target.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** The batches stored in `topic`-`partition` from offset 0, read with one raw Fetch v11. */
export async function storedBatches(target: Target, topic: string, partition = 0): Promise<RecordBatch[]> {
  const client = await RawClient.connect(target.port);
  try {
    const r = await client.request(
      ApiKey.Fetch,
      11,
      fetchBody(topic, partition, 0n, { maxBytes: 50 << 20, partitionMaxBytes: 50 << 20 }),
    );
    const p = r.responses[0]!.partitions[0]!;
    if (p.errorCode !== 0) throw new Error(`fetch ${topic}-${partition} from ${target.name}: error ${p.errorCode}`);
    return (await decodeRecordBatches(p.records!)).batches;
  } finally {
    client.close();
  }
}

function kcatPath(): string {
  try {
    return inject("kcatPath");
  } catch {
    return process.env.CSP_KIT_KCAT ?? "kcat";
  }
}

/**
 * A kcat consumer that stays running: resolves `reachedEnd` when it has
 * subscribed and found the end of the partition (its "Reached end of topic"
 * line), and `done` with its output when it exits (`-c n` makes it exit).
 */
export function kcatConsumer(args: readonly string[]): {
  readonly reachedEnd: Promise<void>;
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>;
} {
  const child = spawn(kcatPath(), args, { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let ended: () => void;
  const reachedEnd = new Promise<void>((resolve) => {
    ended = resolve;
  });
  child.stdout.setEncoding("utf8").on("data", (c: string) => {
    stdout += c;
  });
  child.stderr.setEncoding("utf8").on("data", (c: string) => {
    stderr += c;
    if (stderr.includes("Reached end of topic")) ended();
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on("close", (code) => {
      clearTimeout(timer);
      ended();
      resolve({ code, stdout, stderr });
    });
  });
  return { reachedEnd, done };
}
