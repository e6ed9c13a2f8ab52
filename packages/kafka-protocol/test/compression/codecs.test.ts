import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { CompressionCodec } from "../../src/compression/codec.js";
import { gzipCodec } from "../../src/compression/gzip.js";
import { lz4Codec, lz4FrameBound } from "../../src/compression/lz4.js";
import { snappyCodec } from "../../src/compression/snappy.js";
import { zstdCodec, zstdFrameBound } from "../../src/compression/zstd.js";
import { isProtocolError, type ProtocolError } from "../../src/errors.js";

const codecs: CompressionCodec[] = [gzipCodec, snappyCodec, lz4Codec, zstdCodec];
const sample = new TextEncoder().encode("hello kafka ".repeat(5000));

async function failure(p: Promise<unknown> | (() => unknown)): Promise<ProtocolError> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (error) {
    expect(isProtocolError(error)).toBe(true);
    return error as ProtocolError;
  }
  throw new Error("expected a ProtocolError");
}

describe.each(codecs.map((c) => [c.name, c] as const))("the %s codec", (_name, codec) => {
  it("round-trips data, empty data included", async () => {
    for (const data of [sample, new Uint8Array(0), Uint8Array.of(1, 2, 3)]) {
      const packed = await codec.compress(data);
      expect([...(await codec.decompress(packed, data.length))]).toEqual([...data]);
    }
  });

  it("shrinks repetitive data", async () => {
    expect((await codec.compress(sample)).length).toBeLessThan(sample.length / 4);
  });

  it("refuses to decompress past the cap, with a too-large ProtocolError", async () => {
    const packed = await codec.compress(sample);
    const error = await failure(codec.decompress(packed, sample.length - 1));
    expect(error.kind).toBe("too-large");
  });

  it("turns corrupt input into a ProtocolError, never the library's own error", async () => {
    const packed = Uint8Array.from(await codec.compress(sample));
    for (const at of [0, 1, 4, 7, Math.floor(packed.length / 2), packed.length - 1]) {
      const bad = Uint8Array.from(packed);
      bad[at]! ^= 0x5a;
      try {
        const out = await codec.decompress(bad, sample.length);
        expect(out.length).toBeLessThanOrEqual(sample.length);
      } catch (error) {
        expect(isProtocolError(error)).toBe(true);
      }
    }
    await failure(codec.decompress(packed.subarray(0, packed.length >> 1), sample.length));
  });
});

describe("gzip", () => {
  it("reads a gzip member written by another implementation and honours the level", async () => {
    expect([...(await gzipCodec.decompress(gzipSync(sample, { level: 9 }), sample.length))]).toEqual([...sample]);
    const fast = await gzipCodec.compress(sample, 1);
    const best = await gzipCodec.compress(sample, 9);
    expect(best.length).toBeLessThanOrEqual(fast.length);
  });
});

describe("frame bounds (read from headers, no decompression)", () => {
  it("bound lz4 frames from above, tightly for honest data", async () => {
    const packed = await lz4Codec.compress(sample);
    const bound = lz4FrameBound(packed);
    expect(bound).toBeGreaterThanOrEqual(sample.length);
    expect(bound).toBeLessThanOrEqual(4 * 1024 * 1024);
  });

  it("bound zstd frames from above", async () => {
    const packed = await zstdCodec.compress(sample);
    expect(zstdFrameBound(packed)).toBeGreaterThanOrEqual(sample.length);
  });

  it("refuse an lz4 bomb before decompressing: compressed blocks that may expand 255-fold", async () => {
    const frame = Uint8Array.of(0x04, 0x22, 0x4d, 0x18, 0x60, 0x70, 0x73); // 4 MiB blocks
    expect((await failure(() => lz4FrameBound(frame))).kind).toBe("invalid-value"); // no EndMark
    const one = new Uint8Array(7 + 4 + 16 + 4);
    one.set(frame);
    new DataView(one.buffer).setUint32(7, 16, true); // one compressed block of 16 bytes
    expect(lz4FrameBound(one)).toBe(16 * 255 + 64);
    // Three compressed blocks of 20,000 bytes: each bounded by the 4 MiB block maximum.
    const blocks = 3;
    const big = new Uint8Array(7 + blocks * (4 + 20_000) + 4);
    big.set(frame);
    for (let i = 0; i < blocks; i++) new DataView(big.buffer).setUint32(7 + i * 20_004, 20_000, true);
    expect(lz4FrameBound(big)).toBe(blocks * 4 * 1024 * 1024);
    expect((await failure(lz4Codec.decompress(big, 1024 * 1024))).kind).toBe("too-large");
  });

  it("refuse a zstd bomb made of RLE blocks before decompressing", async () => {
    // Magic, FHD 0 (no content size, not single segment), window descriptor, then
    // 600 RLE blocks of 128 KiB each: 2,406 bytes that would expand to 75 MiB.
    const blocks = 600;
    const frame = new Uint8Array(4 + 2 + blocks * 4);
    new DataView(frame.buffer).setUint32(0, 0xfd2fb528, true);
    frame[4] = 0x00;
    frame[5] = 0x70;
    for (let i = 0; i < blocks; i++) {
      const header = ((1 << 17) << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0);
      frame[6 + i * 4] = header & 255;
      frame[7 + i * 4] = (header >> 8) & 255;
      frame[8 + i * 4] = (header >> 16) & 255;
      frame[9 + i * 4] = 0x61;
    }
    expect(zstdFrameBound(frame)).toBe(blocks * (1 << 17));
    expect((await failure(zstdCodec.decompress(frame, 64 * 1024 * 1024))).kind).toBe("too-large");
  });

  it("reject malformed frames with invalid-value", async () => {
    const oversized = Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x70, 0x03, 0x00, 0x20, 0x61); // RLE of 2**18
    expect((await failure(() => zstdFrameBound(oversized))).kind).toBe("invalid-value");
    expect((await failure(() => lz4FrameBound(Uint8Array.of(1, 2, 3, 4, 5)))).kind).toBe("invalid-value");
    expect((await failure(() => zstdFrameBound(Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x08)))).kind).toBe(
      "invalid-value",
    );
    expect((await failure(() => zstdFrameBound(new Uint8Array(0)))).kind).toBe("invalid-value");
  });
});
