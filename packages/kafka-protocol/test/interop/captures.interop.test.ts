/**
 * Golden bytes from real clients: kcat (librdkafka) and kafkajs talk to the
 * real Kafka broker through the testkit's recording proxy, and every frame
 * recorded in either direction must decode with this package's codec and
 * re-encode to the very same bytes.
 *
 * The proxy rewrites the broker's advertised port in Metadata and
 * FindCoordinator responses (decoded and re-encoded by this package) to its
 * own, so the clients' produce and fetch connections go through it too; the
 * recording keeps what the broker sent. kcat's batches must carry the codec
 * asked for with -z (librdkafka silently sends uncompressed batches when it
 * thinks the broker cannot take them), and kcat -C must read back every line.
 *
 * With CSP_KIT_WRITE_CAPTURES=1 the run also rewrites the fixtures
 * test/fixtures/captures/{kcat,kafkajs}.json: one answered exchange per
 * client, API, version and batch codecs seen (the smallest; every Produce
 * scenario), which test/captures.test.ts checks in the plain tier, without Java.
 */

import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import {
  kafkaBootstrap,
  kcat,
  type RecordingProxy,
  type ResponseRewriter,
  startRecordingProxy,
} from "@csp-kit/testkit/kafka";
import { CompressionTypes, Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ApiKey, apiName, COMPRESSION, decodeResponse, encodeResponse } from "../../src/index.js";
import {
  batchCodecsOf,
  type CaptureFixture,
  checkExchange,
  type Exchange,
  type FixtureExchange,
  pairExchanges,
  toFixture,
} from "./golden.js";

const CODECS = ["none", "gzip", "snappy", "lz4", "zstd"] as const;
/** Text that every codec shrinks, appended to each value kcat sends. */
const FILLER = "and then the same words again, ".repeat(8);
const run = randomUUID().slice(0, 8);
const topic = `captures-${run}`;
const writeFixtures = process.env.CSP_KIT_WRITE_CAPTURES === "1";

let proxy: RecordingProxy;
/** Every exchange recorded so far, with the scenario that produced it. */
const recorded: Exchange[] = [];
/** The lines kcat -P wrote to `topic`, in order. */
const lines: string[] = [];

/** Points the broker address in Metadata and FindCoordinator answers at the proxy. */
function pointAtProxy(target: { host: string; port: number }, port: () => number): ResponseRewriter {
  const here = <T extends { host: string; port: number }>(node: T): T =>
    node.host === target.host && node.port === target.port ? { ...node, port: port() } : node;
  return (response, request) => {
    if (request === undefined) return response;
    const view = new DataView(request.buffer, request.byteOffset, request.byteLength);
    const apiKey = view.getInt16(4);
    const version = view.getInt16(6);
    if (apiKey === ApiKey.Metadata) {
      const { correlationId, body } = decodeResponse(ApiKey.Metadata, version, response.subarray(4));
      return encodeResponse(ApiKey.Metadata, version, correlationId, { ...body, brokers: body.brokers.map(here) });
    }
    if (apiKey === ApiKey.FindCoordinator) {
      const { correlationId, body } = decodeResponse(ApiKey.FindCoordinator, version, response.subarray(4));
      const moved = { ...here(body), coordinators: body.coordinators.map(here) };
      return encodeResponse(ApiKey.FindCoordinator, version, correlationId, moved);
    }
    return response;
  };
}

/** Runs `scenario` and records the exchanges it caused (the frames it added to the proxy's recording). */
async function capture(client: string, scenario: string, act: () => Promise<void>): Promise<Exchange[]> {
  const from = proxy.frames().length;
  await act();
  const exchanges = pairExchanges(proxy.frames(), client, scenario, from);
  recorded.push(...exchanges);
  return exchanges;
}

/** Checks every exchange; returns one line per failure (empty when all re-encode byte for byte). */
function failures(exchanges: readonly Exchange[]): string[] {
  const out: string[] = [];
  for (const exchange of exchanges) {
    try {
      checkExchange(exchange);
    } catch (error) {
      out.push(`${exchange.scenario} ${apiName(exchange.apiKey)} v${exchange.apiVersion}: ${(error as Error).message}`);
    }
  }
  return out;
}

const apis = (exchanges: readonly Exchange[]) => [
  ...new Set(exchanges.map((e) => `${apiName(e.apiKey)} v${e.apiVersion}`)),
];

/** The codecs of the batches in the Produce requests among `exchanges`. */
function producedCodecs(exchanges: readonly Exchange[]): number[] {
  return exchanges.filter((e) => e.apiKey === ApiKey.Produce).flatMap((e) => batchCodecsOf(checkExchange(e)) ?? []);
}

