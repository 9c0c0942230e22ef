/**
 * Test files that never reach PostgreSQL: Vitest runs them without the per-file database copy
 * (vitest.setup.ts), which costs a CREATE and a DROP DATABASE each. A file missing from this list
 * still runs, with a database it does not use; one listed here that reaches for a database fails
 * at once (its DATABASE_URL names a host that does not exist, vitest.config.ts).
 */
export const DATABASE_FREE_TESTS = [
  "lib/ratings/**/*.test.ts",
  "lib/csv/*.test.ts",
  "lib/markdown/*.test.ts",
  "lib/campaigns/settings.test.ts",
  "lib/votes/vote-input.test.ts",
  "lib/net/addresses.test.ts",
  "lib/http/same-origin.test.ts",
  "lib/auth/session-token.test.ts",
  "lib/results/filters.test.ts",
  "lib/results/head-to-head.test.ts",
  "lib/results/output.test.ts",
  "lib/auth/callback.test.ts",
  "lib/metrics/metrics-off.test.ts",
  "lib/log.test.ts",
  "lib/i18n/locale.test.ts",
  "lib/i18n/actions.test.ts",
  "lib/uploads/multipart.test.ts",
  "lib/results/vote-stream.test.ts",
  "lib/prompts/dedup.test.ts",
  "lib/scheduling/settle-plan.test.ts",
  "lib/scheduling/pair-order.test.ts",
  "lib/live/identity-guard.test.ts",
  "lib/live/sse.test.ts",
  "lib/live/openai.test.ts",
  "lib/live/moderation.test.ts",
  "lib/live/reference-worker.test.ts",
  "lib/simulation/truth.test.ts",
  "lib/simulation/memory-scheduler.test.ts",
  "lib/simulation/stopping-rule.test.ts",
  "lib/datasets/write-formats.test.ts",
  "lib/datasets/vote-row.test.ts",
  "lib/datasets/read-formats.test.ts",
  "lib/datasets/binary-copy-text.test.ts",
  "scripts/deployment.test.ts",
];
