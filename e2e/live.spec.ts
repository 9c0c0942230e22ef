import { spawn } from "node:child_process";
import { expect, test } from "@playwright/test";
import { startFakeOpenAi, type FakeOpenAi } from "../lib/testing/fake-openai";
import { collectPageProblems, expectAccessible, hikakuCli, openLiveCampaign, query, signIn, uniqueEmail, uniqueSuffix } from "./helpers";

/**
 * Live battles end to end: a pushed model behind an OpenAI-compatible server (the test's own, over
 * real HTTP and server-sent events) and a pulled model answered by a worker that uses only the
 * worker API. The annotator writes a prompt, watches both answers stream in, votes, and writes
 * the next prompt; the researcher sees the models and how the battles went.
 */

const PASSWORD = "live-password-123";
let fake: FakeOpenAi;

test.beforeAll(async () => {
  // 20 ms per token, as in the benchmark: slow enough to watch.
  fake = await startFakeOpenAi({ tokenDelayMs: 20 });
});

test.afterAll(async () => {
  await fake.close();
});

interface WorkerJob {
  id: string;
  messages: { role: string; content: string }[];
}

/** A worker as the documented reference worker does it: poll, stream a few chunks slowly, post the whole answer. */
async function runWorker(baseURL: string, token: string, stop: AbortSignal): Promise<string[]> {
  const answered: string[] = [];
  const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
  while (!stop.aborted) {
    const response = await fetch(`${baseURL}/api/v1/worker/next`, { method: "POST", headers, signal: stop }).catch(() => null);
    if (!response || response.status === 204) continue;
    expect(response.status).toBe(200);
    const { job } = (await response.json()) as { job: WorkerJob };
    const words = `The worker read “${job.messages.at(-1)!.content}” and answers it slowly, word by word, from its own GPU.`.split(
      /(?<= )/,
    );
    for (const word of words) {
      const chunk = await fetch(`${baseURL}/api/v1/worker/jobs/${job.id}/chunks`, {
        method: "POST",
        headers,
        body: JSON.stringify({ delta: word }),
      });
      expect(chunk.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 120));
    }
    const body = JSON.stringify({ content: words.join("") });
    expect((await fetch(`${baseURL}/api/v1/worker/jobs/${job.id}/answer`, { method: "POST", headers, body })).status).toBe(200);
    // The same answer again is harmless (a retry after a lost response).
    expect((await fetch(`${baseURL}/api/v1/worker/jobs/${job.id}/answer`, { method: "POST", headers, body })).status).toBe(200);
    answered.push(words.join(""));
  }
  return answered;
}

