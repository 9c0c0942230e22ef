import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { campaignStat, expectAccessible, hikakuCli, query, scratchDir, signIn, uniqueEmail, uniqueSuffix } from "./helpers";

const PASSWORD = "a-long-enough-password";
const MAX_VOTES_PER_MINUTE = Number(process.env.HIKAKU_MAX_VOTES_PER_MINUTE ?? 30);

/** 4 prompts × 3 models: 12 pairs; model c's answer to q0 names a vendor the researcher will list. */
function rows(models: string[]): string {
  const lines = [];
  for (let p = 0; p < 4; p++) {
    for (const [m, model] of models.entries()) {
      const leak = p === 0 && m === 2 ? " As built by Vendorword, I think" : "";
      lines.push({ prompt_id: `q${p}`, prompt: `Settings question ${p}`, model, output: `Answer ${m + 1} to question ${p}.${leak}` });
    }
  }
  return lines.map((r) => JSON.stringify(r)).join("\n") + "\n";
}

async function pairText(page: Page): Promise<string> {
  const parts = await Promise.all(["prompt", "answer-a", "answer-b"].map((id) => page.getByTestId(id).textContent()));
  return parts.join(" | ");
}

/** The pair on screen, or "end" once the end message has replaced it; never waits for either. */
function screen(page: Page): Promise<string> {
  return page.evaluate(() => {
    const text = (id: string) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? null;
    return text("end-message") !== null ? "end" : ["prompt", "answer-a", "answer-b"].map(text).join(" | ");
  });
}

