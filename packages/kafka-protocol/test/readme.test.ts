/**
 * Every ```ts block of the README runs as written, and every `// → text`
 * comment in it equals what that block's console.log calls printed, in order.
 * Blocks are written to a temporary directory as modules and imported, so
 * `import … from "@csp-kit/kafka-protocol"` resolves to this package's source.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { format } from "node:util";
import { afterAll, describe, expect, it, vi } from "vitest";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
const scratch = mkdtempSync(join(tmpdir(), "kafka-protocol-readme-"));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The `// → …` comments of a block, in order. */
function expectedOutput(code: string): string[] {
  return [...code.matchAll(/\/\/ → (.*)$/gm)].map((m) => (m[1] as string).trimEnd());
}

describe("README", () => {
  it("has runnable examples, each with printed results to check", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
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
