import type { UnorderedCounts } from "./aggregate";
import { nearbySolver, pairWeights, RATING_SCALE, type BradleyTerryFit, type PairWeights } from "./bradley-terry";
import { Xoshiro128 } from "./random";
import { MultinomialResampler } from "./resample";

/**
 * Bootstrap of Bradley–Terry ratings. Resampling N battles with replacement is the same as one
 * Multinomial(N, cell shares) draw over the aggregated cells (pair × outcome), which costs about
 * one table lookup per cell per round (resample.ts) instead of N row copies. Round r always uses the random
 * stream (seed, r), so results do not depend on how rounds are split across threads.
 */

export interface BootstrapInput {
  counts: UnorderedCounts;
  fit: BradleyTerryFit;
  seed: number;
  /** Half-open range of round numbers to compute. */
  fromRound: number;
  toRound: number;
}

/** θ per round and model, row-major (round × model). */
export function bootstrapThetas({ counts, fit, seed, fromRound, toRound }: BootstrapInput): Float64Array {
  const m = counts.modelCount;
  const pairs = counts.i.length;
  const cells = new Float64Array(pairs * 3);
  for (let p = 0; p < pairs; p++) {
    cells[3 * p] = counts.first[p];
    cells[3 * p + 1] = counts.second[p];
    cells[3 * p + 2] = counts.draws[p];
  }
  const drawn = new Float64Array(pairs * 3);
  // One weights object refilled every round (pairWeights' weighting: wins twice, draws once each way).
  const resampled: PairWeights = { modelCount: m, i: counts.i, j: counts.j, wij: new Float64Array(pairs), wji: new Float64Array(pairs) };
  const resampler = new MultinomialResampler(cells);
  const solve = nearbySolver(pairWeights(counts), fit);
  const out = new Float64Array((toRound - fromRound) * m);
  for (let round = fromRound; round < toRound; round++) {
    resampler.draw(new Xoshiro128(seed, round), drawn);
    for (let p = 0; p < pairs; p++) {
      resampled.wij[p] = 2 * drawn[3 * p] + drawn[3 * p + 2];
      resampled.wji[p] = 2 * drawn[3 * p + 1] + drawn[3 * p + 2];
    }
    out.set(solve(resampled), (round - fromRound) * m);
  }
  return out;
}

/** Converts θ rows to ratings, centred at 1000 or shifted so that `anchor` sits at its rating. */
export function thetasToRatings(thetas: Float64Array, modelCount: number, anchor?: { index: number; rating: number }): Float64Array {
  const ratings = new Float64Array(thetas.length);
  for (let row = 0; row < thetas.length; row += modelCount) {
    const shift = anchor ? anchor.rating - (1000 + RATING_SCALE * thetas[row + anchor.index]) : 0;
    for (let k = 0; k < modelCount; k++) ratings[row + k] = 1000 + RATING_SCALE * thetas[row + k] + shift;
  }
  return ratings;
}

/** The q-quantile of sorted values with linear interpolation (numpy's and pandas' default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

/** One model's column of a round × model matrix, sorted ascending. */
export function sortedColumn(matrix: Float64Array, modelCount: number, model: number): Float64Array {
  const rounds = matrix.length / modelCount;
  const column = new Float64Array(rounds);
  for (let r = 0; r < rounds; r++) column[r] = matrix[r * modelCount + model];
  return column.sort();
}
