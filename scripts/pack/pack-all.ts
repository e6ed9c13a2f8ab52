/**
 * `pnpm pack:all`: builds and packs every published package into `.packs/`
 * (one `.tgz` each, `workspace:` ranges replaced by real versions), the
 * working route to install csp-kit before it is on the registry:
 *
 *     npm install /path/to/csp-kit/.packs/*.tgz
 *
 * Each package's `prepack` script builds it, so no tarball ships without a
 * fresh `dist/`. Prints every tarball with its packed and unpacked size.
 *
 * Invariants: `.packs/` holds exactly the tarballs of this run.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

const root = fileURLToPath(new URL("../../", import.meta.url));
/** Where the tarballs go; README's install section names this folder. */
export const PACKS = join(root, ".packs");

/** The bytes a tarball unpacks to: the sum of its file sizes (the 512-byte tar headers not counted). */
function unpackedSize(tarball: string): number {
  const tar = gunzipSync(readFileSync(tarball));
  let total = 0;
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const size = Number.parseInt(header.subarray(124, 136).toString("latin1").replace(/\0.*$/, "").trim() || "0", 8);
    if (header[156] === 0x30 || header[156] === 0) total += size;
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return total;
}

/** `--packages a,b`: pack only these folders of packages/ (default: all). */
const only = process.argv.includes("--packages") ? process.argv[process.argv.indexOf("--packages") + 1] : undefined;
const filter =
  only === undefined ? ["--filter", "./packages/*"] : only.split(",").flatMap((p) => ["--filter", `./packages/${p}`]);
/** Private packages (packages/testkit: test support) are never packed: pnpm would pack them. */
const skipPrivate = readdirSync(join(root, "packages"))
  .filter((p) => existsSync(join(root, "packages", p, "package.json")))
  .filter((p) => JSON.parse(readFileSync(join(root, "packages", p, "package.json"), "utf8")).private === true)
  .flatMap((p) => ["--filter", `!./packages/${p}`]);

rmSync(PACKS, { recursive: true, force: true });
mkdirSync(PACKS, { recursive: true });
execFileSync("npx", ["-y", "pnpm@10.34.8", "-r", ...filter, ...skipPrivate, "pack", "--pack-destination", PACKS], {
  cwd: root,
  stdio: ["ignore", "ignore", "inherit"],
});

const tarballs = readdirSync(PACKS)
  .filter((f) => f.endsWith(".tgz"))
  .sort();
for (const file of tarballs) {
  const path = join(PACKS, file);
  const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
  console.log(
    `${file.padEnd(36)} ${kb(statSync(path).size).padStart(10)} packed ${kb(unpackedSize(path)).padStart(10)} unpacked`,
  );
}
console.log(`\n${tarballs.length} tarballs in .packs/; install them with: npm install ${PACKS}/*.tgz`);
