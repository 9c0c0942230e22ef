import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { collectPageProblems, hikakuCli, scratchDir, signIn, uniqueEmail, uniqueSuffix } from "./helpers";

const PASSWORD = "a-long-enough-password";

/**
 * Text that tries to run code, load something from elsewhere, restyle the page or hide what it
 * says: in prompts, answers, instructions, reasons, corrected answers and names. Each `window.__pwned`
 * assignment would be proof that something executed.
 */
const PAYLOADS = [
  "<script>window.__pwned = 1</script>",
  '<img src="x" onerror="window.__pwned = 2">',
  '<svg onload="window.__pwned = 3"><circle r="10"></circle></svg>',
  '<iframe src="javascript:window.top.__pwned = 4"></iframe>',
  '<iframe srcdoc="<script>parent.__pwned = 5</script>"></iframe>',
  "[markdown link](javascript:window.__pwned=6)",
  "[mixed case](JaVaScRiPt:window.__pwned=7)",
  "[data url](data:text/html,<script>alert(8)</script>)",
  "[vbscript](vbscript:msgbox(9))",
  '<a href="javascript:window.__pwned = 10">html link</a>',
  '<object data="javascript:window.__pwned = 11"></object>',
  '<embed src="javascript:window.__pwned = 12">',
  "<style>body { display: none }</style>",
  '<div style="position:fixed;inset:0;background:red;z-index:9999">cover the page</div>',
  '<link rel="stylesheet" href="https://evil.example/x.css">',
  "![tracking pixel](https://evil.example/pixel.png)",
  '<img src="https://evil.example/track.gif">',
  '<form action="https://evil.example/steal"><input type="submit" value="Vote here"></form>',
  '<meta http-equiv="refresh" content="0;url=https://evil.example">',
  '<base href="https://evil.example/">',
  "$\\color{red}\\rule{200em}{200em}$",
  "$\\href{javascript:window.__pwned=22}{click}$",
  "$\\htmlStyle{position:fixed;top:0;left:0;width:100vw;height:100vh;background:red}{x}$",
  "$\\def\\a{\\a\\a}\\a$",
  "$\\def\\x{xxxxxxxxxx}\\def\\y{\\x\\x\\x\\x\\x\\x\\x\\x\\x\\x}\\def\\z{\\y\\y\\y\\y\\y\\y\\y\\y\\y\\y}\\z\\z\\z\\z\\z\\z\\z\\z\\z\\z$",
  "$\\includegraphics{https://evil.example/a.png}$",
  "$\\url{javascript:window.__pwned=27}$",
  "$$\\kern{-5000em}\\text{moved far left}$$",
  "```html\n<script>window.__pwned = 29</script>\n```",
  "inline `<script>window.__pwned = 30</script>` code",
  "autolink <javascript:window.__pwned=31>",
  "[reference link][r]\n\n[r]: javascript:window.__pwned=32",
  '<details open ontoggle="window.__pwned = 33"><summary>s</summary></details>',
  '<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned = 34">',
  '<noscript><p title="</noscript><img src=x onerror=window.__pwned=35>">',
  "model name written backwards: \u202eedualC\u202c",
  "zero\u200bwidth\u200djoiner and soft\u00adhyphen",
  "<marquee>moving</marquee><blink>blinking</blink>",
  "&lt;script&gt;window.__pwned = 39&lt;/script&gt;",
  '<body onload="window.__pwned = 40">',
  '<input autofocus onfocus="window.__pwned = 41">',
  '<video><source onerror="window.__pwned = 42"></video>',
  "<!-- a comment that hides --> text after it",
  "# Heading\n\n> quote\n\n- [ ] task\n\n| a | b |\n|---|---|\n| <b>1</b> | 2 |",
  "\\(x\\) and \\[y\\] and $$x^{2^{2^{2^{2^{2}}}}}$$",
];
const ALL = PAYLOADS.join("\n\n");

