/**
 * Doctests for TSDoc: every `@example` block fenced as ```ts run in a
 * package's `src/` is a complete program, and is executed here, so an API's
 * own example cannot drift from the API. (Examples fenced as plain ```ts are
 * fragments that show a call in context; they are type-checked by nobody —
 * turn one into a program and fence it ```ts run to have it tested.)
 *
 * Each block is unindented (the leading ` * ` of the comment removed), written
 * to a temporary module beside this file and imported; a block asserts its
 * own result by throwing.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const scratch = fileURLToPath(new URL("./.generated/tsdoc/", import.meta.url));

/** The runnable example blocks of one source file. */
function runnableExamples(source: string): string[] {
  return [...source.matchAll(/^\s*\* ```ts run\n([\s\S]*?)^\s*\* ```/gm)].map((m) =>
    (m[1] as string)
      .split("\n")
      .map((line) => line.replace(/^\s*\* ?/, ""))
      .join("\n"),
  );
}

const examples = readdirSync(`${root}packages`).flatMap((pkg) => {
  const src = `${root}packages/${pkg}/src`;
  let files: string[];
  try {
    files = (readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts"));
  } catch {
    return [];
  }
  return files.flatMap((file) =>
    runnableExamples(readFileSync(`${src}/${file}`, "utf8")).map((code, i) => ({
      where: `packages/${pkg}/src/${file}`,
      name: `${pkg}-${file.replaceAll("/", "-").replace(/\.ts$/, "")}-${i + 1}`,
      code,
    })),
  );
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("TSDoc examples fenced ```ts run run as written", () => {
  it("there are runnable TSDoc examples", () => {
    expect(examples.length).toBeGreaterThan(0);
  });
  for (const { where, name, code } of examples) {
    it(`${where}: ${name}`, async () => {
      mkdirSync(scratch, { recursive: true });
      const file = `${scratch}${name}.ts`;
      writeFileSync(file, `${code}\nexport {};\n`);
      await import(/* @vite-ignore */ file);
    });
  }
});
