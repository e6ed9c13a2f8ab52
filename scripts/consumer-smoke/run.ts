/**
 * The consumer smoke test: csp-kit as an npm user gets it. Installs the
 * tarballs of `pnpm pack:all` (`.packs/`) into a scratch npm project in the
 * system's temporary folder — outside the workspace, so nothing resolves to
 * the monorepo — and there:
 *
 * 1. runs an ESM program (`programs/esm.mjs`) and a CommonJS program
 *    (`programs/cjs.cjs`) that use every core package, each with a
 *    SharedChannel to a real worker thread;
 * 2. type-checks a TypeScript program (`programs/main.ts`, `worker.ts`,
 *    `require.cts`) — strict, `skipLibCheck: false` — under
 *    `moduleResolution` node16 and bundler, with every TypeScript in
 *    TYPESCRIPTS (the oldest supported, the workspace's, the newest), and runs
 *    the node16 build of the workspace's compiler.
 *
 * 3. compiles the packages' own type tests (every `.test-d.ts` under `packages/<name>/test/`)
 *    against the installed declarations with the oldest supported and the
 *    newest TypeScript (vitest runs them with the workspace's): each file's
 *    `../src/<entry>.js` import becomes `@csp-kit/<package>[/<subpath>]`;
 *    `vitest` resolves to the workspace's copy.
 *
 * Usage: `tsx scripts/consumer-smoke/run.ts [--packs DIR] [--keep]`
 * (`--keep` leaves the scratch project and prints where it is).
 *
 * Invariants: it writes only inside its scratch folder, which it removes at
 * the end unless `--keep`; it exits 1 on the first failing step, after
 * printing that step's output.
 */
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { entryPoints } from "../pack/tsup-preset.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const programs = fileURLToPath(new URL("./programs/", import.meta.url));
const args = process.argv.slice(2);
const packs = args.includes("--packs") ? (args[args.indexOf("--packs") + 1] as string) : join(root, ".packs");
const keep = args.includes("--keep");

/** The compilers the declarations must work with: name shown, package in the workspace's node_modules. */
export const TYPESCRIPTS: ReadonlyArray<readonly [label: string, pkg: string]> = [
  ["oldest supported", "typescript-5.0"],
  ["workspace", "typescript"],
  ["newest", "typescript-7"],
];

const requireFromRoot = createRequire(join(root, "package.json"));
// The extra compilers are devDependencies of this folder's private workspace package
// (at the root their `tsc` bins would shadow the workspace's TypeScript).
const requireFromHere = createRequire(fileURLToPath(new URL("./package.json", import.meta.url)));

function tscOf(pkg: string): { version: string; bin: string } {
  const manifestPath = (pkg === "typescript" ? requireFromRoot : requireFromHere).resolve(`${pkg}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { version: string; bin: Record<string, string> };
  return { version: manifest.version, bin: join(dirname(manifestPath), manifest.bin.tsc as string) };
}

function step(what: string, file: string, argv: string[], cwd: string): void {
  const started = performance.now();
  try {
    const out = execFileSync(file, argv, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    const last = out.trim().split("\n").pop() ?? "";
    console.log(`ok   ${what} (${Math.round(performance.now() - started)} ms)${last ? `: ${last}` : ""}`);
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    console.error(`FAIL ${what}\n${e.stdout ?? ""}${e.stderr ?? ""}${e.stdout || e.stderr ? "" : e.message}`);
    if (!keep) rmSync(scratch, { recursive: true, force: true });
    else console.error(`scratch project kept in ${scratch}`);
    process.exit(1);
  }
}

const tarballs = readdirSync(packs)
  .filter((f) => f.endsWith(".tgz"))
  .map((f) => join(packs, f));
if (tarballs.length === 0) {
  console.error(`consumer smoke: no tarballs in ${packs}; run \`npx -y pnpm@10.34.8 pack:all\` first`);
  process.exit(1);
}

const scratch = mkdtempSync(join(tmpdir(), "csp-kit-consumer-"));
writeFileSync(
  join(scratch, "package.json"),
  `${JSON.stringify({ name: "csp-kit-consumer", private: true, type: "module" }, null, 2)}\n`,
);
for (const file of readdirSync(programs)) copyFileSync(join(programs, file), join(scratch, file));

