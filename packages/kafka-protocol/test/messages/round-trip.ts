/**
 * The round-trip properties every message codec must pass, at every version
 * it implements: for values derived from its schema, decode(encode(x)) deep-
 * equals x, and encode(decode(b)) is byte-identical to b.
 */

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type MessageCodec, Reader, Writer } from "../../src/index.js";
import { messageArbitrary } from "./arbitrary.js";

/** Every version a codec implements. */
export function versionsOf(codec: MessageCodec<unknown>): number[] {
  const out: number[] = [];
  for (let v = codec.minVersion; v <= codec.maxVersion; v++) out.push(v);
  return out;
}

/** Encodes `value` at `version` into fresh bytes. */
export function encodeBody<T>(codec: MessageCodec<T>, version: number, value: T): Uint8Array {
  const w = new Writer(16);
  codec.encode(w, version, value);
  return w.finish().slice();
}

/** Decodes a whole body (trailing bytes are an error). */
export function decodeBody<T>(codec: MessageCodec<T>, version: number, bytes: Uint8Array): T {
  const r = new Reader(bytes);
  const value = codec.decode(r, version);
  r.complete(codec.name);
  return value;
}

/** Registers the round-trip properties of `codecs` (a request codec and its response codec). */
export function roundTripSuite(codecs: readonly MessageCodec<unknown>[], numRuns = 60): void {
  for (const codec of codecs) {
    describe(`${codec.name} round trips`, () => {
      for (const version of versionsOf(codec)) {
        it(`v${version}: decode(encode(x)) equals x and encode(decode(b)) equals b`, () => {
          fc.assert(
            fc.property(messageArbitrary(codec.schema, version), (value) => {
              const bytes = encodeBody(codec, version, value);
              const back = decodeBody(codec, version, bytes);
              expect(back).toStrictEqual(value);
              expect(encodeBody(codec, version, back)).toEqual(bytes);
            }),
            { numRuns },
          );
        });
      }
    });
  }
}