/** Fails on anything that ran, loaded from elsewhere or broke the policy while `page` was open. */
function watch(page: Page) {
  const problems = collectPageProblems(page);
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (!["127.0.0.1", "localhost"].includes(url.hostname) && !["data:", "blob:", "about:"].includes(url.protocol))
      problems.push(`request to ${request.url()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  return problems;
}

async function expectNothingRan(page: Page, problems: string[], where: string) {
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), where).toBeUndefined();
  expect(problems, where).toEqual([]);
}

/** The button is on screen and is what a click at its centre reaches: nothing is painted over it. */
async function expectClickable(page: Page, testId: string) {
  const button = page.getByTestId(testId);
  await expect(button).toBeVisible();
  await button.scrollIntoViewIfNeeded();
  const box = (await button.boundingBox())!;
  const onTop = await page.evaluate(
    ({ x, y }) => document.elementFromPoint(x, y)?.closest("[data-testid]")?.getAttribute("data-testid") ?? null,
    { x: box.x + box.width / 2, y: box.y + box.height / 2 },
  );
  expect(onTop, `${testId} is covered`).toBe(testId);
}

test("hostile text in every place it can appear never runs, never loads anything from elsewhere and never covers the vote buttons", async ({
  page,
}) => {
  expect(PAYLOADS.length).toBeGreaterThanOrEqual(40);
  const suffix = uniqueSuffix();
  const slug = `hostile-${suffix}`;
  const researcher = uniqueEmail("researcher");
  const annotator = uniqueEmail("annotator");
  const dir = scratchDir();
  // Model and person names are hostile too (and do not occur in the answers, which would block every pair).
  const models = [`"><svg onload=window.__pwned=90>${suffix}`, `m<script>window.__pwned=91</script>${suffix}`];
  const rows = [0, 1, 2].flatMap((p) =>
    models.map((model, m) => ({
      prompt_id: `h${p}`,
      prompt: `Prompt ${p}\n\n${ALL}`,
      model,
      // The first prompt's second answer is 2 MB long.
      output: p === 0 && m === 1 ? `Long answer ${"あいうえお long text ".repeat(110_000)}` : `Answer ${m}\n\n${ALL}`,
    })),
  );
  writeFileSync(join(dir, "rows.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n"));
  writeFileSync(join(dir, "instructions.md"), `Instructions\n\n${ALL}`);
  hikakuCli(["user", "create", "--email", researcher, "--role", "RESEARCHER", "--password", PASSWORD]);
  hikakuCli([
    "user",
    "create",
    "--email",
    annotator,
    "--role",
    "ANNOTATOR",
    "--password",
    PASSWORD,
    "--name",
    `<img src=x onerror=window.__pwned=92>${suffix}`,
  ]);
  hikakuCli([
    "campaign",
    "create",
    "--slug",
    slug,
    "--name",
    `<script>window.__pwned=93</script> Hostile ${suffix}`,
    "--owner",
    researcher,
    "--instructions-file",
    join(dir, "instructions.md"),
    "--corrections",
    "optional",
  ]);
  expect(JSON.parse(hikakuCli(["import", "--campaign", slug, "--file", join(dir, "rows.jsonl")]))).toMatchObject({
    itemsAdded: 3,
    itemsBlocked: 0,
  });
  hikakuCli(["campaign", "add-member", "--slug", slug, "--email", annotator]);
  hikakuCli(["campaign", "status", "--slug", slug, "--to", "ACTIVE"]);

  const problems = watch(page);
  await signIn(page, annotator, PASSWORD);
  await page.goto(`/vote/${slug}`);
  await page.locator("button[aria-expanded]").click();
  await expect(page.getByTestId("instructions")).toContainText("Instructions");
  for (let n = 0; n < 3; n++) {
    await expect(page.getByTestId("answer-a")).toBeVisible();
    // Every character the author wrote is on the page, as text.
    await expect(page.getByTestId("prompt")).toContainText("<script>window.__pwned = 1</script>");
    await expect(page.getByTestId("prompt")).toContainText("⟦U+202E⟧");
    await expectNothingRan(page, problems, `voting page, pair ${n + 1}`);
    for (const id of ["vote-LEFT", "vote-RIGHT", "vote-TIE", "vote-BOTH_BAD"]) await expectClickable(page, id);
    if (n === 0) await page.screenshot({ path: test.info().outputPath("hostile-pair.png"), fullPage: false });
    await page.locator('textarea[name="reason"]').fill(`reason ${n}: ${PAYLOADS.slice(0, 20).join(" ")}`);
    if (await page.getByTestId("write-correction").isVisible()) await page.getByTestId("write-correction").click();
    await page.locator('textarea[name="correctedAnswer"]').fill(`corrected ${n}\n\n${ALL}`);
    await expect(page.getByTestId("vote-LEFT")).toBeEnabled();
    await page.getByTestId("vote-LEFT").click();
    await expect(page.locator("main [role=alert]")).toHaveCount(0);
    // The vote carries a 2 MB corrected answer and the next pair a 2 MB answer: on a shared,
    // loaded machine that round trip takes longer than the default 5 s.
    await expect(page.getByTestId("today-count")).toContainText(`${n + 1}`, { timeout: 30_000 });
  }
  await expectNothingRan(page, problems, "voting page after the votes");

  await page.context().clearCookies();
  await signIn(page, researcher, PASSWORD);
  for (const path of [
    "/campaigns",
    `/campaigns/${slug}`,
    `/campaigns/${slug}/leaderboard`,
    `/campaigns/${slug}/corrections`,
    `/campaigns/${slug}/annotators`,
  ]) {
    await page.goto(path);
    await expect(page.locator("main")).toBeVisible();
    await expectNothingRan(page, problems, path);
  }
  await expect(page.getByText(`<img src=x onerror=window.__pwned=92>${suffix}`)).toBeVisible();
});
