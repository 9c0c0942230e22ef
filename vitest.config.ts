import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

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
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "e2e/**", ".next/**", ".hikaku/**", ".stryker-tmp/**"],
    globalSetup: ["./vitest.global-setup.ts"],
    setupFiles: ["./vitest.setup.ts"],
    // Several tests run the CLI a dozen times, each a process start of a few seconds, while the
    // other test files share the two cores: one took 68 s in a five-run loop. A timeout is no
    // performance check here, only a stop for a test that hangs.
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
