/**
 * Applies the packaging pattern to every published package under `packages/`,
 * or with `--check` reports (exit 1) every package that strays from it. CI runs
 * `--check`; after adding a package or a subpath, run it without `--check`
 * (`pnpm sync:packages`) and commit what it wrote.
 *
 * The pattern, per package (CONTRIBUTING.md, "Adding a package"):
 * - package.json: repository (with `directory`), homepage, bugs, license,
 *   `type: module`, `sideEffects: false`, engines; `exports` rebuilt from the
 *   subpaths it lists (each: the `@csp-kit/source` condition, then `import`
 *   and `require`, each with its own `types`); `main` / `module` / `types`;
 *   `typesVersions` so `moduleResolution: node10` finds every subpath's
 *   types; `files` (`dist`, README, LICENSE, CHANGELOG: no `src/`, no maps);
 *   the `build` and `prepack` scripts (no tarball without a fresh `dist`);
 *   `publishConfig`: `access: public`, and `exports` without the
 *   `@csp-kit/source` condition (pnpm writes it into the packed manifest).
 * - LICENSE: a copy of the root LICENSE (npm packs only the package folder).
 * - tsup.config.ts: `cspKitBuild()` from tsup-preset.ts.
 * - README.md: no relative links (they break on the registry's page): links
 *   into the repository are absolute.
 * - typedoc.json: its entry points are every subpath of every package; each
 *   entry file's comment has `@packageDocumentation` and `@module <specifier>`
 *   (checked, not written: the comment is the package's own prose).
 *
 * Invariants: fields a package owns (name, version, description, keywords,
 * dependencies of every kind, other scripts) are kept as they are; running it
 * twice writes nothing the second time.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import { entryPoints, SOURCE_CONDITION } from "./tsup-preset.js";

/** Where the repository lives; every absolute link and the package.json URLs derive from it. */
export const REPOSITORY = "https://github.com/csp-kit/csp-kit";

const root = fileURLToPath(new URL("../../", import.meta.url));
const check = process.argv.includes("--check");
/** `--packages a,b`: only these folders (default: every package under packages/). */
const only = process.argv.includes("--packages")
  ? process.argv[process.argv.indexOf("--packages") + 1]?.split(",")
  : undefined;
const problems: string[] = [];

type Manifest = Record<string, unknown> & { name: string; private?: boolean; scripts?: Record<string, string> };

const BUILD = "tsup && tsx ../../scripts/pack/finish-build.ts";
const TSUP_CONFIG = `// The shared build of every @csp-kit package: see scripts/pack/tsup-preset.ts.
import { cspKitBuild } from "../../scripts/pack/tsup-preset.js";

export default cspKitBuild();
`;

/** Field order of a manifest; fields not listed keep their place after these. */
const ORDER = [
  "name",
  "version",
  "description",
  "keywords",
  "license",
  "homepage",
  "bugs",
  "repository",
  "type",
  "sideEffects",
  "engines",
  "exports",
  "main",
  "module",
  "types",
  "typesVersions",
  "bin",
  "files",
  "scripts",
  "publishConfig",
  "dependencies",
  "peerDependencies",
  "peerDependenciesMeta",
  "optionalDependencies",
  "devDependencies",
];

