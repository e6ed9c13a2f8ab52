/**
 * Fuzzing every message decoder at every version, body decoders and whole
 * frames (decodeRequest / decodeResponse) alike, with random frames and with
 * mutations of valid encodings: bit flips, truncations, inserted and deleted
 * bytes, and huge counts written over the bytes.
 *
 * For every input: nothing but a ProtocolError is thrown; a decode that
 * succeeds holds no more array elements (all arrays together) and no longer
 * byte field than the frame has bytes (so no count in the frame made the
 * decoder allocate past what the frame holds), and re-encodes to bytes that
 * decode and re-encode to themselves. Every decode returns (a hang would time
 * the test out): the interpreter's loops are bounded by the frame's bytes.
 *
 * Runs: 100,000 inputs by default (about 10 s on a loaded 2-core machine),
 * times CSP_KIT_FUZZ_RUNS (e.g. 10 for a million in CI's interop tier).
 */

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  isProtocolError,
  type MessageApiKey,
  type MessageCodec,
  ProtocolError,
  REQUEST_CODECS,
  RESPONSE_CODECS,
  Reader,
  Writer,
} from "../../src/index.js";
import { messageArbitrary } from "../messages/arbitrary.js";
import { versionsOf } from "../messages/round-trip.js";

const MULTIPLIER = Number(process.env.CSP_KIT_FUZZ_RUNS ?? "1");
const RUNS = Math.max(1, Math.round(100_000 * (Number.isFinite(MULTIPLIER) && MULTIPLIER > 0 ? MULTIPLIER : 1)));
const SAMPLES_PER_VERSION = 3;

/** One decoder under test, with valid inputs to mutate. */
interface Target {
  readonly name: string;
  readonly corpus: readonly Uint8Array[];
  /** Decodes an input; returns the value, and a function that re-encodes it (for the stability check). */
  readonly decode: (bytes: Uint8Array) => unknown;
  readonly reencode: (value: unknown) => Uint8Array;
}

const codecs = [...Object.values(REQUEST_CODECS), ...Object.values(RESPONSE_CODECS)] as MessageCodec<unknown>[];

function bodyTarget(codec: MessageCodec<unknown>, version: number, values: readonly unknown[]): Target {
  const encode = (value: unknown): Uint8Array => {
    const w = new Writer(64);
    codec.encode(w, version, value);
    return w.finish().slice();
  };
  return {
    name: `${codec.name} v${version}`,
    corpus: values.map(encode),
    decode: (bytes) => {
      const r = new Reader(bytes);
      const value = codec.decode(r, version);
      r.complete(codec.name);
      return value;
    },
    reencode: encode,
  };
}

function frameTarget(codec: MessageCodec<unknown>, version: number, values: readonly unknown[]): Target {
  const apiKey = codec.apiKey as MessageApiKey;
  if (codec.type === "request") {
    const encode = (req: unknown): Uint8Array => {
      const { header, body } = req as { header: never; body: never };
      return encodeRequest(header, body).slice(4);
    };
    return {
      name: `decodeRequest(${codec.name} v${version})`,
      corpus: values.map((body, i) =>
        encode({ header: { apiKey, apiVersion: version, correlationId: i, clientId: i % 2 ? null : "fuzz" }, body }),
      ),
      decode: (bytes) => decodeRequest(bytes),
      reencode: encode,
    };
  }
  const encode = (res: unknown): Uint8Array => {
    const { correlationId, body } = res as { correlationId: number; body: never };
    return encodeResponse(apiKey, version, correlationId, body).slice(4);
  };
  return {
    name: `decodeResponse(${codec.name} v${version})`,
    corpus: values.map((body, i) => encode({ correlationId: i, body })),
    decode: (bytes) => decodeResponse(apiKey, version, bytes),
    reencode: encode,
  };
}

const targets: Target[] = [];
for (const codec of codecs) {
  for (const version of versionsOf(codec)) {
    const values = fc.sample(messageArbitrary(codec.schema, version, { maxArray: 2, maxString: 6, maxBytes: 12 }), {
      numRuns: SAMPLES_PER_VERSION,
      seed: codec.apiKey * 100 + version,
    });
    targets.push(bodyTarget(codec, version, values));
    targets.push(frameTarget(codec, version, values));
  }
}

const HUGE = [0x7fffffff, 0xffffffff, 0x80000000, 0x00ffffff, 0x7fff0000];

