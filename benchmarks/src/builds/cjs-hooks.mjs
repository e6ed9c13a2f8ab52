// Module resolve hooks for `pnpm bench -- --build cjs`: every import of a
// @csp-kit package (and its subpaths) resolves to the package's CommonJS build
// (dist/*.cjs, through its exports map's "require" condition), so the ESM
// workload files measure the code a `require()` user runs. Everything else
// resolves as usual. Registered by register-cjs.mjs.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

export async function resolve(specifier, context, nextResolve) {
  if (specifier.startsWith("@csp-kit/") && !specifier.startsWith("@csp-kit/benchmarks") && context.parentURL) {
    const file = createRequire(context.parentURL).resolve(specifier);
    if (file.endsWith(".cjs")) return { url: pathToFileURL(file).href, format: "commonjs", shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