test("each campaign setting changes what the annotator gets: outcomes, reason, instructions, identity words, cap, minimum time", async ({
  browser,
}) => {
  const suffix = uniqueSuffix();
  const slug = `settings-${suffix}`;
  const models = ["a", "b", "c"].map((m) => `settings${m}-${suffix}`);
  const researcherEmail = uniqueEmail("settings-researcher");
  const annotatorEmail = uniqueEmail("settings-annotator");
  const file = join(scratchDir(), "rows.jsonl");
  writeFileSync(file, rows(models));
  hikakuCli(["user", "create", "--email", researcherEmail, "--role", "RESEARCHER", "--password", PASSWORD]);
  hikakuCli(["user", "create", "--email", annotatorEmail, "--role", "ANNOTATOR", "--password", PASSWORD]);
  hikakuCli(["campaign", "create", "--slug", slug, "--name", `Settings ${suffix}`, "--target", "1", "--owner", researcherEmail]);
  hikakuCli(["campaign", "create", "--slug", `${slug}-elsewhere`, "--name", `Elsewhere ${suffix}`]);
  hikakuCli(["import", "--campaign", slug, "--file", file]);
  hikakuCli(["campaign", "add-member", "--slug", slug, "--email", annotatorEmail]);
  hikakuCli(["campaign", "status", "--slug", slug, "--to", "ACTIVE"]);

  const researcher = await (await browser.newContext({ extraHTTPHeaders: { "Accept-Language": "en" } })).newPage();
  await signIn(researcher, researcherEmail, PASSWORD);
  await researcher.goto(`/campaigns/${slug}`);
  const stat = (label: string) => campaignStat(researcher, label);
  await expect(stat("Pairs to judge")).toHaveText("12");
  // Opening the campaign recorded its plan.
  await expect(researcher.getByTestId("study-plan")).toContainText("The campaign still matches its plan.");
  await expect(researcher.getByTestId("study-plan")).toContainText(models.join(", "));

  await researcher.locator('textarea[name="instructions"]').fill("Prefer the **politer** answer.");
  await researcher.locator('input[name="allowedOutcomes"][value="TIE"]').uncheck();
  await researcher.locator('input[name="allowedOutcomes"][value="BOTH_GOOD"]').check();
  await researcher.locator('select[name="reasonPolicy"]').selectOption("REQUIRED");
  await researcher.locator('select[name="strategy"]').selectOption("ACTIVE");
  await researcher.locator('input[name="dailyCapPerAnnotator"]').fill("3");
  await researcher.locator('input[name="minSecondsPerVote"]').fill("30");
  const words = researcher.locator('textarea[name="identityWords"]');
  await words.fill(`${await words.inputValue()}\nvendorword`);
  await researcher.getByRole("button", { name: "Save settings" }).click();
  await expect(researcher.getByText("Saved.")).toBeVisible();
  // The two pairs with c's answer to q0 are held back as soon as the word is listed (matched case-blind).
  await researcher.reload();
  await expect(stat("Pairs to judge")).toHaveText("10");
  await expect(researcher.getByTestId("study-plan-changed")).toHaveText(
    "Changed since the plan: sampling, settings. Say so when you publish the results.",
  );
  await expectAccessible(researcher);
  const japanese = await (await browser.newContext({ locale: "ja-JP", viewport: { width: 390, height: 844 } })).newPage();
  await signIn(japanese, researcherEmail, PASSWORD);
  await japanese.goto(`/campaigns/${slug}`);
  await expect(japanese.getByTestId("study-plan-changed")).toContainText("計画から変わった点: サンプリング, 設定");
  await expectAccessible(japanese);
  await japanese.context().close();
  const [stored] = await query<{ strategy: string; allowedOutcomes: string }>(
    `SELECT strategy::text, "allowedOutcomes"::text FROM "Campaign" WHERE slug = $1`,
    [slug],
  );
  expect(stored).toEqual({ strategy: "ACTIVE", allowedOutcomes: "{LEFT,RIGHT,BOTH_BAD,BOTH_GOOD}" });

  const page = await (await browser.newContext({ extraHTTPHeaders: { "Accept-Language": "en" } })).newPage();
  await signIn(page, annotatorEmail, PASSWORD);
  await page.goto(`/vote/${slug}`);
  const shown: string[] = [];
  const voteButton = page.getByTestId("vote-LEFT");
  await expect(voteButton).toBeEnabled();
  shown.push(await pairText(page));

  // Instructions open and close with I, rendered as Markdown.
  await expect(page.getByTestId("instructions")).toHaveCount(0);
  await page.keyboard.press("i");
  await expect(page.getByTestId("instructions").locator("strong")).toHaveText("politer");
  await expectAccessible(page);
  await page.keyboard.press("i");
  await expect(page.getByTestId("instructions")).toHaveCount(0);

  // Only the allowed outcomes are offered.
  await expect(page.getByTestId("vote-TIE")).toHaveCount(0);
  await expect(page.getByTestId("vote-BOTH_GOOD")).toBeVisible();
  await expect(page.getByTestId("vote-BOTH_BAD")).toBeVisible();

  // A reason is required: the vote waits on the same pair.
  const alert = page.locator("main [role=alert]");
  await voteButton.click();
  await expect(alert).toHaveText("Please give a short reason before voting.");
  await expect(page.getByRole("button", { name: "Load a new pair" })).toHaveCount(0);
  expect(await pairText(page)).toBe(shown[0]);

  // Over the per-minute rate (votes elsewhere count too), the vote is refused with a message and
  // the pair stays; once the minute has passed, the same click counts.
  await query(
    `INSERT INTO "Vote" (id, "campaignId", "annotatorId", "modelAId", "modelBId", outcome, winner)
     SELECT gen_random_uuid(), c.id, u.id, m.id, m.id, 'LEFT', 'MODEL_A'
     FROM "Campaign" c, "User" u, "Model" m, generate_series(1, $3::int)
     WHERE c.slug = $1 || '-elsewhere' AND u.email = $2 AND m.name = $4`,
    [slug, annotatorEmail, MAX_VOTES_PER_MINUTE, models[0]],
  );
  await page.getByLabel("Reason (required)").fill("clearer");
  await voteButton.click();
  await expect(alert).toHaveText("That was very fast. Take a moment to read both answers, then vote again.");
  expect(await pairText(page)).toBe(shown[0]);
  await query(
    `UPDATE "Vote" SET "createdAt" = now() - interval '2 minutes' WHERE "campaignId" = (SELECT id FROM "Campaign" WHERE slug = $1 || '-elsewhere')`,
    [slug],
  );
  await voteButton.click();
  const today = page.getByTestId("daily-progress").getByRole("progressbar");
  await expect(today).toHaveAttribute("aria-valuenow", "1");
  await expect(today).toHaveAttribute("aria-valuemax", "3");

  // Skip by key and by button: a new pair each time, and no vote counted.
  for (const how of ["key", "button"] as const) {
    await expect(voteButton).toBeEnabled();
    const before = await pairText(page);
    shown.push(before);
    if (how === "key") await page.keyboard.press("s");
    else await page.getByTestId("skip").click();
    await expect.poll(() => pairText(page)).not.toBe(before);
  }
  await expect(today).toHaveAttribute("aria-valuenow", "1");

  // A pair that expired while open: the vote says so and a new pair is one click away.
  await expect(voteButton).toBeEnabled();
  const expiring = await pairText(page);
  shown.push(expiring);
  await query(
    `UPDATE "Assignment" SET "expiresAt" = now() - interval '1 minute'
     WHERE state = 'OPEN' AND "annotatorId" = (SELECT id FROM "User" WHERE email = $1)`,
    [annotatorEmail],
  );
  const reasonBox = page.getByLabel("Reason (required)");
  await reasonBox.fill("more complete");
  // Keys typed into the reason are text, not votes: leave the box first.
  await reasonBox.blur();
  await page.keyboard.press("2");
  await expect(alert).toContainText("This pair expired before your vote arrived.");
  await page.getByRole("button", { name: "Load a new pair" }).click();
  await expect(alert).toHaveCount(0);

  // Two more votes reach the daily cap of 3: the cap screen replaces the pair.
  for (let n = 2; n <= 3; n++) {
    await expect(voteButton).toBeEnabled();
    shown.push(await pairText(page));
    await page.getByLabel("Reason (required)").fill(`reason ${n}`);
    await page.getByTestId(n === 2 ? "vote-BOTH_GOOD" : "vote-RIGHT").click();
    if (n < 3) await expect(today).toHaveAttribute("aria-valuenow", String(n));
  }
  await expect(page.getByTestId("end-message")).toContainText("You have reached today's limit for this campaign.");
  await expectAccessible(page);

  const votes = await query<{ outcome: string; reason: string; tooFast: boolean }>(
    `SELECT v.outcome::text, v.reason, v."tooFast" FROM "Vote" v JOIN "Campaign" c ON c.id = v."campaignId"
     JOIN "User" u ON u.id = v."annotatorId" WHERE c.slug = $1 AND u.email = $2 ORDER BY v.seq`,
    [slug, annotatorEmail],
  );
  // Cast within seconds of each pair appearing, under the 30-second minimum: kept, marked too fast.
  expect(votes).toEqual([
    { outcome: "LEFT", reason: "clearer", tooFast: true },
    { outcome: "BOTH_GOOD", reason: "reason 2", tooFast: true },
    { outcome: "RIGHT", reason: "reason 3", tooFast: true },
  ]);

  // Without the cap the annotator goes on until every pair they may judge is done; the pairs
  // whose answers name the vendor never appear.
  await researcher.locator('input[name="dailyCapPerAnnotator"]').fill("");
  await researcher.getByRole("button", { name: "Save settings" }).click();
  await expect(researcher.getByText("Saved.")).toBeVisible();
  await page.goto(`/vote/${slug}`);
  await expect(voteButton).toBeVisible();
  for (let n = 0; n < 12 && (await screen(page)) !== "end"; n++) {
    await expect(voteButton).toBeEnabled();
    const text = await pairText(page);
    shown.push(text);
    await page.getByLabel("Reason (required)").fill("fine");
    await voteButton.click();
    await expect.poll(() => screen(page)).not.toBe(text);
  }
  await expect(page.getByTestId("end-message")).toContainText("You have judged every pair available to you.");
  expect(shown.join("\n")).toContain("Answer 3 to question 1");
  expect(shown.join("\n")).not.toContain("Vendorword");
  const [{ total }] = await query<{ total: number }>(
    `SELECT count(*)::int AS total FROM "Vote" v JOIN "Campaign" c ON c.id = v."campaignId" WHERE c.slug = $1`,
    [slug],
  );
  // Ten pairs to judge, less the two this annotator skipped (never served to them again); the
  // pair that expired came back.
  expect(total).toBe(8);
  await Promise.all([researcher.context().close(), page.context().close()]);
});
