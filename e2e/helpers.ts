import { execFileSync } from "node:child_process";
import AxeBuilder from "@axe-core/playwright";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, type Page } from "@playwright/test";
import pg from "pg";

let counter = 0;

/**
 * A suffix for names (slugs, models, accounts) that no other test uses: not in this run, where two
 * Playwright workers start tests in the same millisecond, nor in an earlier run against the same database.
 */
export function uniqueSuffix(): string {
  counter += 1;
  return `${Date.now().toString(36)}w${process.env.TEST_WORKER_INDEX ?? 0}n${counter}`;
}

/** An e-mail address no other test (or earlier run against the same database) uses. */
export function uniqueEmail(prefix: string): string {
  return `${prefix}-${uniqueSuffix()}@example.test`;
}

/** Runs the real CLI (`npm run hikaku -- …`) against the test database. */
export function hikakuCli(args: string[]): string {
  return execFileSync(process.execPath, ["--conditions=react-server", "scripts/cli.mjs", ...args], {
    // As the app server (playwright.config.ts): the tests' model servers listen on 127.0.0.1.
    env: { ...process.env, HIKAKU_ALLOWED_MODEL_HOSTS: "127.0.0.1" },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/**
 * A live campaign, open for voting, with `annotator` (a new account) as its member and one model
 * per entry of `models` (each `model add`'s own arguments after the campaign): what each printed.
 */
export function openLiveCampaign(slug: string, annotator: string, password: string, models: string[][]): string[] {
  hikakuCli(["user", "create", "--email", annotator, "--role", "ANNOTATOR", "--password", password]);
  hikakuCli(["campaign", "create", "--slug", slug, "--name", slug, "--live"]);
  const printed = models.map((args) => hikakuCli(["model", "add", "--campaign", slug, ...args]).trim());
  hikakuCli(["campaign", "add-member", "--slug", slug, "--email", annotator]);
  hikakuCli(["campaign", "status", "--slug", slug, "--to", "ACTIVE"]);
  return printed;
}

/** Collects the Content Security Policy violations and dialogs a page reports, for an assertion at the end. */
export function collectPageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  page.on("dialog", (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return problems;
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/sign-in");
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('button[type="submit"]').click();
  await expect(page).not.toHaveURL(/\/sign-in/);
}

/** A new empty folder for files a test writes (imports, downloads). */
export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), "hikaku-e2e-"));
}

/** One SQL statement against the test database, for checks and set-ups the UI has no page for. */
export async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Checks a page against WCAG 2 A and AA with axe-core. */
export async function expectAccessible(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

/** The value of one figure on a campaign's overview (Prompts, Models, Pairs to judge…). */
export function campaignStat(page: Page, label: string) {
  return page
    .getByTestId("campaign-stats")
    .locator("div", { has: page.locator("dt", { hasText: label }) })
    .locator("dd");
}
