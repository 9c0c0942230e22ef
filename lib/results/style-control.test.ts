import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { importVotes } from "@/lib/datasets/import-votes";
import { db } from "@/lib/db";
import { importRows } from "@/lib/imports/write";
import { fitStyleControl, styleCounts, summariseStyleControl, toStyleBattles, type StyledBattle } from "@/lib/ratings/style-control";
import type { Winner } from "@/lib/ratings/types";
import { nextAssignmentFor } from "@/lib/scheduling/next-assignment";
import { createTestCampaign, createTestUser, uniqueSuffix } from "@/lib/testing/factories";
import { recordVote } from "@/lib/votes/record-vote";
import { DEFAULT_FILTERS } from "./filters";
import { getLeaderboard } from "./leaderboard";
import { leaderboardJson } from "./output";
import { runHikaku } from "@/lib/testing/cli";

/** Answer `p` of model `m`: the models differ in length and Markdown, and the second turn adds more. */
function answer(m: number, p: number, turn: number): string {
  const body = `Answer ${m} to ${p}, turn ${turn}. ` + "detail ".repeat(5 + ((m * 7 + p * 3) % 11) * (m + 1));
  const lists = Array.from({ length: (m + p) % 4 }, (_, i) => `${i + 1}. item`).join("\n");
  return `${m % 2 ? "## Heading\n" : ""}${body}\n${lists}${m === 2 ? "\n**bold** and __bold__" : ""}`;
}

const WINNERS: Winner[] = ["model_a", "model_b", "tie", "tie (bothbad)"];

/**
 * A campaign with two-turn prompts whose pairs show one turn or both, app votes through the real
 * scheduler, and imported battles with and without conversations. Returns every vote that has
 * both answers' text, as the pure style fit sees it, to compare with the board from the database.
 */
async function setUp() {
  const campaign = await createTestCampaign({ status: "DRAFT" });
  await db.campaign.update({
    where: { id: campaign.id },
    data: { targetVotesPerItem: 2, allowedOutcomes: ["LEFT", "RIGHT", "TIE", "BOTH_BAD"] },
  });
  const suffix = uniqueSuffix();
  const models = ["north", "east", "south", "west"].map((name) => `${name}-${suffix}`);
  const rows = [];
  for (let p = 0; p < 6; p++) {
    for (const [m, model] of models.entries()) {
      // Model 3 answers only the first turn of odd prompts: its pairs there show one turn.
      const turns = m === 3 && p % 2 ? 1 : 2;
      rows.push({
        line: rows.length + 1,
        source: "style",
        promptId: `p${p}`,
        turns: [`Question ${p}?`, `Follow-up ${p}?`],
        model,
        outputTurns: Array.from({ length: turns }, (_, t) => answer(m, p, t)),
      });
    }
  }
  await importRows(null, campaign.id, rows, [], undefined, { allowFewerTurns: true });
  await db.campaign.update({ where: { id: campaign.id }, data: { status: "ACTIVE" } });
  const annotators = await Promise.all([0, 1].map(() => createTestUser({ role: "ANNOTATOR" })));
  await db.campaignMember.createMany({ data: annotators.map((a) => ({ campaignId: campaign.id, userId: a.id })) });

  const expected: StyledBattle[] = [];
  const outcomes = ["LEFT", "RIGHT", "TIE", "BOTH_BAD", "LEFT", "LEFT", "RIGHT"] as const;
  let n = 0;
  for (const annotator of annotators) {
    for (;;) {
      const next = await nextAssignmentFor(annotator.id, campaign.id);
      if (next.status !== "assigned") break;
      const { assignment } = next;
      // The longer answer tends to win, so the length coefficient has something to find.
      const longer = assignment.leftTurns.join("").length > assignment.rightTurns.join("").length ? "LEFT" : "RIGHT";
      const outcome = n++ % 3 === 0 ? outcomes[n % outcomes.length] : longer;
      await recordVote(annotator.id, { assignmentId: assignment.id, outcome, durationMs: 5000 });
      const vote = await db.vote.findUniqueOrThrow({ where: { assignmentId: assignment.id }, include: { modelA: true, modelB: true } });
      expected.push({
        modelA: vote.modelA.name,
        modelB: vote.modelB.name,
        winner: { MODEL_A: "model_a", MODEL_B: "model_b", TIE: "tie", TIE_BOTHBAD: "tie (bothbad)" }[vote.winner] as Winner,
        styleA: styleCounts(assignment.leftTurns),
        styleB: styleCounts(assignment.rightTurns),
      });
    }
  }

  // Imported battles: 40 with conversations (counted), 10 without (left out of style control).
  const lines: string[] = [];
  for (let i = 0; i < 50; i++) {
    const [a, b] = [models[i % 4], models[(i + 1 + (i % 3)) % 4]];
    const winner = WINNERS[i % 4];
    const row: Record<string, unknown> = {
      question_id: `imported-${i}`,
      model_a: a,
      model_b: b,
      winner,
      judge: "j",
      tstamp: 1_700_000_000 + i,
    };
    if (i < 40) {
      const textA = [answer(models.indexOf(a), i, 0)];
      const textB = [answer(models.indexOf(b), i + 1, 0), "- one more\n- list"];
      row.conversation_a = [{ role: "user", content: "Q" }, ...textA.map((content) => ({ role: "assistant", content }))];
      row.conversation_b = [
        { role: "user", content: "Q" },
        { role: "assistant", content: textB[0] },
        { role: "user", content: "Q2" },
        { role: "assistant", content: textB[1] },
      ];
      expected.push({ modelA: a, modelB: b, winner, styleA: styleCounts(textA), styleB: styleCounts(textB) });
    }
    lines.push(JSON.stringify(row));
  }
  const file = join(mkdtempSync(join(tmpdir(), "hikaku-style-")), "battles.jsonl");
  writeFileSync(file, lines.join("\n") + "\n");
  await importVotes(null, campaign.id, { path: file, format: "jsonl" });
  return { campaign, models, expected };
}

