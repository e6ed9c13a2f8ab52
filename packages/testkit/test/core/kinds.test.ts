import { describe, expect, it } from "vitest";
import { channelKinds, drops } from "../../src/core/kinds.js";

/** A stand-in `Channel` whose constructors record how they were called. */
const Fake = {
  unbuffered: () => ["unbuffered"],
  buffered: (n: number) => ["buffered", n],
  infinite: () => ["infinite"],
  resizable: (n: number) => ["resizable", n],
  ring: (n: number, o: { onDrop?: (v: number, r: string) => void }) => ["ring", n, o.onDrop],
  overflowing: (n: number, o: { onDrop?: (v: number, r: string) => void }) => ["overflowing", n, o.onDrop],
};

describe("channelKinds", () => {
  it("lists every kind, once per capacity, each built by its own constructor", () => {
    const kinds = channelKinds(Fake, [1, 8]);
    expect(kinds.map((k) => k.label)).toEqual([
      "unbuffered",
      "buffered(1)",
      "buffered(8)",
      "infinite",
      "resizable(0)",
      "resizable(2)",
      "ring(1)",
      "ring(8)",
      "overflowing(1)",
      "overflowing(8)",
    ]);
    expect(kinds.map((k) => k.make())).toEqual([
      ["unbuffered"],
      ["buffered", 1],
      ["buffered", 8],
      ["infinite"],
      ["resizable", 0],
      ["resizable", 2],
      ["ring", 1, undefined],
      ["ring", 8, undefined],
      ["overflowing", 1, undefined],
      ["overflowing", 8, undefined],
    ]);
  });

  it("hands a dropping kind the onDrop callback", () => {
    const onDrop = (): void => {};
    const ring = channelKinds(Fake).find((k) => k.kind === "ring")!;
    expect(ring.make(onDrop)[2]).toBe(onDrop);
  });

  it("defaults to capacities 1 to 4; only ring and overflowing drop", () => {
    expect(channelKinds(Fake)).toHaveLength(1 + 4 + 1 + 2 + 4 + 4);
    expect(["unbuffered", "buffered", "infinite", "ring", "overflowing"].filter((k) => drops(k as never))).toEqual([
      "ring",
      "overflowing",
    ]);
  });
});
