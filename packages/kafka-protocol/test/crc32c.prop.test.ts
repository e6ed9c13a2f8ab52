import { crc32c as nodeRsCrc32c } from "@node-rs/crc32";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crc32cJs } from "../src/index.js";

/** The textbook bit-at-a-time CRC-32C: the reference the table-driven code must equal. */
function bitwise(bytes: Uint8Array, previous = 0): number {
  let crc = ~previous >>> 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return ~crc >>> 0;
}

/** Bytes placed at a random offset inside a larger buffer, so word alignment varies. */
const bytesAtOffset = fc.tuple(fc.uint8Array({ maxLength: 2000 }), fc.nat({ max: 7 })).map(([b, off]) => {
  const host = new Uint8Array(b.length + off + 3);
  host.set(b, off);
  return host.subarray(off, off + b.length);
});
const uint32 = fc.integer({ min: 0, max: 0xffffffff });

describe("crc32c properties", () => {
  it("the JavaScript path equals the bit-at-a-time definition, at any offset and length", () => {
    fc.assert(
      fc.property(bytesAtOffset, uint32, (b, prev) => {
        expect(crc32cJs(b, prev)).toBe(bitwise(b, prev));
      }),
      { numRuns: 300 },
    );
  });

  it("splitting the input anywhere and chaining gives the same CRC", () => {
    fc.assert(
      fc.property(bytesAtOffset, fc.nat(), (b, at) => {
        const cut = b.length === 0 ? 0 : at % (b.length + 1);
        expect(crc32cJs(b.subarray(cut), crc32cJs(b.subarray(0, cut)))).toBe(crc32cJs(b));
      }),
      { numRuns: 300 },
    );
  });

  it("the JavaScript path and @node-rs/crc32 agree on random inputs and previous CRCs", () => {
    fc.assert(
      fc.property(fc.oneof(bytesAtOffset, fc.uint8Array({ minLength: 4096, maxLength: 70000 })), uint32, (b, prev) => {
        expect(crc32cJs(b, prev)).toBe(nodeRsCrc32c(b, prev));
      }),
      { numRuns: 300 },
    );
  });
});