test("a live battle: the prompt streams to both panes, the vote counts, the next prompt follows", async ({ page, baseURL, request }) => {
  const suffix = uniqueSuffix();
  const slug = `live-${suffix}`;
  const annotator = uniqueEmail("live-annotator");
  const researcher = uniqueEmail("live-researcher");
  hikakuCli(["user", "create", "--email", annotator, "--role", "ANNOTATOR", "--password", PASSWORD]);
  hikakuCli(["user", "create", "--email", researcher, "--role", "RESEARCHER", "--password", PASSWORD]);
  hikakuCli(["campaign", "create", "--slug", slug, "--name", `Live ${suffix}`, "--owner", researcher, "--live", "--max-turns", "2"]);
  process.env.LIVE_TEST_KEY = "sk-live-test";
  hikakuCli([
    "model",
    "add",
    "--campaign",
    slug,
    "--name",
    `pushed-${suffix}`,
    "--base-url",
    fake.baseUrl,
    "--api-key-env",
    "LIVE_TEST_KEY",
  ]);
  const token = hikakuCli(["model", "add", "--campaign", slug, "--name", `pulled-${suffix}`, "--worker"]).trim();
  expect(token).toMatch(/^hkw_/);
  hikakuCli(["campaign", "add-member", "--slug", slug, "--email", annotator]);
  hikakuCli(["campaign", "status", "--slug", slug, "--to", "ACTIVE"]);

  // The worker API: JSON errors for a missing or wrong token, 204 when there is nothing to answer.
  expect((await request.post("/api/v1/worker/next")).status()).toBe(401);
  expect((await request.post("/api/v1/worker/next", { headers: { Authorization: "Bearer hkw_wrong" } })).status()).toBe(401);
  expect((await request.post("/api/v1/worker/next", { headers: { Authorization: `Bearer ${token}` } })).status()).toBe(204);
  const badBody = await request.post("/api/v1/worker/jobs/not-a-job.1/answer", {
    headers: { Authorization: `Bearer ${token}` },
    data: { nope: 1 },
  });
  expect(badBody.status()).toBe(400);
  expect(await badBody.json()).toMatchObject({ error: "invalid body", code: "INVALID" });

  const stopWorker = new AbortController();
  const worker = runWorker(baseURL!, token, stopWorker.signal);
  const seen: string[] = [];
  page.on("response", async (response) => {
    try {
      seen.push(await response.text());
    } catch {
      // Streams and redirects have no body to read here.
    }
  });
  // Playwright cannot read a streamed response's body, so the page's fetch hands the test a copy
  // of each event stream as it arrives (a tee: the page still reads its stream as it comes).
  await page.exposeFunction("recordEventStream", (text: string) => seen.push(text));
  await page.addInitScript(() => {
    const original = window.fetch;
    window.fetch = async (...args) => {
      const response = await original(...args);
      if (!response.body || !response.headers.get("content-type")?.startsWith("text/event-stream")) return response;
      const [forPage, forTest] = response.body.tee();
      void forTest
        .pipeThrough(new TextDecoderStream())
        .pipeTo(
          new WritableStream({
            write: (text) => void (window as unknown as { recordEventStream(text: string): Promise<void> }).recordEventStream(text),
          }),
        )
        .catch(() => {});
      return new Response(forPage, { status: response.status, statusText: response.statusText, headers: response.headers });
    };
  });
  const problems = collectPageProblems(page);
  await signIn(page, annotator, PASSWORD);
  // The prompt goes out as JSON only (a cross-site form cannot post that without asking first),
  // and a body that is not a turn is refused before anything is sent to a model.
  const asForm = await page.request.post("/api/v1/live/battles", { headers: { "content-type": "text/plain" }, data: "prompt=hi" });
  expect(asForm.status()).toBe(415);
  const notATurn = await page.request.post("/api/v1/live/battles", { data: { prompt: "no campaign" } });
  expect(notATurn.status()).toBe(400);
  expect(await notATurn.json()).toMatchObject({ code: "INVALID" });
  await page.goto(`/vote/${slug}`);
  await expect(page.getByTestId("live-prompt")).toBeVisible();
  await expectAccessible(page);

  await page.getByRole("textbox", { name: /Your prompt|あなたのプロンプト/ }).fill("富士山の高さは？");
  await page.getByRole("button", { name: /Send to both models|両方のモデルに送信/ }).click();
  // Both panes fill while the models are still answering.
  await expect(page.getByTestId("live-generating")).toBeVisible();
  // (The text after each pane's heading: the answer so far.)
  await expect(page.getByTestId("answer-a").locator("h2 ~ div")).toContainText(/\w/);
  await expect(page.getByTestId("answer-b").locator("h2 ~ div")).toContainText(/\w/);
  await expect(page.getByTestId("live-generating")).toBeVisible();
  // The worker's side arrives chunk by chunk (one word every 120 ms) while the page still waits.
  await expect(page.getByTestId("answer-a").or(page.getByTestId("answer-b")).filter({ hasText: "The worker read" })).toBeVisible();
  await expect(page.getByTestId("live-generating")).toBeVisible();

  // Then the ordinary vote, on exactly what streamed.
  await expect(page.getByTestId("vote-LEFT")).toBeEnabled({ timeout: 30_000 });
  await expect(page.getByTestId("live-generating")).toHaveCount(0);
  await expect(page.getByTestId("answer-a")).toContainText("富士山の高さは？");
  await expect(page.getByTestId("live-follow-up")).toBeVisible();
  await expectAccessible(page);

  // A follow-up: both models get the conversation so far, and the pair then shows both turns.
  const followUp = page.getByTestId("live-follow-up");
  await followUp.getByRole("textbox").fill("では、世界で一番高い山は？");
  await followUp.getByRole("button", { name: /Send follow-up|続けて質問する/ }).click();
  await expect(page.getByTestId("live-generating")).toBeVisible();
  await expect(page.getByTestId("vote-LEFT")).toBeEnabled({ timeout: 30_000 });
  for (const pane of ["answer-a", "answer-b"]) {
    await expect(page.getByTestId(pane)).toContainText("富士山の高さは？");
    await expect(page.getByTestId(pane)).toContainText("では、世界で一番高い山は？");
  }
  // The campaign allows two turns: no third.
  await expect(page.getByTestId("live-follow-up")).toHaveCount(0);
  await page.getByTestId("vote-LEFT").click();
  await expect(page.getByTestId("live-prompt")).toBeVisible();
  await expect(page.getByTestId("today-count")).toContainText("1");

  const votes = await query<{ modelA: string; modelB: string; winner: string; source: string }>(
    `SELECT ma.name AS "modelA", mb.name AS "modelB", v.winner, p.source FROM "Vote" v
     JOIN "Model" ma ON ma.id = v."modelAId" JOIN "Model" mb ON mb.id = v."modelBId" JOIN "Prompt" p ON p.id = v."promptId"
     JOIN "Campaign" c ON c.id = v."campaignId" WHERE c.slug = $1`,
    [slug],
  );
  expect(votes).toHaveLength(1);
  expect(votes[0].winner).toBe("MODEL_A");
  expect(votes[0].source).toBe("LIVE");
  expect([votes[0].modelA, votes[0].modelB].sort()).toEqual([`pulled-${suffix}`, `pushed-${suffix}`]);
  expect(fake.requests.find((r) => r.messages.at(-1)?.content === "富士山の高さは？")?.authorization).toBe("Bearer sk-live-test");

  // Nothing the annotator's browser received named a model before the vote, by name or by id.
  const everything = seen.join("\n");
  // What was read includes the answers' event streams (their opening comment and a worker's chunk),
  // so the checks below look where the answers came from.
  expect(everything).toContain(": open");
  expect(everything).toContain("The worker read");
  expect(everything).not.toContain(`pushed-${suffix}`);
  expect(everything).not.toContain(`pulled-${suffix}`);
  const ids = await query<{ modelId: string; endpointId: string }>(
    `SELECT e."modelId", e.id AS "endpointId" FROM "ModelEndpoint" e JOIN "Campaign" c ON c.id = e."campaignId" WHERE c.slug = $1`,
    [slug],
  );
  expect(ids).toHaveLength(2);
  for (const { modelId, endpointId } of ids) {
    expect(everything).not.toContain(modelId);
    expect(everything).not.toContain(endpointId);
  }
  expect(problems).toEqual([]);
  stopWorker.abort();
  // The worker answered the prompt and its follow-up.
  expect((await worker).length).toBe(2);

  // The researcher sees both models, the worker's last poll and the answers each gave.
  await page.context().clearCookies();
  await signIn(page, researcher, PASSWORD);
  await page.goto(`/campaigns/${slug}`);
  const rows = page.getByTestId("live-model-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: `pulled-${suffix}` })).not.toContainText(/never|なし/);
  await expect(page.getByTestId("live-battles")).toBeVisible();
  await rows
    .filter({ hasText: `pushed-${suffix}` })
    .getByRole("button", { name: /Test connection|接続テスト/ })
    .click();
  await expect(page.getByTestId("connection-result")).toContainText(/First token after \d+ ms|最初のトークンまで/);
  await expectAccessible(page);

  // The live limits are part of the campaign's settings.
  const limits = page.getByTestId("live-limits");
  await limits.getByLabel(/User turns per battle|ユーザーのターン数/).fill("2");
  await limits.getByLabel(/Blocked words|禁止語/).fill("秘密");
  await page.getByRole("button", { name: /^(Save settings|設定を保存)$/ }).click();
  await expect
    .poll(
      async () =>
        (
          await query<{ liveMaxTurns: number; moderationWords: string[] }>(
            `SELECT "liveMaxTurns", "moderationWords" FROM "Campaign" WHERE slug = $1`,
            [slug],
          )
        )[0],
    )
    .toEqual({ liveMaxTurns: 2, moderationWords: ["秘密"] });
});

test("a refused prompt: the route answers with its status and code, the page says why, no model is asked", async ({ page }) => {
  const suffix = uniqueSuffix();
  const slug = `live-refused-${suffix}`;
  const annotator = uniqueEmail("live-refused-annotator");
  openLiveCampaign(
    slug,
    annotator,
    PASSWORD,
    ["one", "two"].map((name) => ["--name", `${name}-${suffix}`, "--base-url", fake.baseUrl]),
  );
  const [{ id: campaignId }] = await query<{ id: string }>(
    `UPDATE "Campaign" SET "moderationWords" = ARRAY['秘密'], "livePromptsPerHour" = 1 WHERE slug = $1 RETURNING id`,
    [slug],
  );
  const asked = () => fake.requests.filter((r) => r.model.endsWith(`-${suffix}`)).length;
  const send = (data: object) => page.request.post("/api/v1/live/battles", { data });

  await signIn(page, annotator, PASSWORD);
  expect((await send({ campaignId: "00000000-0000-4000-8000-000000000000", prompt: "hi" })).status()).toBe(404);
  const moderated = await send({ campaignId, prompt: "これは秘密です" });
  expect(moderated.status()).toBe(422);
  expect(await moderated.json()).toMatchObject({ code: "MODERATED" });

  await page.goto(`/vote/${slug}`);
  const prompt = page.getByRole("textbox", { name: /Your prompt|あなたのプロンプト/ });
  const sendButton = page.getByRole("button", { name: /Send to both models|両方のモデルに送信/ });
  await prompt.fill("ここだけの秘密を教えて");
  await sendButton.click();
  await expect(page.getByTestId("live-error")).toContainText(/cannot be sent in this campaign|このキャンペーンでは送信できません/);
  await expectAccessible(page);
  expect(asked()).toBe(0);

  // One prompt an hour: the first is answered and judged, the next refused until the hour is over.
  await prompt.fill("富士山の高さは？");
  await sendButton.click();
  await expect(page.getByTestId("live-error")).toHaveCount(0);
  await expect(page.getByTestId("vote-TIE")).toBeEnabled({ timeout: 30_000 });
  await page.getByTestId("vote-TIE").click();
  await expect(page.getByTestId("live-prompt")).toBeVisible();
  expect(asked()).toBe(2);
  await prompt.fill("もう一つ質問があります");
  await sendButton.click();
  await expect(page.getByTestId("live-error")).toContainText(/as many prompts as this campaign allows|1時間/);
  const limited = await send({ campaignId, prompt: "once more" });
  expect(limited.status()).toBe(429);
  expect(await limited.json()).toMatchObject({ code: "RATE_LIMITED" });

  // A closed campaign takes no prompts.
  hikakuCli(["campaign", "status", "--slug", slug, "--to", "CLOSED"]);
  const closed = await send({ campaignId, prompt: "are you there?" });
  expect(closed.status()).toBe(409);
  expect(await closed.json()).toMatchObject({ code: "CLOSED" });
  expect(asked()).toBe(2);
});

test("the documented reference worker (docs/user-guide.md) answers a battle from a local OpenAI-compatible server", async ({
  page,
  baseURL,
}) => {
  const suffix = uniqueSuffix();
  const slug = `live-worker-${suffix}`;
  const annotator = uniqueEmail("live-worker-annotator");
  const tokens = openLiveCampaign(
    slug,
    annotator,
    PASSWORD,
    ["first", "second"].map((name) => ["--name", `${name}-${suffix}`, "--worker"]),
  );
  const workers = tokens.map((token, index) =>
    spawn("node", ["examples/hikaku-worker.mjs"], {
      env: { ...process.env, HIKAKU_URL: baseURL, HIKAKU_WORKER_TOKEN: token, MODEL_URL: fake.baseUrl, MODEL: `local-model-${index}` },
      stdio: ["ignore", "inherit", "inherit"],
    }),
  );
  try {
    await signIn(page, annotator, PASSWORD);
    await page.goto(`/vote/${slug}`);
    await page.getByRole("textbox", { name: /Your prompt|あなたのプロンプト/ }).fill("What do workers do?");
    await page.getByRole("button", { name: /Send to both models|両方のモデルに送信/ }).click();
    await expect(page.getByTestId("vote-RIGHT")).toBeEnabled({ timeout: 30_000 });
    // Both answers came from the local server through the workers, with the prompt they were given.
    for (const pane of ["answer-a", "answer-b"]) await expect(page.getByTestId(pane)).toContainText("You wrote: “What do workers do?”");
    expect(fake.requests.filter((r) => r.model.startsWith("local-model-")).map((r) => r.body.stream)).toEqual([true, true]);
    await page.getByTestId("vote-RIGHT").click();
    await expect(page.getByTestId("live-prompt")).toBeVisible();
    const [{ answered }] = await query<{ answered: number }>(
      `SELECT sum(e.answered)::int AS answered FROM "ModelEndpoint" e JOIN "Campaign" c ON c.id = e."campaignId" WHERE c.slug = $1`,
      [slug],
    );
    expect(answered).toBe(2);
  } finally {
    for (const worker of workers) worker.kill();
  }
});

test("a researcher creates a live campaign on the web and adds its models there", async ({ page }) => {
  const suffix = uniqueSuffix();
  const researcher = uniqueEmail("live-web-researcher");
  hikakuCli(["user", "create", "--email", researcher, "--role", "RESEARCHER", "--password", PASSWORD]);
  await signIn(page, researcher, PASSWORD);
  await page.goto("/campaigns");
  await page.locator('input[name="name"]').fill(`Web live ${suffix}`);
  await page.locator('input[name="slug"]').fill(`web-live-${suffix}`);
  await page.getByRole("checkbox", { name: /Live battles|ライブ対戦/ }).check();
  await expectAccessible(page);
  await page.getByRole("button", { name: /Create campaign|キャンペーンを作成/ }).click();
  await expect(page).toHaveURL(new RegExp(`/campaigns/web-live-${suffix}$`));
  await expect(page.getByTestId("live-model-form")).toBeVisible();
  const form = page.getByTestId("live-model-form");

  // An internal address the operator has not allowed (only 127.0.0.1 is, in these tests) is
  // refused with the reason and the way to allow it; a URL with more than a base says what a base URL is.
  await form.getByLabel(/Model name \(shown|モデル名（研究者/).fill(`web-pushed-${suffix}`);
  await form.getByLabel(/Base URL|ベースURL/).fill("http://169.254.169.254/latest/v1");
  await form.getByRole("button", { name: /Add model|モデルを追加/ }).click();
  await expect(form.getByRole("alert")).toContainText(/169\.254\.169\.254.*link-local \(cloud metadata\).*HIKAKU_ALLOWED_MODEL_HOSTS/);
  await expectAccessible(page);
  await form.getByLabel(/Base URL|ベースURL/).fill(`${fake.baseUrl}/x?y=1#`);
  await form.getByRole("button", { name: /Add model|モデルを追加/ }).click();
  await expect(form.getByRole("alert")).toContainText(/without \?, #|\?・#/);
  await expect(page.getByTestId("live-model-row")).toHaveCount(0);

  // Parameters that are not a JSON object are refused, and nothing is added.
  await form.getByLabel(/Base URL|ベースURL/).fill(fake.baseUrl);
  await form.getByLabel(/Generation parameters|生成パラメータ/).fill("temperature: 0.7");
  await form.getByRole("button", { name: /Add model|モデルを追加/ }).click();
  await expect(form.getByRole("alert")).toContainText(/Generation parameters|生成パラメータ/);
  await expect(page.getByTestId("live-model-row")).toHaveCount(0);
  await form.getByLabel(/Generation parameters|生成パラメータ/).fill('{"temperature": 0.7}');
  await form.getByRole("button", { name: /Add model|モデルを追加/ }).click();
  await expect(page.getByTestId("live-model-row")).toHaveCount(1);

  // A pulled model: its worker token is shown once, and it works with the worker API.
  await form.getByLabel(/Pulled|プル型/).check();
  await form.getByLabel(/Model name \(shown|モデル名（研究者/).fill(`web-pulled-${suffix}`);
  await form.getByRole("button", { name: /Add model|モデルを追加/ }).click();
  const token = (await page.getByTestId("worker-token").innerText()).trim();
  expect(token).toMatch(/^hkw_/);
  await expect(page.getByTestId("live-model-row")).toHaveCount(2);
  const poll = await fetch(`${test.info().project.use.baseURL}/api/v1/worker/next`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(poll.status).toBe(204);
  await expectAccessible(page);
  // The campaign opens with two models; the overview counts no pairs to judge.
  await page.getByRole("button", { name: /Open for voting|評価を開始/ }).click();
  await expect(page.getByTestId("campaign-status")).toContainText(/Active|実施中/);
});
