import { describe, expect, it } from "vitest";
import { COMPRESSION, lazyOptional } from "../../src/compression/codec.js";
import { CompressionRegistry } from "../../src/compression/registry.js";
import { isProtocolError, type ProtocolError } from "../../src/errors.js";

const identity = (id: number, name: string) => ({
  id,
  name,
  compress: async (d: Uint8Array) => d,
  decompress: async (d: Uint8Array) => d,
});

describe("CompressionRegistry", () => {
  it("starts with Kafka's four codecs and resolves names and ids", () => {
    const r = new CompressionRegistry();
    expect(["none", "gzip", "snappy", "lz4", "zstd"].map((n) => r.resolve(n))).toEqual([0, 1, 2, 3, 4]);
    expect(r.resolve(COMPRESSION.zstd)).toBe(4);
    expect(r.get(0)).toBeUndefined();
  });

  it("replaces a codec under its id and adds custom ones under 5..7", () => {
    const r = new CompressionRegistry();
    const mine = identity(2, "my-snappy");
    r.register(mine);
    expect(r.get(2)).toBe(mine);
    expect(() => r.resolve("snappy")).toThrow(/no compression codec is registered for "snappy"/);
    r.register(identity(5, "custom"));
    expect(r.resolve("custom")).toBe(5);
  });

  it("refuses ids outside 1..7 and codecs without functions", () => {
    const r = new CompressionRegistry();
    for (const id of [0, 8, -1, 1.5]) expect(() => r.register(identity(id, "x"))).toThrow(/1\.\.7/);
    expect(() => r.register({ id: 6, name: "half" } as never)).toThrow(/compress\/decompress/);
  });

  it("enforces the cap even for a custom codec that ignores it", async () => {
    const r = new CompressionRegistry();
    r.register({ ...identity(6, "liar"), decompress: async () => new Uint8Array(100) });
    await expect(r.decompress(6, new Uint8Array(1), 99)).rejects.toMatchObject({ kind: "too-large" });
  });
});

describe("optional codec packages", () => {
  it("a missing package fails with unsupported-compression naming the package to install", async () => {
    const load = lazyOptional("not-a-real-codec-pkg", "snappy", () => import("not-a-real-codec-pkg" as string));
    const error = (await load().catch((e: unknown) => e)) as ProtocolError;
    expect(isProtocolError(error)).toBe(true);
    expect(error.kind).toBe("unsupported-compression");
    expect(error.message).toMatch(/npm install not-a-real-codec-pkg/);
  });

  it("a failed load is retried on the next call (installing the package later works)", async () => {
    let calls = 0;
    const load = lazyOptional<{ ok: true }>("flaky", "lz4", async () => {
      calls++;
      if (calls === 1) throw new Error("not installed yet");
      return { ok: true };
    });
    await expect(load()).rejects.toMatchObject({ kind: "unsupported-compression" });
    await expect(load()).resolves.toEqual({ ok: true });
    await expect(load()).resolves.toEqual({ ok: true });
    expect(calls).toBe(2);
  });
});
