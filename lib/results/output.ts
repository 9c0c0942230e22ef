import { ratingsJson, type Leaderboard, type NamedRobustness } from "@/lib/ratings/leaderboard";
import type { BenchmarkCorrelationResult } from "./correlations";
import { describeFilters, type ResultFilters } from "./filters";
import type { GroupBoard, GroupBy } from "./groups";
import type { LeaderboardView, StyleControlView } from "./leaderboard";
import { csvLine } from "@/lib/csv/write";

/**
 * The `leaderboard` command's and the API's JSON: the `ratings` command's contract
 * ({votes, rounds, models: [{model, rating, ciLow, ciHigh, onlineElo, rankUpperBound, battles}]},
 * sorted by rating) plus when it was computed and from which filters.
 */
export function leaderboardJson(
  board: Leaderboard,
  computedAt: Date,
  filters: ResultFilters,
  campaign: string,
  styleControl: StyleControlView | null = null,
  robustness: NamedRobustness | null = null,
) {
  const json = {
    ...ratingsJson(board),
    computedAt: computedAt.toISOString(),
    filters: describeFilters(filters),
    campaign,
    // With robustness: the votes whose removal gives another model the top rank, and per adjacent pair in rank order.
    ...(filters.robustness && { robustness: robustness ?? { topFlipVotes: null, pairs: [] } }),
  };
  if (!filters.styleControl) return json;
  // With style control: per model its style-controlled rating, interval and rank change (null for
  // a model none of whose votes had both answers' text), and the style coefficients.
  return {
    ...json,
    models: json.models.map((row) => {
      const styled = styleControl?.models[row.model];
      return {
        ...row,
        ratingStyleControlled: styled?.rating ?? null,
        ciLowStyleControlled: styled?.ciLow ?? null,
        ciHighStyleControlled: styled?.ciHigh ?? null,
        rankChange: styled?.rankChange ?? null,
      };
    }),
    styleControlVotes: styleControl?.votes ?? 0,
    styleCoefficients: styleControl?.coefficients ?? null,
  };
}

/**
 * `leaderboard --by category|language` (and the API's `by=`): the overall board as
 * `leaderboardJson` prints it, and per group its board with each model's rank change against the
 * overall board (`sparse`: fewer battles per model than the threshold, read with care). With style
 * control, each group also has its own style-controlled ratings (`rankChangeStyleControlled`: the
 * rank change style control makes within the group) and style coefficients.
 */
export function groupBoardsJson(input: {
  campaign: string;
  filters: ResultFilters;
  view: Extract<LeaderboardView, { state: "ready" }>;
  by: GroupBy;
  minBattlesPerModel: number;
  groups: GroupBoard[];
}) {
  const { view, filters } = input;
  return {
    ...leaderboardJson(view.board, view.computedAt, filters, input.campaign, view.styleControl),
    by: input.by,
    minBattlesPerModel: input.minBattlesPerModel,
    groups: input.groups.map((group) => ({
      group: group.group,
      votes: group.votes,
      battlesPerModel: group.battlesPerModel,
      sparse: group.sparse,
      ...(filters.styleControl && {
        styleControlVotes: group.styleControl?.votes ?? 0,
        styleCoefficients: group.styleControl?.coefficients ?? null,
      }),
      models: rankedModels(group).map(([model, { styleControlled, ...row }]) => ({
        model,
        ...row,
        ...(filters.styleControl && {
          ratingStyleControlled: styleControlled?.rating ?? null,
          ciLowStyleControlled: styleControlled?.ciLow ?? null,
          ciHighStyleControlled: styleControlled?.ciHigh ?? null,
          rankChangeStyleControlled: styleControlled?.rankChange ?? null,
        }),
      })),
    })),
  };
}

function rankedModels(group: GroupBoard) {
  return Object.entries(group.models).sort(([, x], [, y]) => x.rank - y.rank);
}

export function groupBoardsCsv(groups: GroupBoard[], styleControl = false): string {
  const styleColumns = styleControl
    ? ["rating_style_controlled", "ci_low_style_controlled", "ci_high_style_controlled", "rank_change_style_controlled"]
    : [];
  const lines = [csvLine(["group", "rank", "model", "rating", "ci_low", "ci_high", "battles", "rank_change", "sparse", ...styleColumns])];
  for (const group of groups) {
    for (const [model, row] of rankedModels(group)) {
      const styled = row.styleControlled;
      const styleCells = styleControl
        ? styled
          ? [styled.rating, styled.ciLow, styled.ciHigh, styled.rankChange]
          : [null, null, null, null]
        : [];
      lines.push(
        csvLine([
          group.group,
          row.rank,
          model,
          row.rating,
          row.ciLow,
          row.ciHigh,
          row.battles,
          row.rankChange,
          String(group.sparse),
          ...styleCells,
        ]),
      );
    }
  }
  return lines.join("\n") + "\n";
}

export function leaderboardCsv(
  board: Leaderboard,
  styleControl: StyleControlView | null = null,
  robustness: NamedRobustness | null = null,
): string {
  const styleColumns = styleControl
    ? ["rating_style_controlled", "ci_low_style_controlled", "ci_high_style_controlled", "rank_change"]
    : [];
  // With robustness: votes whose removal puts the next model in the table above this one.
  const withNext = new Map(robustness?.pairs.map((pair) => [pair.upper, pair]));
  const lines = [
    csvLine([
      "rank",
      "model",
      "rating",
      "ci_low",
      "ci_high",
      "online_elo",
      "rank_upper_bound",
      "battles",
      ...styleColumns,
      ...(robustness ? ["flip_votes_with_next", "votes_to_separate_from_next"] : []),
    ]),
  ];
  for (const row of board.models) {
    const styled = styleControl?.models[row.model];
    const styleCells = styleControl
      ? styled
        ? [styled.rating, styled.ciLow, styled.ciHigh, styled.rankChange]
        : [null, null, null, null]
      : [];
    lines.push(
      csvLine([
        row.rank,
        row.model,
        row.rating,
        row.ciLow,
        row.ciHigh,
        row.onlineElo,
        row.rankUpperBound,
        row.battles,
        ...styleCells,
        ...(robustness ? [withNext.get(row.model)?.flipVotes ?? null, withNext.get(row.model)?.votesToSeparate ?? null] : []),
      ]),
    );
  }
  return lines.join("\n") + "\n";
}

/** `{"campaign", "benchmarks": [{benchmark, higherIsBetter, models, spearman, kendall, pearson}]}`. */
export function correlationsJson(campaign: string, results: BenchmarkCorrelationResult[]) {
  return {
    campaign,
    benchmarks: results.map(({ benchmark, higherIsBetter, models, spearman, kendall, pearson }) => ({
      benchmark,
      higherIsBetter,
      models,
      spearman,
      kendall,
      pearson,
    })),
  };
}

export function correlationsCsv(results: BenchmarkCorrelationResult[]): string {
  const lines = [
    csvLine([
      "benchmark",
      "higher_is_better",
      "models",
      ...["spearman", "kendall", "pearson"].flatMap((m) => [m, `${m}_ci_low`, `${m}_ci_high`]),
    ]),
  ];
  for (const r of results) {
    const cells = [r.spearman, r.kendall, r.pearson].flatMap((c) => (c ? [c.value, c.ciLow, c.ciHigh] : [null, null, null]));
    lines.push(csvLine([r.benchmark, String(r.higherIsBetter), r.models, ...cells]));
  }
  return lines.join("\n") + "\n";
}
