import { compress as rawSnappy } from "snappy";
import { describe, expect, it } from "vitest";
import { isXerialSnappy, snappyCodec, snappyDecompressedLength } from "../../src/compression/snappy.js";
import { isProtocolError } from "../../src/errors.js";

const XERIAL_HEADER = Uint8Array.of(0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1);

/** A xerial (snappy-java) stream: the header, then `int32 length, raw snappy` per chunk. */
async function xerial(chunks: Uint8Array[]): Promise<Uint8Array> {
  const parts: Uint8Array[] = [XERIAL_HEADER];
  for (const chunk of chunks) {
    const raw = await rawSnappy(chunk);
    const length = new Uint8Array(4);
    new DataView(length.buffer).setInt32(0, raw.length);
    parts.push(length, raw);
  }
  return Uint8Array.from(Buffer.concat(parts));
}

describe("snappy", () => {
  it("writes raw snappy, as librdkafka does (a uvarint length preamble, no xerial header)", async () => {
    const data = new TextEncoder().encode("x".repeat(300));
    const packed = await snappyCodec.compress(data);
    expect(isXerialSnappy(packed)).toBe(false);
    expect(snappyDecompressedLength(packed)).toBe(300);
  });

  it("reads the xerial framing the Java client writes, over several chunks", async () => {
    const a = new TextEncoder().encode("first chunk ".repeat(100));
    const b = new TextEncoder().encode("second ".repeat(50));
    const stream = await xerial([a, b]);
    expect(isXerialSnappy(stream)).toBe(true);
    const out = await snappyCodec.decompress(stream, 1 << 20);
    expect(Buffer.from(out).toString()).toBe(Buffer.from(a).toString() + Buffer.from(b).toString());
  });

  it("caps a xerial stream by the sum of its chunks' preambles", async () => {
    const stream = await xerial([new Uint8Array(1000), new Uint8Array(1000)]);
    await expect(snappyCodec.decompress(stream, 1999)).rejects.toMatchObject({ kind: "too-large" });
    expect((await snappyCodec.decompress(stream, 2000)).length).toBe(2000);
  });

  it("refuses a raw stream whose preamble promises more than the cap, before decompressing", async () => {
    // Preamble 2**32 - 1, then garbage: the preamble alone decides.
    const bomb = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0, 0);
    await expect(snappyCodec.decompress(bomb, 1 << 26)).rejects.toMatchObject({ kind: "too-large" });
  });

  it("refuses a xerial chunk that runs past the end or a preamble that never ends", async () => {
    const stream = await xerial([new Uint8Array(100)]);
    for (const bad of [stream.subarray(0, stream.length - 2), Uint8Array.of(0x80, 0x80, 0x80)]) {
      const error = await snappyCodec.decompress(bad, 1 << 20).catch((e: unknown) => e);
      expect(isProtocolError(error)).toBe(true);
    }
  });
});