function kafkajs(): Kafka {
  return new Kafka({
    clientId: "csp-kit-captures",
    brokers: [`127.0.0.1:${proxy.port}`],
    logLevel: logLevel.NOTHING,
    retry: { retries: 10, initialRetryTime: 100 },
  });
}

beforeAll(async () => {
  const target = kafkaBootstrap();
  proxy = await startRecordingProxy({ target, rewriteResponse: pointAtProxy(target, () => proxy.port) });
});

afterAll(async () => {
  await proxy?.close();
  if (writeFixtures && recorded.length > 0) saveFixtures();
});

describe("kafkajs 2.2.4 through the recording proxy", () => {
  test("admin createTopics: every frame decodes and re-encodes byte for byte", async () => {
    const exchanges = await capture("kafkajs", "kafkajs admin createTopics", async () => {
      const admin = kafkajs().admin();
      await admin.connect();
      try {
        expect(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true })).toBe(true);
      } finally {
        await admin.disconnect();
      }
    });
    expect(apis(exchanges)).toEqual(expect.arrayContaining(["ApiVersions v2", "CreateTopics v3"]));
    expect(failures(exchanges)).toEqual([]);
  });

  for (const [name, compression] of [
    ["plain", CompressionTypes.None],
    ["gzip", CompressionTypes.GZIP],
  ] as const) {
    test(`producer (${name}): every frame decodes and re-encodes byte for byte`, async () => {
      const exchanges = await capture("kafkajs", `kafkajs producer ${name}`, async () => {
        const producer = kafkajs().producer({ allowAutoTopicCreation: false });
        await producer.connect();
        try {
          const messages = [0, 1, 2].map((i) => ({ key: `kjs-${name}-${i}`, value: `kafkajs ${name} ${i}` }));
          const [result] = await producer.send({ topic, compression, messages });
          expect(result?.errorCode).toBe(0);
        } finally {
          await producer.disconnect();
        }
      });
      expect(apis(exchanges)).toEqual(expect.arrayContaining(["Metadata v6", "Produce v7"]));
      expect(failures(exchanges)).toEqual([]);
      expect(producedCodecs(exchanges)).toEqual([
        compression === CompressionTypes.GZIP ? COMPRESSION.gzip : COMPRESSION.none,
      ]);
    });
  }
});

describe("kcat (librdkafka) through the recording proxy", () => {
  test("kcat -L: every frame decodes and re-encodes byte for byte", async () => {
    const exchanges = await capture("kcat", "kcat -L", async () => {
      const result = await kcat(["-L", "-b", `127.0.0.1:${proxy.port}`, "-t", topic]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.toString()).toContain(`at 127.0.0.1:${proxy.port}`);
    });
    expect(apis(exchanges)).toEqual(expect.arrayContaining(["ApiVersions v3", "Metadata v4"]));
    expect(failures(exchanges)).toEqual([]);
  });

  for (const codec of CODECS) {
    test(`kcat -P -z ${codec}: every frame re-encodes byte for byte, and the batch really is ${codec}`, async () => {
      // Values that compress well: librdkafka sends a batch uncompressed when compressing does not make it smaller.
      const input = [0, 1, 2].map((i) => `kcat-${codec}-${i}:kcat ${codec} line ${i} ${FILLER}`);
      const exchanges = await capture("kcat", `kcat -P -z ${codec}`, async () => {
        const result = await kcat(
          ["-P", "-b", `127.0.0.1:${proxy.port}`, "-t", topic, "-K:", "-z", codec],
          `${input.join("\n")}\n`,
        );
        expect(result.code, result.stderr).toBe(0);
      });
      lines.push(...input);
      expect(apis(exchanges)).toContain("Produce v7");
      expect(failures(exchanges)).toEqual([]);
      // librdkafka may cut the three lines into more than one batch; every one must carry the codec.
      const codecs = producedCodecs(exchanges);
      expect(codecs.length).toBeGreaterThan(0);
      expect(new Set(codecs)).toEqual(new Set([COMPRESSION[codec]]));
    });
  }

  test("kcat -P with enable.idempotence=true: InitProducerId and an idempotent batch, byte for byte", async () => {
    const input = [0, 1].map((i) => `kcat-idempotent-${i}:kcat idempotent line ${i}`);
    const exchanges = await capture("kcat", "kcat -P -X enable.idempotence=true", async () => {
      const args = ["-P", "-b", `127.0.0.1:${proxy.port}`, "-t", topic, "-K:", "-X", "enable.idempotence=true"];
      const result = await kcat(args, `${input.join("\n")}\n`);
      expect(result.code, result.stderr).toBe(0);
    });
    lines.push(...input);
    expect(apis(exchanges)).toEqual(expect.arrayContaining(["InitProducerId v4", "Produce v7"]));
    expect(failures(exchanges)).toEqual([]);
    const produce = exchanges.filter((e) => e.apiKey === ApiKey.Produce).map((e) => checkExchange(e).request);
    const batch = produce.flatMap((r) => (r.apiKey === ApiKey.Produce ? r.body.topicData : []))[0]?.partitionData[0]
      ?.records;
    // The batch carries a real producer id (bytes 43..50) and base sequence 0 (bytes 53..56).
    const header = new DataView(batch!.buffer, batch!.byteOffset, batch!.byteLength);
    expect(header.getBigInt64(43)).toBeGreaterThanOrEqual(0n);
    expect(header.getInt32(53)).toBe(0);
  });

  test("kcat -C -e reads back every line kcat wrote; every frame re-encodes byte for byte", async () => {
    const exchanges = await capture("kcat", "kcat -C -e", async () => {
      const args = ["-C", "-b", `127.0.0.1:${proxy.port}`, "-t", topic, "-o", "beginning", "-e", "-f", "%k:%s\\n"];
      const result = await kcat(args);
      expect(result.code, result.stderr).toBe(0);
      const out = result.stdout
        .toString()
        .split("\n")
        .filter((l) => l.startsWith("kcat-"));
      expect(out).toEqual(lines);
    });
    expect(apis(exchanges)).toEqual(expect.arrayContaining(["ListOffsets v2", "Fetch v11"]));
    expect(failures(exchanges)).toEqual([]);
    // kcat's Fetch answers carried every codec.
    const fetched = exchanges
      .filter((e) => e.apiKey === ApiKey.Fetch)
      .flatMap((e) => batchCodecsOf(checkExchange(e)) ?? []);
    expect(new Set(fetched)).toEqual(new Set([0, 1, 2, 3, 4]));
  });

  test("every request of the run was answered, but for the long-poll kcat -C leaves in flight when it exits", () => {
    expect(recorded.length).toBeGreaterThan(20);
    const unanswered = recorded.filter((e) => e.response === null).map((e) => `${e.scenario}: ${apiName(e.apiKey)}`);
    expect(unanswered.length).toBeLessThanOrEqual(1);
    for (const what of unanswered) expect(what).toBe("kcat -C -e: Fetch");
  });
});

