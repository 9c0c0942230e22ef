import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { expectAccessible, hikakuCli, scratchDir, signIn, uniqueEmail, uniqueSuffix } from "./helpers";

const PASSWORD = "a-long-enough-password";

test("the campaign page shows progress toward the stopping target and its projected date, then that it was met, with the way to close", async ({
  browser,
}) => {
  const suffix = uniqueSuffix();
  const truth = join(scratchDir(), "truth.json");
  writeFileSync(truth, JSON.stringify({ [`stop-a-${suffix}`]: 1200, [`stop-b-${suffix}`]: 1100, [`stop-c-${suffix}`]: 1000 }));
  const admin = uniqueEmail("stopping-admin");
  hikakuCli(["user", "create", "--email", admin, "--role", "ADMIN", "--password", PASSWORD]);
  // 40 votes toward "top 1": far from met, all in the last days, so a date can be projected.
  const open = `stop-open-${suffix}`;
  hikakuCli(["simulate", "--slug", open, "--truth", truth, "--votes", "40", "--annotators", "4", "--prompts", "5", "--goal", "top=1"]);
  const met = `stop-met-${suffix}`;
  const third = `stop-third-${suffix}`;
  hikakuCli(["simulate", "--slug", third, "--truth", truth, "--votes", "40", "--annotators", "4", "--prompts", "5", "--goal", "top=1"]);
  hikakuCli(["simulate", "--slug", met, "--truth", truth, "--votes", "30", "--annotators", "4", "--prompts", "5", "--goal", "votes=30"]);

  const context = await browser.newContext({ extraHTTPHeaders: { "Accept-Language": "en" } });
  const page = await context.newPage();
  await signIn(page, admin, PASSWORD);
  await page.goto(`/campaigns/${open}`);
  const panel = page.getByTestId("stop-target");
  await expect(panel).toContainText("The top 1 ranked with 95% confidence");
  await expect(panel.getByTestId("stop-target-progress")).toContainText(/40 votes so far, of about [\d,]+ needed\./);
  await expect(panel.getByRole("progressbar", { name: "Votes toward the projected need" })).toBeVisible();
  await expect(panel.getByTestId("stop-target-date")).toHaveText(/^At the last 7 days' rate \(5\.7 a day\), about \d{4}-\d{2}-\d{2}\.$/);
  // The plan recorded the target too.
  await expect(page.getByTestId("study-plan")).toContainText("The top 1 ranked with 95% confidence");
  await expectAccessible(page);
  await page.screenshot({ path: "test-results/stopping-en-desktop.png", fullPage: true });

  // A value that does not fit the kind is refused by name; then a target of 40 votes, met at once.
  await page.locator('select[name="stopTarget"]').selectOption({ label: "The top k are ranked" });
  await page.locator('input[name="stopTargetValue"]').fill("0");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Please check: Target value (k, δ in points, or votes).")).toBeVisible();
  await page.locator('select[name="stopTarget"]').selectOption({ label: "A number of votes is reached" });
  await page.locator('input[name="stopTargetValue"]').fill("40");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Saved.")).toBeVisible();
  await page.reload();
  await expect(panel).toContainText("40 votes");
  await expect(panel.getByTestId("stop-target-met")).toContainText(/^Met on \d{4}-\d{2}-\d{2}\./);
  // The plan keeps what was planned and says the target changed.
  await expect(page.getByTestId("study-plan")).toContainText("The top 1 ranked with 95% confidence");
  await expect(page.getByTestId("study-plan-changed")).toContainText("target");

  await page.goto(`/campaigns/${met}`);
  const done = page.getByTestId("stop-target-met");
  await expect(done).toContainText(/^Met on \d{4}-\d{2}-\d{2}\. The target holds with 95% confidence/);
  await expectAccessible(page);
  await done.getByRole("button", { name: "Close campaign" }).click();
  await expect(page.getByTestId("campaign-status")).toHaveText("Closed");
  // Closed: the panel still says it was met, without a second way to close.
  await expect(done.getByRole("button")).toHaveCount(0);

  const phone = await browser.newContext({ locale: "ja-JP", viewport: { width: 390, height: 844 } });
  const phonePage = await phone.newPage();
  await signIn(phonePage, admin, PASSWORD);
  await phonePage.goto(`/campaigns/${third}`);
  const japanese = phonePage.getByTestId("stop-target");
  await expect(phonePage.getByRole("heading", { name: "終了目標" })).toBeVisible();
  await expect(japanese).toContainText("上位 1 位までを信頼度 95% で確定");
  await expect(japanese.getByTestId("stop-target-progress")).toContainText(/これまで 40 票、必要な票数の見込みは約 [\d,]+ 票。/);
  await expect(japanese.getByTestId("stop-target-date")).toHaveText(/^直近 7 日のペース（1 日 5\.7 票）で、およそ \d{4}-\d{2}-\d{2}。$/);
  await japanese.scrollIntoViewIfNeeded();
  await phonePage.screenshot({ path: "test-results/stopping-ja-phone.png" });
  await expectAccessible(phonePage);
  await phone.close();
  await context.close();
});
