import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { exportVotes } from "@/lib/datasets/export-votes";
import { importVotes } from "@/lib/datasets/import-votes";
import { runHikaku } from "@/lib/testing/cli";
import { csvObjects } from "@/lib/testing/csv-objects";
import { uniqueSuffix } from "@/lib/testing/factories";
import { createJudgedCampaign, PAIR_FILE } from "@/lib/testing/judge-campaign";
import { db } from "@/lib/db";
import { DEFAULT_FILTERS } from "@/lib/results/filters";
import { importJudgments } from "./import-judgments";
import { judgeDetails } from "./profile";

let campaign: { id: string; slug: string };

/** The shared MT-Bench campaign with GPT-4's pair verdicts and two human votes on question 81. */
beforeAll(async () => {
  campaign = await createJudgedCampaign();
  await importJudgments(null, campaign.id, readFileSync(PAIR_FILE, "utf8"), { name: "gpt-4" });
  const votes = join(tmpdir(), `judge-outputs-${uniqueSuffix()}.jsonl`);
  const vote = (judge: string, winner: string, i: number) =>
    JSON.stringify({ question_id: 81, model_a: "phi-3", model_b: "phi-3-dpo", winner, judge, turn: 1, tstamp: 1_700_000_000 + i });
  writeFileSync(votes, [vote("expert_1", "model_b", 0), vote("expert_2", "tie", 1)].join("\n"));
  await importVotes(null, campaign.id, { path: votes, format: "jsonl" });
}, 120_000);