function expectedManifest(folder: string, pkg: Manifest): Manifest {
  const entries = entryPoints(join(root, "packages", folder));
  const exportsMap: Record<string, unknown> = {};
  const typesVersions: Record<string, string[]> = {};
  for (const [name, source] of Object.entries(entries)) {
    const subpath = name === "index" ? "." : `./${name}`;
    exportsMap[subpath] = {
      [SOURCE_CONDITION]: `./${source}`,
      import: { types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` },
      require: { types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` },
    };
    if (name !== "index") typesVersions[name] = [`./dist/${name}.d.cts`];
  }
  exportsMap["./package.json"] = "./package.json";
  // What the tarball's manifest says: the same map without the workspace-only source condition (no src/ ships).
  const publishedExports = Object.fromEntries(
    Object.entries(exportsMap).map(([subpath, target]) => {
      if (typeof target !== "object" || target === null) return [subpath, target];
      const { [SOURCE_CONDITION]: _source, ...rest } = target as Record<string, unknown>;
      return [subpath, rest];
    }),
  );
  const fields: Record<string, unknown> = {
    license: "MIT",
    homepage: `${REPOSITORY}/tree/main/packages/${folder}#readme`,
    bugs: { url: `${REPOSITORY}/issues` },
    repository: { type: "git", url: `git+${REPOSITORY}.git`, directory: `packages/${folder}` },
    type: "module",
    sideEffects: false,
    engines: { node: ">=20" },
    exports: exportsMap,
    main: "./dist/index.cjs",
    module: "./dist/index.js",
    types: "./dist/index.d.cts",
    // The pattern's files, then any the package adds (a CLI's bin/).
    files: [
      ...new Set([
        "dist",
        "README.md",
        "LICENSE",
        "CHANGELOG.md",
        // (src/ and maps no longer ship: a manifest written before that still lists "src".)
        ...(Array.isArray(pkg.files) ? (pkg.files as string[]).filter((f) => f !== "src") : []),
      ]),
    ],
    scripts: { ...pkg.scripts, build: BUILD, prepack: BUILD },
    publishConfig: { access: "public", exports: publishedExports },
  };
  if (Object.keys(typesVersions).length > 0) fields.typesVersions = { "*": typesVersions };
  const merged: Record<string, unknown> = { ...pkg, ...fields };
  if (fields.typesVersions === undefined) delete merged.typesVersions;
  const ordered: Record<string, unknown> = {};
  for (const key of ORDER) if (key in merged) ordered[key] = merged[key];
  for (const [key, value] of Object.entries(merged)) if (!(key in ordered)) ordered[key] = value;
  return ordered as Manifest;
}

/**
 * A package README with every relative link made absolute: a file becomes
 * `REPOSITORY/blob/main/<path>`, a folder `REPOSITORY/tree/main/<path>`
 * (relative links break on the registry's page, which has no repository).
 */
function absoluteLinks(folder: string, markdown: string): string {
  return markdown.replace(/\]\((?!https?:|mailto:|#)([^)\s#]+)(#[^)\s]*)?\)/g, (_m, link: string, anchor = "") => {
    const path = posix.normalize(posix.join("packages", folder, link)).replace(/\/$/, "");
    const kind = existsSync(join(root, path)) && statSync(join(root, path)).isDirectory() ? "tree" : "blob";
    return `](${REPOSITORY}/${kind}/main/${path}${anchor})`;
  });
}

const INSTALL_START = "<!-- install: written by scripts/pack/sync-packages.ts; edit it there -->";
const INSTALL_END = "<!-- /install -->";

/** The managed part of a package README's Install section. */
function installBlock(name: string, dependencies: string[]): string {
  const also = dependencies.length > 0 ? ` (it brings ${dependencies.map((d) => `\`${d}\``).join(", ")})` : "";
  return `${INSTALL_START}
Not on the npm registry yet: \`npm install ${name}\` answers 404 until the
first release. Until then, build and pack every package from a clone, then
install the tarballs into your project:

\`\`\`sh
git clone ${REPOSITORY}.git && cd csp-kit
npx -y pnpm@10.34.8 install && npx -y pnpm@10.34.8 pack:all   # writes .packs/*.tgz
cd /path/to/your-project && npm install /path/to/csp-kit/.packs/*.tgz
\`\`\`

Once published: \`npm install ${name}\`${also}. Node >= 20; ESM and
CommonJS builds; TypeScript >= 5.0 (the declarations are tested on 5.0, 5.9 and
7.0, with \`skipLibCheck\` off, under \`moduleResolution\` node16 and bundler;
node10 resolves every subpath through \`typesVersions\`).
${INSTALL_END}`;
}

/** A README with its Install section's managed block written (inserted after the heading, or replaced). */
function withInstallBlock(markdown: string, block: string): string {
  const start = markdown.indexOf(INSTALL_START);
  if (start >= 0) {
    const end = markdown.indexOf(INSTALL_END, start);
    return markdown.slice(0, start) + block + markdown.slice(end + INSTALL_END.length);
  }
  const heading = markdown.indexOf("\n## Install\n");
  if (heading < 0) return markdown;
  const at = heading + "\n## Install\n".length;
  return `${markdown.slice(0, at)}\n${block}\n${markdown.slice(at)}`;
}

