import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { collectPageProblems, expectAccessible, hikakuCli, scratchDir, signIn, uniqueEmail, uniqueSuffix } from "./helpers";
import { contrarianVotes, PASSWORD, setUpStudy } from "./results-study";

// The longest file: its tests each set up their own study, so they may run on both workers.
test.describe.configure({ mode: "parallel" });

const votesShown = async (page: Page) =>
  Number((await page.getByTestId("results-source").textContent())!.match(/From ([\d,]+) votes/)![1].replace(/,/g, ""));

test("a researcher imports scores, reads the leaderboard, filters it, checks correlations and flags an annotator", async ({
  page,
  browser,
}) => {
  const suffix = uniqueSuffix();
  const study = setUpStudy(suffix);
  await contrarianVotes(study.slug, study.annotator, study.models[3], study.models[0]);
  const problems = collectPageProblems(page);
  await page.context().setExtraHTTPHeaders({ "Accept-Language": "en" });
  await signIn(page, study.researcher, PASSWORD);

  await page.goto(`/campaigns/${study.slug}/correlations`);
  await page.locator('input[name="file"]').setInputFiles(join(study.dir, "scores.csv"));
  await page.getByRole("button", { name: "Import scores" }).click();
  await expect(page.getByTestId("scores-summary")).toContainText("Imported 4 scores (4 new, 0 replaced): E2E bench.");
  await expect(page.getByTestId("benchmark-correlation")).toContainText("E2E bench");
  await expect(page.getByTestId("coefficient-spearman")).toContainText("95% interval");
  await expect(page.getByTestId("correlation-scatter")).toBeVisible();
  await expect(page.getByTestId("rank-comparison").locator("tbody tr")).toHaveCount(4);
  await expectAccessible(page);

  await page.goto(`/campaigns/${study.slug}/leaderboard`);
  await expect(page.getByTestId("leaderboard-table").locator("tbody tr")).toHaveCount(4);
  await expect(page.getByTestId("ratings-chart")).toBeVisible();
  for (const id of ["heatmap-win-fraction", "heatmap-predicted", "heatmap-battles"]) await expect(page.getByTestId(id)).toBeVisible();
  // Hovering a cell shows its numbers (an SVG <title>).
  await expect(page.getByTestId("heatmap-battles").locator("title").first()).toContainText("battles");
  expect(await votesShown(page)).toBe(420);
  await expectAccessible(page);

  await page.getByLabel("Category").selectOption("math");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/category=math/);
  await expect.poll(() => votesShown(page)).toBe(200 + 20);
  // The URL alone reproduces the view.
  const shared = await (await browser.newContext()).newPage();
  await shared.context().setExtraHTTPHeaders({ "Accept-Language": "en" });
  await signIn(shared, study.researcher, PASSWORD);
  await shared.goto(page.url());
  await expect(shared.getByLabel("Category")).toHaveValue("math");
  expect(await votesShown(shared)).toBe(220);
  await shared.close();

  await page.goto(`/campaigns/${study.slug}/annotators`);
  const row = page.locator(`[data-annotator]`).filter({ hasText: study.annotator });
  await expect(row).toContainText("20");
  await expectAccessible(page);
  await row.getByRole("button", { name: "Flag" }).click();
  await expect(row).toContainText("Flagged");

  await page.goto(`/campaigns/${study.slug}/leaderboard`);
  await expect.poll(() => votesShown(page)).toBe(400);
  await expect(page.getByTestId("leaderboard-table").locator("tbody tr").first()).toContainText(study.models[0]);
  await page.getByLabel("Exclude flagged annotators").uncheck();
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/flagged=include/);
  await expect.poll(() => votesShown(page)).toBe(420);
  // The repeated prompt: its 20 votes can be left out.
  const duplicates = page.getByTestId("duplicate-prompts");
  await expect(duplicates).toHaveText(
    "1 of 5 prompts repeat an earlier one (1 with the same text, 0 nearly the same). Their votes count in these results. Leave them out",
  );
  await duplicates.getByRole("link", { name: "Leave them out" }).click();
  await expect(page).toHaveURL(/duplicates=exclude/);
  await expect.poll(() => votesShown(page)).toBe(400);
  await expect(duplicates).toContainText("Their votes are left out of these results.");
  await expectAccessible(page);
  await duplicates.getByRole("link", { name: "Count them again" }).click();
  await expect.poll(() => votesShown(page)).toBe(420);

  // The board per category beside the overall one.
  await page.getByRole("link", { name: "Compare by category" }).click();
  await expect(page).toHaveURL(/by=category/);
  const groupBoards = page.getByTestId("group-boards");
  await expect(groupBoards.locator("thead th[data-group]")).toHaveCount(2);
  await expect(groupBoards.locator("tbody tr")).toHaveCount(4);
  await expect(groupBoards.locator("tbody td[data-group=math]").first()).toContainText("Δ");
  await expectAccessible(page);

  // Style control: fitted from the 400 imported battles, whose conversations give both answers
  // (the 20 votes stored without a pair have none); every model gets a rating and a rank change.
  await page.getByLabel("Also fit with style control (length and Markdown)").check();
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/style=on/);
  const style = page.getByTestId("style-control");
  await expect(style).toContainText("from 400 votes whose answers are known");
  await expect(style.locator("tbody tr")).toHaveCount(4);
  await expect(style.getByTestId("rank-change").first()).toHaveText(/^(\+\d+|±0|-\d+)$/);
  await expect(page.getByTestId("style-coefficients")).toContainText("Length");
  await expectAccessible(page);
  // With style control, each category's board has its own style-controlled ratings.
  await page.getByRole("link", { name: "Compare by category" }).click();
  await expect(page).toHaveURL(/style=on.*by=category|by=category.*style=on/);
  await expect(groupBoards.getByTestId("group-style-controlled")).toHaveCount(8);
  await expect(groupBoards.getByTestId("group-style-controlled").first()).toHaveText(/^style-controlled \d+\.\d \(Δ (\+\d+|±0|-\d+)\)$/);
  await expectAccessible(page);

  // Drop-k: how many votes decide the top rank and each adjacent pair (the last row has no next).
  await page.getByLabel("Also find how many votes decide each rank (drop-k)").check();
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/robustness=on/);
  await expect(page.getByTestId("top-flip")).toHaveText(/^The top rank changes if \d+ votes are removed/);
  // Sample-size planning: the votes that would part the adjacent pairs, and when at the rate of the 20 app votes.
  await expect(page.getByTestId("separation-plan")).toHaveText(
    /^(Parting every adjacent pair's intervals takes about [\d,]+ more votes on those pairs .*around \d{4}-\d{2}-\d{2}\.|Every adjacent pair's intervals are already apart\.)/,
  );
  const flipVotes = page.getByTestId("flip-votes");
  await expect(flipVotes).toHaveCount(4);
  await expect(flipVotes.first()).toHaveText(/^\d+$/);
  await expect(flipVotes.last()).toHaveText("–");
  await expect(page.getByTestId("separate-votes").first()).toHaveText(/^[\d,]+$|^–$/);
  await expectAccessible(page);
  expect(problems).toEqual([]);
});

