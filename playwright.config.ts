import { defineConfig, devices } from "@playwright/test";

// `npm test` picks a free port and a throwaway database and passes them in.
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "e2e",
  // Two workers: the browser, the app server and PostgreSQL leave about a quarter of the two cores
  // idle with one (4.3–5.1 min in four runs instead of 5.5). Every test makes its own accounts,
  // campaigns and models (helpers.ts: uniqueSuffix), so none sees another's data. A file's tests
  // share its worker and its beforeAll, unless the file says they may spread (results.spec.ts).
  fullyParallel: false,
  workers: 2,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  // One limit for every test, long enough for the longest (every server action as seven kinds of
  // user, 45 hostile payloads) on a busy two-core machine: in a five-run loop the ten-vote test
  // took over a minute. A timeout is no performance check, only a stop for a test that hangs.
  timeout: 180_000,
  // How long an assertion waits for the page to get there: Playwright's 5 s default was passed
  // by a client-side navigation after sign-in on the two shared cores at load 12 (twice in a row).
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      // Root and offline: no sandbox, and no background calls to Google's services.
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  webServer: {
    // The same server `npm start` runs (Next's handler behind node:http, see scripts/app-server.mjs).
    command: "node scripts/app-server.mjs",
    url: `${baseURL}/sign-in`,
    reuseExistingServer: false,
    timeout: 120_000,
    env: {
      HOSTNAME: "127.0.0.1",
      PORT: String(port),
      MALLOC_ARENA_MAX: "2",
      NEXTAUTH_URL: baseURL,
      NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? "hikaku-test-secret-not-for-production",
      HIKAKU_ENCRYPTION_KEY: process.env.HIKAKU_ENCRYPTION_KEY ?? "hikaku-test-encryption-key-not-for-production",
      // Worker long polls end quickly, so a test's last poll does not hold the server at shutdown.
      HIKAKU_WORKER_POLL_SECONDS: "3",
      // The tests' model server listens on loopback; only 127.0.0.1 is allowed, so [::1] and
      // private or metadata addresses are still refused (e2e/live.spec.ts checks the form says so).
      HIKAKU_ALLOWED_MODEL_HOSTS: "127.0.0.1",
      // /metrics is on (e2e/operations.spec.ts reads it through the real server).
      HIKAKU_METRICS_TOKEN: "hikaku-e2e-metrics-token",
    },
  },
});