type Mutation =
  | { kind: "flip"; bits: number[] }
  | { kind: "truncate"; at: number }
  | { kind: "insert"; at: number; bytes: Uint8Array }
  | { kind: "delete"; at: number; n: number }
  | { kind: "count"; at: number; value: number; varint: boolean }
  | { kind: "random"; bytes: Uint8Array };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), bits: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), n: fc.integer({ min: 1, max: 8 }) }),
  fc.record({
    kind: fc.constant("count" as const),
    at: fc.nat(),
    value: fc.constantFrom(...HUGE),
    varint: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("random" as const), bytes: fc.uint8Array({ maxLength: 64 }) }),
);

function mutate(base: Uint8Array, m: Mutation): Uint8Array {
  const n = base.length;
  switch (m.kind) {
    case "flip": {
      const out = base.slice();
      if (n > 0) for (const bit of m.bits) out[(bit >>> 3) % n]! ^= 1 << (bit & 7);
      return out;
    }
    case "truncate":
      return base.slice(0, n === 0 ? 0 : m.at % n);
    case "insert": {
      const at = m.at % (n + 1);
      return new Uint8Array([...base.subarray(0, at), ...m.bytes, ...base.subarray(at)]);
    }
    case "delete": {
      const at = n === 0 ? 0 : m.at % n;
      return new Uint8Array([...base.subarray(0, at), ...base.subarray(at + m.n)]);
    }
    case "count": {
      const out = base.slice();
      const at = n === 0 ? 0 : m.at % n;
      const word = m.varint
        ? [0x80 | (m.value & 0x7f), 0xff, 0xff, 0xff, 0x0f] // an unsigned varint near 2**32
        : [m.value >>> 24, (m.value >>> 16) & 255, (m.value >>> 8) & 255, m.value & 255];
      for (let i = 0; i < word.length && at + i < n; i++) out[at + i] = word[i]!;
      return out;
    }
    case "random":
      return m.bytes;
  }
}

/**
 * How much the decoder allocated from counts and lengths in the frame: the
 * elements of all arrays together, or the longest byte field if larger. Every
 * element takes at least one byte of the frame that no nested element shares
 * (its own count, length or fixed-size field), so a decoder that allocates
 * only what the frame holds never exceeds the frame's length. Strings are left
 * out: an absent uuid field's default is a 22-character string in any frame.
 */
function allocated(value: unknown): number {
  if (value instanceof Uint8Array) return value.length;
  if (Array.isArray(value)) {
    let total = value.length;
    for (const v of value) total += allocated(v);
    return total;
  }
  if (typeof value === "object" && value !== null) {
    let total = 0;
    for (const v of Object.values(value)) total += allocated(v);
    return total;
  }
  return 0;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

describe("every decoder, fed random and mutated frames", () => {
  it(`throws only ProtocolError, allocates no more than the frame holds, and is stable (${RUNS} inputs)`, () => {
    let decoded = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.nat({ max: targets.length - 1 }), fc.nat(), mutation, (t, pick, m) => {
        const target = targets[t]!;
        const input = mutate(target.corpus[pick % target.corpus.length]!, m);
        let value: unknown;
        try {
          value = target.decode(input);
        } catch (e) {
          if (!(e instanceof ProtocolError) || !isProtocolError(e)) {
            throw new Error(`${target.name}: a ${String(e)} escaped for input ${hex(input)}`);
          }
          refused++;
          return;
        }
        decoded++;
        const n = allocated(value);
        if (n > input.length) {
          throw new Error(
            `${target.name}: ${n} elements and bytes decoded from a ${input.length}-byte frame ${hex(input)}`,
          );
        }
        // What decoded re-encodes, and that encoding is a fixed point (the bytes may differ from the
        // input's: bools normalise to 0/1, unknown tags and default-valued tagged fields drop).
        const once = target.reencode(value);
        const twice = target.reencode(target.decode(once));
        if (!sameBytes(once, twice)) throw new Error(`${target.name}: re-encoding is not stable for ${hex(input)}`);
      }),
      { numRuns: RUNS, seed: 20261203 },
    );
    // Both outcomes must be exercised, or the mutations are too weak (or too strong) to test anything.
    expect(decoded).toBeGreaterThan(RUNS / 100);
    expect(refused).toBeGreaterThan(RUNS / 2);
  });

  it("covers every API, version and direction, as bodies and as frames", () => {
    let expected = 0;
    for (const codec of codecs) expected += 2 * (codec.maxVersion - codec.minVersion + 1);
    expect(targets.length).toBe(expected);
    expect(new Set(targets.map((t) => t.name)).size).toBe(targets.length);
  });
});
