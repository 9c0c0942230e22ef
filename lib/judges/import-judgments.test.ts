import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { runHikaku } from "@/lib/testing/cli";
import { createJudgedCampaign, PAIR_FILE, SINGLE_FILE } from "@/lib/testing/judge-campaign";
import { importJudgments, JudgmentsRejected } from "./import-judgments";

let campaign: { id: string; slug: string };
const pairFile = readFileSync(PAIR_FILE, "utf8");

beforeAll(async () => {
  campaign = await createJudgedCampaign();
}, 120_000);

/** A judge's wins, losses and ties per model as show_result.py --mode pairwise-all counts them. */
async function pairwiseAll(judge: string) {
  const verdicts = await db.verdict.findMany({
    where: { judge: { campaignId: campaign.id, name: judge }, winner: { not: null } },
    select: { winner: true, modelA: { select: { name: true } }, modelB: { select: { name: true } } },
  });
  const table: Record<string, [number, number, number]> = {};
  const add = (model: string, column: 0 | 1 | 2) => ((table[model] ??= [0, 0, 0])[column] += 1);
  for (const v of verdicts) {
    const [a, b]: [0 | 1 | 2, 0 | 1 | 2] = v.winner === "MODEL_A" ? [0, 1] : v.winner === "MODEL_B" ? [1, 0] : [2, 2];
    add(v.modelA.name, a);
    add(v.modelB.name, b);
  }
  return table;
}

