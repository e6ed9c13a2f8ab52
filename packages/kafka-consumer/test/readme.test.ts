/**
 * The README's Usage example runs as written, and every `// → text` comment
 * in it equals what its console.log calls printed, in order. The block is
 * written as a module under this package's node_modules/.cache (so its
 * imports resolve as in a user's project) and imported.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { format } from "node:util";
import { afterAll, describe, expect, it, vi } from "vitest";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const usage = readme.slice(readme.indexOf("\n## Usage"), readme.indexOf("\n## API"));
const blocks = [...usage.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
const scratch = fileURLToPath(new URL(`../node_modules/.cache/readme-test-${process.pid}/`, import.meta.url));
mkdirSync(scratch, { recursive: true });
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function expectedOutput(code: string): string[] {
  return [...code.matchAll(/\/\/ → (.*)$/gm)].map((m) => (m[1] as string).trimEnd());
}

describe("README", () => {
  it("has a runnable Usage example with printed results to check", () => {
    expect(blocks.length).toBe(1);
    expect(expectedOutput(blocks[0]!).length).toBeGreaterThanOrEqual(3);
  });

  it("the Usage example runs and prints what its comments say", async () => {
    const file = join(scratch, "usage.ts");
    writeFileSync(file, `${blocks[0]}\nexport {};\n`);
    const printed: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
      printed.push(format(...args));
    });
    try {
      await import(/* @vite-ignore */ file);
    } finally {
      log.mockRestore();
    }
    expect(printed).toEqual(expectedOutput(blocks[0]!));
  });
});
