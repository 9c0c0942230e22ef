import { aggregateBattles, battlesPerModel, toUnordered, type PairCounts } from "./aggregate";
import { bootstrapThetas, quantileSorted, sortedColumn, thetasToRatings } from "./bootstrap";
import { fitBradleyTerry, pairWeights } from "./bradley-terry";
import { onlineElo } from "./elo";
import type { Battle } from "./types";

export interface LeaderboardOptions {
  /** Bootstrap rounds; 0 skips the intervals. Default 1,000. */
  rounds?: number;
  seed?: number;
  /** Fix one model at a rating instead of centring the mean at 1000. */
  anchor?: { model: string; rating: number };
  /** Leave both-bad votes out of Bradley–Terry and the bootstrap (online Elo still sees them, as in FastChat). */
  excludeBothBad?: boolean;
  /**
   * Computes bootstrap θ rows for a round range; defaults to this thread. The CLI passes a
   * worker-thread pool here; any implementation must return what `bootstrapThetas` returns.
   */
  runBootstrap?: (input: Parameters<typeof bootstrapThetas>[0]) => Promise<Float64Array> | Float64Array;
}

export interface LeaderboardRow {
  model: string;
  rating: number;
  ciLow: number;
  ciHigh: number;
  onlineElo: number;
  /** 1 + number of models with a higher rating. */
  rank: number;
  /** 1 + number of models whose lower bound is above this model's upper bound. */
  rankUpperBound: number;
  battles: number;
}

export interface Leaderboard {
  votes: number;
  rounds: number;
  /** False when the maximum likelihood did not exist and the weak prior was used (see bradley-terry.ts). */
  identifiable: boolean;
  models: LeaderboardRow[];
  /** Bootstrap ratings, round × model in `modelOrder`, for correlations and plots. */
  bootstrapRatings: Float64Array;
  modelOrder: string[];
}

/** Ratings, intervals and ranks from battles in time order (online Elo depends on the order). */
export async function computeLeaderboard(battles: Battle[], options: LeaderboardOptions = {}): Promise<Leaderboard> {
  const counts = aggregateBattles(battles);
  const elo = onlineElo(battles);
  return leaderboardFromCounts(counts, elo, options);
}

/** The same from already aggregated counts and online Elo (e.g. counts summed in the database). */
export async function leaderboardFromCounts(
  counts: PairCounts,
  elo: Map<string, number>,
  options: LeaderboardOptions = {},
): Promise<Leaderboard> {
  const { rounds = 1000, seed = 0, excludeBothBad = false } = options;
  const m = counts.models.length;
  const unordered = toUnordered(counts, { excludeBothBad });
  const fit = fitBradleyTerry(pairWeights(unordered));
  let anchor: { index: number; rating: number } | undefined;
  if (options.anchor) {
    const index = counts.models.indexOf(options.anchor.model);
    if (index < 0) throw new Error(`The anchor model "${options.anchor.model}" has no battles.`);
    anchor = { index, rating: options.anchor.rating };
  }
  const point = thetasToRatings(fit.theta, m, anchor);
  const input = { counts: unordered, fit, seed, fromRound: 0, toRound: rounds };
  const thetas = rounds > 0 ? await (options.runBootstrap ?? bootstrapThetas)(input) : new Float64Array(0);
  const bootstrapRatings = thetasToRatings(thetas, m, anchor);

  const battles = battlesPerModel(counts);
  const ciLow = new Float64Array(m);
  const ciHigh = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const column = rounds > 0 ? sortedColumn(bootstrapRatings, m, k) : Float64Array.of(point[k]);
    ciLow[k] = quantileSorted(column, 0.025);
    ciHigh[k] = quantileSorted(column, 0.975);
  }
  const rows: LeaderboardRow[] = counts.models.map((model, k) => ({
    model,
    rating: point[k],
    ciLow: ciLow[k],
    ciHigh: ciHigh[k],
    onlineElo: elo.get(model) ?? 1000,
    rank: 1 + countWhere(m, (other) => point[other] > point[k]),
    rankUpperBound: 1 + countWhere(m, (other) => ciLow[other] > ciHigh[k]),
    battles: battles[k],
  }));
  rows.sort((x, y) => y.rating - x.rating || x.model.localeCompare(y.model));
  return { votes: counts.total, rounds, identifiable: fit.identifiable, models: rows, bootstrapRatings, modelOrder: counts.models };
}

function countWhere(n: number, predicate: (index: number) => boolean): number {
  let count = 0;
  for (let i = 0; i < n; i++) if (predicate(i)) count += 1;
  return count;
}
