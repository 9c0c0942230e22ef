import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { DATABASE_FREE_TESTS } from "./vitest.database-free.ts";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@\/(.*)$/, replacement: `${root}$1` },
      // Outside Next's server bundle "server-only" throws on import; in tests it is a no-op.
      { find: /^server-only$/, replacement: `${root}node_modules/server-only/empty.js` },
    ],
  },
  test: {
    exclude: ["node_modules/**", "e2e/**", ".next/**", ".hikaku/**", ".stryker-tmp/**"],
    setupFiles: ["./vitest.env.ts"],
    // Files that need PostgreSQL get a migrated copy of their own (vitest.global-setup.ts,
    // vitest.setup.ts); the rest run without one.
    projects: [
      {
        extends: true,
        test: {
          name: "database",
          include: ["**/*.test.ts"],
          exclude: DATABASE_FREE_TESTS,
          globalSetup: ["./vitest.global-setup.ts"],
          setupFiles: ["./vitest.setup.ts"],
        },
      },
      {
        extends: true,
        test: { name: "no-database", include: DATABASE_FREE_TESTS, env: { DATABASE_URL: "postgresql://no-database.invalid/none" } },
      },
    ],
    // Several tests run the CLI a dozen times, each a process start of a few seconds, while the
    // other test files share the two cores: one took 68 s in a five-run loop. A timeout is no
    // performance check here, only a stop for a test that hangs.
    testTimeout: 180_000,
    // Test files wait on PostgreSQL and on child processes more than they compute: two per core
    // keep the cores busy (on 2 cores the suite took 195 s with one per core, 116 s with two).
    // At most four: each has its own database copy and connections.
    maxWorkers: Math.min(4, 2 * availableParallelism()),
    hookTimeout: 120_000,
  },
});
