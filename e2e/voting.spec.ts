import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { campaignStat, collectPageProblems, hikakuCli, query, signIn, uniqueEmail, uniqueSuffix } from "./helpers";

const PASSWORD = "a-long-enough-password";

/** A campaign of 6 prompts × 3 models (18 pairs, target 3) whose texts try every trick to run code. */
function campaignFile(models: string[]): string {
  const hostile = [
    "<script>window.__pwned = 1; alert('script')</script>",
    '<img src="x" onerror="window.__pwned = 2; alert(\'img\')">',
    "[click me](javascript:window.__pwned=3)",
    '<a href="#" onclick="window.__pwned=4">html link</a>',
    "Inline math $e^{i\\pi} + 1 = 0$ and a table:\n\n| a | b |\n|---|---|\n| 1 | 2 |",
    "```js\nconsole.log('code block')\n```\n[a real link](https://example.com/docs)",
  ];
  const rows = [];
  for (let p = 0; p < 6; p++) {
    for (const model of models) {
      rows.push({
        prompt_id: `q${p}`,
        // Prices, not formulas: every prompt shows them as written (and one has a formula after them).
        prompt: `Question ${p} (it costs $1.10 in total, the bat $1.00 more): ${hostile[p]}`,
        category: "test",
        model,
        output: `Answer variant ${models.indexOf(model) + 1} to ${p}.\n\n${hostile[(p + models.indexOf(model)) % 6]}`,
      });
    }
  }
  return rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
}

/** Prompt and both answers: consecutive pairs may share a prompt but never all three texts. */
async function pairTextOf(page: Page): Promise<string> {
  const parts = await Promise.all(["prompt", "answer-a", "answer-b"].map((id) => page.getByTestId(id).textContent()));
  return parts.join("\u0000");
}

