import { readFile } from "node:fs/promises";
import { describe, expect, it, vi } from "vitest";

describe("README", () => {
  it("the usage example in the README is fixtures/readme-usage.ts, and it runs and prints what it says", async () => {
    const readme = await readFile(new URL("../README.md", import.meta.url), "utf8");
    const example = await readFile(new URL("./fixtures/readme-usage.ts", import.meta.url), "utf8");
    expect(readme).toContain(example.trim());
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      await import("./fixtures/readme-usage.js");
      expect(log.mock.calls).toEqual([[4]]);
    } finally {
      log.mockRestore();
    }
  });
});
