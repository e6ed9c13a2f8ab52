import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ApiKey,
  decodeRequestHeader,
  decodeResponseHeader,
  encodeRequestHeader,
  encodeResponseHeader,
  isProtocolError,
  Reader,
  type RequestHeader,
  Writer,
} from "../src/index.js";

const int32 = fc.integer({ min: -2147483648, max: 2147483647 });
const header: fc.Arbitrary<RequestHeader> = fc.record({
  apiKey: fc.constantFrom(...Object.values(ApiKey)),
  apiVersion: fc.integer({ min: 0, max: 32767 }),
  correlationId: int32,
  clientId: fc.option(fc.string({ unit: "grapheme", maxLength: 30 }), { nil: null }),
});

describe("header properties", () => {
  it("decode ∘ encode = identity for request headers (client id null in header v0)", () => {
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 8 }), (h, body) => {
        const w = new Writer(8);
        encodeRequestHeader(w, h);
        w.raw(body);
        const r = new Reader(w.finish());
        const v0 = h.apiKey === ApiKey.ControlledShutdown && h.apiVersion === 0;
        expect(decodeRequestHeader(r)).toEqual(v0 ? { ...h, clientId: null } : h);
        expect(r.remaining()).toBe(body.length);
      }),
      { numRuns: 500 },
    );
  });

  it("decode ∘ encode = identity for response headers", () => {
    fc.assert(
      fc.property(int32, fc.constantFrom(0 as const, 1 as const), (id, v) => {
        const w = new Writer(8);
        encodeResponseHeader(w, id, v);
        const r = new Reader(w.finish());
        expect(decodeResponseHeader(r, v)).toEqual({ correlationId: id });
        expect(r.remaining()).toBe(0);
      }),
    );
  });

  it("random bytes into decodeRequestHeader: a header or a ProtocolError, nothing else", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        try {
          decodeRequestHeader(new Reader(bytes));
        } catch (e) {
          expect(isProtocolError(e)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
