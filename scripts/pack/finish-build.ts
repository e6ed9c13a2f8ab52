/**
 * Completes a package's `dist/` after tsup (`tsup && tsx ../../scripts/pack/finish-build.ts`
 * in every package's `build` script), in the current folder:
 *
 * 1. CommonJS declarations: every `dist/*.d.ts` gets a `dist/*.d.cts` twin
 *    whose relative imports name `.cjs` files, so a `require` user's types
 *    are CommonJS types (attw: no "masquerading as ESM").
 * 2. CommonJS entry files, when the package has several entry points: each
 *    `dist/<name>.cjs` re-exports its namespace of `dist/bundle.cjs` (see
 *    tsup-preset.ts), with one `exports.X =` line per export, so Node's
 *    cjs-module-lexer and bundlers see the names.
 * 3. A check that every file the package.json names (`main`, `module`,
 *    `types`, `exports`, `typesVersions`) exists, so no tarball ships a
 *    dangling path.
 *
 * Invariants: it only writes files under `dist/`; running it twice gives the
 * same output.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { CJS_BUNDLE, entryPoints } from "./tsup-preset.js";

const dir = process.cwd();
const dist = join(dir, "dist");
const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Record<string, unknown> & { name: string };

// 1. .d.cts twins.
for (const file of readdirSync(dist)) {
  if (!file.endsWith(".d.ts")) continue;
  const text = readFileSync(join(dist, file), "utf8").replace(
    /((?:from|import)\s*\(?\s*)(["'])(\.\.?\/[^"']+)\.js\2/g,
    (_m, lead: string, quote: string, path: string) => `${lead}${quote}${path}.cjs${quote}`,
  );
  writeFileSync(join(dist, file.replace(/\.d\.ts$/, ".d.cts")), text);
}

// 2. CommonJS entry files over the shared bundle.
const entries = entryPoints(dir);
if (Object.keys(entries).length > 1) {
  const bundle = createRequire(join(dist, "x.cjs"))(`./${CJS_BUNDLE}.cjs`) as Record<string, Record<string, unknown>>;
  for (const name of Object.keys(entries)) {
    const names = Object.keys(bundle[name] ?? {}).sort();
    const subpath = name === "index" ? pkg.name : `${pkg.name}/${name}`;
    const lines = [
      '"use strict";',
      `// ${subpath} (CommonJS): its part of the package's one CommonJS bundle, so that every entry point shares one copy of each class.`,
      `const m = require("./${CJS_BUNDLE}.cjs")[${JSON.stringify(name)}];`,
      'Object.defineProperty(exports, "__esModule", { value: true });',
      ...names.map((n) => `exports.${n} = m.${n};`),
      "",
    ];
    writeFileSync(join(dist, `${name}.cjs`), lines.join("\n"));
  }
}

// 3. Every path the manifest names exists.
const missing: string[] = [];
function check(value: unknown, where: string): void {
  if (typeof value === "string") {
    if (value.startsWith("./") && !value.includes("*") && !existsSync(join(dir, value)))
      missing.push(`${where}: ${value}`);
  } else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) check(v, `${where}[${i}]`);
  } else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) check(v, `${where}.${k}`);
  }
}
for (const field of ["main", "module", "types", "exports", "typesVersions"]) check(pkg[field], field);
if (missing.length > 0) {
  console.error(`${pkg.name}: package.json names files the build did not make:\n  ${missing.join("\n  ")}`);
  process.exit(1);
}
