import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importVotes } from "@/lib/datasets/import-votes";
import { db } from "@/lib/db";
import { startHikaku } from "@/lib/testing/cli";
import { startFakeOpenAi, type FakeOpenAi } from "@/lib/testing/fake-openai";
import { uniqueSuffix } from "@/lib/testing/factories";
import { createJudgedCampaign } from "@/lib/testing/judge-campaign";
import { JudgeBusy, runJudge, setUpRunJudge, type RunProgress } from "./run";

let campaign: { id: string; slug: string };
let fake: FakeOpenAi;
const ALLOWED = { HIKAKU_ALLOWED_MODEL_HOSTS: "127.0.0.1" };

beforeAll(async () => {
  fake = await startFakeOpenAi({ judgeDelayMs: 20 });
  campaign = await createJudgedCampaign();
  // Humans voted on questions 130 and 95 (turn 1): the run judges their pairs first.
  const votes = join(tmpdir(), `judge-run-${uniqueSuffix()}.jsonl`);
  writeFileSync(
    votes,
    [130, 95, 95]
      .map((q, i) =>
        JSON.stringify({
          question_id: q,
          model_a: "phi-3",
          model_b: "phi-3-dpo",
          winner: "model_a",
          judge: `expert_${i}`,
          turn: 1,
          tstamp: 1_700_000_000 + i,
        }),
      )
      .join("\n"),
  );
  await importVotes(null, campaign.id, { path: votes, format: "jsonl" });
}, 120_000);

afterAll(async () => {
  await fake?.close();
});

async function judgeFor(name: string, apiModel: string, swap = true) {
  const result = await setUpRunJudge(null, campaign.id, { name, baseUrl: fake.baseUrl, apiModel, prompt: "pair", swap });
  if (!result.ok) throw new Error(result.code);
  return result.judgeId;
}

const verdictsOf = (judgeId: string) =>
  db.verdict.findMany({
    where: { judgeId },
    select: {
      winner: true,
      g1: true,
      g2: true,
      inconsistent: true,
      error: true,
      tokens: true,
      turn: true,
      prompt: { select: { externalId: true } },
      modelA: { select: { name: true } },
    },
    orderBy: { createdAt: "asc" },
  });

const requestsFor = (apiModel: string) => fake.requests.filter((r) => r.model === apiModel);

