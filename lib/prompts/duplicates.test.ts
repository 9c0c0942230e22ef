import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { importRows } from "@/lib/imports/write";
import { DEFAULT_FILTERS } from "@/lib/results/filters";
import { getLeaderboard } from "@/lib/results/leaderboard";
import { nextAssignmentFor } from "@/lib/scheduling/next-assignment";
import { createAnnotators, createTestCampaign, uniqueSuffix } from "@/lib/testing/factories";
import { recordVote } from "@/lib/votes/record-vote";
import { exportVotes } from "@/lib/datasets/export-votes";
import { checkPromptDuplicates, duplicateReport } from "./duplicates";
import { runHikaku } from "@/lib/testing/cli";

const ESSAY =
  "次の文章を読んで、筆者がもっとも伝えたいことを三十字以内でまとめてください。文章：「働き方が変わり、通勤の時間が減った分、家族と過ごす時間が増えたという声が多い。」";

/** Prompts p1…p5: p3 repeats p1 exactly once normalised, p4 is p2 with a word changed, p5 is new. */
const PROMPTS: Record<string, string[]> = {
  p1: ["日本の首都はどこですか？ 一文で答えてください。"],
  p2: [ESSAY],
  p3: ["日本の首都はどこですか？\u3000一文で答えてください。 "],
  p4: [ESSAY.replace("家族", "子ども")],
  p5: ["俳句を一つ作ってください。季語は「雪」です。"],
};

function hikaku(...args: string[]) {
  return runHikaku([...args]);
}

async function importPrompts(campaignId: string, prompts: Record<string, string[]>, models: string[]) {
  const rows = Object.entries(prompts).flatMap(([promptId, turns], p) =>
    models.map((model, m) => ({
      line: p * models.length + m + 1,
      source: "dedup",
      promptId,
      turns,
      model,
      outputTurns: [`Answer ${m} on ${promptId}`],
    })),
  );
  await importRows(null, campaignId, rows);
}

