import { ratingsJson, type Leaderboard } from "@/lib/ratings/leaderboard";
import type { BenchmarkCorrelationResult } from "./correlations";
import { describeFilters, type ResultFilters } from "./filters";

/**
 * The `leaderboard` command's and the API's JSON: the `ratings` command's contract
 * ({votes, rounds, models: [{model, rating, ciLow, ciHigh, onlineElo, rankUpperBound, battles}]},
 * sorted by rating) plus when it was computed and from which filters.
 */
export function leaderboardJson(board: Leaderboard, computedAt: Date, filters: ResultFilters, campaign: string) {
  return {
    ...ratingsJson(board),
    computedAt: computedAt.toISOString(),
    filters: describeFilters(filters),
    campaign,
  };
}

function csvLine(values: (string | number | null)[]): string {
  return values
    .map((v) => (v === null ? "" : typeof v === "number" ? String(v) : /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v))
    .join(",");
}

export function leaderboardCsv(board: Leaderboard): string {
  const lines = [csvLine(["rank", "model", "rating", "ci_low", "ci_high", "online_elo", "rank_upper_bound", "battles"])];
  for (const row of board.models) {
    lines.push(csvLine([row.rank, row.model, row.rating, row.ciLow, row.ciHigh, row.onlineElo, row.rankUpperBound, row.battles]));
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
