import { fitBradleyTerry, pairWeights, RATING_SCALE } from "@/lib/ratings/bradley-terry";
import { talliesToCounts, type PairTally } from "@/lib/ratings/planning";
import { separationPlan } from "@/lib/ratings/robustness";

/**
 * How close a simulated study's fit is to the truth it was drawn from, by the sampling
 * benchmark's three criteria (issue 29): (a) the share of model pairs at least `ORDER_GAP` apart
 * whose order the fit gets right, (b) whether the fit's top model is the true one, (c) whether
 * every adjacent pair of the fitted ranking is separated (the leaderboard's intervals no longer
 * overlap: `votesToSeparate` 0) or closer than `NEAR_TIE_GAP` in truth.
 */

/** Pairs closer than this (Elo points) are no sampler's to order. */
export const ORDER_GAP = 20;
/** Adjacent pairs closer than this need not be separated. */
export const NEAR_TIE_GAP = 10;

export interface StudyState {
  /** (a) Share of pairs ≥ ORDER_GAP apart ordered correctly (a model without votes orders nothing). */
  ordered: number;
  /** (b) The fit's top model is the true top. */
  topRight: boolean;
  /** (c) Every adjacent pair separated or a near tie. */
  settled: boolean;
}

/** `tallies` name models by their index in `truth` (as strings). */
export function studyState(tallies: PairTally[], truth: number[]): StudyState {
  const { models, counts } = talliesToCounts(tallies);
  const n = truth.length;
  const rating = new Float64Array(n).fill(NaN);
  let settled = false;
  if (models.length >= 2) {
    const fit = fitBradleyTerry(pairWeights(counts));
    models.forEach((model, k) => (rating[Number(model)] = fit.theta[k] * RATING_SCALE));
    settled =
      models.length === n &&
      separationPlan(counts, fit).every(
        (pair) =>
          pair.votesToSeparate === 0 || Math.abs(truth[Number(models[pair.upper])] - truth[Number(models[pair.lower])]) < NEAR_TIE_GAP,
      );
  }
  let pairs = 0;
  let right = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      if (Math.abs(truth[i] - truth[j]) < ORDER_GAP) continue;
      pairs++;
      if ((rating[i] - rating[j]) * (truth[i] - truth[j]) > 0) right++;
    }
  const top = (values: ArrayLike<number>) => {
    let best = 0;
    for (let k = 1; k < values.length; k++) if (values[k] > values[best] || Number.isNaN(values[best])) best = k;
    return best;
  };
  return { ordered: pairs ? right / pairs : 1, topRight: models.length === n && top(rating) === top(truth), settled };
}