describe("repeated prompts", () => {
  let campaign: Awaited<ReturnType<typeof createTestCampaign>>;
  let models: string[];
  beforeAll(async () => {
    campaign = await createTestCampaign({ status: "DRAFT" });
    const suffix = uniqueSuffix();
    models = ["left", "right"].map((name) => `${name}-${suffix}`);
    await importPrompts(campaign.id, PROMPTS, models);
    await db.campaign.update({ where: { id: campaign.id }, data: { status: "ACTIVE", targetVotesPerItem: 2 } });
    const annotators = await createAnnotators(2);
    await db.campaignMember.createMany({ data: annotators.map((a) => ({ campaignId: campaign.id, userId: a.id })) });
    // Every pair twice: 10 votes, 2 on each prompt.
    for (const annotator of annotators) {
      for (;;) {
        const next = await nextAssignmentFor(annotator.id, campaign.id);
        if (next.status !== "assigned") break;
        await recordVote(annotator.id, { assignmentId: next.assignment.id, outcome: "LEFT", durationMs: 3000 });
      }
    }
  }, 120_000);

  // First: the export has to find the repeats itself (no report or leaderboard has looked yet).
  it("leaves the repeats' votes out of an export asked to, finding new repeats first", async () => {
    const exported = async (excludeDuplicates: boolean) => {
      const chunks: Uint8Array[] = [];
      for await (const chunk of exportVotes(null, campaign, { ...DEFAULT_FILTERS, excludeDuplicates }, "jsonl", "cli").chunks)
        chunks.push(chunk);
      return Buffer.concat(chunks)
        .toString("utf8")
        .trim()
        .split("\n")
        .map((line) => (JSON.parse(line) as { question_id: string }).question_id);
    };
    expect((await exported(false)).sort()).toEqual(["p1", "p1", "p2", "p2", "p3", "p3", "p4", "p4", "p5", "p5"]);
    expect((await exported(true)).sort()).toEqual(["p1", "p1", "p2", "p2", "p5", "p5"]);
  });

  it("reports exact and near repeats of earlier prompts, with their votes", async () => {
    const report = await duplicateReport(campaign.id);
    expect(report).toMatchObject({ prompts: 5, duplicates: 2, exact: 1, near: 1 });
    expect(report.pairs).toEqual([
      { prompt: "p3", duplicateOf: "p1", kind: "exact", similarity: 1, votes: 2 },
      { prompt: "p4", duplicateOf: "p2", kind: "near", similarity: expect.any(Number), votes: 2 },
    ]);
    expect(report.pairs[1].similarity).toBeGreaterThanOrEqual(0.8);
    expect(report.pairs[1].similarity).toBeLessThan(1);
  });

  it("leaves the repeats' votes out of the ratings only when asked", async () => {
    const all = await getLeaderboard(campaign.id, DEFAULT_FILTERS, { untilFresh: true });
    const deduplicated = await getLeaderboard(campaign.id, { ...DEFAULT_FILTERS, excludeDuplicates: true }, { untilFresh: true });
    if (all.state !== "ready" || deduplicated.state !== "ready") throw new Error("not ready");
    expect(all.board.votes).toBe(10);
    expect(deduplicated.board.votes).toBe(6);
  });

  it("checks later prompts against the earlier ones and leaves what it found before as it was", async () => {
    const before = await db.prompt.findMany({ where: { campaignId: campaign.id }, orderBy: { externalId: "asc" } });
    expect(await checkPromptDuplicates(campaign.id)).toBe(0);
    await importPrompts(
      campaign.id,
      { p6: ["日本の首都はどこですか？一文で答えてください。"], p7: ["俳句を一つ作ってください。季語は「雪」です"] },
      models,
    );
    expect(await checkPromptDuplicates(campaign.id)).toBe(2);
    const after = await db.prompt.findMany({ where: { campaignId: campaign.id }, orderBy: { externalId: "asc" } });
    expect(after.slice(0, 5).map((p) => [p.duplicateOfId, p.duplicateKind])).toEqual(before.map((p) => [p.duplicateOfId, p.duplicateKind]));
    const byExternal = new Map(after.map((p) => [p.externalId, p]));
    // p6 differs from p1 only by a space: a repeat of the earliest, p1 (not of its repeat p3).
    expect(byExternal.get("p6")).toMatchObject({ duplicateOfId: byExternal.get("p1")!.id, duplicateKind: "EXACT" });
    expect(byExternal.get("p7")).toMatchObject({ duplicateOfId: byExternal.get("p5")!.id, duplicateKind: "NEAR" });
  });

  it("from the command line: prompts duplicates as JSON and CSV, and the leaderboard with --exclude-duplicates", async () => {
    const json = hikaku("prompts", "duplicates", "--campaign", campaign.slug);
    expect(json.status).toBe(0);
    const printed = JSON.parse(json.stdout);
    expect(printed).toMatchObject({ campaign: campaign.slug, prompts: 7, duplicates: 4, exact: 2, near: 2 });
    const csv = hikaku("prompts", "duplicates", "--campaign", campaign.slug, "--format", "csv").stdout.trim().split("\n");
    expect(csv[0]).toBe("prompt,duplicate_of,kind,similarity,votes");
    expect(csv[1]).toBe("p3,p1,exact,1,2");
    expect(csv).toHaveLength(5);
    const board = JSON.parse(hikaku("leaderboard", "--campaign", campaign.slug, "--exclude-duplicates").stdout);
    expect(board.filters.excludeDuplicates).toBe(true);
    expect(board.votes).toBe(6);
    const wrong = hikaku("prompts", "repeats", "--campaign", campaign.slug);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain("prompts duplicates --campaign SLUG");
  });

  it("points every repeat at the earliest prompt it repeats, and counts exact and near repeats apart", async () => {
    const other = await createTestCampaign({ status: "DRAFT" });
    const question = "富士山の高さは何メートルですか？";
    await importPrompts(
      other.id,
      { q1: [question], q2: [question], q3: [`${question} `], q4: [ESSAY], q5: [ESSAY.replace("家族", "友人")] },
      models,
    );
    const report = await duplicateReport(other.id);
    expect(report).toMatchObject({ prompts: 5, duplicates: 3, exact: 2, near: 1 });
    expect(report.pairs.map((pair) => [pair.prompt, pair.duplicateOf, pair.kind])).toEqual([
      ["q2", "q1", "exact"],
      ["q3", "q1", "exact"],
      ["q5", "q4", "near"],
    ]);
  });
});

describe("a check of more prompts than one batch holds", () => {
  it("finds a repeat across the batches' boundary, and checks each prompt once when two checks run at once", async () => {
    const campaign = await createTestCampaign({ status: "DRAFT" });
    // 1,001 unrelated prompts, then a repeat of the first: it falls in the second batch of 1,000.
    const texts = Array.from({ length: 1001 }, () => `Explain ${randomBytes(24).toString("hex")} briefly.`);
    const prompts = Object.fromEntries([...texts, texts[0]].map((text, k) => [`p${String(k + 1).padStart(4, "0")}`, [text]]));
    await importPrompts(
      campaign.id,
      prompts,
      ["left", "right"].map((name) => `${name}-${uniqueSuffix()}`),
    );
    const checked = await Promise.all([checkPromptDuplicates(campaign.id), checkPromptDuplicates(campaign.id)]);
    expect(checked.sort((a, b) => a - b)).toEqual([0, 1002]);
    const report = await duplicateReport(campaign.id);
    expect(report).toMatchObject({ prompts: 1002, duplicates: 1, exact: 1, near: 0 });
    expect(report.pairs).toEqual([{ prompt: "p1002", duplicateOf: "p0001", kind: "exact", similarity: 1, votes: 0 }]);
  });
});