/** Rejected with these messages (line: message), and nothing stored. */
async function expectRejected(content: string, messages: unknown[]) {
  const before = await db.verdict.count();
  const error = await importJudgments(null, campaign.id, content, { name: "bad" }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(JudgmentsRejected);
  expect((error as JudgmentsRejected).errors.map((e) => `${e.line}: ${e.message}`)).toEqual(messages);
  expect(await db.verdict.count()).toBe(before);
  expect(await db.judge.count({ where: { campaignId: campaign.id, name: "bad" } })).toBe(0);
}

const pairRow = (fields: Record<string, unknown>) =>
  JSON.stringify({
    question_id: 81,
    model_1: "phi-3",
    model_2: "phi-3-dpo",
    g1_winner: "model_1",
    g2_winner: "model_1",
    judge: ["gpt-4", "pair-v2"],
    turn: 1,
    ...fields,
  });

describe("importing FastChat's judge outputs", () => {
  it("takes a real gen_judgment.py pair file as it is: show_result.py's wins, losses and ties, error rows kept but not counted", async () => {
    const summary = await importJudgments(null, campaign.id, pairFile, { source: "gpt-4_pair.jsonl" });
    expect(summary).toEqual({ judge: "gpt-4_pair", kind: "pair", rows: 75, added: 75, unchanged: 0, failed: 2 });
    // The shared folder's README: show_result.py --mode pairwise-all prints these.
    expect(await pairwiseAll("gpt-4_pair")).toEqual({ "phi-3-dpo": [20, 18, 35], "phi-3": [18, 20, 35] });
    const judge = await db.judge.findFirstOrThrow({ where: { campaignId: campaign.id, name: "gpt-4_pair" } });
    expect(judge).toMatchObject({ kind: "IMPORTED", model: "gpt-4", prompt: "pair-math-v1, pair-v2" });
    // Both orders and the judge's explanations are kept; different orders are a tie marked inconsistent.
    const inconsistent = await db.verdict.findFirstOrThrow({ where: { judgeId: judge.id, g1: "model_a", g2: "model_b" } });
    expect(inconsistent).toMatchObject({ winner: "TIE", inconsistent: true, error: null });
    expect(inconsistent.explanation).toMatch(/\[\[[ABC]\]\]/);
    expect(inconsistent.explanationSwapped).toMatch(/\[\[[ABC]\]\]/);
    const failed = await db.verdict.findMany({ where: { judgeId: judge.id, winner: null }, select: { g1: true, g2: true, error: true } });
    expect(failed).toHaveLength(2);
    expect(failed.every((v) => v.g1 === "error" || v.g2 === "error")).toBe(true);
    // Verdicts are not votes: the human side of the campaign is untouched.
    expect(await db.vote.count({ where: { campaignId: campaign.id } })).toBe(0);
  });

  it("changes nothing when the same file is imported again", async () => {
    const before = await db.verdict.count();
    const summary = await importJudgments(null, campaign.id, pairFile, { source: "gpt-4_pair.jsonl" });
    expect(summary).toMatchObject({ added: 0, unchanged: 75 });
    expect(await db.verdict.count()).toBe(before);
  });

  it("takes the arena schema of the mt_bench_human_judgments dataset's gpt4_pair split", async () => {
    const rows = [
      { question_id: 81, model_a: "phi-3-dpo", model_b: "phi-3", winner: "model_a", judge: ["gpt-4", "pair-v2"], turn: 1 },
      { question_id: 82, model_a: "phi-3", model_b: "phi-3-dpo", winner: "tie", judge: ["gpt-4", "pair-v2"], turn: 2 },
      { question_id: 83, model_a: "phi-3", model_b: "phi-3-dpo", winner: "error", judge: ["gpt-4", "pair-v2"], turn: 1 },
    ];
    const summary = await importJudgments(null, campaign.id, rows.map((r) => JSON.stringify(r)).join("\n"), { name: "gpt4-arena" });
    expect(summary).toMatchObject({ judge: "gpt4-arena", kind: "pair", added: 3, failed: 1 });
    expect(await pairwiseAll("gpt4-arena")).toEqual({ "phi-3-dpo": [1, 0, 1], "phi-3": [0, 1, 1] });
  });

  it("refuses a bad file with every problem on its line, saving nothing", async () => {
    await expectRejected(
      [
        pairRow({ question_id: 9999 }),
        pairRow({ model_2: "gpt-5" }),
        pairRow({ g1_winner: "A" }),
        pairRow({ turn: 3 }),
        JSON.stringify({ question_id: 82, model_1: "phi-3", g1_winner: "tie", g2_winner: "tie", judge: ["gpt-4", "pair-v2"], turn: 1 }),
        "{not json",
        pairRow({}),
        pairRow({ model_1: "phi-3-dpo", model_2: "phi-3" }),
        JSON.stringify({ question_id: 81, model: "phi-3", score: 5, judge: ["gpt-4", "single-v1"], turn: 1 }),
      ].join("\n"),
      [
        "1: unknown question 9999: no prompt of this campaign has that id",
        "2: unknown model gpt-5: it answers none of this campaign's prompts",
        '3: g1_winner: Invalid option: expected one of "model_1"|"model_2"|"tie"|"error"',
        "4: question 81 has 2 turn(s): there is no turn 3 to judge",
        "5: missing field model_2",
        expect.stringMatching(/^6: not valid JSON \(/),
        "8: the same question, models and turn were judged on line 7",
        "9: a single judgment in a file of pair judgments: import each kind from its own file",
      ],
    );
    await expectRejected("", ["1: the file has no rows"]);
    // A judgment that differs from what the judge already holds is refused, not overwritten.
    const differing = pairFile.split("\n")[0].replace('"g2_winner": "model_2"', '"g2_winner": "model_1"');
    const error = await importJudgments(null, campaign.id, differing, { name: "gpt-4_pair" }).catch((e: unknown) => e);
    expect((error as JudgmentsRejected).errors.map((e) => e.message)).toEqual([
      "judge gpt-4_pair already has a different judgment of this question, these models and this turn: import under another name",
    ]);
  });

  it("takes single-answer scores: each model's mean (show_result.py --mode single) as a benchmark, and a verdict per pair", async () => {
    const summary = await importJudgments(null, campaign.id, readFileSync(SINGLE_FILE, "utf8"), { source: "gpt-4_single.jsonl" });
    // The shared folder's README: show_result.py --mode single prints 8.2 for phi-3-dpo.
    expect(summary).toMatchObject({ judge: "gpt-4_single", kind: "single", rows: 160, added: 160, failed: 0, means: { "phi-3-dpo": 8.2 } });
    const benchmark = await db.benchmarkScore.findFirstOrThrow({
      where: { campaignId: campaign.id, benchmark: "gpt-4_single" },
      select: { score: true, model: { select: { name: true } } },
    });
    expect(benchmark).toEqual({ score: 8.2, model: { name: "phi-3-dpo" } });
    // One model only: no pair to judge yet. Scores for the other model on two questions give
    // two verdicts: higher score wins, equal ties; a failed score (-1) fails its verdict.
    const phi3 = [
      { question_id: 81, model: "phi-3", score: 9, judge: ["gpt-4", "single-v1"], turn: 1 },
      { question_id: 82, model: "phi-3", score: -1, judge: ["gpt-4", "single-v1"], turn: 1 },
      { question_id: 83, model: "phi-3", score: 2, judge: ["gpt-4", "single-math-v1"], turn: 1 },
    ];
    const more = await importJudgments(null, campaign.id, phi3.map((r) => JSON.stringify(r)).join("\n"), { name: "gpt-4_single" });
    expect(more).toMatchObject({ added: 3, failed: 1, means: { "phi-3": 5.5, "phi-3-dpo": 8.2 } });
    const dpo = await db.judgeScore.findMany({
      where: {
        judge: { name: "gpt-4_single", campaignId: campaign.id },
        model: { name: "phi-3-dpo" },
        turn: 1,
        prompt: { externalId: { in: ["81", "83"] } },
      },
      select: { score: true, prompt: { select: { externalId: true } } },
      orderBy: { prompt: { externalId: "asc" } },
    });
    const verdicts = await db.verdict.findMany({
      where: { judge: { name: "gpt-4_single", campaignId: campaign.id } },
      select: {
        winner: true,
        scoreA: true,
        scoreB: true,
        error: true,
        modelA: { select: { name: true } },
        prompt: { select: { externalId: true } },
      },
      orderBy: { prompt: { externalId: "asc" } },
    });
    const expected = (score: number, dpoScore: number) => (score > dpoScore ? "MODEL_A" : score < dpoScore ? "MODEL_B" : "TIE");
    expect(verdicts).toEqual([
      {
        winner: expected(9, dpo[0].score!),
        scoreA: 9,
        scoreB: dpo[0].score,
        error: null,
        modelA: { name: "phi-3" },
        prompt: { externalId: "81" },
      },
      {
        winner: null,
        scoreA: null,
        scoreB: expect.any(Number),
        error: "the judge call failed (error)",
        modelA: { name: "phi-3" },
        prompt: { externalId: "82" },
      },
      {
        winner: expected(2, dpo[1].score!),
        scoreA: 2,
        scoreB: dpo[1].score,
        error: null,
        modelA: { name: "phi-3" },
        prompt: { externalId: "83" },
      },
    ]);
  });

  it("from the CLI: prints the summary, and a refused file's problems with file and line, exit 2", async () => {
    const ok = runHikaku(["judge", "import", "--campaign", campaign.slug, "--file", PAIR_FILE, "--name", "cli-judge"]);
    expect(ok.stderr).not.toMatch(/Error/);
    expect(JSON.parse(ok.stdout)).toEqual({
      campaign: campaign.slug,
      judge: "cli-judge",
      kind: "pair",
      rows: 75,
      added: 75,
      unchanged: 0,
      failed: 2,
    });
    const bad = runHikaku(["judge", "import", "--campaign", campaign.slug, "--file", SINGLE_FILE, "--name", "cli-judge"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("judge cli-judge holds pair judgments: import single-answer scores under another name (--name)");
    expect(bad.stderr).toContain("gpt-4_single.jsonl:1:");
  });
});
