// The interop tier (`pnpm test:interop`): `*.interop.test.ts` files only, against a
// real Apache Kafka broker that scripts/kafka/global-setup.ts starts once per run
// (or the one CSP_KIT_KAFKA_BOOTSTRAP names). Needs Java 17, Maven and kcat.
// The plain tier (vitest.config.ts) excludes these files and needs Node alone.
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));
const packages = readdirSync(`${root}packages`, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

/** Tests import workspace packages by name; resolve them to source (as in vitest.config.ts). */
const alias = packages.flatMap((name) => [
  { find: new RegExp(`^@csp-kit/${name}$`), replacement: `${root}packages/${name}/src/index.ts` },
  { find: new RegExp(`^@csp-kit/${name}/(.*)$`), replacement: `${root}packages/${name}/src/$1.ts` },
]);

/** Real-broker round trips are slower than in-process tests; a hang still fails. */
const testTimeout = 60_000;

export default defineConfig({
  test: {
    globalSetup: [`${root}scripts/kafka/global-setup.ts`],
    // Stopping the broker waits for a clean shutdown (bounded at 30 s, then SIGKILL).
    teardownTimeout: 60_000,
    projects: [
      ...packages.map((name) => ({
        resolve: { alias },
        test: {
          name: `${name}:interop`,
          root: `${root}packages/${name}`,
          include: ["test/**/*.interop.test.ts"],
          testTimeout,
          hookTimeout: testTimeout,
        },
      })),
      {
        resolve: { alias },
        test: {
          name: "examples:interop",
          root: `${root}docs/examples`,
          include: ["**/*.interop.test.ts"],
          testTimeout,
          hookTimeout: testTimeout,
        },
      },
      {
        test: {
          name: "interop-infra",
          root: `${root}scripts/kafka`,
          include: ["*.interop.test.ts", "*.prop.test.ts"],
          testTimeout,
          hookTimeout: testTimeout,
        },
      },
    ],
  },
});