test("a researcher leaves a prompt out of the results from the prompts page, and takes it back", async ({ page }) => {
  const suffix = uniqueSuffix();
  const study = setUpStudy(suffix);
  await contrarianVotes(study.slug, study.annotator, study.models[3], study.models[0]);
  await page.context().setExtraHTTPHeaders({ "Accept-Language": "en" });
  await signIn(page, study.researcher, PASSWORD);
  await page.goto(`/campaigns/${study.slug}/leaderboard`);
  expect(await votesShown(page)).toBe(420);

  await page.getByRole("link", { name: "Prompts" }).click();
  const prompts = page.getByTestId("prompts");
  await expect(prompts.locator("tbody tr")).toHaveCount(5);
  const repeat = prompts.locator('tr[data-prompt="p4"]');
  await expect(repeat).toContainText("PROMPT  0");
  await expect(repeat).toContainText("same text as p0");
  await expectAccessible(page);
  await repeat.getByLabel("Why prompt p4 is left out").fill("names a real person");
  await repeat.getByRole("button", { name: "Leave out" }).click();
  await expect(repeat.getByTestId("prompt-state")).toContainText("Left out: names a real person");
  await expect(page.getByText("Left out: 1.")).toBeVisible();
  await page.getByRole("link", { name: "Show only those" }).click();
  await expect(prompts.locator("tbody tr")).toHaveCount(1);
  await expectAccessible(page);

  // The 20 votes on it leave the leaderboard; taken back, they return.
  await page.goto(`/campaigns/${study.slug}/leaderboard`);
  await expect.poll(() => votesShown(page)).toBe(400);
  await page.goto(`/campaigns/${study.slug}/prompts`);
  await prompts.locator('tr[data-prompt="p4"]').getByRole("button", { name: "Take back" }).click();
  await expect(page.getByText("Left out: 0.")).toBeVisible();
  await page.goto(`/campaigns/${study.slug}/leaderboard`);
  await expect.poll(() => votesShown(page)).toBe(420);
});

