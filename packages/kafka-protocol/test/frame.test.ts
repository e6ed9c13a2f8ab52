import { afterEach, describe, expect, it, vi } from "vitest";
import {
  beginFrame,
  DEFAULT_MAX_FRAME_BYTES,
  endFrame,
  FrameSplitter,
  frame,
  isProtocolError,
  type ProtocolError,
  Writer,
} from "../src/index.js";

const bytes = (...xs: number[]): Uint8Array => Uint8Array.from(xs);
const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const caught = (f: () => unknown): ProtocolError => {
  try {
    f();
  } catch (e) {
    expect(isProtocolError(e)).toBe(true);
    return e as ProtocolError;
  }
  throw new Error("expected a ProtocolError");
};

afterEach(() => vi.restoreAllMocks());

describe("FrameSplitter", () => {
  it("returns every frame body of a chunk, without the size prefix, in order", () => {
    const s = new FrameSplitter();
    const out = s.push(concat(frame(bytes(1, 2, 3)), frame(bytes()), frame(bytes(9))));
    expect(out).toEqual([bytes(1, 2, 3), bytes(), bytes(9)]);
    expect(s.pending).toBe(0);
  });

  it("returns a frame that lies whole inside one chunk as a view of that chunk (no copy)", () => {
    const chunk = frame(bytes(7, 7, 7));
    const [body] = new FrameSplitter().push(chunk);
    expect(body?.buffer).toBe(chunk.buffer);
    expect(body?.byteOffset).toBe(4);
  });

  it("keeps a partial frame across chunks, including a size prefix split in two", () => {
    const s = new FrameSplitter();
    const wire = concat(frame(bytes(1, 2, 3, 4, 5)), frame(bytes(6)));
    expect(s.push(wire.subarray(0, 2))).toEqual([]);
    expect(s.pending).toBe(2);
    expect(s.push(wire.subarray(2, 6))).toEqual([]);
    expect(s.pending).toBe(2);
    expect(s.push(wire.subarray(6, 11))).toEqual([bytes(1, 2, 3, 4, 5)]);
    expect(s.pending).toBe(2);
    expect(s.push(wire.subarray(11))).toEqual([bytes(6)]);
    expect(s.pending).toBe(0);
  });

  it("copies each byte of a frame split over 1,000 one-byte chunks once, not once per chunk", () => {
    const body = Uint8Array.from({ length: 1000 }, (_, i) => i & 255);
    const wire = frame(body);
    const s = new FrameSplitter();
    let copied = 0;
    const realSet = Uint8Array.prototype.set;
    vi.spyOn(Uint8Array.prototype, "set").mockImplementation(function (
      this: Uint8Array,
      src: ArrayLike<number>,
      offset?: number,
    ) {
      copied += src.length;
      realSet.call(this, src, offset);
    });
    const out: Uint8Array[] = [];
    for (let i = 0; i < wire.length; i++) out.push(...s.push(wire.subarray(i, i + 1)));
    vi.restoreAllMocks();
    expect(out).toEqual([body]);
    expect(copied).toBeLessThanOrEqual(body.length + 4);
  });

  it("refuses a size above maxFrameBytes with kind too-large before buffering the body, then refuses all input", () => {
    const s = new FrameSplitter({ maxFrameBytes: 10 });
    expect(s.push(frame(new Uint8Array(10)))).toHaveLength(1);
    const e = caught(() => s.push(bytes(0, 0, 0, 11)));
    expect(e.kind).toBe("too-large");
    expect(e.message).toMatch(/maxFrameBytes \(10\)/);
    expect(s.failed).toBe(true);
    const again = caught(() => s.push(bytes(0)));
    expect(again.kind).toBe("invalid-value");
    expect(again.message).toMatch(/failed earlier/);
    expect(again.cause).toBe(e);
  });

  it("refuses a negative size with kind invalid-value, also when the prefix arrives split", () => {
    const s = new FrameSplitter();
    expect(s.push(bytes(0xff, 0xff))).toEqual([]);
    const e = caught(() => s.push(bytes(0xff, 0xfe)));
    expect(e.kind).toBe("invalid-value");
    expect(e.message).toMatch(/negative \(-2\)/);
    expect(s.failed).toBe(true);
  });

  it("defaults to Kafka's 100 MiB socket.request.max.bytes and takes a frame of exactly that size prefix", () => {
    expect(DEFAULT_MAX_FRAME_BYTES).toBe(104857600);
    const s = new FrameSplitter();
    expect(s.maxFrameBytes).toBe(DEFAULT_MAX_FRAME_BYTES);
    expect(s.push(bytes(0x06, 0x40, 0x00, 0x00))).toEqual([]); // 104857600: accepted, waiting for the body
    expect(caught(() => new FrameSplitter().push(bytes(0x06, 0x40, 0x00, 0x01))).kind).toBe("too-large");
  });

  it("end() is fine between frames and throws kind truncated inside one", () => {
    const s = new FrameSplitter();
    s.push(frame(bytes(1)));
    expect(() => s.end()).not.toThrow();
    const t = new FrameSplitter();
    t.push(bytes(0, 0, 0, 5, 1, 2));
    const e = caught(() => t.end());
    expect(e.kind).toBe("truncated");
    expect(e.message).toMatch(/2 of a 5-byte frame/);
    const u = new FrameSplitter();
    u.push(bytes(0, 0));
    expect(caught(() => u.end()).message).toMatch(/2 of the 4 bytes/);
  });

  it("validates its options and its input", () => {
    for (const bad of [-1, 1.5, 2 ** 31, Number.NaN]) {
      expect(caught(() => new FrameSplitter({ maxFrameBytes: bad })).kind).toBe("invalid-value");
    }
    expect(caught(() => new FrameSplitter().push("abc" as never)).kind).toBe("invalid-value");
  });
});

describe("writing frames", () => {
  it("beginFrame/endFrame write the size prefix in place, and the splitter reads it back", () => {
    const w = new Writer(4);
    const a = beginFrame(w);
    w.int16(18);
    w.int32(7);
    endFrame(w, a);
    const b = beginFrame(w);
    w.string("x");
    endFrame(w, b);
    const wire = w.finish();
    expect(Array.from(wire.subarray(0, 4))).toEqual([0, 0, 0, 6]);
    expect(new FrameSplitter().push(wire)).toEqual([bytes(0, 18, 0, 0, 0, 7), bytes(0, 1, 0x78)]);
  });

  it("frame() prefixes a copy of the body with its big-endian size", () => {
    const body = new Uint8Array(300).fill(1);
    const f = frame(body);
    expect(Array.from(f.subarray(0, 4))).toEqual([0, 0, 1, 44]);
    expect(f.subarray(4)).toEqual(body);
    expect(caught(() => frame(null as never)).kind).toBe("invalid-value");
  });
});
