import { crc32c as nodeRsCrc32c } from "@node-rs/crc32";
import { afterEach, describe, expect, it } from "vitest";
import {
  crc32c,
  crc32cImplementation,
  crc32cJs,
  enableNativeCrc32c,
  isProtocolError,
  NATIVE_MIN_BYTES,
  setNativeCrc32c,
} from "../src/index.js";

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const ramp = (n: number, f: (i: number) => number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => f(i));

afterEach(() => setNativeCrc32c(null));

describe("crc32c (JavaScript)", () => {
  it("gives the check value 0xE3069283 for 123456789", () => {
    expect(crc32c(ascii("123456789"))).toBe(0xe3069283);
  });

  it("matches the RFC 3720 (iSCSI) test vectors", () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(ramp(32, (i) => i))).toBe(0x46dd794e);
    expect(crc32c(ramp(32, (i) => 31 - i))).toBe(0x113fdb5c);
  });

  it("is 0 for no bytes and continues a previous CRC unchanged over no bytes", () => {
    expect(crc32c(new Uint8Array(0))).toBe(0);
    expect(crc32c(new Uint8Array(0), 0xe3069283)).toBe(0xe3069283);
  });

  it("continues incrementally: crc(b, crc(a)) = crc(a + b)", () => {
    expect(crc32c(ascii("6789"), crc32c(ascii("12345")))).toBe(0xe3069283);
  });

  it("hashes a view at an unaligned offset the same as a copy (word path)", () => {
    const big = ramp(4099, (i) => (i * 7 + 3) & 255);
    const view = big.subarray(3, 4000);
    expect(crc32c(view)).toBe(crc32c(view.slice()));
  });

  it("returns an unsigned 32-bit integer", () => {
    const v = crc32c(ascii("The quick brown fox jumps over the lazy dog"));
    expect(v).toBe(0x22620404);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBeGreaterThan(0);
  });

  it("refuses a non-bytes input and a previous CRC that is not a uint32 with ProtocolError", () => {
    for (const bad of [() => crc32c("123" as never), () => crc32c(ascii("1"), -1), () => crc32c(ascii("1"), 1.5)]) {
      try {
        bad();
        expect.unreachable();
      } catch (e) {
        expect(isProtocolError(e)).toBe(true);
        expect((e as { kind: string }).kind).toBe("invalid-value");
      }
    }
    expect(() => crc32cJs(ascii("1"), 2 ** 32)).toThrow(/unsigned 32-bit integer/);
  });
});

describe("the native accelerator", () => {
  it("is off until enabled, then @node-rs/crc32 handles large inputs with the same results", async () => {
    expect(crc32cImplementation()).toBe("js");
    expect(await enableNativeCrc32c()).toBe(true);
    expect(crc32cImplementation()).toBe("native");
    const big = ramp(NATIVE_MIN_BYTES * 3 + 5, (i) => (i * 13) & 255);
    expect(crc32c(big, 7)).toBe(crc32cJs(big, 7));
    expect(crc32c(ascii("123456789"))).toBe(0xe3069283);
    setNativeCrc32c(null);
    expect(crc32cImplementation()).toBe("js");
  });

  it("sends only inputs of NATIVE_MIN_BYTES or more to the native function", () => {
    const sizes: number[] = [];
    setNativeCrc32c((b, p) => {
      sizes.push(b.length);
      return nodeRsCrc32c(b, p);
    });
    sizes.length = 0; // the install-time check called it too
    crc32c(new Uint8Array(NATIVE_MIN_BYTES - 1));
    crc32c(new Uint8Array(NATIVE_MIN_BYTES));
    expect(sizes).toEqual([NATIVE_MIN_BYTES]);
  });

  it("refuses a function that is not CRC-32C and keeps the JavaScript path", () => {
    expect(() => setNativeCrc32c(() => 0)).toThrow(/wrong answers/);
    // right check value, wrong incremental semantics (ignores previous)
    expect(() => setNativeCrc32c((b) => nodeRsCrc32c(b))).toThrow(/incremental probe/);
    expect(() =>
      setNativeCrc32c(() => {
        throw new Error("boom");
      }),
    ).toThrow(/threw/);
    expect(() => setNativeCrc32c(42 as never)).toThrow(/function or null/);
    expect(crc32cImplementation()).toBe("js");
  });

  it("checks the previous CRC on the native path too", () => {
    setNativeCrc32c((b, p) => nodeRsCrc32c(b, p));
    expect(() => crc32c(new Uint8Array(NATIVE_MIN_BYTES), -5)).toThrow(/unsigned 32-bit/);
  });
});
