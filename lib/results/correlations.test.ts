import { describe, expect, it } from "vitest";
import { importScores } from "@/lib/benchmarks/scores";
import type { Leaderboard } from "@/lib/ratings/leaderboard";
import { createVotingCampaign } from "@/lib/testing/factories";
import { correlationsFor } from "./correlations";

describe("correlations with benchmark scores", () => {
  it("ranks each side for the scatter plot, turns a lower-is-better score round, and needs three shared models", async () => {
    const {
      campaign,
      modelNames: [a, b, c, d],
    } = await createVotingCampaign({ prompts: 1, models: 4, annotators: [] });
    const rows = [
      { model: a, rating: 1100 },
      { model: b, rating: 1050 },
      { model: c, rating: 1000 },
      { model: d, rating: 950 },
    ].map((row, i) => ({
      ...row,
      ciLow: row.rating - 30,
      ciHigh: row.rating + 30,
      onlineElo: row.rating,
      rank: i + 1,
      rankUpperBound: 1,
      battles: 10,
    }));
    const order = [d, c, b, a];
    // Three bootstrap rounds around the ratings, in the fit's model order.
    const bootstrap = [0, 10, -10].flatMap((shift) => order.map((model) => rows.find((row) => row.model === model)!.rating + shift));
    const board = {
      votes: 40,
      rounds: 3,
      identifiable: true,
      models: rows,
      modelOrder: order,
      bootstrapRatings: Float64Array.from(bootstrap),
    } satisfies Leaderboard;
    await importScores(
      null,
      [
        "model,benchmark,score,higher_is_better",
        // Perplexity: lower is better; b and c tie.
        `${a},PPL,5,false`,
        `${b},PPL,6,false`,
        `${c},PPL,6,false`,
        `${d},PPL,9,false`,
        // Exactly three models: enough.
        `${a},JM,0.7,true`,
        `${b},JM,0.6,true`,
        `${c},JM,0.5,true`,
        // Two: not enough for any coefficient, but their points still show.
        `${a},MT,8,true`,
        `${d},MT,7,true`,
      ].join("\n"),
      { campaignId: campaign.id },
    );
    const results = new Map((await correlationsFor(campaign.id, board)).map((r) => [r.benchmark, r]));

    const ppl = results.get("PPL")!;
    expect(ppl.points.map(({ model, score, ratingRank, scoreRank }) => [model, score, ratingRank, scoreRank])).toEqual([
      [a, 5, 1, 1],
      [b, 6, 2, 2.5],
      [c, 6, 3, 2.5],
      [d, 9, 4, 4],
    ]);
    expect(ppl.points[0]).toMatchObject({ rating: 1100, ciLow: 1070, ciHigh: 1130 });
    // Spearman is Pearson's r of the ranks: 4.5 / √(5 · 4.5).
    expect(ppl.spearman!.value).toBeCloseTo(4.5 / Math.sqrt(5 * 4.5), 12);

    expect(results.get("JM")).toMatchObject({ models: 3, spearman: { value: 1 } });
    // Higher is better: the best score ranks first.
    expect(results.get("JM")!.points.map((p) => p.scoreRank)).toEqual([1, 2, 3]);
    const mt = results.get("MT")!;
    expect(mt).toMatchObject({ models: 2, spearman: null, kendall: null, pearson: null });
    expect(mt.points.map((p) => p.model)).toEqual([a, d]);
  });
});
