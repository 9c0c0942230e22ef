import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { importVotes } from "@/lib/datasets/import-votes";
import { importRows } from "@/lib/imports/write";
import fixture from "@/lib/ratings/fixtures/judge-agreement.json";
import { DEFAULT_FILTERS } from "@/lib/results/filters";
import { runHikaku } from "@/lib/testing/cli";
import { createTestCampaign, uniqueSuffix } from "@/lib/testing/factories";
import { agreementReport } from "./agreement";
import { importJudgments } from "./import-judgments";

let campaign: { id: string; slug: string };

/**
 * The fixture of lib/ratings/judge-agreement.test.ts, stored: its questions as prompts with three
 * models' two-turn answers, its expert votes imported as battles, its GPT-4 verdicts as a judge.
 * The counts are compute_agreement.py's on the same rows (written there).
 */
beforeAll(async () => {
  campaign = await createTestCampaign();
  const questions = [...new Set(fixture.human.map((v) => v.question_id).concat(fixture.gpt4.map((v) => v.question_id)))];
  const rows = questions.flatMap((q) =>
    ["alpha", "beta", "gamma"].map((model, i) => ({
      line: i + 1,
      source: "fixture",
      promptId: String(q),
      turns: [`Question ${q}`, `Follow-up ${q}`],
      model,
      outputTurns: [`${model} answers ${q}`, `${model} follows up ${q}`],
    })),
  );
  await importRows(null, campaign.id, rows);
  const votes = join(tmpdir(), `agreement-votes-${uniqueSuffix()}.jsonl`);
  writeFileSync(votes, fixture.human.map((v, i) => JSON.stringify({ ...v, tstamp: 1_700_000_000 + i })).join("\n"));
  await importVotes(null, campaign.id, { path: votes, format: "jsonl" });
  await importJudgments(null, campaign.id, fixture.gpt4.map((v) => JSON.stringify(v)).join("\n"), { name: "gpt-4" });
}, 120_000);

const counts = (turns: { turn: number; withTie: { agree: number; total: number }; withoutTie: { agree: number; total: number } }[]) =>
  turns.map((t) => ({ turn: t.turn, withTie: [t.withTie.agree, t.withTie.total], withoutTie: [t.withoutTie.agree, t.withoutTie.total] }));

describe("agreement from the database", () => {
  it("gives compute_agreement.py's counts for the stored votes and verdicts", async () => {
    const report = await agreementReport(campaign.id, DEFAULT_FILTERS);
    expect(report.judges.map((j) => j.judge)).toEqual(["gpt-4"]);
    expect(counts(report.judges[0].turns)).toEqual([
      { turn: 1, withTie: [11, 33], withoutTie: [6, 14] },
      { turn: 2, withTie: [15, 40], withoutTie: [15, 30] },
    ]);
    expect(counts(report.humanHuman.turns)).toEqual([
      { turn: 1, withTie: [16, 48], withoutTie: [12, 21] },
      { turn: 2, withTie: [21, 64], withoutTie: [19, 30] },
    ]);
    // One winner per row (the arena schema): no swapped orders to be consistent in.
    expect(report.judges[0]).toMatchObject({ verdicts: 39, consistency: null });
  });

  it("prints the contract's JSON and CSV from the CLI", () => {
    const json = runHikaku(["agreement", "--campaign", campaign.slug, "--judge", "gpt-4"]);
    expect(json.stderr).not.toMatch(/Error/);
    const printed = JSON.parse(json.stdout);
    expect(Object.keys(printed)).toEqual(["campaign", "judges", "humanHuman"]);
    expect(Object.keys(printed.judges[0])).toEqual(["judge", "verdicts", "consistency", "turns", "kappa"]);
    expect(Object.keys(printed.judges[0].kappa)).toEqual(["value", "ciLow", "ciHigh"]);
    const turn1 = printed.judges[0].turns[0];
    expect(turn1.turn).toBe(1);
    expect(Object.keys(turn1.withTie)).toEqual(["agree", "total", "ratio", "ciLow", "ciHigh"]);
    expect(turn1.withTie).toMatchObject({ agree: 11, total: 33, ratio: 1 / 3 });
    expect(turn1.withTie.ciLow).toBeLessThanOrEqual(1 / 3);
    expect(printed.humanHuman.turns[1].withoutTie).toMatchObject({ agree: 19, total: 30 });

    const csv = runHikaku(["agreement", "--campaign", campaign.slug, "--format", "csv"]);
    const lines = csv.stdout.trim().split("\n");
    expect(lines[0]).toBe("judge,turn,ties,agree,total,ratio,ci_low,ci_high");
    expect(lines.slice(1).map((line) => line.split(",").slice(0, 5).join(","))).toEqual([
      "gpt-4,1,with,11,33",
      "gpt-4,1,without,6,14",
      "gpt-4,2,with,15,40",
      "gpt-4,2,without,15,30",
      "human,1,with,16,48",
      "human,1,without,12,21",
      "human,2,with,21,64",
      "human,2,without,19,30",
    ]);
    const unknown = runHikaku(["agreement", "--campaign", campaign.slug, "--judge", "nobody"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain(`campaign ${campaign.slug} has no judge "nobody".`);
  });
});
