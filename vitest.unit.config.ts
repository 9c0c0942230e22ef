import { defineConfig } from "vitest/config";
import base from "./vitest.config.ts";

/**
 * The pure modules' own unit tests — the statistics (lib/ratings), which dollar signs are math
 * (lib/markdown/dollar-math.ts), the input schemas of campaign settings and votes, which addresses
 * outgoing calls may reach (lib/net/addresses.ts), spreadsheet-safe CSV (lib/csv/write.ts) and the
 * streaming check for model names (lib/live/identity-guard.ts) and the simulator's truth
 * (lib/simulation/truth.ts) with the replica of the scheduler that the benchmarks run, and the
 * datasets' parts that need no database (a row's checks, the file readers, the CSV → Parquet
 * encoder, which the app runs in a worker thread where Stryker cannot see it), and the results'
 * filters, head-to-head view, output formats and binary vote stream — without a
 * database, so none is made per test file and per mutant.
 * `npm run test:mutation:unit` runs each mutant of those modules against these tests alone: their
 * own tests must catch their bugs, and a schema's module-level mutants cost a second, not a full
 * database-backed run.
 */
export default defineConfig({
  resolve: base.resolve,
  test: {
    include: [
      "lib/ratings/**/*.test.ts",
      "lib/markdown/dollar-math.test.ts",
      "lib/campaigns/settings.test.ts",
      "lib/votes/vote-input.test.ts",
      "lib/net/addresses.test.ts",
      "lib/csv/*.test.ts",
      "lib/live/identity-guard.test.ts",
      "lib/simulation/truth.test.ts",
      "lib/simulation/memory-scheduler.test.ts",
      "lib/datasets/write-formats.test.ts",
      "lib/datasets/vote-row.test.ts",
      "lib/datasets/read-formats.test.ts",
      "lib/datasets/binary-copy-text.test.ts",
      "lib/results/filters.test.ts",
      "lib/results/head-to-head.test.ts",
      "lib/results/output.test.ts",
      "lib/results/vote-stream.test.ts",
    ],
    testTimeout: 60_000,
  },
});