test("an annotator votes through 10 pairs with mouse and keyboard, blind to the models, and never votes twice", async ({ page }) => {
  const suffix = uniqueSuffix();
  const models = [`zephyrine-${suffix}`, `orcanova-${suffix}`, `kestrel-${suffix}`];
  const slug = `e2e-vote-${suffix}`;
  const email = uniqueEmail("voter");
  const dir = mkdtempSync(join(tmpdir(), "hikaku-e2e-"));
  writeFileSync(join(dir, "rows.jsonl"), campaignFile(models));
  hikakuCli(["user", "create", "--email", email, "--role", "ANNOTATOR", "--password", PASSWORD]);
  hikakuCli(["campaign", "create", "--slug", slug, "--name", `Blind test ${suffix}`, "--target", "3"]);
  expect(JSON.parse(hikakuCli(["import", "--campaign", slug, "--file", join(dir, "rows.jsonl")]))).toMatchObject({
    outputsAdded: 18,
    itemsAdded: 18,
  });
  hikakuCli(["campaign", "add-member", "--slug", slug, "--email", email]);
  hikakuCli(["campaign", "status", "--slug", slug, "--to", "ACTIVE"]);

  // Everything the browser receives or logs, to search for model names afterwards.
  const seen: string[] = [];
  // Votes' and skips' answers, action results and RSC payloads pass through whole (listening to responses
  // misses some streamed bodies); everything else is read once its request has finished.
  // How each response came: votes' answers (each with the next pair) uncompressed, the page compressed.
  const encodings: { vote: boolean; encoding: string }[] = [];
  const passedWhole = (url: URL) =>
    url.pathname.startsWith("/vote/") || url.pathname === "/api/v1/votes" || url.pathname.startsWith("/api/v1/pairs/");
  await page.route(passedWhole, async (route) => {
    const response = await route.fetch({ maxRedirects: 0 });
    encodings.push({ vote: route.request().url().endsWith("/api/v1/votes"), encoding: response.headers()["content-encoding"] ?? "none" });
    seen.push(route.request().url(), JSON.stringify(response.headers()), await response.text());
    await route.fulfill({ response });
  });
  page.on("requestfinished", async (request) => {
    if (passedWhole(new URL(request.url()))) return;
    const response = await request.response();
    if (!response) return;
    seen.push(response.url(), JSON.stringify(await response.allHeaders()));
    try {
      seen.push(await response.text());
    } catch {
      // Redirects have no body.
    }
  });
  page.on("console", (message) => seen.push(message.text()));
  const problems = collectPageProblems(page);
  page.on("pageerror", (error) => seen.push(error.message));

  const signInPage = await page.goto("/sign-in");
  expect(signInPage?.headers()["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  // Idle connections outlive a proxy's 60 s idle timeout (scripts/app-server.mjs), or it may reuse one the app just closed.
  expect((await page.request.get("/sign-in")).headers()["keep-alive"]).toBe("timeout=65");
  await signIn(page, email, PASSWORD);
  await page.getByRole("link", { name: /Start voting|評価を始める/ }).click();
  await expect(page).toHaveURL(new RegExp(`/vote/${slug}$`));

  let linksChecked = 0;
  for (let n = 1; n <= 10; n++) {
    await expect(page.getByTestId("answer-a")).toBeVisible();
    await expect(page.getByTestId("prompt")).toContainText("it costs $1.10 in total, the bat $1.00 more");
    const pairText = await pairTextOf(page);
    for (const link of await page.locator("[data-testid^=answer] a").all()) {
      await expect(link).toHaveAttribute("rel", /noopener/);
      expect((await link.getAttribute("href")) ?? "").not.toMatch(/^javascript:/i);
      linksChecked++;
    }
    // Voting opens a moment after a pair appears, so a double vote cannot land on the next pair unseen.
    await expect(page.getByTestId("vote-LEFT")).toBeEnabled();
    if (n % 2 === 1) {
      // Mouse: a double click must still count once.
      await page.getByTestId(n % 4 === 1 ? "vote-LEFT" : "vote-TIE").dblclick();
    } else {
      // Keyboard: 2 = B is better, pressed twice in a row.
      await page.keyboard.press("2");
      await page.keyboard.press("2");
    }
    await expect(page.getByTestId("today-count")).toContainText(`${n}`);
    if (n < 10) await expect.poll(() => pairTextOf(page)).not.toBe(pairText);
  }
  await expect(page.getByTestId("campaign-progress")).toContainText("10 / 54");
  // Compression cost the vote path ~100 ms pauses for a few kB saved (scripts/app-server.mjs); pages stay compressed.
  const voteEncodings = encodings.filter((e) => e.vote).map((e) => e.encoding);
  expect(voteEncodings.length).toBeGreaterThanOrEqual(10);
  expect(new Set(voteEncodings)).toEqual(new Set(["none"]));
  const pageEncodings = encodings.filter((e) => !e.vote).map((e) => e.encoding);
  expect(pageEncodings.length).toBeGreaterThan(0);
  for (const encoding of pageEncodings) expect(["br", "gzip"]).toContain(encoding);

  const [{ votes, assignments }] = await query<{ votes: number; assignments: number }>(
    `SELECT (SELECT count(*)::int FROM "Vote" v JOIN "User" u ON u.id = v."annotatorId" WHERE u.email = $1) AS votes,
            (SELECT count(DISTINCT "itemId")::int FROM "Assignment" a JOIN "User" u ON u.id = a."annotatorId" WHERE u.email = $1 AND a.state = 'VOTED') AS assignments`,
    [email],
  );
  expect(votes).toBe(10);
  expect(assignments).toBe(10);

  // Hostile Markdown was rendered as text, links were made safe, nothing executed.
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(linksChecked).toBeGreaterThan(0);
  expect(problems).toEqual([]);

  // A reload shows the same open pair again (and still no names).
  // Prompts are shared by three pairs: compare the whole pair (prompt and both answers, in place).
  const before = await pairTextOf(page);
  await page.reload();
  await expect(page.getByTestId("answer-a")).toBeVisible();
  expect(await pairTextOf(page)).toBe(before);

  // The session ends (signed out in another tab, or expired) while a pair is open: the vote is
  // refused, nothing is stored, and the page goes to sign-in instead of showing an error.
  await page.context().clearCookies();
  await expect(page.getByTestId("vote-LEFT")).toBeEnabled();
  await page.getByTestId("vote-LEFT").click();
  await expect(page).toHaveURL(/\/sign-in$/);
  const [{ afterSignOut }] = await query<{ afterSignOut: number }>(
    `SELECT count(*)::int AS "afterSignOut" FROM "Vote" v JOIN "User" u ON u.id = v."annotatorId" WHERE u.email = $1`,
    [email],
  );
  expect(afterSignOut).toBe(10);

  const everything = seen.join("\n");
  // Positive control: the answers themselves were captured, so a name would have been too.
  expect(everything).toContain("Answer variant 1 to");
  for (const model of models) expect(everything).not.toContain(model);
  // Nor any id that names a model or an answer (ids could be looked up, or told apart pair to pair).
  const ids = await query<{ id: string }>(
    `SELECT m.id::text FROM "Model" m WHERE m.name = ANY($1)
     UNION SELECT o.id::text FROM "Output" o JOIN "Model" m ON m.id = o."modelId" WHERE m.name = ANY($1)
     UNION SELECT i.id::text FROM "Item" i JOIN "Model" m ON m.id IN (i."lowModelId", i."highModelId") WHERE m.name = ANY($1)`,
    [models],
  );
  expect(ids.length).toBeGreaterThan(20);
  for (const { id } of ids) expect(everything).not.toContain(id);
});

test("a researcher creates a campaign, uploads a file with progress, adds an annotator and opens it", async ({ page }) => {
  const suffix = uniqueSuffix();
  const researcher = uniqueEmail("researcher");
  const annotator = uniqueEmail("member");
  hikakuCli(["user", "create", "--email", researcher, "--role", "RESEARCHER", "--password", PASSWORD]);
  hikakuCli(["user", "create", "--email", annotator, "--role", "ANNOTATOR", "--password", PASSWORD]);
  const dir = mkdtempSync(join(tmpdir(), "hikaku-e2e-"));
  const good = join(dir, "good.jsonl");
  const bad = join(dir, "bad.jsonl");
  writeFileSync(good, campaignFile([`m1-${suffix}`, `m2-${suffix}`]));
  writeFileSync(
    bad,
    '{"prompt_id": "x", "prompt": "Q", "model": "m", "output": "A"}\n{"prompt_id": "x", "turns": ["Q", "Q2"], "model": "n", "output": "B"}\nnot json\n',
  );

  await page.context().setExtraHTTPHeaders({ "Accept-Language": "en" });
  await signIn(page, researcher, PASSWORD);
  await page.goto("/campaigns");
  await page.locator('input[name="name"]').fill(`Web campaign ${suffix}`);
  // The browser itself refuses a slug the server would refuse (a pattern the browser cannot
  // compile is silently ignored, so this checks that it compiles as well as what it allows).
  const slugField = page.locator('input[name="slug"]');
  const patternMismatch = (value: string) =>
    slugField.fill(value).then(() => slugField.evaluate((input: HTMLInputElement) => input.validity.patternMismatch));
  expect(await patternMismatch("Web Campaign")).toBe(true);
  expect(await patternMismatch("web-")).toBe(true);
  expect(await patternMismatch(`web-${suffix}`)).toBe(false);
  await page.getByRole("button", { name: "Create campaign" }).click();
  await expect(page).toHaveURL(new RegExp(`/campaigns/web-${suffix}$`));

  // Opening without anything to judge is refused with an explanation.
  await page.getByRole("button", { name: "Open for voting" }).click();
  await expect(page.locator("main [role=alert]").first()).toContainText("Import prompts");

  await page.locator('input[name="file"]').setInputFiles(bad);
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await expect(page.getByTestId("import-errors")).toContainText("bad.jsonl:2: prompt x is given with different text");
  await expect(page.getByTestId("import-errors")).toContainText("bad.jsonl:3: not valid JSON");

  await page.locator('input[name="file"]').setInputFiles(good);
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await expect(page.getByTestId("import-summary")).toContainText("12 new answers");
  // 6 prompts, 2 models, 6 pairs (one per prompt) — each read from its own card.
  const stat = (label: string) => campaignStat(page, label);
  await expect(stat("Prompts")).toHaveText("6");
  await expect(stat("Models")).toHaveText("2");
  await expect(stat("Pairs to judge")).toHaveText("6");

  await page.locator('input[name="email"]').fill(annotator);
  await page.getByRole("button", { name: "Add annotator" }).click();
  await expect(page.getByTestId("members")).toContainText(annotator);

  await page.getByRole("button", { name: "Open for voting" }).click();
  await expect(page.getByTestId("campaign-status")).toHaveText("Active");
});

test("when the campaign allows it, model names appear after the vote and not before", async ({ page }) => {
  const suffix = uniqueSuffix();
  const models = [`revealalpha-${suffix}`, `revealbeta-${suffix}`];
  const slug = `e2e-reveal-${suffix}`;
  const email = uniqueEmail("reveal");
  const dir = mkdtempSync(join(tmpdir(), "hikaku-e2e-"));
  writeFileSync(join(dir, "rows.jsonl"), campaignFile(models));
  hikakuCli(["user", "create", "--email", email, "--role", "ANNOTATOR", "--password", PASSWORD]);
  hikakuCli(["campaign", "create", "--slug", slug, "--name", `Reveal ${suffix}`, "--reveal-models"]);
  hikakuCli(["import", "--campaign", slug, "--file", join(dir, "rows.jsonl")]);
  hikakuCli(["campaign", "add-member", "--slug", slug, "--email", email]);
  hikakuCli(["campaign", "status", "--slug", slug, "--to", "ACTIVE"]);

  const seen: string[] = [];
  // Everything the voting page loads or posts (HTML, RSC payloads, votes' answers) passes
  // through here whole: listening to responses misses some streamed bodies.
  await page.route(
    (url) => url.pathname.startsWith("/vote/") || url.pathname === "/api/v1/votes" || url.pathname.startsWith("/api/v1/pairs/"),
    async (route) => {
      const response = await route.fetch({ maxRedirects: 0 });
      seen.push(await response.text());
      await route.fulfill({ response });
    },
  );
  await page.context().setExtraHTTPHeaders({ "Accept-Language": "en" });
  // A voting link opened while signed out leads through sign-in and back to the campaign.
  await page.goto(`/vote/${slug}`);
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(PASSWORD);
  await page.locator('button[type="submit"]').click();
  await expect(page).toHaveURL(new RegExp(`/vote/${slug}$`));
  await expect(page.getByTestId("vote-LEFT")).toBeEnabled();
  // Positive control: the pair's texts were captured, so its models' names would have been too.
  // (The client-side navigation after sign-in streams the pair in a response whose body the
  // capture cannot always read; a reload serves it in the page's HTML.)
  await page.reload();
  await expect(page.getByTestId("vote-LEFT")).toBeEnabled();
  await expect.poll(() => seen.join("\n")).toContain("Answer variant");
  const beforeVote = seen.join("\n");
  for (const model of models) expect(beforeVote).not.toContain(model);

  await page.getByTestId("vote-LEFT").click();
  const banner = page.getByTestId("revealed");
  await expect(banner).toContainText(models[0]);
  await expect(banner).toContainText(models[1]);
  // …and the capture sees them once they are sent (response bodies arrive asynchronously).
  for (const model of models) await expect.poll(() => seen.join("\n")).toContain(model);
  await page.keyboard.press("Enter");
  await expect(banner).toHaveCount(0);
  await expect(page.getByTestId("today-count")).toContainText("1");
  await expect(page.getByTestId("vote-LEFT")).toBeEnabled();

  // A server error's answer is no vote result: the page says the vote was not sent and keeps the pair.
  await page.route("**/api/v1/votes", (route) => route.fulfill({ status: 500, json: { error: "internal error" } }));
  const pair = await pairTextOf(page);
  await page.getByTestId("vote-LEFT").click();
  await expect(page.getByRole("alert").filter({ hasText: "The vote could not be sent" })).toBeVisible();
  expect(await pairTextOf(page)).toBe(pair);
  await expect(page.getByTestId("today-count")).toContainText("1");
});