describe("style control from the database", () => {
  let setup: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => {
    setup = await setUp();
  }, 120_000);

  const styleBoard = async () => {
    const view = await getLeaderboard(setup.campaign.id, { ...DEFAULT_FILTERS, styleControl: true }, { untilFresh: true });
    if (view.state !== "ready") throw new Error(view.state);
    return view;
  };

  it("fits the votes whose answers are known — the turns each pair showed — exactly as the pure fit does", async () => {
    const view = await styleBoard();
    expect(view.styleControl).not.toBeNull();
    expect(view.styleControl!.votes).toBe(setup.expected.length);
    expect(view.board.votes).toBe(setup.expected.length + 10);
    const reference = summariseStyleControl(fitStyleControl(toStyleBattles(setup.expected)));
    for (const [k, model] of reference.models.entries()) {
      expect(view.styleControl!.models[model].rating).toBeCloseTo(reference.ratings[k], 6);
      expect(view.styleControl!.models[model].ciHigh).toBeCloseTo(reference.ciHigh[k], 6);
    }
    expect(view.styleControl!.coefficients.length.value).toBeCloseTo(reference.coefficients.length.value, 9);
    expect(view.styleControl!.coefficients.lists.value).toBeCloseTo(reference.coefficients.lists.value, 9);
  });

  it("counts answers stored before style counts existed the same way, and leaves the plain board as it was", async () => {
    const before = await styleBoard();
    await db.$executeRaw`UPDATE "Output" o SET style = '{}' FROM "Prompt" p WHERE p.id = o."promptId" AND p."campaignId" = ${setup.campaign.id}::uuid`;
    await db.$executeRaw`UPDATE "Vote" SET "styleA" = '{}', "styleB" = '{}' WHERE "campaignId" = ${setup.campaign.id}::uuid`;
    // A new vote makes the stored board stale, so it is computed again from the emptied counts.
    await db.campaign.update({ where: { id: setup.campaign.id }, data: { resultsVersion: { increment: 1 } } });
    const after = await styleBoard();
    expect(after.styleControl!.votes).toBe(before.styleControl!.votes);
    for (const model of setup.models)
      expect(after.styleControl!.models[model].rating).toBeCloseTo(before.styleControl!.models[model].rating, 9);
    const plain = await getLeaderboard(setup.campaign.id, DEFAULT_FILTERS, { untilFresh: true });
    if (plain.state !== "ready") throw new Error(plain.state);
    expect(plain.styleControl).toBeNull();
    expect(plain.board.models.map((row) => row.rating)).toEqual(after.board.models.map((row) => row.rating));
  });

  it("reports per model the style-controlled rating, its interval and rank change, and the style coefficients", async () => {
    const view = await styleBoard();
    type Styled = Extract<ReturnType<typeof leaderboardJson>, { styleCoefficients: unknown }>;
    const filters = { ...DEFAULT_FILTERS, styleControl: true };
    const json = leaderboardJson(view.board, view.computedAt, filters, setup.campaign.slug, view.styleControl) as Styled;
    expect(json.styleControlVotes).toBe(setup.expected.length);
    expect(Object.keys(json.styleCoefficients!)).toEqual(["length", "headers", "lists", "bold"]);
    // A rank is one more than the number of models rated strictly higher: equal ratings (the
    // balanced votes can make two models' records the same) share a rank.
    const rankAmong = (rating: number, all: number[]) => 1 + all.filter((other) => other > rating).length;
    const plainRatings = json.models.map((row) => row.rating);
    const styled = json.models.map((row) => row.ratingStyleControlled!);
    for (const row of json.models) {
      expect(row.ciLowStyleControlled!).toBeLessThan(row.ratingStyleControlled!);
      expect(row.ciHighStyleControlled!).toBeGreaterThan(row.ratingStyleControlled!);
      expect(row.rankChange).toBe(rankAmong(row.rating, plainRatings) - rankAmong(row.ratingStyleControlled!, styled));
    }
    // Without the option, the JSON is the ratings contract alone.
    const withoutOption = leaderboardJson(view.board, view.computedAt, DEFAULT_FILTERS, setup.campaign.slug, null);
    expect(withoutOption).not.toHaveProperty("styleCoefficients");
    expect(withoutOption.models[0]).not.toHaveProperty("rankChange");
  });

  it("from the command line: leaderboard --style-control prints the same numbers, and the CSV gets the columns", () => {
    const run = (format: string) => runHikaku(["leaderboard", "--campaign", setup.campaign.slug, "--style-control", "--format", format]);
    const json = run("json");
    expect(json.status).toBe(0);
    const printed = JSON.parse(json.stdout);
    expect(printed.filters.styleControl).toBe(true);
    expect(printed.styleControlVotes).toBe(setup.expected.length);
    const reference = summariseStyleControl(fitStyleControl(toStyleBattles(setup.expected)));
    for (const row of printed.models) {
      expect(row.ratingStyleControlled).toBeCloseTo(reference.ratings[reference.models.indexOf(row.model)], 6);
    }
    expect(printed.styleCoefficients.length.value).toBeCloseTo(reference.coefficients.length.value, 9);
    const csv = run("csv");
    expect(csv.stdout.split("\n")[0]).toBe(
      "rank,model,rating,ci_low,ci_high,online_elo,rank_upper_bound,battles,rating_style_controlled,ci_low_style_controlled,ci_high_style_controlled,rank_change",
    );
  });
});
