import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { migrate } from "../prisma/migrator";
import { freePort, startThrowawayDatabase } from "./lib/local-postgres";
import { ensurePgBouncer } from "./lib/pgbouncer";

/**
 * `npm test`: every check, in the order CI runs them, against a throwaway PostgreSQL that is
 * removed afterwards: lint, unit + integration tests (Vitest), `next build`, browser tests
 * (Playwright with Debian's chromium, installed here when missing).
 */

const CHROMIUM = "/usr/bin/chromium";
/** The integration tests of votes, live battles (workers and wake-ups), exports, imports and leaderboards. */
const PGBOUNCER_TESTS = [
  "lib/db/pgbouncer.test.ts",
  "lib/votes/record-vote.test.ts",
  "lib/votes/voting-endpoints.test.ts",
  "lib/votes/rigging.test.ts",
  "lib/live/live.test.ts",
  "lib/live/live-workers.test.ts",
  "lib/live/node-turn.test.ts",
  "lib/datasets/datasets.test.ts",
  "lib/datasets/export-limits.test.ts",
  "lib/imports/import.test.ts",
  "lib/results/results.test.ts",
];

function log(line: string): void {
  console.log(`\n[test] ${line}`);
}

function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (sudo apt-get install -y chromium) and run again.`);
  }
  log("installing Debian's chromium for the browser tests…");
  for (const args of [
    ["update", "-qq"],
    ["install", "-y", "-qq", "chromium"],
  ]) {
    const result = spawnSync("apt-get", args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    if (result.status !== 0) throw new Error(`apt-get ${args.join(" ")} failed.`);
  }
}

/** Each passed step's name and seconds, printed at the end: where the suite's time goes (docs/testing.md). */
const timings: string[] = [];

function step(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  log(name);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit", env });
    child.once("exit", (code, signal) => {
      if (code !== 0) return reject(new Error(`${name} failed (${signal ?? `exit ${code}`}).`));
      timings.push(`${Math.round((performance.now() - started) / 1000)} s  ${name}`);
      resolve();
    });
  });
}

async function main(): Promise<void> {
  ensureChromium();
  log("starting a throwaway PostgreSQL…");
  const database = await startThrowawayDatabase();
  const stopDatabase = () => database.stop().catch(() => {});
  process.once("SIGINT", () => void stopDatabase().then(() => process.exit(130)));
  process.once("SIGTERM", () => void stopDatabase().then(() => process.exit(143)));
  try {
    await migrate(database.url);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HIKAKU_TEST_DATABASE_URL: database.url,
      DATABASE_URL: database.url,
      NEXTAUTH_SECRET: "hikaku-test-secret-not-for-production",
      HIKAKU_ENCRYPTION_KEY: "hikaku-test-encryption-key-not-for-production",
      E2E_PORT: String(await freePort()),
      NEXT_TELEMETRY_DISABLED: "1",
    };
    await step("lint (eslint, prettier)", "npm", ["run", "--silent", "lint"], env);
    await step("unit and integration tests (vitest)", "npx", ["vitest", "run"], env);
    // The tests that touch votes, live battles, exports, imports and leaderboards again, with every
    // test file's DATABASE_URL through Debian's PgBouncer in transaction pooling mode (and
    // DIRECT_DATABASE_URL for what needs a session), as hosted PostgreSQL puts one in front.
    ensurePgBouncer(log);
    await step("the same through PgBouncer in transaction pooling mode (vitest)", "npx", ["vitest", "run", ...PGBOUNCER_TESTS], {
      ...env,
      HIKAKU_TEST_PGBOUNCER: "1",
    });
    await step("production build (next build)", "npx", ["next", "build"], env);
    await step(
      "a killed app instance (bench/killed-instance.ts, small)",
      "npx",
      ["tsx", "--conditions=react-server", "bench/killed-instance.ts"],
      {
        ...env,
        BENCH_ANNOTATORS: "50",
        BENCH_SECONDS: "8",
      },
    );
    await step(
      "a graceful shutdown under load (bench/graceful-shutdown.ts)",
      "npx",
      ["tsx", "--conditions=react-server", "bench/graceful-shutdown.ts"],
      env,
    );
    await step("browser tests (playwright)", "npx", ["playwright", "test"], env);
    log(`all checks passed\n${timings.map((line) => `  ${line}`).join("\n")}`);
  } finally {
    await stopDatabase();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`\n[test] ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  },
);