describe("running a judge", () => {
  it("asks both orders, combines them as FastChat does, stores tokens, judges humans' pairs first and never names a model", async () => {
    const judgeId = await judgeFor("longer", "judge-longer-1");
    const progress: RunProgress[] = [];
    // One pair at a time, so the verdicts are stored in the order the pairs were taken (with two at
    // once, the fifth pair could finish before the fourth; concurrency has its own test below).
    const result = await runJudge(judgeId, { limit: 6, concurrency: 1, onProgress: (p) => progress.push(p) });
    expect(result).toEqual({ total: 6, done: 6, failed: 0, tokens: 1200 });
    expect(progress.at(-1)).toEqual(result);
    expect(progress.map((p) => p.done)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const verdicts = await verdictsOf(judgeId);
    // Questions with votes first (95 had two, 130 one), each turn, then the rest in question order.
    expect(
      verdicts
        .map((v) => `${v.prompt.externalId}/${v.turn}`)
        .slice(0, 4)
        .sort(),
    ).toEqual(["130/1", "130/2", "95/1", "95/2"]);
    // The longer answer wins in both orders: consistent, and the same model either way.
    for (const v of verdicts) {
      expect(v.inconsistent).toBe(false);
      expect(v.g1).toBe(v.g2);
      expect(v.winner).toBe(v.g1 === "model_a" ? "MODEL_A" : v.g1 === "model_b" ? "MODEL_B" : "TIE");
      expect(v.tokens).toBe(200);
    }
    const requests = requestsFor("judge-longer-1");
    expect(requests).toHaveLength(12);
    for (const request of requests) {
      const text = JSON.stringify(request.messages);
      expect(text).not.toContain("phi-3");
      expect(text).toContain("[[A]]");
    }
    // Each pair is asked twice, the answers the other way round the second time.
    const answerOf = (r: (typeof requests)[number], side: "A" | "B") =>
      new RegExp(`\\[Start of assistant ${side}'s answer\\]\\n([\\s\\S]*?)\\n\\[End`).exec(r.messages[1].content)![1];
    const orders = new Set(requests.map((r) => `${answerOf(r, "A")}\u0000${answerOf(r, "B")}`));
    for (const r of requests) expect(orders.has(`${answerOf(r, "B")}\u0000${answerOf(r, "A")}`)).toBe(true);
    const judge = await db.judge.findUniqueOrThrow({
      where: { id: judgeId },
      select: { tokens: true, runState: true, runDone: true, runTotal: true },
    });
    expect(judge).toEqual({ tokens: 1200, runState: "finished", runDone: 6, runTotal: 6 });
  });

  it("counts a judge that always picks the first position as inconsistent ties; [[C]] is a consistent tie", async () => {
    const first = await judgeFor("first", "judge-first-1");
    await runJudge(first, { limit: 2 });
    expect((await verdictsOf(first)).map((v) => [v.g1, v.g2, v.winner, v.inconsistent])).toEqual([
      ["model_a", "model_b", "TIE", true],
      ["model_a", "model_b", "TIE", true],
    ]);
    const tie = await judgeFor("tie", "judge-tie-1");
    await runJudge(tie, { limit: 1 });
    expect((await verdictsOf(tie)).map((v) => [v.g1, v.g2, v.winner, v.inconsistent])).toEqual([["tie", "tie", "TIE", false]]);
    const once = await judgeFor("once", "judge-first-2", false);
    await runJudge(once, { limit: 1 });
    expect((await verdictsOf(once)).map((v) => [v.g1, v.g2, v.winner])).toEqual([["model_a", null, "MODEL_A"]]);
    expect(requestsFor("judge-first-2")).toHaveLength(1);
  });

  it("records garbage and HTTP errors as failed judgments, never ties, retries failed calls, and judges them again next time", async () => {
    const garbage = await judgeFor("garbage", "judge-garbage-1");
    expect(await runJudge(garbage, { limit: 2, retryDelayMs: 1 })).toMatchObject({ done: 2, failed: 2 });
    expect((await verdictsOf(garbage)).map((v) => [v.winner, v.g1, v.error])).toEqual([
      [null, "error", "no [[A]], [[B]] or [[C]] in the judge's reply"],
      [null, "error", "no [[A]], [[B]] or [[C]] in the judge's reply"],
    ]);
    const broken = await judgeFor("broken", "broken-judge");
    expect(await runJudge(broken, { limit: 1, attempts: 3, retryDelayMs: 1 })).toMatchObject({ done: 1, failed: 1 });
    expect((await verdictsOf(broken))[0]).toMatchObject({ winner: null, error: "HTTP 500 from the judge" });
    // Three tries for each of the two orders.
    expect(requestsFor("broken-judge")).toHaveLength(6);
    // Every other call of the flaky judge fails: retried, each judgment is made.
    const flaky = await judgeFor("flaky", "judge-flaky-1");
    expect(await runJudge(flaky, { limit: 2, retryDelayMs: 1 })).toMatchObject({ done: 2, failed: 0 });
    // The failed judgments are what the next run does first (they are still pending), replaced in place.
    const again = await judgeFor("garbage", "judge-longer-2");
    expect(again).toBe(garbage);
    await runJudge(garbage, { limit: 2 });
    const redone = await verdictsOf(garbage);
    expect(redone).toHaveLength(2);
    expect(redone.every((v) => v.winner !== null && v.error === null)).toBe(true);
  });

  it("judges with the default prompt when none is stored", async () => {
    const judge = await db.judge.create({
      data: { campaignId: campaign.id, name: "no-prompt", kind: "RUN", baseUrl: fake.baseUrl, apiModel: "judge-tie-2", prompt: null },
    });
    expect(await runJudge(judge.id, { limit: 1 })).toMatchObject({ done: 1, failed: 0 });
    expect(requestsFor("judge-tie-2")[0].messages[0].content).toMatch(/^You are an impartial judge/);
  });

  it("keeps to its concurrency, and one run per judge at a time", async () => {
    const judgeId = await judgeFor("parallel", "judge-longer-3");
    fake.maxInFlight = 0;
    // Once the run holds the judge (not after a guessed pause: a slow start let the second run in first).
    let running!: ReturnType<typeof runJudge>;
    await new Promise<void>((claimed) => (running = runJudge(judgeId, { limit: 8, concurrency: 3, onClaimed: claimed })));
    await expect(runJudge(judgeId, { limit: 1 })).rejects.toBeInstanceOf(JudgeBusy);
    await running;
    expect(fake.maxInFlight).toBe(3);
  });

  it("refuses an internal address unless the operator allows it, and an imported judge's name", async () => {
    // The tests allow 127.0.0.1 only (vitest.setup.ts); 127.0.0.2 is loopback too.
    const internal = fake.baseUrl.replace("127.0.0.1", "127.0.0.2");
    const refused = await setUpRunJudge(null, campaign.id, { name: "internal", baseUrl: internal, prompt: "pair", swap: true });
    expect(refused).toMatchObject({ ok: false, code: "URL_REFUSED" });
    expect(await db.judge.count({ where: { campaignId: campaign.id, name: "internal" } })).toBe(0);
    await db.judge.create({ data: { campaignId: campaign.id, name: "imported-one", kind: "IMPORTED" } });
    expect(await setUpRunJudge(null, campaign.id, { name: "imported-one", baseUrl: fake.baseUrl, prompt: "pair", swap: true })).toEqual({
      ok: false,
      code: "NAME_TAKEN",
    });
  });

  it("from the CLI: a prompt file of one's own is the judge's system prompt; a file that cannot be read is a usage error", async () => {
    const file = join(tmpdir(), `judge-prompt-${uniqueSuffix()}.txt`);
    writeFileSync(file, "Judge like a strict Japanese teacher. End with [[A]], [[B]] or [[C]].");
    const args = [
      "judge",
      "run",
      "--campaign",
      campaign.slug,
      "--name",
      "own-prompt",
      "--base-url",
      fake.baseUrl,
      "--api-model",
      "judge-tie-cli",
    ];
    const ran = await startHikaku([...args, "--prompt", file, "--limit", "1"], ALLOWED).done;
    expect(ran.stderr).not.toMatch(/Error/);
    expect(JSON.parse(ran.stdout)).toMatchObject({ judge: "own-prompt", judged: 1, failed: 0 });
    expect(requestsFor("judge-tie-cli")[0].messages[0]).toEqual({
      role: "system",
      content: "Judge like a strict Japanese teacher. End with [[A]], [[B]] or [[C]].",
    });
    const missing = await startHikaku([...args, "--prompt", join(tmpdir(), "no-such-prompt.txt")], ALLOWED).done;
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("--prompt is pair, pair-ja or a file of your own system prompt; cannot read");
  }, 60_000);

  it("from the CLI: resumes after being killed, never judging anything twice, and prints its summary", async () => {
    const args = [
      "judge",
      "run",
      "--campaign",
      campaign.slug,
      "--name",
      "cli",
      "--base-url",
      fake.baseUrl,
      "--api-model",
      "judge-longer-cli",
      "--concurrency",
      "2",
    ];
    // Not runHikaku: its synchronous wait would keep this process's model server from answering.
    const { child } = startHikaku(args, ALLOWED);
    // Killed once a few judgments are stored.
    for (let waited = 0; ; waited += 50) {
      const stored = await db.verdict.count({ where: { judge: { campaignId: campaign.id, name: "cli" } } });
      if (stored >= 3) break;
      if (waited > 60_000) throw new Error("the CLI run stored nothing");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    const before = await db.verdict.count({ where: { judge: { campaignId: campaign.id, name: "cli" } } });
    expect(before).toBeLessThan(160);
    const resumed = await startHikaku([...args, "--concurrency", "8"], ALLOWED).done;
    expect(resumed.stderr).not.toMatch(/Error/);
    const summary = JSON.parse(resumed.stdout);
    expect(summary).toMatchObject({ campaign: campaign.slug, judge: "cli", failed: 0 });
    expect(summary.total).toBe(160 - before);
    expect(summary.tokens).toBe(summary.total * 200);
    expect(resumed.stderr).toContain(`${summary.total}/${summary.total} judged`);
    // 80 questions × 2 turns, each judged once.
    expect(await db.verdict.count({ where: { judge: { campaignId: campaign.id, name: "cli" } } })).toBe(160);
    const again = JSON.parse((await startHikaku(args, ALLOWED).done).stdout);
    expect(again).toMatchObject({ total: 0, judged: 0 });
  }, 120_000);
});