/** Writes the fixture files: per client, the smallest answered exchange of each API, version and batch codecs. */
function saveFixtures(): void {
  const dir = new URL("../fixtures/captures/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  const banner = execFileSync(process.env.CSP_KIT_KCAT ?? "kcat", ["-V"], { encoding: "utf8" });
  const parsed = /Version (\S+) .*librdkafka (\S+)/.exec(banner);
  const kcatVersion = parsed === null ? "kcat" : `kcat ${parsed[1]} (librdkafka ${parsed[2]})`;
  for (const client of ["kcat", "kafkajs"]) {
    const chosen = new Map<string, { size: number; entry: FixtureExchange }>();
    for (const exchange of recorded.filter((e) => e.client === client)) {
      if (exchange.response === null) continue;
      const codecs = batchCodecsOf(checkExchange(exchange));
      // Produce: one per scenario (each codec, and the idempotent batch); the rest: one per version and codecs.
      const scenario = exchange.apiKey === ApiKey.Produce ? exchange.scenario : "";
      const key = `${exchange.apiKey}/${exchange.apiVersion}/${codecs?.join(",") ?? ""}/${scenario}`;
      const size = exchange.request.length + (exchange.response?.length ?? 0);
      if (size > 16_384) continue;
      const best = chosen.get(key);
      if (best === undefined || size < best.size) chosen.set(key, { size, entry: toFixture(exchange, codecs) });
    }
    const fixture: CaptureFixture = {
      about:
        "Whole frames (size prefix included) as a real client sent them to a real Kafka broker and as the broker answered, " +
        "recorded by test/interop/captures.interop.test.ts (CSP_KIT_WRITE_CAPTURES=1): one answered exchange per API, " +
        "version and record-batch codecs seen (the smallest), and every Produce scenario. " +
        "test/captures.test.ts decodes and re-encodes each, byte for byte.",
      recorded:
        client === "kcat" ? `${kcatVersion} against Apache Kafka 4.1.1` : "kafkajs 2.2.4 against Apache Kafka 4.1.1",
      exchanges: [...chosen.values()]
        .map((c) => c.entry)
        .sort((a, b) => a.apiKey - b.apiKey || a.apiVersion - b.apiVersion || a.scenario.localeCompare(b.scenario)),
    };
    // Number arrays on one line, as biome formats JSON.
    const json = JSON.stringify(fixture, null, 2).replace(
      /\[\n\s+([\d,\s]+?)\n\s+\]/g,
      (_, nums: string) => `[${nums.split(/,\s*/).join(", ")}]`,
    );
    writeFileSync(new URL(`${client}.json`, dir), `${json}\n`);
  }
}