const compilerOptions = {
  strict: true,
  skipLibCheck: false,
  target: "ES2022",
  lib: ["ES2022"],
  types: ["node"],
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
};
const configs = {
  node16: { ...compilerOptions, module: "Node16", moduleResolution: "Node16", outDir: "out" },
  bundler: { ...compilerOptions, module: "ESNext", moduleResolution: "Bundler", noEmit: true },
};
for (const [name, options] of Object.entries(configs)) {
  const include = name === "node16" ? ["main.ts", "worker.ts", "require.cts"] : ["main.ts", "worker.ts"];
  writeFileSync(
    join(scratch, `tsconfig.${name}.json`),
    `${JSON.stringify({ compilerOptions: options, include }, null, 2)}\n`,
  );
}

console.log(`consumer smoke in ${scratch}: ${tarballs.length} tarballs`);
step(
  "npm install of the tarballs (+ @types/node)",
  "npm",
  ["install", "--no-audit", "--no-fund", "--loglevel=error", ...tarballs, "@types/node@^20.19.0"],
  scratch,
);
step("ESM program (node esm.mjs)", process.execPath, ["esm.mjs"], scratch);
step("CommonJS program (node cjs.cjs)", process.execPath, ["cjs.cjs"], scratch);
for (const [label, pkg] of TYPESCRIPTS) {
  const tsc = tscOf(pkg);
  for (const name of Object.keys(configs)) {
    step(
      `tsc ${tsc.version} (${label}), moduleResolution ${name}`,
      process.execPath,
      [tsc.bin, "-p", `tsconfig.${name}.json`],
      scratch,
    );
  }
  if (pkg === "typescript") step("TypeScript program (node out/main.js)", process.execPath, ["out/main.js"], scratch);
}

// 3. The packages' type tests against the installed declarations.
const typeTests = join(scratch, "type-tests");
mkdirSync(typeTests);
const installed = new Set(readdirSync(join(scratch, "node_modules", "@csp-kit")));
const skipped: string[] = [];
let copied = 0;
for (const folder of readdirSync(join(root, "packages"))) {
  const testDir = join(root, "packages", folder, "test");
  if (!installed.has(folder) || !existsSync(testDir)) continue;
  const bySource = new Map(
    Object.entries(entryPoints(join(root, "packages", folder))).map(([name, source]) => [
      source.replace(/^src\//, "").replace(/\.ts$/, ""),
      name === "index" ? `@csp-kit/${folder}` : `@csp-kit/${folder}/${name}`,
    ]),
  );
  for (const file of readdirSync(testDir, { recursive: true }) as string[]) {
    if (!file.endsWith(".test-d.ts")) continue;
    let internal = false;
    const text = readFileSync(join(testDir, file), "utf8").replace(
      /from "((?:\.\.\/)+)src\/([^"]+)\.js"/g,
      (m, _up, path) => {
        const specifier = bySource.get(path);
        if (specifier === undefined) internal = true;
        return specifier === undefined ? m : `from "${specifier}"`;
      },
    );
    if (internal) skipped.push(`packages/${folder}/test/${file}`);
    else {
      writeFileSync(join(typeTests, `${folder}-${file.replaceAll("/", "-")}`), text);
      copied++;
    }
  }
}
writeFileSync(
  join(typeTests, "tsconfig.json"),
  `${JSON.stringify(
    {
      compilerOptions: {
        ...compilerOptions,
        lib: ["ES2022", "DOM"],
        module: "Node16",
        moduleResolution: "Node16",
        noEmit: true,
        // vitest's own declarations are not ours to check on old compilers; ours were checked above.
        skipLibCheck: true,
        paths: { vitest: [join(root, "node_modules", "vitest", "dist", "index.d.ts")] },
      },
      include: ["*.test-d.ts"],
    },
    null,
    2,
  )}\n`,
);
if (skipped.length > 0)
  console.log(`note: type tests that import internals, not compiled against dist: ${skipped.join(", ")}`);
for (const [label, pkg] of TYPESCRIPTS) {
  if (pkg === "typescript") continue; // vitest runs the type tests with the workspace's compiler
  const tsc = tscOf(pkg);
  step(
    `type tests (${copied} files), tsc ${tsc.version} (${label})`,
    process.execPath,
    [tsc.bin, "-p", "type-tests"],
    scratch,
  );
}

if (keep) console.log(`scratch project kept in ${scratch}`);
else rmSync(scratch, { recursive: true, force: true });
console.log("consumer smoke: every step passed");
