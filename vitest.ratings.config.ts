import { defineConfig } from "vitest/config";
import base from "./vitest.config";

/**
 * lib/ratings on its own: pure functions tested without a database, so no per-file database is
 * set up. `npm run test:mutation:ratings` runs every mutant of lib/ratings against these tests
 * alone — the statistics' own unit tests must catch their bugs.
 */
export default defineConfig({
  resolve: base.resolve,
  test: {
    include: ["lib/ratings/**/*.test.ts"],
    testTimeout: 60_000,
  },
});
