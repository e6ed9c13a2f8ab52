import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { configDefaults, defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));
const packages = readdirSync(`${root}packages`, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

/** Tests import workspace packages by name; resolve them to source, so no build is needed first. */
const alias = packages.flatMap((name) => [
  { find: new RegExp(`^@csp-kit/${name}$`), replacement: `${root}packages/${name}/src/index.ts` },
  { find: new RegExp(`^@csp-kit/${name}/(.*)$`), replacement: `${root}packages/${name}/src/$1.ts` },
]);

/** `*.interop.test.ts` need a real Kafka broker: they run in `pnpm test:interop` (vitest.interop.config.ts). */
const exclude = [...configDefaults.exclude, "**/*.interop.test.ts"];

export default defineConfig({
  test: {
    projects: [
      ...packages.map((name) => ({
        resolve: { alias },
        test: {
          name,
          root: `${root}packages/${name}`,
          include: ["test/**/*.test.ts"],
          exclude,
          // Worker-thread tests boot tsx in each thread; on a loaded 2-core CI machine
          // that can take seconds. A hang still fails, just later.
          testTimeout: 30_000,
          // Memory tests call global.gc() to measure what a channel keeps.
          execArgv: ["--expose-gc"],
        },
      })),
      {
        // Every package's type tests (*.test-d.ts) in one project and one tsc run: vitest
        // prints its "type testing is experimental" warning once per project that enables it.
        test: {
          name: "types",
          root,
          include: [],
          typecheck: {
            enabled: true,
            only: true,
            include: ["packages/*/test/**/*.test-d.ts"],
            tsconfig: `${root}tsconfig.typetests.json`,
          },
        },
      },
      {
        resolve: { alias },
        test: {
          name: "examples",
          root: `${root}docs/examples`,
          include: ["**/*.test.ts"],
          exclude,
          testTimeout: 30_000,
        },
      },
    ],
  },
});
