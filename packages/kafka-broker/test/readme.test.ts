/**
 * Every ```ts block of the README runs as written, and every `// → text`
 * comment in it equals what that block's console.log calls printed, in order.
 * Blocks are written as modules under this package's node_modules/.cache (so
 * `kafkajs` resolves as it would in a user's project, and
 * `@csp-kit/kafka-broker` to this package's source) and imported.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { format } from "node:util";
import { afterAll, describe, expect, it, vi } from "vitest";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
const scratch = fileURLToPath(new URL(`../node_modules/.cache/readme-test-${process.pid}/`, import.meta.url));
mkdirSync(scratch, { recursive: true });
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function expectedOutput(code: string): string[] {
  return [...code.matchAll(/\/\/ → (.*)$/gm)].map((m) => (m[1] as string).trimEnd());
}

describe("README", () => {
  it("has a runnable Usage example with printed results to check", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(1);
    expect(expectedOutput(blocks[0]!).length).toBeGreaterThanOrEqual(2);
  });

  blocks.forEach((code, i) => {
    it(`example ${i + 1} runs and prints what its comments say`, async () => {
      const file = join(scratch, `block-${i + 1}.ts`);
      writeFileSync(file, `${code}\nexport {};\n`);
      const printed: string[] = [];
      const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
        printed.push(format(...args));
      });
      try {
        await import(/* @vite-ignore */ file);
      } finally {
        log.mockRestore();
      }
      expect(printed).toEqual(expectedOutput(code));
    });
  });
});
