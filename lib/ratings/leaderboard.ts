import { aggregateBattles, battlesPerModel, canonicalCounts, toUnordered, type PairCounts } from "./aggregate";
import { bootstrapThetas, quantileSorted, sortedColumn, thetasToRatings } from "./bootstrap";
import { fitBradleyTerry, pairWeights } from "./bradley-terry";
import { onlineElo } from "./elo";
import { dropKRobustness } from "./robustness";
import type { Battle } from "./types";

export interface LeaderboardOptions {
  /** Bootstrap rounds; 0 skips the intervals. Default 1,000. */
  rounds?: number;
  seed?: number;
  /** Fix one model at a rating instead of centring the mean at 1000. */
  anchor?: { model: string; rating: number };
  /** Leave both-bad votes out of Bradley–Terry and the bootstrap (online Elo still sees them). */
  excludeBothBad?: boolean;
  /** Also find how many votes decide the top rank and each adjacent pair (lib/ratings/robustness.ts). */
  robustness?: boolean;
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

/**
 * Everything the ratings depend on, before any anchor is applied: what a cache keeps, since
 * anchoring (and the intervals that follow from it) is cheap to redo from θ.
 */
export interface LeaderboardFit {
  /** Models sorted by name; every array below is in this order. */
  models: string[];
  votes: number;
  rounds: number;
  identifiable: boolean;
  /** Point θ per model (rating = 1000 + RATING_SCALE·θ before an anchor). */
  theta: Float64Array;
  /** Bootstrap θ, round × model. */
  thetas: Float64Array;
  battles: Float64Array;
  onlineElo: Float64Array;
  /** With the robustness option. */
  robustness?: NamedRobustness;
}

/** Drop-k robustness with model names: votes whose removal reverses an order (null: no removal does). */
export interface NamedRobustness {
  topFlipVotes: number | null;
  /** Adjacent pairs of the ranking, best first. */
  pairs: {
    upper: string;
    lower: string;
    flipVotes: number | null;
    estimatedVotes: number | null;
    confirmed: boolean;
    /** Further votes on the pair before their intervals separate (0: already; null: not by this pair alone). */
    votesToSeparate: number | null;
  }[];
}

/** Ratings, intervals and ranks from battles in time order (online Elo depends on the order). */
export async function computeLeaderboard(battles: Battle[], options: LeaderboardOptions = {}): Promise<Leaderboard> {
  return leaderboardFromCounts(aggregateBattles(battles), onlineElo(battles), options);
}

/** The same from already aggregated counts and online Elo (e.g. counts summed in the database). */
export async function leaderboardFromCounts(
  counts: PairCounts,
  elo: Map<string, number>,
  options: LeaderboardOptions = {},
): Promise<Leaderboard> {
  const fit = await fitLeaderboard(counts, elo, options);
  return summariseLeaderboard(fit, options.anchor);
}

/** Bradley–Terry point estimate and bootstrap over the counts (put into canonical order first). */
export async function fitLeaderboard(
  rawCounts: PairCounts,
  elo: Map<string, number>,
  options: Omit<LeaderboardOptions, "anchor"> = {},
): Promise<LeaderboardFit> {
  const { rounds = 1000, seed = 0, excludeBothBad = false } = options;
  const counts = canonicalCounts(rawCounts);
  const unordered = toUnordered(counts, { excludeBothBad });
  const fit = fitBradleyTerry(pairWeights(unordered));
  const input = { counts: unordered, fit, seed, fromRound: 0, toRound: rounds };
  const thetas = rounds > 0 ? await (options.runBootstrap ?? bootstrapThetas)(input) : new Float64Array(0);
  let robustness: NamedRobustness | undefined;
  if (options.robustness) {
    const found = dropKRobustness(unordered, fit);
    robustness = {
      topFlipVotes: found.topFlipVotes,
      pairs: found.pairs.map((pair) => ({
        upper: counts.models[pair.upper],
        lower: counts.models[pair.lower],
        flipVotes: pair.flipVotes,
        estimatedVotes: pair.estimatedVotes,
        confirmed: pair.confirmed,
        votesToSeparate: pair.votesToSeparate,
      })),
    };
  }
  return {
    models: counts.models,
    votes: counts.total,
    rounds,
    identifiable: fit.identifiable,
    theta: fit.theta,
    thetas,
    battles: battlesPerModel(counts),
    onlineElo: Float64Array.from(counts.models, (model) => elo.get(model) ?? 1000),
    ...(robustness && { robustness }),
  };
}

/** Ratings on the Elo scale (centred at 1000, or with `anchor` at its rating), 95% intervals and ranks, best first. */
export function summariseLeaderboard(fit: LeaderboardFit, anchor?: { model: string; rating: number }): Leaderboard {
  const m = fit.models.length;
  let anchorIndex: { index: number; rating: number } | undefined;
  if (anchor) {
    const index = fit.models.indexOf(anchor.model);
    if (index < 0) throw new Error(`The anchor model "${anchor.model}" has no battles.`);
    anchorIndex = { index, rating: anchor.rating };
  }
  const point = thetasToRatings(fit.theta, m, anchorIndex);
  const bootstrapRatings = thetasToRatings(fit.thetas, m, anchorIndex);
  const ciLow = new Float64Array(m);
  const ciHigh = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const column = fit.rounds > 0 ? sortedColumn(bootstrapRatings, m, k) : Float64Array.of(point[k]);
    ciLow[k] = quantileSorted(column, 0.025);
    ciHigh[k] = quantileSorted(column, 0.975);
  }
  const rows: LeaderboardRow[] = fit.models.map((model, k) => ({
    model,
    rating: point[k],
    ciLow: ciLow[k],
    ciHigh: ciHigh[k],
    onlineElo: fit.onlineElo[k],
    rank: 1 + countWhere(m, (other) => point[other] > point[k]),
    rankUpperBound: 1 + countWhere(m, (other) => ciLow[other] > ciHigh[k]),
    battles: fit.battles[k],
  }));
  rows.sort((x, y) => y.rating - x.rating || (x.model < y.model ? -1 : x.model > y.model ? 1 : 0));
  return { votes: fit.votes, rounds: fit.rounds, identifiable: fit.identifiable, models: rows, bootstrapRatings, modelOrder: fit.models };
}

/**
 * The board as the `ratings` and `leaderboard` commands print it (a contract other tools parse):
 * {votes, rounds, models: [{model, rating, ciLow, ciHigh, onlineElo, rankUpperBound, battles}]}, best first.
 */
export function ratingsJson(board: Leaderboard) {
  return {
    votes: board.votes,
    rounds: board.rounds,
    models: board.models.map(({ model, rating, ciLow, ciHigh, onlineElo, rankUpperBound, battles }) => ({
      model,
      rating,
      ciLow,
      ciHigh,
      onlineElo,
      rankUpperBound,
      battles,
    })),
  };
}

function countWhere(n: number, predicate: (index: number) => boolean): number {
  let count = 0;
  for (let i = 0; i < n; i++) if (predicate(i)) count += 1;
  return count;
}
