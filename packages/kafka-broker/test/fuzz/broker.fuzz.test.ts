/**
 * Fuzzing a running broker over TCP: 10,000 frames (times
 * CSP_KIT_FUZZ_RUNS), random bytes and mutations of valid requests of every
 * served API at every served version: bit flips, overwritten bytes,
 * truncations, insertions, wrong size prefixes, wrong versions, corrupted
 * record batches. Frames go 20 to a connection, each connection ended with
 * an ApiVersions request and the end of its stream, so the broker has dealt
 * with every frame before the next connection opens.
 *
 * For every connection: the broker answers or closes it, and logs no
 * internal error (a handler that threw). After all of them: the broker
 * still runs, every record acknowledged before the fuzzing is at its
 * offset, and a normal client produces and fetches as usual.
 */

import { connect } from "node:net";
import {
  ApiKey,
  crc32c,
  decodeRecordBatches,
  encodeRequest,
  type MessageApiKey,
  REQUEST_CODECS,
  type RequestBodies,
} from "@csp-kit/kafka-protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ADVERTISED_VERSIONS } from "../../src/internal/server/versions.js";
import { useBrokers } from "../support/broker.js";
import { batchOf, fetchBody, listOffsetsBody, metadataBody, produceBody, RawClient } from "../support/client.js";

const start = useBrokers();
const MULTIPLIER = Number(process.env.CSP_KIT_FUZZ_RUNS ?? "1");
const FRAMES = Math.max(20, Math.round(10_000 * (Number.isFinite(MULTIPLIER) && MULTIPLIER > 0 ? MULTIPLIER : 1)));
const PER_CONNECTION = 20;
const PROTECTED = "acked-data-0";
const text = new TextDecoder();

/** A valid request of every served API at every served version (size prefix included). */
function seeds(): Uint8Array[] {
  const out: Uint8Array[] = [];
  let correlationId = 1;
  const add = <K extends MessageApiKey>(apiKey: K, version: number, body: RequestBodies[K]) => {
    out.push(encodeRequest({ apiKey, apiVersion: version, correlationId: correlationId++, clientId: "fuzz" }, body));
  };
  for (const { apiKey, minVersion, maxVersion } of ADVERTISED_VERSIONS) {
    for (let v = minVersion; v <= maxVersion; v++) {
      const key = apiKey as MessageApiKey;
      if (key === ApiKey.Produce) {
        if (v < 3) continue;
        const body = produceBody("scratch", v % 3, batchOf(["fuzz", "seed"]));
        add(ApiKey.Produce, v, body);
        add(ApiKey.Produce, v, { ...body, acks: v % 2 === 0 ? 0 : 1 });
      } else if (key === ApiKey.Fetch) {
        add(ApiKey.Fetch, v, fetchBody(v >= 13 ? "" : PROTECTED, 0, 0n, { maxWaitMs: 0 }));
      } else if (key === ApiKey.ListOffsets) {
        add(ApiKey.ListOffsets, v, listOffsetsBody(PROTECTED, 0, BigInt(-1 - (v % 3))));
      } else if (key === ApiKey.Metadata) {
        add(ApiKey.Metadata, v, metadataBody(v === 0 ? [PROTECTED] : [PROTECTED, "scratch"]));
      } else if (key === ApiKey.CreateTopics) {
        const body = REQUEST_CODECS[ApiKey.CreateTopics].defaults(v);
        body.topics = [{ name: `made-${v}`, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }];
        add(ApiKey.CreateTopics, v, body);
      } else if (key === ApiKey.DeleteTopics) {
        const body = REQUEST_CODECS[ApiKey.DeleteTopics].defaults(v);
        if (v >= 6) body.topics = [{ name: "victim", topicId: "AAAAAAAAAAAAAAAAAAAAAA" }];
        else body.topicNames = ["victim"];
        add(ApiKey.DeleteTopics, v, body);
      } else {
        add(key, v, REQUEST_CODECS[key].defaults(v) as never);
      }
    }
  }
  return out;
}

const SEEDS = seeds();

/** A mutation of one frame. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat(), fixSize: fc.boolean() }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant("size" as const), value: fc.integer({ min: -2_000_000, max: 2_000_000 }) }),
  fc.record({ kind: fc.constant("version" as const), value: fc.integer({ min: -1, max: 40 }) }),
  fc.record({ kind: fc.constant("count" as const), at: fc.nat(), value: fc.integer() }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(frame: Uint8Array, m: Mutation): Uint8Array {
  let b = frame.slice();
  const view = () => new DataView(b.buffer, b.byteOffset, b.byteLength);
  const fixSize = () => view().setInt32(0, b.length - 4);
  switch (m.kind) {
    case "flip":
      if (b.length > 0) b[m.at % b.length] = b[m.at % b.length]! ^ (1 << m.bit);
      break;
    case "set":
      if (b.length > 0) b[m.at % b.length] = m.value;
      break;
    case "truncate":
      b = b.slice(0, m.at % (b.length + 1));
      if (m.fixSize && b.length >= 4) fixSize();
      break;
    case "insert": {
      const at = Math.min(b.length, 4 + (m.at % Math.max(1, b.length - 3)));
      const out = new Uint8Array(b.length + m.bytes.length);
      out.set(b.subarray(0, at));
      out.set(m.bytes, at);
      out.set(b.subarray(at), at + m.bytes.length);
      b = out;
      if (b.length >= 4) fixSize();
      break;
    }
    case "size":
      if (b.length >= 4) view().setInt32(0, m.value);
      break;
    case "version":
      if (b.length >= 8) view().setInt16(6, m.value);
      break;
    case "count":
      if (b.length >= 8) view().setInt32(4 + (m.at % (b.length - 7)), m.value);
      break;
  }
  return b;
}

/** A Produce request whose batch is valid except for one corrupted byte (the CRC is recomputed half the time). */
const corruptProduce = fc
  .record({
    at: fc.nat(),
    value: fc.integer({ min: 0, max: 255 }),
    recrc: fc.boolean(),
    version: fc.integer({ min: 3, max: 11 }),
  })
  .map(({ at, value, recrc, version }) => {
    const batch = batchOf(["corrupt", "me"]);
    batch[at % batch.length] = value;
    if (recrc && batch.length > 21) new DataView(batch.buffer).setUint32(17, crc32c(batch.subarray(21)));
    return encodeRequest(
      { apiKey: ApiKey.Produce, apiVersion: version, correlationId: 9, clientId: "fuzz" },
      produceBody("scratch", 0, batch),
    );
  });

