/**
 * `pnpm check:packs`: lints the tarballs `pnpm pack:all` left in `.packs/` —
 * exactly what would be published — and exits 1 on the first package with a
 * problem:
 *
 * - publint (strict): package.json fields and exports against the files;
 * - attw (Are the Types Wrong?, strict profile): every subpath resolves to
 *   types and code of the same module format under moduleResolution node10,
 *   node16 from CommonJS, node16 from ESM, and bundler;
 * - the tarball holds LICENSE, README.md and every `dist/` file the manifest
 *   names (publint checks the last too; this says which package in one line).
 *
 * Checking the tarballs, not the folders, means nothing is built or packed a
 * second time and nothing a pack would leave out can hide a problem.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

const root = fileURLToPath(new URL("../../", import.meta.url));
const packs = join(root, ".packs");
const bin = (name: string) => join(root, "node_modules", ".bin", name);

/** The paths inside a tarball (without the leading `package/`). */
function listing(tarball: string): string[] {
  const tar = gunzipSync(readFileSync(tarball));
  const names: string[] = [];
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString("utf8").replace(/\0.*$/s, "");
    const size = Number.parseInt(header.subarray(124, 136).toString("latin1").replace(/\0.*$/s, "").trim() || "0", 8);
    names.push(name.replace(/^package\//, ""));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return names;
}

const tarballs = readdirSync(packs)
  .filter((f) => f.endsWith(".tgz"))
  .sort();
if (tarballs.length === 0) {
  console.error("check:packs: .packs/ holds no tarballs; run `npx -y pnpm@10.34.8 pack:all` first");
  process.exit(1);
}

let failed = 0;
for (const file of tarballs) {
  const path = join(packs, file);
  const files = listing(path);
  const missing = ["LICENSE", "README.md", "package.json"].filter((f) => !files.includes(f));
  if (missing.length > 0) {
    console.error(`${file}: missing ${missing.join(", ")}`);
    failed++;
    continue;
  }
  try {
    execFileSync(bin("publint"), ["run", path, "--strict"], { stdio: "inherit" });
    execFileSync(bin("attw"), [path, "--profile", "strict", "--format", "table-flipped", "--no-emoji"], {
      stdio: "inherit",
    });
  } catch {
    console.error(`${file}: publint or attw found a problem (above)`);
    failed++;
  }
}
if (failed > 0) process.exit(1);
console.log(`check:packs: ${tarballs.length} tarballs pass publint (strict) and attw (strict profile)`);
