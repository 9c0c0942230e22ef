import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { startFakeOpenAi, type FakeOpenAi } from "../lib/testing/fake-openai";
import { expectAccessible, hikakuCli, scratchDir, signIn, uniqueEmail, uniqueSuffix } from "./helpers";

let fake: FakeOpenAi;

test.beforeAll(async () => {
  fake = await startFakeOpenAi({ judgeDelayMs: 30 });
});

test.afterAll(async () => {
  await fake.close();
});

const PASSWORD = "judges-e2e-password";
const FOLDER = join(process.cwd(), "..", "shared", "datasets", "mt-bench-fastchat-judgments");
const PAIR_FILE = join(FOLDER, "model_judgment", "gpt-4_pair.jsonl");

/**
 * A campaign of the shared MT-Bench folder (two models' answers), with human votes on the first
 * turn of the first 30 questions imported as battles: three experts each, who mostly prefer
 * phi-3-dpo. Returns the slug and the accounts.
 */
function setUpJudgedCampaign(suffix: string) {
  const dir = scratchDir();
  const slug = `judged-${suffix}`;
  const researcher = uniqueEmail("judges-researcher");
  const annotator = uniqueEmail("judges-annotator");
  hikakuCli(["user", "create", "--email", researcher, "--role", "RESEARCHER", "--password", PASSWORD]);
  hikakuCli(["user", "create", "--email", annotator, "--role", "ANNOTATOR", "--password", PASSWORD]);
  hikakuCli(["campaign", "create", "--slug", slug, "--name", `Judged ${suffix}`, "--owner", researcher]);
  hikakuCli([
    "import",
    "--campaign",
    slug,
    "--mtbench-questions",
    join(FOLDER, "question.jsonl"),
    "--mtbench-answers",
    join(FOLDER, "model_answer"),
  ]);
  hikakuCli(["campaign", "add-member", "--slug", slug, "--email", annotator]);
  const questions = readFileSync(join(FOLDER, "question.jsonl"), "utf8")
    .trim()
    .split("\n")
    .slice(0, 30)
    .map((line) => JSON.parse(line).question_id as number);
  const winners = ["model_b", "model_b", "model_a", "tie"];
  const votes = questions.flatMap((question, q) =>
    [0, 1, 2].map((expert) =>
      JSON.stringify({
        question_id: question,
        model_a: "phi-3",
        model_b: "phi-3-dpo",
        winner: winners[(q + expert) % winners.length],
        judge: `expert_${expert}`,
        turn: 1,
        tstamp: 1_700_000_000 + q * 3 + expert,
      }),
    ),
  );
  writeFileSync(join(dir, "votes.jsonl"), votes.join("\n"));
  hikakuCli(["import-votes", "--campaign", slug, "--file", join(dir, "votes.jsonl")]);
  return { slug, researcher, annotator };
}

