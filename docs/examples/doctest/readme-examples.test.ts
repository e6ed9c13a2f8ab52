/**
 * Doctests: every ```ts sample of the root README, the Usage example of every
 * package README (and any block of it fenced ```ts run), and every guide block
 * fenced as ```ts run, is executed, so the documentation cannot drift from the
 * code. Each block is written to a temporary module and imported; a block
 * asserts its own result by throwing.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const scratch = fileURLToPath(new URL("./.generated/", import.meta.url));

function usageBlocks(markdown: string): string[] {
  const start = markdown.indexOf("\n## Usage");
  if (start < 0) return [];
  const end = markdown.indexOf("\n## ", start + 3);
  const section = markdown.slice(start, end < 0 ? undefined : end);
  const usage = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  // Outside Usage, a block fenced ```ts run is a complete program too (the guides' convention).
  const marked = [...markdown.matchAll(/```ts run\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  return [...usage, ...marked];
}

/** Whether packages/<name> is a private (never published, so not user-documented) package, such as testkit. */
function isPrivate(name: string): boolean {
  const manifest = `${root}packages/${name}/package.json`;
  return existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { private?: boolean }).private === true;
}

const readmes = readdirSync(`${root}packages`)
  .filter((name) => !isPrivate(name))
  .map((name) => ({ name, path: `${root}packages/${name}/README.md` }))
  .map(({ name, path }) => ({ name, blocks: existsSync(path) ? usageBlocks(readFileSync(path, "utf8")) : [] }));

const guides = readdirSync(`${root}docs/guide`)
  .filter((f) => f.endsWith(".md"))
  .map((file) => ({
    file,
    blocks: [...readFileSync(`${root}docs/guide/${file}`, "utf8").matchAll(/```ts run\n([\s\S]*?)```/g)].map(
      (m) => m[1] as string,
    ),
  }))
  .filter((g) => g.blocks.length > 0);

/** The root README's samples: every ```ts block is a complete program. */
const frontPage = [...readFileSync(`${root}README.md`, "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map(
  (m) => m[1] as string,
);

/**
 * Where a package README's blocks are written: inside that package
 * (`packages/<name>/.doctest-generated/`), so they resolve the package's own
 * dependencies and devDependencies (kafka-broker's sample imports kafkajs).
 */
const packageScratch = (name: string): string => `${root}packages/${name}/.doctest-generated/`;

async function run(name: string, code: string, dir: string = scratch): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const file = `${dir}${name}.ts`;
  writeFileSync(file, `${code}\nexport {};\n`);
  await import(/* @vite-ignore */ file);
}

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  for (const { name } of readmes) rmSync(packageScratch(name), { recursive: true, force: true });
});

describe("package README usage examples run as written", () => {
  it("every package README has a Usage example", () => {
    for (const { name, blocks } of readmes) expect(blocks.length, `packages/${name}/README.md`).toBeGreaterThan(0);
  });

  for (const { name, blocks } of readmes) {
    blocks.forEach((code, i) => {
      it(`@csp-kit/${name} usage example ${i + 1}`, () => run(`${name}-${i + 1}`, code, packageScratch(name)));
    });
  }
});

describe("the root README's samples run as written", () => {
  it("the README has a sample", () => {
    expect(frontPage.length).toBeGreaterThan(0);
  });
  frontPage.forEach((code, i) => {
    it(`README.md sample ${i + 1}`, () => run(`root-readme-${i + 1}`, code));
  });
});

describe("guide examples marked `ts run` run as written", () => {
  it("the guides have runnable examples", () => {
    expect(guides.length).toBeGreaterThan(0);
  });
  for (const { file, blocks } of guides) {
    blocks.forEach((code, i) => {
      it(`docs/guide/${file} example ${i + 1}`, () => run(`guide-${file.replace(/\.md$/, "")}-${i + 1}`, code));
    });
  }
});
