import { describe, expect, it } from "vitest";
import type { Leaderboard, NamedRobustness } from "@/lib/ratings/leaderboard";
import { DEFAULT_FILTERS } from "./filters";
import type { GroupBoard } from "./groups";
import type { StyleControlView } from "./leaderboard";
import { correlationsCsv, correlationsJson, groupBoardsCsv, groupBoardsJson, leaderboardCsv, leaderboardJson } from "./output";

/** Two rated models, as the fit gives them (best first). */
const board = {
  votes: 12,
  rounds: 100,
  identifiable: true,
  modelOrder: ["beta", "alpha"],
  bootstrapRatings: new Float64Array(),
  models: [
    { model: "alpha", rating: 1050, ciLow: 1000, ciHigh: 1100, onlineElo: 1040, rank: 1, rankUpperBound: 1, battles: 12 },
    { model: "beta", rating: 950, ciLow: 900, ciHigh: 1000, onlineElo: 960, rank: 2, rankUpperBound: 1, battles: 12 },
  ],
} satisfies Leaderboard;

// The style fit saw alpha only.
const styleControl = {
  votes: 10,
  models: { alpha: { rating: 990, ciLow: 940, ciHigh: 1040, rank: 2, rankChange: -1 } },
  coefficients: { length: { estimate: 0.12, ciLow: 0.05, ciHigh: 0.19 } },
} as unknown as StyleControlView;

const robustness: NamedRobustness = {
  topFlipVotes: 3,
  pairs: [{ upper: "alpha", lower: "beta", flipVotes: 3, estimatedVotes: 4, confirmed: true, votesToSeparate: 20 }],
};

/** One category's board: beta first there, alpha second (only beta seen by its style fit). */
const mathGroup = [
  {
    group: "math",
    state: "ready",
    votes: 4,
    battlesPerModel: 4,
    sparse: true,
    // Listed as a Record's keys come, not by rank.
    models: {
      alpha: { rating: 990, ciLow: 930, ciHigh: 1050, battles: 4, rank: 2, rankChange: -1, styleControlled: null },
      beta: {
        rating: 1010,
        ciLow: 950,
        ciHigh: 1070,
        battles: 4,
        rank: 1,
        rankChange: 1,
        styleControlled: { rating: 1005, ciLow: 940, ciHigh: 1060, rank: 1, rankChange: 0 },
      },
    },
    styleControl: { votes: 3, coefficients: styleControl.coefficients },
  },
] as GroupBoard[];

