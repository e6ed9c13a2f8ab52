/**
 * The one build configuration of every published `@csp-kit/*` package. A
 * package's `tsup.config.ts` is `export default cspKitBuild();`, run from the
 * package folder; its entry points are read from its package.json `exports`
 * (the `@csp-kit/source` condition of each subpath), so adding a subpath is one
 * edit there. `scripts/pack/finish-build.ts` runs after tsup and completes the
 * output (CommonJS entry files, `.d.cts` declarations).
 *
 * What ships, and why:
 * - ESM: one file per entry point plus shared chunks (esbuild's code
 *   splitting), so `@csp-kit/channel` and `@csp-kit/channel/port` share one
 *   copy of every class, symbol and module state.
 * - CommonJS: one bundle for the whole package (`dist/bundle.cjs`) and a thin
 *   file per entry point that re-exports its part of it. tsup's CommonJS code
 *   splitting is not used: it runs the chunks through sucrase, which rewrites
 *   `?.`, `??` and class fields into helper calls (a for-await loop over a
 *   `Channel(64)` took ~1.5x as long as the ESM build) and renames classes
 *   (`Channel.name === "_Channel"`, errors printed as `_class3`). A package
 *   with a single entry point has no bundle: its `index.cjs` is the bundle.
 * - `keepNames`: esbuild renames a class that refers to itself (`class _Channel`);
 *   keepNames restores `name`, so messages and stack traces show `Channel`.
 *   It costs one `Object.defineProperty` per class at load time, and one per
 *   creation of a named closure (none on a hot path; see the benchmarks' built
 *   columns).
 * - No source maps and no `src/`: the JavaScript is unminified ES2022 with
 *   class and function names kept, so stack traces and debuggers are readable
 *   as they are, and maps plus sources were ~40% of every tarball (mutex
 *   with its dependencies installed 1.3 MB; see CONTRIBUTING.md, "What a
 *   tarball holds"). The `@csp-kit/source` condition is a workspace-only
 *   export: `publishConfig.exports` (written by sync-packages) leaves it out
 *   of the published manifest.
 * - `target: es2022`, `node:` specifiers kept (Deno and Bun need them).
 *
 * Invariants:
 * - every subpath of `exports` except `./package.json` has a `@csp-kit/source`
 *   target under `src/`, and its built files are `dist/<name>.js`,
 *   `dist/<name>.cjs`, `dist/<name>.d.ts`, `dist/<name>.d.cts`, where `<name>`
 *   is `index` for `.` and the subpath without `./` otherwise;
 * - if a package has more than one entry point, every `dist/<name>.cjs`
 *   requires `dist/bundle.cjs` and nothing else, so CommonJS users get one copy
 *   of every class whichever entry points they load.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { Options } from "tsup";

/** The CommonJS bundle of a package with several entry points, without extension. */
export const CJS_BUNDLE = "bundle";

/** The export condition under which workspace packages expose their TypeScript source. */
export const SOURCE_CONDITION = "@csp-kit/source";

/**
 * Reads a package's entry points from its package.json `exports`: entry name
 * (`index` for `.`) to source file. Throws when a subpath has no
 * `@csp-kit/source` target, with what to add.
 */
export function entryPoints(packageDir: string): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
    name: string;
    exports?: Record<string, unknown>;
  };
  const entries: Record<string, string> = {};
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    if (subpath === "./package.json") continue;
    const source =
      typeof target === "object" && target !== null ? (target as Record<string, unknown>)[SOURCE_CONDITION] : undefined;
    if (typeof source !== "string" || !source.startsWith("./src/")) {
      throw new Error(
        `${pkg.name}: exports["${subpath}"] needs a "${SOURCE_CONDITION}": "./src/<file>.ts" target (the entry point tsup builds); see CONTRIBUTING.md, "Adding a package"`,
      );
    }
    entries[subpath === "." ? "index" : subpath.slice(2)] = source.slice(2);
  }
  if (entries.index === undefined) throw new Error(`${pkg.name}: exports has no "." entry`);
  return entries;
}

/**
 * The tsup configuration of the package in the current folder: an ESM build
 * with declarations and a CommonJS build (see the file header). Cleans `dist/`
 * first (the two builds run at once, so neither may clean).
 */
export function cspKitBuild(): Options[] {
  const dir = process.cwd();
  const entries = entryPoints(dir);
  rmSync(join(dir, "dist"), { recursive: true, force: true });

  const common: Options = {
    target: "es2022",
    sourcemap: false,
    clean: false,
    keepNames: true,
    removeNodeProtocol: false,
  };

  let cjsEntry: Record<string, string> = entries;
  if (Object.keys(entries).length > 1) {
    // One module that holds every entry point as a namespace: bundled alone, it is the shared CommonJS chunk.
    const generated = join(dir, "node_modules", ".cache", "csp-kit-build");
    mkdirSync(generated, { recursive: true });
    const file = join(generated, "cjs-bundle.ts");
    const lines = Object.entries(entries).map(
      ([name, source]) =>
        `export * as ${JSON.stringify(name)} from ${JSON.stringify(relative(generated, join(dir, source)))};`,
    );
    writeFileSync(file, `${lines.join("\n")}\n`);
    cjsEntry = { [CJS_BUNDLE]: file };
  }

  return [
    {
      ...common,
      entry: entries,
      format: ["esm"],
      splitting: true,
      // stripInternal: a member tagged `@internal` is not in the declarations (nor in the API reports).
      dts: { compilerOptions: { composite: false, stripInternal: true } },
    },
    { ...common, entry: cjsEntry, format: ["cjs"], splitting: false, dts: false },
  ];
}