test("an annotator who opens a results page gets the 404 page", async ({ page }) => {
  const suffix = uniqueSuffix();
  const study = setUpStudy(suffix);
  await signIn(page, study.annotator, PASSWORD);
  for (const section of ["leaderboard", "correlations", "annotators", "corrections"]) {
    const response = await page.goto(`/campaigns/${study.slug}/${section}`);
    expect(response?.status(), section).toBe(404);
    await expect(page.locator("body")).not.toContainText(study.models[0]);
  }
  const api = await page.request.get(`/api/v1/campaigns/${study.slug}/leaderboard`);
  expect(api.status()).toBe(403);
});

test("an annotator writes a better answer after 'both bad'; the researcher sees it and downloads every export format", async ({
  page,
  browser,
}) => {
  const suffix = uniqueSuffix();
  const researcher = uniqueEmail("owner");
  const annotator = uniqueEmail("corrector");
  const slug = `corrections-${suffix}`;
  const dir = scratchDir();
  const rows = ["x", "y"].flatMap((model) =>
    [0, 1].map((p) => ({ prompt_id: `c${p}`, prompt: `Explain ${p}`, model: `${model}-${suffix}`, output: `A poor answer ${p}` })),
  );
  writeFileSync(join(dir, "rows.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n"));
  hikakuCli(["user", "create", "--email", researcher, "--role", "RESEARCHER", "--password", PASSWORD]);
  hikakuCli(["user", "create", "--email", annotator, "--role", "ANNOTATOR", "--password", PASSWORD]);
  hikakuCli(["campaign", "create", "--slug", slug, "--name", `Corrections ${suffix}`, "--owner", researcher, "--corrections", "required"]);
  hikakuCli(["import", "--campaign", slug, "--file", join(dir, "rows.jsonl")]);
  hikakuCli(["campaign", "add-member", "--slug", slug, "--email", annotator]);
  hikakuCli(["campaign", "status", "--slug", slug, "--to", "ACTIVE"]);

  await page.context().setExtraHTTPHeaders({ "Accept-Language": "en" });
  await signIn(page, annotator, PASSWORD);
  await page.goto(`/vote/${slug}`);
  await expect(page.getByTestId("vote-BOTH_BAD")).toBeEnabled();
  await page.getByTestId("vote-BOTH_BAD").click();
  // Without an answer of their own the vote is not sent: the editor opens instead.
  await expect(page.locator("main [role=alert]")).toContainText("write a better answer");
  const editor = page.getByTestId("correction-editor");
  await editor.locator("textarea").fill("## A better answer\n\n- first **point**\n- second point");
  await editor.getByRole("tab", { name: "Preview" }).click();
  await expect(page.getByTestId("correction-preview").locator("h2")).toHaveText("A better answer");
  await expect(page.getByTestId("correction-preview").locator("strong")).toHaveText("point");
  await page.getByTestId("vote-BOTH_BAD").click();
  await expect(page.getByTestId("today-count")).toContainText("1");
  await expect(page.getByTestId("correction-editor")).toHaveCount(0);

  const researcherPage = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await researcherPage.context().setExtraHTTPHeaders({ "Accept-Language": "en" });
  await signIn(researcherPage, researcher, PASSWORD);
  await researcherPage.goto(`/campaigns/${slug}/corrections`);
  await expect(researcherPage.getByTestId("corrected-answer").locator("h2")).toHaveText("A better answer");
  await expectAccessible(researcherPage);

  await researcherPage.goto(`/campaigns/${slug}`);
  const contents: Record<string, Buffer> = {};
  for (const format of ["csv", "jsonl", "parquet"]) {
    const [download] = await Promise.all([researcherPage.waitForEvent("download"), researcherPage.getByTestId(`export-${format}`).click()]);
    expect(download.suggestedFilename()).toBe(`${slug}-votes.${format}`);
    contents[format] = readFileSync((await download.path())!);
  }
  const [vote] = contents.jsonl
    .toString("utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
  expect(vote).toMatchObject({
    winner: "tie (bothbad)",
    outcome: "both_bad",
    anony: true,
    corrected_answer: "## A better answer\n\n- first **point**\n- second point",
  });
  expect(vote.judge).toMatch(/^judge_/);
  expect(contents.csv.toString("utf8")).toContain('"## A better answer');
  expect(contents.parquet.subarray(0, 4).toString()).toBe("PAR1");
  for (const bytes of Object.values(contents)) expect(bytes.toString("latin1")).not.toContain(annotator);
  await researcherPage.close();
});

test("researchers create, use and revoke API tokens; the API answers 401 without one", async ({ page }) => {
  const suffix = uniqueSuffix();
  const study = setUpStudy(suffix);
  await page.context().setExtraHTTPHeaders({ "Accept-Language": "en" });
  await signIn(page, study.researcher, PASSWORD);
  await page.goto("/settings/tokens");
  await page.getByLabel("Token name").fill("notebook");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").textContent())!.trim();
  expect(token).toMatch(/^hk_/);
  await expectAccessible(page);
  // On a phone the usage example is wider than the screen: a region the keyboard can scroll.
  await page.setViewportSize({ width: 390, height: 844 });
  await expectAccessible(page);
  await page.setViewportSize({ width: 1280, height: 720 });

  const api = page.context().request;
  const anonymous = await fetch(`${new URL(page.url()).origin}/api/v1/campaigns/${study.slug}/leaderboard`);
  expect(anonymous.status).toBe(401);
  const withToken = await fetch(`${new URL(page.url()).origin}/api/v1/campaigns/${study.slug}/leaderboard?format=json`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(withToken.status).toBe(200);
  expect((await withToken.json()).votes).toBe(400);

  // A download stopped after its first bytes leaves the server answering normally.
  const controller = new AbortController();
  const stream = await fetch(`${new URL(page.url()).origin}/api/v1/campaigns/${study.slug}/votes?format=csv`, {
    headers: { Authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  await stream.body!.getReader().read();
  controller.abort();
  expect((await api.get(`/api/v1/campaigns/${study.slug}/votes?format=jsonl`)).status()).toBe(200);

  await page.reload();
  const listed = page.getByTestId("token-list").locator('[data-token="notebook"]');
  await expect(listed.getByTestId("last-used")).not.toHaveText("never");
  await listed.getByRole("button", { name: "Revoke" }).click();
  await expect(listed).toContainText("revoked");
  const revoked = await fetch(`${new URL(page.url()).origin}/api/v1/campaigns/${study.slug}/leaderboard`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(revoked.status).toBe(401);
});

test("the Japanese MT-Bench demo: an annotator judges real answers, the researcher sees them ranked against the judge's scores", async ({
  browser,
}) => {
  const dataset = join(process.cwd(), "..", "shared", "datasets", "japanese-mt-bench");
  const output = hikakuCli(["demo", "--mtbench", dataset, "--scores", join(dataset, "scores.csv")]);
  const password = (email: string) => new RegExp(`${email}\\s+password: (\\S+)`).exec(output)![1];
  // The browser's language (Playwright sends its locale, not an extra header, with navigations).
  const page = await (await browser.newContext({ locale: "ja-JP" })).newPage();
  await signIn(page, "demo-annotator-1@hikaku.example", password("demo-annotator-1@hikaku.example"));
  await page.goto("/vote/japanese-mt-bench");
  await expect(page.locator("html")).toHaveAttribute("lang", "ja");
  for (let vote = 0; vote < 3; vote++) {
    await expect(page.getByTestId("vote-LEFT")).toBeEnabled();
    await expect(page.getByTestId("answer-a")).not.toBeEmpty();
    await page.getByTestId("vote-LEFT").click();
  }
  await expect(page.getByTestId("today-count")).toContainText("3");

  const researcher = await (await browser.newContext({ locale: "ja-JP" })).newPage();
  await signIn(researcher, "demo-researcher@hikaku.example", password("demo-researcher@hikaku.example"));
  await researcher.goto("/campaigns/japanese-mt-bench/leaderboard");
  await expect(researcher.locator("html")).toHaveAttribute("lang", "ja");
  await expect(researcher.getByRole("heading", { name: "Japanese MT-Bench", level: 1 })).toBeVisible();
  await expect(researcher.getByTestId("leaderboard-table").locator("tbody tr").first()).toBeVisible();
  await expectAccessible(researcher);
  await researcher.goto("/campaigns/japanese-mt-bench/correlations");
  await expect(researcher.getByTestId("benchmark-correlation")).toContainText("Japanese MT-Bench (GPT-4 single)");
  await expectAccessible(researcher);
});

test("every results view, with its options on, reads well and passes axe on a phone in Japanese and English, and on a desktop", async ({
  browser,
}) => {
  // Fourteen pages through axe, and the first board with every option computed.
  test.setTimeout(300_000);
  const suffix = `${uniqueSuffix()}p`;
  const study = setUpStudy(suffix);
  hikakuCli(["import-scores", "--campaign", study.slug, "--file", join(study.dir, "scores.csv")]);
  // Style control, drop-k and the boards per category at once; minBattles=1000 makes every category board sparse (greyed).
  const everything = `/campaigns/${study.slug}/leaderboard?style=on&robustness=on&by=category&minBattles=1000`;
  const views = [
    everything,
    `/campaigns/${study.slug}/leaderboard?by=language`,
    "correlations",
    "annotators",
    "prompts",
    "corrections",
    "",
  ].map((view) => (view.startsWith("/") ? view : `/campaigns/${study.slug}${view ? `/${view}` : ""}`));
  const screens = [
    { name: "phone", viewport: { width: 390, height: 844 }, locales: ["ja", "en"], paths: views },
    { name: "desktop", viewport: { width: 1280, height: 900 }, locales: ["ja"], paths: [everything] },
  ];
  for (const screen of screens) {
    for (const locale of screen.locales) {
      const context = await browser.newContext({ viewport: screen.viewport, locale: locale === "ja" ? "ja-JP" : "en-US" });
      const page = await context.newPage();
      await signIn(page, study.researcher, PASSWORD);
      for (const path of screen.paths) {
        await page.goto(path);
        if (path.includes("/leaderboard")) {
          await expect(page.getByTestId("leaderboard-table").locator("tbody tr")).toHaveCount(4, { timeout: 60_000 });
          await expect(page.getByTestId("group-boards").locator("tbody td[data-group]").first()).toContainText("Δ", { timeout: 60_000 });
        }
        if (path === everything) {
          await expect(page.getByTestId("style-control").locator("tbody tr")).toHaveCount(4);
          await expect(page.getByTestId("flip-votes")).toHaveCount(4);
          await expect(page.getByTestId("group-boards").locator("thead th[data-sparse=true]")).toHaveCount(2);
          // The tables scroll sideways in a region the keyboard reaches, named for what it holds.
          const region = page.getByRole("region", { name: locale === "ja" ? "リーダーボード" : "Leaderboard", exact: true });
          await region.focus();
          await expect(region).toBeFocused();
          // Model names wrap at their hyphens, never letter by letter into a column two characters wide.
          const nameCell = page.getByTestId("leaderboard-table").locator("tbody th").first();
          expect((await nameCell.boundingBox())!.width).toBeGreaterThan(100);
          await page.screenshot({ path: join(scratchDir(), `results-${screen.name}-${locale}.png`), fullPage: true });
        }
        await expectAccessible(page);
      }
      await context.close();
    }
  }
});
