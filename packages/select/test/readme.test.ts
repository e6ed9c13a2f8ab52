import { readFileSync } from "node:fs";
import { Channel, Some } from "@csp-kit/channel";
import { describe, expect, it } from "vitest";
import { aggregate } from "./readme/aggregate.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const example = readFileSync(new URL("./readme/aggregate.ts", import.meta.url), "utf8");

describe("README", () => {
  it("shows the usage example exactly as this test runs it", () => {
    expect(readme).toContain(example.trim());
  });

  it("runs the aggregator: batches until a flush tick, hands the batch out, returns the rest on close", async () => {
    const input = new Channel<string>();
    const flush = new Channel<Date>(1);
    const output = new Channel<string[]>();
    const done = aggregate(input, flush, output);
    await input.send("a");
    await input.send("b");
    expect(output.tryRecv()).toBe("would-block"); // output is switched off
    await flush.send(new Date());
    expect(await output.recv()).toEqual(Some(["a", "b"]));
    await input.send("c");
    input.close();
    expect(await done).toEqual(["c"]);
  });
});