/** Writes `text` to `path`, or in check mode records a problem when the file differs. */
function put(path: string, text: string, what: string): void {
  const current = existsSync(path) ? readFileSync(path, "utf8") : undefined;
  if (current === text) return;
  if (check) problems.push(`${path.slice(root.length)}: ${what}`);
  else writeFileSync(path, text);
}

const folders = readdirSync(join(root, "packages"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, "packages", d.name, "package.json")))
  .map((d) => d.name)
  .filter((name) => only === undefined || only.includes(name))
  .sort();

const typedocEntries: string[] = [];
const license = readFileSync(join(root, "LICENSE"), "utf8");

for (const folder of folders) {
  const dir = join(root, "packages", folder);
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
  if (pkg.private === true) continue;

  put(
    join(dir, "package.json"),
    `${JSON.stringify(expectedManifest(folder, pkg), null, 2)}\n`,
    "packaging fields differ",
  );
  if (check) {
    if (!existsSync(join(dir, "LICENSE")) || readFileSync(join(dir, "LICENSE"), "utf8") !== license)
      problems.push(`packages/${folder}/LICENSE: missing or not the root LICENSE`);
  } else {
    copyFileSync(join(root, "LICENSE"), join(dir, "LICENSE"));
  }
  put(join(dir, "tsup.config.ts"), TSUP_CONFIG, "not the shared cspKitBuild() config");

  const readme = join(dir, "README.md");
  if (existsSync(readme)) {
    const deps = Object.keys((pkg.dependencies as Record<string, string> | undefined) ?? {}).filter((d) =>
      d.startsWith("@csp-kit/"),
    );
    const text = withInstallBlock(absoluteLinks(folder, readFileSync(readme, "utf8")), installBlock(pkg.name, deps));
    put(readme, text, "relative links (they break on the registry's page) or a stale Install block");
  }

  for (const [name, source] of Object.entries(entryPoints(dir))) {
    typedocEntries.push(`packages/${folder}/${source}`);
    // The API site names each module by its @module tag (else by its path, "kafka-broker/src").
    const specifier = name === "index" ? pkg.name : `${pkg.name}/${name}`;
    if (!readFileSync(join(dir, source), "utf8").includes(`@module ${specifier}\n`))
      problems.push(
        `packages/${folder}/${source}: its file comment needs "@packageDocumentation" and "@module ${specifier}" (the name the API site shows)`,
      );
  }
}

const typedocPath = join(root, "typedoc.json");
if (existsSync(typedocPath)) {
  const typedoc = JSON.parse(readFileSync(typedocPath, "utf8")) as Record<string, unknown>;
  // With --packages, only those packages' entries are known: keep every other package's as it is,
  // each package's group in folder order, as a full run writes them.
  const folderOf = (entry: string) => entry.split("/")[1] ?? "";
  const kept =
    only === undefined
      ? []
      : ((typedoc.entryPoints as string[] | undefined) ?? []).filter((entry) => !only.includes(folderOf(entry)));
  const all = [...kept, ...typedocEntries];
  const order = [...new Set(all.map(folderOf))].sort();
  typedoc.entryPoints = order.flatMap((folder) => all.filter((entry) => folderOf(entry) === folder));
  // Formatted as biome formats it, so `biome check` and this script agree on the file.
  const text = execFileSync(
    join(root, "node_modules", ".bin", "biome"),
    ["format", `--stdin-file-path=${typedocPath}`],
    {
      input: JSON.stringify(typedoc, null, 2),
      encoding: "utf8",
    },
  );
  put(typedocPath, text, "entryPoints are not every package's subpaths");
}

if (problems.length > 0) {
  console.error(
    `Packaging pattern not applied (run \`npx -y pnpm@10.34.8 sync:packages\` and commit):\n  ${problems.join("\n  ")}`,
  );
  process.exit(1);
}
console.log(check ? `packaging pattern: ${folders.length} packages conform` : "packaging pattern applied");