describe("a judge's verdicts in the leaderboard and the export", () => {
  it("leaderboard --judge prints the judge's own board from its wins, losses and ties, in the usual JSON", () => {
    const printed = runHikaku(["leaderboard", "--campaign", campaign.slug, "--judge", "gpt-4"]);
    expect(printed.stderr).not.toMatch(/Error/);
    const board = JSON.parse(printed.stdout);
    // 73 counted verdicts (two failed calls left out): phi-3-dpo won 20, phi-3 18, 35 ties.
    expect(board).toMatchObject({ judge: "gpt-4", campaign: campaign.slug, votes: 73 });
    expect(board.models.map((m: { model: string }) => m.model)).toEqual(["phi-3-dpo", "phi-3"]);
    expect(board.models[0].rating).toBeGreaterThan(board.models[1].rating);
    expect(board.models.map((m: { battles: number }) => m.battles)).toEqual([73, 73]);
    // The human board is not the judge's: two human votes only.
    const human = JSON.parse(runHikaku(["leaderboard", "--campaign", campaign.slug]).stdout);
    expect(human.votes).toBe(2);
    const missing = runHikaku(["leaderboard", "--campaign", campaign.slug, "--judge", "nobody"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('has no judge "nobody"');
  });

  it("export-votes --judges adds the verdicts as rows with judge_kind llm beside the human rows", async () => {
    // In this process, where the export's own code is what runs (and what mutation testing sees).
    const exported = async (format: "csv" | "jsonl", withJudges: boolean) => {
      const chunks: Uint8Array[] = [];
      for await (const chunk of exportVotes(null, campaign, DEFAULT_FILTERS, format, "cli", { withJudges }).chunks) chunks.push(chunk);
      return Buffer.concat(chunks).toString("utf8");
    };
    const rows = (await exported("jsonl", true))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(rows.filter((r) => r.judge_kind === "human")).toHaveLength(2);
    const verdicts = rows.filter((r) => r.judge_kind === "llm");
    expect(verdicts).toHaveLength(73);
    expect(new Set(verdicts.map((r) => r.judge))).toEqual(new Set(["gpt-4"]));
    const counts = { model_a: 0, model_b: 0, tie: 0 } as Record<string, number>;
    for (const r of verdicts) counts[r.winner] += 1;
    // model_a is phi-3 (FastChat's model_1) in every row of the file.
    expect(counts).toEqual({ model_a: 18, model_b: 20, tie: 35 });
    const row81 = verdicts.find((r) => r.question_id === "81");
    expect(row81).toMatchObject({ model_a: "phi-3", model_b: "phi-3-dpo", turn: 1 });
    expect(row81.conversation_a[0].role).toBe("user");
    expect(row81.conversation_a[1].role).toBe("assistant");
    const audit = await db.auditEvent.findFirst({
      where: { action: "votes.exported", subjectId: campaign.id },
      orderBy: { createdAt: "desc" },
    });
    expect(audit?.data).toMatchObject({ format: "jsonl", rows: 75, complete: true, withJudges: true });
    // Without the verdicts: the usual columns, human rows only.
    const plain = (await exported("csv", false)).trim().split("\n");
    expect(plain[0]).not.toContain("judge_kind");
    expect(plain).toHaveLength(3);
    expect((await exported("csv", true)).split("\n")[0].endsWith(",category,judge_kind")).toBe(true);
    expect(() => exportVotes(null, campaign, DEFAULT_FILTERS, "parquet", "cli", { withJudges: true })).toThrow(
      "the judges' verdicts are exported as CSV or JSON Lines",
    );

    // The command line: its flag, its count and its refusal.
    const jsonl = runHikaku(["export-votes", "--campaign", campaign.slug, "--format", "jsonl", "--judges"]);
    expect(jsonl.stderr).toContain("exported 75 votes and verdicts");
    expect(
      jsonl.stdout
        .trim()
        .split("\n")
        .filter((line) => line.includes('"judge_kind":"llm"')),
    ).toHaveLength(73);
    const parquet = runHikaku([
      "export-votes",
      "--campaign",
      campaign.slug,
      "--format",
      "parquet",
      "--judges",
      "--out",
      join(tmpdir(), "x.parquet"),
    ]);
    expect(parquet.status).toBe(2);
    expect(parquet.stderr).toContain("--judges works with --format csv or jsonl.");
  });
});

describe("a judge's profile from the database", () => {
  it("counts GPT-4's position bias in the real file, its board, and its agreement by category", async () => {
    const judge = await db.judge.findFirstOrThrow({ where: { campaignId: campaign.id, name: "gpt-4" }, select: { id: true } });
    const details = await judgeDetails(campaign.id, judge.id, DEFAULT_FILTERS, null);
    // The file's counted rows whose orders differ: model_1/model_2 16, model_1/tie 5, tie/model_2 3,
    // model_2/model_1 2, model_2/tie 1. Picks of the answer shown first: 16×2 + 5 + 3; second: 2×2 + 1.
    expect(details.profile.inconsistent).toBe(27);
    expect(details.profile.firstPosition).toEqual({ count: 40, of: 45, share: 40 / 45 });
    expect(details.profile.selfPreference).toBeNull();
    expect(details.profile.longer.judge.of).toBe(38);
    expect(details.board.models.map((m) => m.model)).toEqual(["phi-3-dpo", "phi-3"]);
    expect(details.rankCorrelation).toBeNull();
    // Question 81 (writing) has the two human votes: one for phi-3-dpo, one tie.
    const writing = details.categories.find((c) => c.category === "writing");
    expect(writing?.withTie.total).toBe(2);
    expect(details.categories.map((c) => c.category)).toEqual(["writing"]);
  });
});

// Last in the file: it adds a human vote that the counts above do not expect.
describe("the export with the judges' verdicts, opened in a spreadsheet", () => {
  it("writes text that a spreadsheet would run as a formula with a leading ', as the plain export does", async () => {
    const votes = join(tmpdir(), `judge-formulas-${uniqueSuffix()}.jsonl`);
    const formula = { judge: "=cmd", reason: '=HYPERLINK("http://x.test")', category: "+sum", corrected_answer: "@now" };
    writeFileSync(
      votes,
      JSON.stringify({
        question_id: 81,
        model_a: "phi-3",
        model_b: "phi-3-dpo",
        winner: "tie",
        turn: 1,
        tstamp: 1_700_000_100,
        ...formula,
      }),
    );
    await importVotes(null, campaign.id, { path: votes, format: "jsonl" });
    const chunks: Uint8Array[] = [];
    for await (const chunk of exportVotes(null, campaign, DEFAULT_FILTERS, "csv", "cli", { withJudges: true }).chunks) chunks.push(chunk);
    const rows = csvObjects(Buffer.concat(chunks).toString("utf8"));
    const row = rows.find((r) => r.judge_kind === "human" && r.reason?.includes("HYPERLINK"));
    expect([row?.judge, row?.reason, row?.category, row?.corrected_answer]).toEqual(["'=cmd", `'${formula.reason}`, "'+sum", "'@now"]);
    // The judge's own rows are unchanged: its name starts no formula.
    expect(new Set(rows.filter((r) => r.judge_kind === "llm").map((r) => r.judge))).toEqual(new Set(["gpt-4"]));
  });
});
