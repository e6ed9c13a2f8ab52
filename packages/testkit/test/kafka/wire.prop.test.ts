/**
 * FrameSplitter against a model: however a stream of frames is cut into chunks,
 * the splitter returns exactly those frames, in order, and holds only the tail.
 */

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { isFrameSizeError } from "../../src/kafka/errors.js";
import {
  apiVersionsV0Request,
  FrameSplitter,
  parseApiVersionsV0Response,
  requestHeader,
} from "../../src/kafka/wire.js";

function frame(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setInt32(0, body.length);
  out.set(body, 4);
  return out;
}

/** Cuts `bytes` at the given fractions (sorted, deduplicated) into consecutive chunks. */
function cut(bytes: Uint8Array, fractions: readonly number[]): Uint8Array[] {
  const points = [...new Set(fractions.map((f) => Math.floor(f * bytes.length)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(at, point));
    at = point;
  }
  return chunks;
}

describe("FrameSplitter", () => {
  test("returns the frames of any chunking of a stream, in order, holding only the incomplete tail", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }),
        fc.uint8Array({ maxLength: 3 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }),
        (bodies, trailing, fractions) => {
          const frames = bodies.map(frame);
          const stream = new Uint8Array([...frames.flatMap((f) => [...f]), ...trailing]);
          const splitter = new FrameSplitter();
          const out = cut(stream, fractions).flatMap((chunk) => splitter.push(chunk));
          expect(out).toEqual(frames);
          expect(splitter.pending()).toBe(trailing.length);
        },
      ),
    );
  });

  test("rejects a negative size prefix with FrameSizeError", () => {
    const splitter = new FrameSplitter();
    let thrown: unknown;
    try {
      splitter.push(new Uint8Array([0xff, 0xff, 0xff, 0xfe]));
    } catch (error) {
      thrown = error;
    }
    expect(isFrameSizeError(thrown)).toBe(true);
    expect((thrown as Error).message).toMatch(/size -2/);
  });
});

describe("ApiVersions v0 by hand", () => {
  test("the request frame carries api key 18, version 0, the correlation id and the client id", () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.string({ maxLength: 40 }), (id, client) => {
        const bytes = apiVersionsV0Request(id, client);
        const view = new DataView(bytes.buffer);
        expect(view.getInt32(0)).toBe(bytes.length - 4);
        expect(requestHeader(bytes)).toEqual({ apiKey: 18, apiVersion: 0, correlationId: id });
        const length = view.getInt16(12);
        expect(new TextDecoder().decode(bytes.subarray(14, 14 + length))).toBe(client);
        expect(bytes.length).toBe(14 + length);
      }),
    );
  });

  test("the response parser reads the correlation id, error code and every range", () => {
    const body = [0, 0, 0, 9, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 11, 0, 18, 0, 0, 0, 4];
    const bytes = frame(new Uint8Array(body));
    expect(parseApiVersionsV0Response(bytes)).toEqual({
      correlationId: 9,
      errorCode: 0,
      apiKeys: [
        { apiKey: 0, minVersion: 0, maxVersion: 11 },
        { apiKey: 18, minVersion: 0, maxVersion: 4 },
      ],
    });
  });
});