const frameArbitrary: fc.Arbitrary<Uint8Array> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .tuple(fc.constantFrom(...SEEDS), fc.array(mutation, { minLength: 1, maxLength: 4 }))
      .map(([seed, ms]) => ms.reduce((f, m) => mutate(f, m), seed)),
  },
  { weight: 1, arbitrary: fc.constantFrom(...SEEDS) },
  { weight: 2, arbitrary: corruptProduce },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ maxLength: 64 }).map((body) => {
      const f = new Uint8Array(4 + body.length);
      new DataView(f.buffer).setInt32(0, body.length);
      f.set(body, 4);
      return f;
    }),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 32 }) },
);

const PROBE = encodeRequest(
  { apiKey: ApiKey.ApiVersions, apiVersion: 0, correlationId: 424242, clientId: "probe" },
  REQUEST_CODECS[ApiKey.ApiVersions].defaults(0),
);

/**
 * Sends `frames` then the probe on a fresh connection, ends the stream, and
 * resolves with how many bytes came back once the broker has closed it.
 */
function fuzzConnection(port: number, frames: readonly Uint8Array[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port }, () => {
      for (const f of frames) socket.write(f);
      socket.write(PROBE);
      socket.end();
    });
    let received = 0;
    socket.on("data", (chunk: Buffer) => {
      received += chunk.length;
    });
    socket.on("error", () => {}); // a reset is one of the broker's answers
    socket.on("close", () => resolve(received));
    socket.setTimeout(20_000, () => reject(new Error("the broker neither answered nor closed a fuzzed connection")));
  });
}

describe("the broker under fuzzed frames", () => {
  it(`never crashes, never throws in a handler, keeps acknowledged data, and serves a client after ${FRAMES} frames`, async () => {
    const { broker, port, log } = await start({ maxFrameBytes: 1 << 20 });
    broker.createTopic(PROTECTED, { partitions: 3 });
    broker.createTopic("scratch", { partitions: 3 });
    broker.createTopic("victim");
    const good = await RawClient.connect(port);
    const acked: { partition: number; offset: bigint; value: string }[] = [];
    for (let i = 0; i < 30; i++) {
      const partition = i % 3;
      const value = `acked-${i}`;
      const r = await good.request(ApiKey.Produce, 7, produceBody(PROTECTED, partition, batchOf([value])));
      const p = r.responses[0]!.partitionResponses[0]!;
      expect(p.errorCode).toBe(0);
      acked.push({ partition, offset: p.baseOffset, value });
    }
    good.close();

    let answered = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(frameArbitrary, { minLength: PER_CONNECTION, maxLength: PER_CONNECTION }),
        async (frames) => {
          if ((await fuzzConnection(port, frames)) > 0) answered++;
          const internal = log.filter((e) => e.level === "error");
          expect(internal, JSON.stringify(internal.slice(0, 2))).toEqual([]);
        },
      ),
      { numRuns: Math.ceil(FRAMES / PER_CONNECTION), seed: 20_260_101 },
    );

    // The fuzz reached both sides: connections closed for bad input, and requests answered.
    const reasons = log.filter((e) => e.message === "connection closed" && e.level === "warn");
    expect(reasons.length).toBeGreaterThan(FRAMES / PER_CONNECTION / 2);
    expect(reasons.some((e) => /^malformed .* request/.test(String(e.details.reason)))).toBe(true);
    expect(reasons.some((e) => /^malformed frame/.test(String(e.details.reason)))).toBe(true);
    expect(answered).toBeGreaterThan(0); // some connections got responses
    const scratch = broker.stats().topics.find((t) => t.name === "scratch")!;
    expect(scratch.partitions.some((p) => p.highWatermark > 0)).toBe(true); // and fuzzed produces were appended
    const client = await RawClient.connect(port);
    for (const partition of [0, 1, 2]) {
      const r = await client.request(ApiKey.Fetch, 11, fetchBody(PROTECTED, partition, 0n));
      const { batches } = await decodeRecordBatches(r.responses[0]!.partitions[0]!.records!);
      const at = new Map<bigint, string>();
      for (const b of batches)
        for (const x of b.records) at.set(b.baseOffset + BigInt(x.offsetDelta), text.decode(x.value!));
      for (const a of acked.filter((x) => x.partition === partition)) expect(at.get(a.offset)).toBe(a.value);
    }
    const after = await client.request(ApiKey.Produce, 7, produceBody(PROTECTED, 0, batchOf(["after the storm"])));
    expect(after.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
    client.close();
  }, 120_000);
});
