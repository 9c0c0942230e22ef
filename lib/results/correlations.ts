import "server-only";
import { scoresForModels } from "@/lib/benchmarks/scores";
import { averageRanks, correlateWithBenchmark } from "@/lib/ratings/correlation";
import type { Leaderboard } from "@/lib/ratings/leaderboard";

export interface Coefficient {
  value: number;
  ciLow: number;
  ciHigh: number;
}

export interface BenchmarkPoint {
  model: string;
  rating: number;
  ciLow: number;
  ciHigh: number;
  score: number;
  /** 1 = best, on each side (ties share the average rank). */
  ratingRank: number;
  scoreRank: number;
}

export interface BenchmarkCorrelationResult {
  benchmark: string;
  higherIsBetter: boolean;
  /** Models with both a rating and a score. */
  models: number;
  /** Null when fewer than 3 models are shared: no coefficient means anything then. */
  spearman: Coefficient | null;
  kendall: Coefficient | null;
  pearson: Coefficient | null;
  points: BenchmarkPoint[];
}

export const MIN_MODELS = 3;

const NULL_IF_NAN = (c: { value: number; low: number; high: number }): Coefficient | null =>
  Number.isNaN(c.value) ? null : { value: c.value, ciLow: c.low, ciHigh: c.high };

/**
 * Spearman, Kendall τ-b and Pearson between the board's ratings and every benchmark the campaign
 * has scores of for its models. The intervals recompute each coefficient on every bootstrap round's ratings, so
 * they show how sure the human ratings are; a lower-is-better score is negated first, so that
 * agreement is always positive.
 */
export async function correlationsFor(campaignId: string, board: Leaderboard): Promise<BenchmarkCorrelationResult[]> {
  const benchmarks = await scoresForModels(campaignId, board.modelOrder);
  const byModel = new Map(board.models.map((row) => [row.model, row]));
  return benchmarks.map(({ benchmark, higherIsBetter, scores }) => {
    const ratings = board.modelOrder.map((model) => byModel.get(model)!.rating);
    const result = correlateWithBenchmark({
      benchmark,
      modelOrder: board.modelOrder,
      ratings,
      bootstrapRatings: board.bootstrapRatings,
      scores,
      higherIsBetter,
    });
    const shared = board.models.filter((row) => scores.has(row.model));
    const ratingRanks = averageRanks(shared.map((row) => -row.rating));
    const scoreRanks = averageRanks(shared.map((row) => (higherIsBetter ? -1 : 1) * scores.get(row.model)!));
    const points = shared.map((row, i) => ({
      model: row.model,
      rating: row.rating,
      ciLow: row.ciLow,
      ciHigh: row.ciHigh,
      score: scores.get(row.model)!,
      ratingRank: ratingRanks[i],
      scoreRank: scoreRanks[i],
    }));
    const enough = result.models >= MIN_MODELS;
    return {
      benchmark,
      higherIsBetter,
      models: result.models,
      spearman: enough ? NULL_IF_NAN(result.spearman) : null,
      kendall: enough ? NULL_IF_NAN(result.kendall) : null,
      pearson: enough ? NULL_IF_NAN(result.pearson) : null,
      points,
    };
  });
}
