/**
 * What the serializer hands back is checked before a slot is claimed: a custom
 * serializer that returns something other than a Uint8Array, and a value the
 * default serializer cannot clone, are refused with a typed error — nothing is
 * sent, no slot is touched, and the channel goes on working.
 */

import { select, send } from "@csp-kit/select";
import { describe, expect, it } from "vitest";
import {
  InvalidSerializerResultError,
  isInvalidSerializerResultError,
  isSharedSerializationError,
  type Serializer,
  SharedChannel,
  SharedSerializationError,
} from "../src/index.js";
import { assertInvariants, coreOf } from "./support.js";

/** A serializer that returns `result` for every value (and decodes with JSON for values that made it through). */
function returning(result: () => unknown): Serializer {
  return {
    serialize: () => result() as Uint8Array,
    deserialize: (bytes) => JSON.parse(new TextDecoder().decode(bytes)),
  };
}

const json: Serializer = {
  serialize: (v) => new TextEncoder().encode(JSON.stringify(v)),
  deserialize: (b) => JSON.parse(new TextDecoder().decode(b)),
};

/** Sends plain values on `ch` and checks they arrive: the ring was left intact. */
async function stillWorks(ch: SharedChannel<unknown>): Promise<void> {
  assertInvariants(ch);
  expect(ch.len).toBe(0);
  for (let i = 0; i < ch.cap * 2 + 1; i++) {
    await ch.send(i);
    expect(String(await ch.recv())).toBe(`Some(${i})`);
  }
  assertInvariants(ch);
}

describe("a serializer that does not return a Uint8Array", () => {
  const cases: readonly [string, () => unknown][] = [
    ["a number[] longer than a slot", () => Array.from({ length: 40 }, (_, i) => i)],
    ["a short number[]", () => [1, 2, 3]],
    ["an ArrayBuffer", () => new ArrayBuffer(4)],
    ["an oversized array-like", () => ({ length: 1 << 20, byteLength: 4 })],
    ["a string", () => "bytes"],
    ["undefined", () => undefined],
    ["a Uint16Array", () => new Uint16Array(2)],
  ];

  for (const [label, result] of cases) {
    it(`is refused when it returns ${label}: send rejects, trySend throws, nothing is sent`, async () => {
      const ch = new SharedChannel<unknown>(2, { maxValueBytes: 8, serializer: returning(result) });
      const rejected = await ch.send({ a: 1 }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isInvalidSerializerResultError(rejected)).toBe(true);
      expect(rejected).toBeInstanceOf(InvalidSerializerResultError);
      expect(rejected).toBeInstanceOf(TypeError);
      expect((rejected as Error).message).toContain("Uint8Array");
      expect(() => ch.trySend({ a: 1 })).toThrow(InvalidSerializerResultError);
      await stillWorks(ch);
    });
  }

  it("is refused in a select send case before the case is polled, and the channel is untouched", async () => {
    const ch = new SharedChannel<unknown>(2, { maxValueBytes: 8, serializer: returning(() => [1, 2, 3]) });
    await expect(select({ out: send(ch, { a: 1 }) })).rejects.toBeInstanceOf(InvalidSerializerResultError);
    expect(coreOf(ch).waiting.senders).toBe(0);
    await stillWorks(ch);
  });

  it("an ArrayBuffer never hands the receiver the previous value of the slot", async () => {
    let bad = false;
    const serializer: Serializer = {
      serialize: (v) => (bad ? (new ArrayBuffer(16) as unknown as Uint8Array) : json.serialize(v)),
      deserialize: json.deserialize,
    };
    const ch = new SharedChannel<unknown>(1, { maxValueBytes: 16, serializer });
    await ch.send({ n: 1 });
    expect(String(await ch.recv())).toContain("n");
    bad = true;
    await expect(ch.send({ n: 2 })).rejects.toBeInstanceOf(InvalidSerializerResultError);
    expect(ch.tryRecv()).toBe("would-block");
  });
});

describe("a value the serializer cannot encode", () => {
  it("the default serializer's 'could not be cloned' becomes a typed SharedSerializationError, with the original as cause", async () => {
    const ch = new SharedChannel<unknown>(2);
    for (const value of [() => 1, { f() {} }, new WeakMap(), Promise.resolve(1), Symbol("s")]) {
      const rejected = await ch.send(value).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isSharedSerializationError(rejected)).toBe(true);
      expect(rejected).toBeInstanceOf(SharedSerializationError);
      expect((rejected as Error).message).toContain("could not be cloned");
      expect((rejected as Error).cause).toBeInstanceOf(Error);
      expect(() => ch.trySend(value)).toThrow(SharedSerializationError);
    }
    await stillWorks(ch);
  });

  it("a custom serializer's throw is wrapped too, keeping it as the cause", async () => {
    const boom = new Error("no encoding for this");
    const ch = new SharedChannel<unknown>(2, {
      serializer: {
        serialize: () => {
          throw boom;
        },
        deserialize: json.deserialize,
      },
    });
    const rejected = await ch.send({ a: 1 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(rejected).toBeInstanceOf(SharedSerializationError);
    expect((rejected as Error).cause).toBe(boom);
    await stillWorks(ch);
  });
});
