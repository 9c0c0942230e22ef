import type { PairCounts } from "./aggregate";

/** Square model × model matrices, row-major, in the order of `models`. */
export interface PairMatrices {
  models: string[];
  /** Battles between i and j in either position (symmetric). */
  battles: Float64Array;
  /** Share of i-vs-j battles that i won (ties count as not won), NaN where they never met. */
  winFraction: Float64Array;
}

/** Battle counts and observed win fractions, as FastChat's compute_pairwise_win_fraction. */
export function pairMatrices(counts: PairCounts): PairMatrices {
  const m = counts.models.length;
  const battles = new Float64Array(m * m);
  const wins = new Float64Array(m * m);
  for (let p = 0; p < counts.a.length; p++) {
    const a = counts.a[p];
    const b = counts.b[p];
    const n = counts.winsA[p] + counts.winsB[p] + counts.ties[p] + counts.bothBad[p];
    battles[a * m + b] += n;
    battles[b * m + a] += n;
    wins[a * m + b] += counts.winsA[p];
    wins[b * m + a] += counts.winsB[p];
  }
  const winFraction = new Float64Array(m * m);
  for (let k = 0; k < m * m; k++) winFraction[k] = battles[k] > 0 ? wins[k] / battles[k] : NaN;
  return { models: counts.models, battles, winFraction };
}

/** P(row model beats column model) implied by ratings on the Elo scale. */
export function predictedWinProbability(ratings: ArrayLike<number>): Float64Array {
  const m = ratings.length;
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) out[i * m + j] = i === j ? 0.5 : 1 / (1 + Math.pow(10, (ratings[j] - ratings[i]) / 400));
  }
  return out;
}
