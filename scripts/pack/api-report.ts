/**
 * API reports: the public surface of every entry point of every published
 * package, as API Extractor sees it in the built declarations, checked into
 * `api/` (`api/<package>.api.md`, `api/<package>-<subpath>.api.md`), so every
 * change to the public surface shows in a diff.
 *
 * - `pnpm api:report` (after `pnpm build`): rewrites the reports.
 * - `pnpm api:check` (CI): fails when a report differs from the declarations,
 *   with the command that updates it; a changed report is then reviewed and
 *   committed like code.
 *
 * Entry points come from each package's `exports` (tsup-preset.ts), so a new
 * package or subpath gets its report without configuration.
 *
 * Invariants: it reads only `dist/*.d.ts`; in check mode it writes nothing
 * under `api/`.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Extractor, ExtractorConfig, ExtractorLogLevel } from "@microsoft/api-extractor";
import { entryPoints } from "./tsup-preset.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
/** Where the reports live. */
export const REPORTS = join(root, "api");
const check = process.argv.includes("--check");
const temp = mkdtempSync(join(tmpdir(), "csp-kit-api-"));
mkdirSync(REPORTS, { recursive: true });

const folders = readdirSync(join(root, "packages"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, "packages", d.name, "package.json")))
  .map((d) => d.name)
  .sort();

const expected = new Set<string>();
let failures = 0;
for (const folder of folders) {
  const dir = join(root, "packages", folder);
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string; private?: boolean };
  if (pkg.private === true) continue;
  for (const name of Object.keys(entryPoints(dir))) {
    const reportName = name === "index" ? folder : `${folder}-${name}`;
    expected.add(`${reportName}.api.md`);
    const entry = join(dir, "dist", `${name}.d.ts`);
    if (!existsSync(entry)) {
      console.error(`${pkg.name}: ${entry.slice(root.length)} is missing; run \`npx -y pnpm@10.34.8 build\` first`);
      failures++;
      continue;
    }
    const config = ExtractorConfig.prepare({
      configObject: {
        projectFolder: dir,
        mainEntryPointFilePath: entry,
        compiler: {
          overrideTsconfig: {
            compilerOptions: {
              target: "ES2022",
              lib: ["ES2022", "ESNext.Disposable", "DOM"],
              types: ["node"],
              strict: true,
            },
            files: [entry],
          },
        },
        apiReport: {
          enabled: true,
          reportFolder: REPORTS,
          reportTempFolder: temp,
          reportFileName: reportName,
        },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        messages: {
          // The packages do not use release tags (@public / @beta): everything exported is public.
          extractorMessageReporting: {
            default: { logLevel: ExtractorLogLevel.Warning },
            "ae-missing-release-tag": { logLevel: ExtractorLogLevel.None },
            "ae-forgotten-export": { logLevel: ExtractorLogLevel.None, addToApiReportFile: true },
            "ae-unresolved-link": { logLevel: ExtractorLogLevel.None },
            "ae-internal-missing-underscore": { logLevel: ExtractorLogLevel.None },
            // Documentation coverage is the docs build's concern (typedoc), not the report's.
            "ae-undocumented": { logLevel: ExtractorLogLevel.None },
            // The d.ts rollup puts imports above the file comment; TypeDoc reads it from the source.
            "ae-misplaced-package-tag": { logLevel: ExtractorLogLevel.None },
          },
          // TSDoc syntax is checked by the docs build (typedoc), which knows our tags.
          tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
          compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
        },
      },
      configObjectFullPath: undefined,
      packageJsonFullPath: join(dir, "package.json"),
    });
    const result = Extractor.invoke(config, {
      localBuild: !check,
      showVerboseMessages: false,
      messageCallback(message) {
        if (message.logLevel === ExtractorLogLevel.Info || message.logLevel === ExtractorLogLevel.Verbose) {
          message.handled = true;
        }
      },
    });
    const label = name === "index" ? pkg.name : `${pkg.name}/${name}`;
    if (check && result.apiReportChanged) {
      console.error(
        `${label}: the public API differs from api/${reportName}.api.md; run \`npx -y pnpm@10.34.8 api:report\`, review the diff and commit it`,
      );
      failures++;
    } else if (result.errorCount > 0) {
      // Only errors fail: in check mode API Extractor counts warnings as failures too, but the
      // report is what is checked here, and warnings are printed above.
      console.error(`${label}: API Extractor reported ${result.errorCount} errors, ${result.warningCount} warnings`);
      failures++;
    } else {
      console.log(`${label}: ${check ? "report up to date" : "report written"} (api/${reportName}.api.md)`);
    }
  }
}

for (const file of readdirSync(REPORTS)) {
  if (file.endsWith(".api.md") && !expected.has(file)) {
    if (check) {
      console.error(`api/${file}: no such entry point any more; run \`npx -y pnpm@10.34.8 api:report\``);
      failures++;
    } else rmSync(join(REPORTS, file));
  }
}
rmSync(temp, { recursive: true, force: true });
if (failures > 0) process.exit(1);
