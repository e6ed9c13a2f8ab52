import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FrameSplitter, frame } from "../src/index.js";

/** The wire bytes of `bodies`, framed, and cut at the given positions. */
function chunked(bodies: Uint8Array[], cuts: number[]): Uint8Array[] {
  const framed = bodies.map(frame);
  const wire = new Uint8Array(framed.reduce((n, f) => n + f.length, 0));
  let o = 0;
  for (const f of framed) {
    wire.set(f, o);
    o += f.length;
  }
  const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, wire.length]) {
    chunks.push(wire.slice(prev, p)); // slice: each chunk its own buffer, as a socket's
    prev = p;
  }
  return chunks;
}

describe("FrameSplitter properties", () => {
  it("any chunking of a sequence of frames yields the same frames", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (bodies, cuts) => {
          const s = new FrameSplitter({ maxFrameBytes: 300 });
          const out = chunked(bodies, cuts).flatMap((c) => s.push(c));
          expect(out).toEqual(bodies);
          expect(s.pending).toBe(0);
          s.end();
        },
      ),
      { numRuns: 500 },
    );
  });

  it("a stream cut short anywhere inside a frame holds every complete frame before it and fails end() as truncated", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 50 }), { minLength: 1, maxLength: 6 }),
        fc.nat(),
        (bodies, at) => {
          const wire = chunked(bodies, [])[0] as Uint8Array;
          const cut = at % wire.length;
          const s = new FrameSplitter();
          const out = s.push(wire.subarray(0, cut));
          let boundary = 0;
          let whole = 0;
          for (const b of bodies) {
            if (boundary + 4 + b.length > cut) break;
            boundary += 4 + b.length;
            whole++;
          }
          expect(out).toEqual(bodies.slice(0, whole));
          if (boundary === cut) s.end();
          else expect(() => s.end()).toThrow(/stream ended inside a frame/);
        },
      ),
      { numRuns: 300 },
    );
  });
});