test("a researcher imports FastChat's pair judgments on the Judges page, reads the agreement table and opens a disagreement", async ({
  browser,
}) => {
  const study = setUpJudgedCampaign(uniqueSuffix());
  const context = await browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  await signIn(page, study.researcher, PASSWORD);
  await page.goto(`/campaigns/${study.slug}/judges`);
  await expect(page.getByRole("link", { name: "Judges" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByText("No judge yet")).toBeVisible();
  await expectAccessible(page);

  await page.getByLabel("Judgment file (.jsonl)").setInputFiles(PAIR_FILE);
  await page.getByRole("button", { name: "Import judgments" }).click();
  await expect(page.getByTestId("judgments-summary")).toHaveText(
    "gpt-4_pair: 75 new judgment(s), 0 already stored, 2 failed call(s) kept but not counted.",
  );
  await page.reload();
  const rows = page.getByTestId("agreement-row");
  // The judge and the annotators with each other, on turn 1 (the only turn both have).
  await expect(rows).toHaveCount(2);
  const agreement = JSON.parse(hikakuCli(["agreement", "--campaign", study.slug]));
  const judge = agreement.judges[0];
  const turn = judge.turns[0];
  const shown = (ratio: number, agree: number, total: number) => `${(ratio * 100).toFixed(0)}% (${agree}/${total})`;
  await expect(rows.first()).toContainText("gpt-4_pair");
  await expect(rows.first()).toContainText(shown(turn.withTie.ratio, turn.withTie.agree, turn.withTie.total));
  await expect(rows.first()).toContainText(shown(turn.withoutTie.ratio, turn.withoutTie.agree, turn.withoutTie.total));
  await expect(rows.first()).toContainText(`${(judge.consistency * 100).toFixed(0)}%`);
  const humans = agreement.humanHuman.turns[0];
  await expect(rows.nth(1)).toContainText(shown(humans.withTie.ratio, humans.withTie.agree, humans.withTie.total));

  const profile = page.getByTestId("judge-profile");
  await expect(profile).toContainText("went to the answer shown first (40 of 45)");
  await expect(page.getByTestId("rank-correlation")).toHaveText("The rank correlation needs at least three models both rank.");
  await expect(page.getByTestId("judge-board").locator("tbody tr")).toHaveCount(2);
  const first = page.getByTestId("disagreement").first();
  await expect(first).toContainText("contradicts");
  await first.locator("summary").click();
  await expect(first).toContainText("Annotators: A");
  await expect(first).toContainText("The judge's explanation");
  await expect(first.getByRole("heading", { name: "A: phi-3", exact: true })).toBeVisible();
  await expectAccessible(page);
  await page.screenshot({ path: "test-results/judges-en-desktop.png", fullPage: true });

  const phone = await browser.newContext({ locale: "ja-JP", viewport: { width: 390, height: 844 } });
  const phonePage = await phone.newPage();
  await signIn(phonePage, study.researcher, PASSWORD);
  await phonePage.goto(`/campaigns/${study.slug}/judges`);
  await expect(phonePage.getByRole("heading", { name: "アノテーターとの一致率" })).toBeVisible();
  await phonePage.getByRole("heading", { name: "アノテーターとの一致率" }).scrollIntoViewIfNeeded();
  await phonePage.screenshot({ path: "test-results/judges-ja-phone.png" });
  await phonePage.getByTestId("disagreement").first().locator("summary").click();
  await expectAccessible(phonePage);
  await phone.close();
  await context.close();
});

test("a bad judgment file is refused on the page with its lines; an annotator gets 404 on the Judges page", async ({ browser }) => {
  const study = setUpJudgedCampaign(`${uniqueSuffix()}b`);
  const context = await browser.newContext({ locale: "ja-JP" });
  const page = await context.newPage();
  await signIn(page, study.researcher, PASSWORD);
  await page.goto(`/campaigns/${study.slug}/judges`);
  const dir = scratchDir();
  writeFileSync(
    join(dir, "bad_pair.jsonl"),
    JSON.stringify({
      question_id: 81,
      model_1: "phi-3",
      model_2: "gpt-9",
      g1_winner: "model_1",
      g2_winner: "model_1",
      judge: ["gpt-4", "pair-v2"],
      turn: 1,
    }),
  );
  await page.getByLabel("判定ファイル（.jsonl）").setInputFiles(join(dir, "bad_pair.jsonl"));
  await page.getByRole("button", { name: "判定を取り込む" }).click();
  await expect(page.getByTestId("judgments-errors")).toContainText("bad_pair.jsonl:1: 不明なモデル gpt-9");
  await expectAccessible(page);
  await context.close();

  const annotatorContext = await browser.newContext({ locale: "en-US" });
  const annotatorPage = await annotatorContext.newPage();
  await signIn(annotatorPage, study.annotator, PASSWORD);
  const response = await annotatorPage.goto(`/campaigns/${study.slug}/judges`);
  expect(response?.status()).toBe(404);
  await annotatorContext.close();
});

test("a researcher runs a judge against an OpenAI-compatible server from the page and follows its progress", async ({ browser }) => {
  const study = setUpJudgedCampaign(`${uniqueSuffix()}r`);
  const context = await browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  await signIn(page, study.researcher, PASSWORD);
  await page.goto(`/campaigns/${study.slug}/judges`);
  const form = page.getByTestId("judge-run-form");
  await form.getByLabel("Judge name").fill("longer-judge");
  await form.getByLabel("Base URL (…/v1)").fill(fake.baseUrl);
  await form.getByLabel("Model name at the endpoint (optional)").fill("judge-longer-e2e");
  await form.getByLabel("At most this many judgments (optional)").fill("12");
  await form.getByRole("button", { name: "Start the run" }).click();
  await expect(form.getByRole("status")).toHaveText("The run has started: its progress is shown below.");
  const run = page.getByTestId("judge-run");
  // The page follows the run by itself until it is done.
  await expect(run).toContainText("longer-judge · finished", { timeout: 30_000 });
  await expect(run.getByRole("progressbar", { name: "Judged" })).toHaveAttribute("aria-valuenow", "12");
  await expect(run).toContainText("0 failed · 2400 tokens so far");
  // Humans' pairs first: the twelve judgments are both turns of six voted questions, whose first
  // turns three experts each voted on: 18 comparisons with ties.
  const row = page.getByTestId("agreement-row").filter({ hasText: "longer-judge" });
  await expect(row).toContainText("/18)");
  expect(fake.requests.filter((r) => r.model === "judge-longer-e2e")).toHaveLength(24);
  expect(fake.requests.every((r) => !JSON.stringify(r.messages).includes("phi-3"))).toBe(true);
  await expectAccessible(page);
  await context.close();
});
