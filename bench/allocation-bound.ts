/**
 * The fewest votes any sampling rule could need for criterion (a) of bench/sampling.ts, from the
 * large-sample theory of the Bradley–Terry fit, as a yardstick for the measured ratios.
 *
 * With a share w_e of N votes on pair e = (k, l), the fit's θ has information H = N·Σ w_e·I_e·d_e·d_eᵀ
 * (I_e = p(1−p) at the true ratings, d_e = e_k − e_l), the gap of pair p has variance
 * σ_p² = d_pᵀ·H⁺·d_p, and the expected share of pairs ≥ 20 points apart ordered wrongly is
 * mean_p Φ(−gap_p/σ_p). A rule that knew the true ratings would spread its votes to minimise that
 * share; no rule that has to learn them can do better. The best spread is found by the
 * multiplicative algorithm of optimal design (w_e ← w_e·(g_e/ḡ)^½, g_e the fall in the share per
 * unit of w_e — the active sampler's worth of a pair, lib/ratings/pair-priority.ts, without its
 * look-ahead), and N by bisection. Ties make every design's votes worth less by about the same
 * factor, so the ratio best / uniform is what this says, not the counts themselves.
 */
import { normalCdf, WORTHWHILE_GAP } from "@/lib/ratings/pair-priority";
import { RATING_SCALE } from "@/lib/ratings/bradley-terry";
import { cholesky, choleskySolve } from "@/lib/ratings/linear-algebra";

const MISORDERED = 0.03;

interface Design {
  pairs: [number, number][];
  information: Float64Array;
}

function design(ratings: number[]): Design {
  const pairs: [number, number][] = [];
  for (let k = 0; k < ratings.length; k++) for (let l = k + 1; l < ratings.length; l++) pairs.push([k, l]);
  const information = Float64Array.from(pairs, ([k, l]) => {
    const p = 1 / (1 + Math.exp((ratings[l] - ratings[k]) / RATING_SCALE));
    return p * (1 - p);
  });
  return { pairs, information };
}

/** H⁺ of N·Σ w_e·I_e·d_e·d_eᵀ with model 0 held at 0 (the variances of differences are the same), m×m. */
function covariance(m: number, { pairs, information }: Design, weights: Float64Array, votes: number): Float64Array {
  const n = m - 1;
  const a = new Float64Array(n * n);
  pairs.forEach(([k, l], e) => {
    const v = votes * weights[e] * information[e];
    if (k > 0) a[(k - 1) * n + (k - 1)] += v;
    if (l > 0) a[(l - 1) * n + (l - 1)] += v;
    if (k > 0 && l > 0) {
      a[(k - 1) * n + (l - 1)] -= v;
      a[(l - 1) * n + (k - 1)] -= v;
    }
  });
  // The inverse column by column from one Cholesky factor (the matrix is symmetric positive definite).
  if (!cholesky(a, n)) throw new Error("the design leaves a model unconnected");
  const inverse = new Float64Array(n * n);
  const column = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    column.fill(0);
    column[c] = 1;
    choleskySolve(a, n, column);
    for (let r = 0; r < n; r++) inverse[r * n + c] = column[r];
  }
  const full = new Float64Array(m * m);
  for (let i = 1; i < m; i++) for (let j = 1; j < m; j++) full[i * m + j] = inverse[(i - 1) * n + (j - 1)];
  return full;
}

/** The expected share misordered, and each pair's fall in it per unit of its share of the votes. */
function evaluate(ratings: number[], d: Design, weights: Float64Array, votes: number): { share: number; gradient: Float64Array } {
  const m = ratings.length;
  const v = covariance(m, d, weights, votes);
  const cov = (i: number, j: number, k: number, l: number) => v[i * m + k] - v[i * m + l] - v[j * m + k] + v[j * m + l];
  let share = 0;
  let counted = 0;
  const gradient = new Float64Array(d.pairs.length);
  for (const [i, j] of d.pairs) {
    const gap = Math.abs(ratings[i] - ratings[j]);
    if (gap < WORTHWHILE_GAP) continue;
    counted++;
    const variance = cov(i, j, i, j);
    const z = gap / (Math.sqrt(variance) * RATING_SCALE);
    share += normalCdf(-z);
    const sensitivity = (Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI)) * (z / (2 * variance));
    d.pairs.forEach(([k, l], e) => {
      const c = cov(i, j, k, l);
      gradient[e] += sensitivity * votes * d.information[e] * c * c;
    });
  }
  return { share: share / counted, gradient: gradient.map((g) => g / counted) };
}

function votesFor(ratings: number[], d: Design, weights: Float64Array): number {
  let [low, high] = [10, 10_000_000];
  while (high / low > 1.001) {
    const mid = Math.sqrt(low * high);
    if (evaluate(ratings, d, weights, mid).share > MISORDERED) low = mid;
    else high = mid;
  }
  return high;
}

function bestWeights(ratings: number[], d: Design, votes: number, rounds: number): Float64Array {
  let weights = new Float64Array(d.pairs.length).fill(1 / d.pairs.length);
  for (let round = 0; round < rounds; round++) {
    const { gradient } = evaluate(ratings, d, weights, votes);
    let mean = 0;
    weights.forEach((w, e) => (mean += w * gradient[e]));
    const next = weights.map((w, e) => w * Math.sqrt(gradient[e] / mean));
    const total = next.reduce((a, b) => a + b, 0);
    weights = next.map((w) => w / total);
  }
  return weights;
}

/** Votes for (a) under uniform sampling and under the best spread of votes, by this theory. */
export function allocationBound(ratings: number[], rounds = 300): { uniform: number; best: number } {
  const d = design(ratings);
  const uniform = votesFor(ratings, d, new Float64Array(d.pairs.length).fill(1 / d.pairs.length));
  // The best spread depends a little on N: optimised at the uniform's N, then at its own.
  let best = votesFor(ratings, d, bestWeights(ratings, d, uniform, rounds));
  best = Math.min(best, votesFor(ratings, d, bestWeights(ratings, d, best, rounds)));
  return { uniform, best };
}