describe("the leaderboard as the CLI and the API write it", () => {
  it("CSV: one row per model in rank order, with style-controlled and robustness columns only when asked", () => {
    expect(leaderboardCsv(board)).toBe(
      "rank,model,rating,ci_low,ci_high,online_elo,rank_upper_bound,battles\n1,alpha,1050,1000,1100,1040,1,12\n2,beta,950,900,1000,960,1,12\n",
    );
    expect(leaderboardCsv(board, styleControl, robustness).split("\n")).toEqual([
      "rank,model,rating,ci_low,ci_high,online_elo,rank_upper_bound,battles,rating_style_controlled,ci_low_style_controlled,ci_high_style_controlled,rank_change,flip_votes_with_next,votes_to_separate_from_next",
      "1,alpha,1050,1000,1100,1040,1,12,990,940,1040,-1,3,20",
      // The last model has no next one, and the style fit did not see it: empty cells.
      "2,beta,950,900,1000,960,1,12,,,,,,",
      "",
    ]);
  });

  it("JSON: the ratings command's contract with when and from which filters, and style control per model when on", () => {
    const at = new Date("2026-12-01T09:00:00Z");
    const plain = leaderboardJson(board, at, DEFAULT_FILTERS, "jp-chat");
    expect(plain).toEqual({
      votes: 12,
      rounds: 100,
      models: board.models.map(({ rank: _rank, ...row }) => row),
      computedAt: "2026-12-01T09:00:00.000Z",
      filters: expect.objectContaining({ excludeFlagged: true, styleControl: false }),
      campaign: "jp-chat",
    });
    const styled = leaderboardJson(
      board,
      at,
      { ...DEFAULT_FILTERS, styleControl: true, robustness: true },
      "jp-chat",
      styleControl,
      robustness,
    );
    expect(styled).toMatchObject({ robustness, styleControlVotes: 10, styleCoefficients: styleControl.coefficients });
    expect(styled.models[0]).toMatchObject({
      model: "alpha",
      ratingStyleControlled: 990,
      ciLowStyleControlled: 940,
      ciHighStyleControlled: 1040,
      rankChange: -1,
    });
    expect(styled.models[1]).toMatchObject({
      model: "beta",
      ratingStyleControlled: null,
      ciLowStyleControlled: null,
      ciHighStyleControlled: null,
      rankChange: null,
    });
    // Robustness asked for but not computed (too few votes): an empty answer, not a missing key.
    expect(leaderboardJson(board, at, { ...DEFAULT_FILTERS, robustness: true }, "jp-chat").robustness).toEqual({
      topFlipVotes: null,
      pairs: [],
    });
  });

  it("CSV by group: each group's models by their rank there, with whether the group is sparse", () => {
    const groups = mathGroup;
    expect(groupBoardsCsv(groups)).toBe(
      "group,rank,model,rating,ci_low,ci_high,battles,rank_change,sparse\nmath,1,beta,1010,950,1070,4,1,true\nmath,2,alpha,990,930,1050,4,-1,true\n",
    );
    expect(groupBoardsCsv(groups, true).split("\n").slice(0, 3)).toEqual([
      "group,rank,model,rating,ci_low,ci_high,battles,rank_change,sparse,rating_style_controlled,ci_low_style_controlled,ci_high_style_controlled,rank_change_style_controlled",
      "math,1,beta,1010,950,1070,4,1,true,1005,940,1060,0",
      "math,2,alpha,990,930,1050,4,-1,true,,,,",
    ]);
  });

  it("JSON by group: the overall board's JSON with each group's models by rank, and style control per group when on", () => {
    const view = { state: "ready", board, computedAt: new Date("2026-12-01T09:00:00Z"), styleControl } as const;
    const input = { campaign: "jp-chat", view: view as never, by: "category" as const, minBattlesPerModel: 5, groups: mathGroup };
    const plain = groupBoardsJson({ ...input, filters: DEFAULT_FILTERS });
    expect(plain).toMatchObject({ campaign: "jp-chat", by: "category", minBattlesPerModel: 5, votes: 12 });
    expect(plain.groups).toEqual([
      {
        group: "math",
        votes: 4,
        battlesPerModel: 4,
        sparse: true,
        models: [
          { model: "beta", rating: 1010, ciLow: 950, ciHigh: 1070, battles: 4, rank: 1, rankChange: 1 },
          { model: "alpha", rating: 990, ciLow: 930, ciHigh: 1050, battles: 4, rank: 2, rankChange: -1 },
        ],
      },
    ]);
    const styled = groupBoardsJson({ ...input, filters: { ...DEFAULT_FILTERS, styleControl: true } });
    expect(styled.groups[0]).toMatchObject({ styleControlVotes: 3, styleCoefficients: styleControl.coefficients });
    expect(styled.groups[0].models).toEqual([
      expect.objectContaining({
        model: "beta",
        ratingStyleControlled: 1005,
        ciLowStyleControlled: 940,
        ciHighStyleControlled: 1060,
        rankChangeStyleControlled: 0,
      }),
      expect.objectContaining({
        model: "alpha",
        ratingStyleControlled: null,
        ciLowStyleControlled: null,
        ciHighStyleControlled: null,
        rankChangeStyleControlled: null,
      }),
    ]);
    // A group the style fit had no votes of: zero votes and no coefficients, not missing keys.
    const unstyled = groupBoardsJson({
      ...input,
      filters: { ...DEFAULT_FILTERS, styleControl: true },
      groups: [{ ...mathGroup[0], styleControl: null }],
    });
    expect(unstyled.groups[0]).toMatchObject({ styleControlVotes: 0, styleCoefficients: null });
  });

  it("correlations with benchmark scores: each coefficient with its interval, empty when too few models share a score", () => {
    const results = [
      {
        benchmark: "jmmlu",
        higherIsBetter: true,
        models: 4,
        spearman: { value: 0.8, ciLow: 0.2, ciHigh: 1 },
        kendall: { value: 0.67, ciLow: 0, ciHigh: 1 },
        pearson: { value: 0.9, ciLow: 0.5, ciHigh: 0.99 },
        points: [],
      },
      { benchmark: "perplexity", higherIsBetter: false, models: 2, spearman: null, kendall: null, pearson: null, points: [] },
    ];
    expect(correlationsCsv(results).split("\n")).toEqual([
      "benchmark,higher_is_better,models,spearman,spearman_ci_low,spearman_ci_high,kendall,kendall_ci_low,kendall_ci_high,pearson,pearson_ci_low,pearson_ci_high",
      "jmmlu,true,4,0.8,0.2,1,0.67,0,1,0.9,0.5,0.99",
      "perplexity,false,2,,,,,,,,,",
      "",
    ]);
    expect(correlationsJson("jp-chat", results)).toEqual({
      campaign: "jp-chat",
      benchmarks: results.map(({ points: _points, ...rest }) => rest),
    });
  });
});
