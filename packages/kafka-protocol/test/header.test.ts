import { describe, expect, it } from "vitest";
import {
  API_VERSIONS,
  ApiKey,
  decodeRequestHeader,
  decodeResponseHeader,
  encodeRequestHeader,
  encodeResponseHeader,
  isProtocolError,
  type ProtocolError,
  peekCorrelationId,
  Reader,
  requestHeaderVersion,
  responseHeaderVersion,
  Writer,
} from "../src/index.js";

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const caught = (f: () => unknown): ProtocolError => {
  try {
    f();
  } catch (e) {
    expect(isProtocolError(e)).toBe(true);
    return e as ProtocolError;
  }
  throw new Error("expected a ProtocolError");
};

/** Request headers captured from real clients (KAFKA.md §2.7), each followed by the first body bytes. */
const CAPTURED = [
  {
    what: "kcat ApiVersions v3 (header v2)",
    header: "0012 0003 00000001 0007 72646b61666b61 00",
    body: "0b 6c696272646b61666b61 06 322e302e32 00",
    fields: { apiKey: 18, apiVersion: 3, correlationId: 1, clientId: "rdkafka" },
  },
  {
    what: "kcat ApiVersions v0 fallback (header v1, empty body)",
    header: "0012 0000 00000002 0007 72646b61666b61",
    body: "",
    fields: { apiKey: 18, apiVersion: 0, correlationId: 2, clientId: "rdkafka" },
  },
  {
    what: "kafkajs ApiVersions v2 (header v1)",
    header: "0012 0002 00000000 0009 6b6a732d70726f6265",
    body: "",
    fields: { apiKey: 18, apiVersion: 2, correlationId: 0, clientId: "kjs-probe" },
  },
  {
    what: "kcat Metadata v4 (header v1)",
    header: "0003 0004 00000002 0007 72646b61666b61",
    body: "00000001 0001 68 01",
    fields: { apiKey: 3, apiVersion: 4, correlationId: 2, clientId: "rdkafka" },
  },
  {
    what: "kcat InitProducerId v4 (header v2)",
    header: "0016 0004 00000003 0007 72646b61666b61 00",
    body: "00 ffffffff ffffffffffffffff ffff 00",
    fields: { apiKey: 22, apiVersion: 4, correlationId: 3, clientId: "rdkafka" },
  },
] as const;

describe("request headers", () => {
  for (const c of CAPTURED) {
    it(`decodes ${c.what} and leaves the reader at the body`, () => {
      const r = new Reader(hex(c.header + c.body));
      expect(decodeRequestHeader(r)).toEqual(c.fields);
      expect(toHex(r.bytes.subarray(r.offset))).toBe(toHex(hex(c.body)));
    });

    it(`encodes ${c.what} to the captured bytes`, () => {
      const w = new Writer();
      encodeRequestHeader(w, c.fields);
      expect(toHex(w.finish())).toBe(toHex(hex(c.header)));
    });
  }

  it("writes a null client id as length -1 and reads it back as null", () => {
    const w = new Writer();
    encodeRequestHeader(w, { apiKey: ApiKey.Produce, apiVersion: 9, correlationId: -5, clientId: null });
    expect(toHex(w.finish())).toBe("00000009fffffffbffff00");
    expect(decodeRequestHeader(new Reader(w.finish()))).toEqual({
      apiKey: 0,
      apiVersion: 9,
      correlationId: -5,
      clientId: null,
    });
  });

  it("skips unknown tagged fields in a v2 header", () => {
    // Fetch v12, correlation 7, client "c", two tags: 0 (2 bytes), 5 (0 bytes); then the body byte 0xaa.
    const r = new Reader(hex("0001 000c 00000007 0001 63 02 00 02 abcd 05 00 aa"));
    expect(decodeRequestHeader(r)).toEqual({ apiKey: 1, apiVersion: 12, correlationId: 7, clientId: "c" });
    expect(r.uint8()).toBe(0xaa);
  });

  it("reads and writes ControlledShutdown v0's header v0 without a client id", () => {
    const w = new Writer();
    encodeRequestHeader(w, { apiKey: ApiKey.ControlledShutdown, apiVersion: 0, correlationId: 9, clientId: "ignored" });
    expect(toHex(w.finish())).toBe("0007000000000009");
    expect(decodeRequestHeader(new Reader(w.finish()))).toEqual({
      apiKey: 7,
      apiVersion: 0,
      correlationId: 9,
      clientId: null,
    });
  });

  it("fails with kind truncated on every cut-short prefix of a header", () => {
    const bytes = hex(CAPTURED[0].header);
    for (let n = 0; n < bytes.length; n++) {
      expect(caught(() => decodeRequestHeader(new Reader(bytes.subarray(0, n)))).kind).toBe("truncated");
    }
  });

  it("refuses an API key Kafka does not define, and a negative version, with kind invalid-value", () => {
    const e = caught(() => decodeRequestHeader(new Reader(hex("0063 0000 00000001 ffff"))));
    expect(e.kind).toBe("invalid-value");
    expect(e.message).toMatch(/API key 99/);
    expect(caught(() => decodeRequestHeader(new Reader(hex("0003 ffff 00000001 ffff")))).kind).toBe("invalid-value");
    expect(
      caught(() => encodeRequestHeader(new Writer(), { apiKey: 200, apiVersion: 0, correlationId: 0, clientId: null }))
        .kind,
    ).toBe("invalid-value");
  });

  it("decodes a header of an ApiVersions version newer than any it knows as flexible (header v2)", () => {
    const r = new Reader(hex("0012 0063 00000004 0001 78 00 ee"));
    expect(decodeRequestHeader(r)).toEqual({ apiKey: 18, apiVersion: 99, correlationId: 4, clientId: "x" });
    expect(r.uint8()).toBe(0xee);
  });
});

