/**
 * Fuzzing the framing layer: random and mutated byte streams into
 * FrameSplitter (in random chunkings), decodeRequestHeader and
 * decodeResponseHeader.
 *
 * For every input: nothing but a ProtocolError is thrown; the splitter never
 * returns more bytes than it was given, never holds more than it was given,
 * and never returns a frame larger than maxFrameBytes; a decoded header
 * consumed no more bytes than the input has.
 *
 * Runs: 100,000 inputs per target by default, times CSP_KIT_FUZZ_RUNS.
 */

import fc from "fast-check";
import { describe, it } from "vitest";
import {
  ApiKey,
  decodeRequestHeader,
  decodeResponseHeader,
  encodeRequestHeader,
  FrameSplitter,
  frame,
  isProtocolError,
  Reader,
  Writer,
} from "../../src/index.js";

const MULTIPLIER = Number(process.env.CSP_KIT_FUZZ_RUNS ?? "1");
const RUNS = Math.max(1, Math.round(100_000 * (Number.isFinite(MULTIPLIER) && MULTIPLIER > 0 ? MULTIPLIER : 1)));

/** Valid headers (every header version) to mutate. */
const HEADERS: Uint8Array[] = [
  { apiKey: ApiKey.ApiVersions, apiVersion: 3, correlationId: 1, clientId: "rdkafka" },
  { apiKey: ApiKey.Metadata, apiVersion: 4, correlationId: 2, clientId: null },
  { apiKey: ApiKey.Fetch, apiVersion: 12, correlationId: 3, clientId: "consumer-1" },
  { apiKey: ApiKey.ControlledShutdown, apiVersion: 0, correlationId: 4, clientId: null },
].map((h) => {
  const w = new Writer(32);
  encodeRequestHeader(w, h);
  w.raw(Uint8Array.of(1, 2, 3));
  return w.finish().slice();
});

/** A stream of a few valid frames, to mutate. */
const STREAM = (() => {
  const parts = [frame(new Uint8Array(0)), frame(Uint8Array.of(1, 2, 3)), ...HEADERS.map(frame)];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
})();

/** A mutation of `base`: bit flips, a cut, inserted bytes, or a big-endian int32 written over it. */
const mutated = (base: Uint8Array): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 4 }).map((flips) => {
      const b = base.slice();
      for (const [at, bit] of flips) b[at % b.length] = (b[at % b.length] as number) ^ (1 << bit);
      return b;
    }),
    fc.nat().map((n) => base.slice(0, n % (base.length + 1))),
    fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([at, ins]) => {
      const cut = at % (base.length + 1);
      const b = new Uint8Array(base.length + ins.length);
      b.set(base.subarray(0, cut));
      b.set(ins, cut);
      b.set(base.subarray(cut), cut + ins.length);
      return b;
    }),
    fc.tuple(fc.nat(), fc.integer({ min: -2147483648, max: 2147483647 })).map(([at, v]) => {
      const b = base.slice();
      const o = at % Math.max(1, b.length - 3);
      if (b.length >= 4) new DataView(b.buffer).setInt32(o, v);
      return b;
    }),
  );

const input = (bases: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> =>
  fc.oneof(fc.uint8Array({ maxLength: 64 }), ...bases.map(mutated));

/** Generous: 100,000 runs take seconds alone, but this machine is shared. */
const TIMEOUT_MS = 240_000;

const onlyProtocolErrors = (f: () => void): void => {
  try {
    f();
  } catch (e) {
    if (!isProtocolError(e)) throw e;
  }
};

describe("fuzzing framing and headers", () => {
  it(
    `FrameSplitter: ${RUNS} random or mutated streams in random chunks`,
    () => {
      fc.assert(
        fc.property(input([STREAM]), fc.array(fc.nat(), { maxLength: 6 }), fc.nat({ max: 64 }), (bytes, cuts, max) => {
          const s = new FrameSplitter({ maxFrameBytes: max });
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          let pushed = 0;
          let returned = 0;
          onlyProtocolErrors(() => {
            let prev = 0;
            for (const p of [...points, bytes.length]) {
              const chunk = bytes.subarray(prev, p);
              prev = p;
              pushed += chunk.length;
              for (const f of s.push(chunk)) {
                if (f.length > max) throw new Error(`a ${f.length}-byte frame passed maxFrameBytes ${max}`);
                returned += f.length + 4;
              }
              if (returned + s.pending > pushed)
                throw new Error(`returned and held ${returned + s.pending} > pushed ${pushed}`);
            }
            s.end();
          });
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    `decodeRequestHeader: ${RUNS} random or mutated headers`,
    () => {
      fc.assert(
        fc.property(input(HEADERS), (bytes) => {
          onlyProtocolErrors(() => {
            const r = new Reader(bytes);
            decodeRequestHeader(r);
            if (r.offset > bytes.length) throw new Error("read past the input");
          });
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    `decodeResponseHeader: ${RUNS} random or mutated headers, both versions`,
    () => {
      const bases = [Uint8Array.of(0, 0, 0, 1), Uint8Array.of(0, 0, 0, 1, 1, 0, 2, 9, 9)];
      fc.assert(
        fc.property(input(bases), fc.constantFrom(0 as const, 1 as const), (bytes, v) => {
          onlyProtocolErrors(() => {
            decodeResponseHeader(new Reader(bytes), v);
          });
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );
});
