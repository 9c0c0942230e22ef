import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { campaignStat, expectAccessible, hikakuCli, scratchDir, signIn, uniqueEmail, uniqueSuffix } from "./helpers";

const PASSWORD = "a-long-enough-password";
const MTBENCH = join(process.cwd(), "..", "shared", "datasets", "japanese-mt-bench");

test("a researcher uploads FastChat's MT-Bench files in the browser and sees the upload progress; a rejected file lists its problems and saves nothing", async ({
  page,
}) => {
  const suffix = uniqueSuffix();
  const slug = `upload-${suffix}`;
  const researcher = uniqueEmail("uploader");
  hikakuCli(["user", "create", "--email", researcher, "--role", "RESEARCHER", "--password", PASSWORD]);
  hikakuCli(["campaign", "create", "--slug", slug, "--name", `Upload ${suffix}`, "--owner", researcher]);
  await page.context().setExtraHTTPHeaders({ "Accept-Language": "en" });
  await signIn(page, researcher, PASSWORD);
  await page.goto(`/campaigns/${slug}`);
  const stat = (label: string) => campaignStat(page, label);

  // 250 broken lines after a good one: the page lists the first 200 problems, with line numbers,
  // and says how many there are; nothing of the file is kept, not even its good line.
  const broken = join(scratchDir(), "broken.jsonl");
  const good = JSON.stringify({ prompt_id: "ok", prompt: "Q", model: "m", output: "A" });
  writeFileSync(broken, [good, ...Array.from({ length: 250 }, (_, i) => `{"prompt_id": "p${i}", "prompt": `)].join("\n") + "\n");
  await page.locator('input[name="file"]').setInputFiles(broken);
  await page.getByRole("button", { name: "Import", exact: true }).click();
  const errors = page.getByTestId("import-errors");
  await expect(errors).toContainText("The file was not imported: 250 problem(s). Nothing was saved.");
  await expect(errors.locator("li")).toHaveCount(200);
  await expect(errors.locator("li").first()).toHaveText(/^broken\.jsonl:2: not valid JSON/);
  await expect(errors.locator("li").last()).toHaveText(/^broken\.jsonl:201: not valid JSON/);
  await page.reload();
  await expect(stat("Prompts")).toHaveText("0");
  await expect(stat("Models")).toHaveText("0");

  // The MT-Bench folder's files, sent through a connection slow enough to watch the bar move.
  await page.getByLabel("FastChat MT-Bench files").check();
  await page.getByLabel("question.jsonl").setInputFiles(join(MTBENCH, "question.jsonl"));
  const answerFiles = readdirSync(join(MTBENCH, "model_answer")).map((name) => join(MTBENCH, "model_answer", name));
  await page.getByLabel("model_answer/*.jsonl (one or more)").setInputFiles(answerFiles);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 200 * 1024 });
  await page.getByRole("button", { name: "Import", exact: true }).click();

  const bar = page.getByTestId("upload-progress").getByRole("progressbar", { name: "Uploading (KB)" });
  const readings: number[] = [];
  await expect
    .poll(
      async () => {
        if ((await bar.count()) > 0)
          readings.push(Number((await bar.getAttribute("aria-valuenow", { timeout: 500 }).catch(() => null)) ?? NaN));
        return page.getByTestId("import-summary").count();
      },
      { timeout: 60_000, intervals: [100] },
    )
    .toBe(1);
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  const seen = readings.filter(Number.isFinite);
  // The bar showed the upload part-way, and it only went forward.
  expect(seen.some((kb) => kb > 0 && kb < 900)).toBe(true);
  expect(new Set(seen).size).toBeGreaterThan(2);
  expect(seen).toEqual([...seen].sort((a, b) => a - b));

  await expect(page.getByTestId("import-summary")).toContainText("Imported 80 new prompts, 720 new answers");
  await expect(stat("Prompts")).toHaveText("80");
  await expect(stat("Models")).toHaveText("9");
  await expectAccessible(page);

  // The same upload, with the researcher's cookies, from a page of another site is refused: nothing is added.
  const forged = await page.request.post(`/api/v1/campaigns/${slug}/imports`, {
    headers: { origin: "https://evil.example" },
    multipart: {
      file: { name: "rows.jsonl", mimeType: "application/x-ndjson", buffer: Buffer.from(`{"prompt_id":"forged","prompt":"?"}\n`) },
    },
  });
  expect(forged.status()).toBe(403);
  expect(await forged.json()).toEqual({ error: "uploads come from this app's pages only", code: "FORBIDDEN" });
  await page.reload();
  await expect(stat("Prompts")).toHaveText("80");
});