describe("header versions", () => {
  it("follows each implemented API's flexible boundary, for every version in the plan", () => {
    for (const [name, range] of Object.entries(API_VERSIONS)) {
      for (let v = range.minVersion; v <= range.maxVersion; v++) {
        const flexible = v >= range.flexibleFrom;
        expect(requestHeaderVersion(range.apiKey, v), `${name} v${v} request`).toBe(flexible ? 2 : 1);
        const response = name === "ApiVersions" ? 0 : flexible ? 1 : 0;
        expect(responseHeaderVersion(range.apiKey, v), `${name} v${v} response`).toBe(response);
      }
    }
  });

  it("answers ApiVersions with response header v0 at every version, flexible or not", () => {
    for (const v of [0, 1, 2, 3, 4, 5, 99]) expect(responseHeaderVersion(ApiKey.ApiVersions, v)).toBe(0);
    expect(requestHeaderVersion(ApiKey.ApiVersions, 3)).toBe(2);
  });

  it("spot-checks the boundaries of the schemas", () => {
    expect(requestHeaderVersion(ApiKey.Metadata, 8)).toBe(1);
    expect(requestHeaderVersion(ApiKey.Metadata, 9)).toBe(2);
    expect(responseHeaderVersion(ApiKey.Fetch, 11)).toBe(0);
    expect(responseHeaderVersion(ApiKey.Fetch, 12)).toBe(1);
    expect(requestHeaderVersion(ApiKey.InitProducerId, 2)).toBe(2);
    expect(requestHeaderVersion(ApiKey.ControlledShutdown, 0)).toBe(0);
    expect(requestHeaderVersion(ApiKey.ControlledShutdown, 1)).toBe(1);
    expect(requestHeaderVersion(ApiKey.SaslHandshake, 1)).toBe(1);
    expect(requestHeaderVersion(ApiKey.JoinGroup, 6)).toBe(2);
  });
});

describe("response headers", () => {
  it("v0 is the correlation id, v1 adds an empty tag section", () => {
    const w = new Writer();
    encodeResponseHeader(w, 258, 0);
    expect(toHex(w.finish())).toBe("00000102");
    w.reset();
    encodeResponseHeader(w, -1, 1);
    expect(toHex(w.finish())).toBe("ffffffff00");
    expect(decodeResponseHeader(new Reader(hex("ffffffff00")), 1)).toEqual({ correlationId: -1 });
  });

  it("v1 skips unknown tags and leaves the reader at the body", () => {
    const r = new Reader(hex("0000002a 01 03 01 ff 77"));
    expect(decodeResponseHeader(r, 1)).toEqual({ correlationId: 42 });
    expect(r.uint8()).toBe(0x77);
  });

  it("peekCorrelationId reads the first 4 bytes, signed, without a reader", () => {
    expect(peekCorrelationId(hex("0000002a00"))).toBe(42);
    expect(peekCorrelationId(hex("fffffffe"))).toBe(-2);
    expect(caught(() => peekCorrelationId(hex("000000"))).kind).toBe("truncated");
  });

  it("refuses a header version other than 0 or 1", () => {
    expect(caught(() => encodeResponseHeader(new Writer(), 1, 2 as never)).kind).toBe("invalid-value");
    expect(caught(() => decodeResponseHeader(new Reader(hex("00000001")), 2 as never)).kind).toBe("invalid-value");
  });
});
