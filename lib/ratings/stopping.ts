import type { UnorderedCounts } from "./aggregate";
import { derivatives, fitBradleyTerry, pairWeights, PRIOR_PRECISION, RATING_SCALE, type BradleyTerryFit } from "./bradley-terry";
import { cholesky, choleskySolve } from "./linear-algebra";
import { rankOrder } from "./robustness";

/**
 * A stopping rule that stays valid however often it is checked. A campaign's target — the top k
 * ranked, every adjacent pair separated or closer than δ points, or a number of votes — is met
 * when intervals for the gaps between models say so; those intervals are confidence sequences,
 * not the leaderboard's bootstrap intervals: bootstrap intervals looked at after every vote, and
 * trusted at the first look that separates them, are wrong far more often than 5% of the time.
 *
 * For a gap Δ with standard error se (sandwich covariance of the Bradley–Terry fit, as the
 * leaderboard's planning uses), the interval is Δ ± z·se with z from a normal-mixture boundary
 * (Robbins; see Howard et al., "Time-uniform, nonparametric, nonasymptotic confidence
 * sequences", 2021, and the asymptotic confidence sequences of Waudby-Smith et al., 2021): it
 * holds at every number of votes at once, in the large-sample limit the fit's normal
 * approximation gives (z ≈ 3.2–3.6 at α = 5%, against 1.96 for a single look).
 * α is shared out (Bonferroni) over the gaps a claim could rest on: for the top k, the pairs of
 * any of the k true best models with the others; for adjacent pairs, every pair.
 */

export type StoppingTarget = { kind: "top"; k: number } | { kind: "adjacent"; delta: number } | { kind: "votes"; votes: number };

export const STOPPING_ALPHA = 0.05;
/**
 * The boundary mixes normal mixtures tuned to intervals of these half-widths (Elo points), with
 * equal weight: each is tightest near its own width, and the mixture stays close to the best of
 * them at any width, for the price of ln 5 in the log term — a gap of 200 points and one of 20 are
 * both confirmed without waiting for the other's precision.
 */
const TUNED_HALF_WIDTHS = [10, 20, 40, 80, 160];
/** −2 ln α + ln(1 − 2 ln α) at α = 5%: the optimal r·se² for a single mixture at its tuned width. */
const TUNING = -2 * Math.log(0.05) + Math.log(1 - 2 * Math.log(0.05));
/** Mixing precisions (1/Elo²): a single mixture's z is ≈ 3.03 at α = 5% where se = width / 3.03. */
const MIXING_PRECISIONS = TUNED_HALF_WIDTHS.map((width) => 1 / (TUNING * (width / 3.03) ** 2));

/**
 * The confidence-sequence multiplier z for a gap with standard error `se` (Elo points) at level
 * `alpha`: the half-width x = z·se at which the mixture of the Gaussian martingales
 * √(r/(I+r))·exp(S²/(2(I+r))) (I = 1/se², S = I·x) reaches 1/α; by Ville's inequality the gap's
 * estimate crosses it with probability ≤ α, however long the votes go on.
 */
export function sequenceMultiplier(se: number, alpha: number): number {
  const information = 1 / (se * se);
  const mixture = (x: number) => {
    const score = information * x;
    let sum = 0;
    for (const r of MIXING_PRECISIONS) sum += Math.sqrt(r / (information + r)) * Math.exp((score * score) / (2 * (information + r)));
    return sum / MIXING_PRECISIONS.length;
  };
  let low = 0;
  let high = se;
  while (mixture(high) < 1 / alpha) high *= 2;
  for (let step = 0; step < 60; step++) {
    const middle = (low + high) / 2;
    if (mixture(middle) < 1 / alpha) low = middle;
    else high = middle;
  }
  return high / se;
}

/**
 * H⁻¹ of the fit's (weighted) log-likelihood at `fit`, row-major m×m, or null if H is not positive
 * definite. The fit counts a win twice (W = 2·wins + draws), so H is about twice the votes'
 * information: callers wanting the votes' own variances double it, or use the sandwich below.
 */
export function inverseHessian(counts: UnorderedCounts, fit: BradleyTerryFit): Float64Array | null {
  const m = counts.modelCount;
  const hessian = new Float64Array(m * m);
  derivatives(pairWeights(counts), fit.theta, fit.identifiable ? 0 : PRIOR_PRECISION, new Float64Array(m), hessian);
  if (!cholesky(hessian, m)) return null;
  const inverse = new Float64Array(m * m);
  for (let k = 0; k < m; k++) {
    const column = new Float64Array(m);
    column[k] = 1;
    choleskySolve(hessian, m, column);
    inverse.set(column, k * m);
  }
  return inverse;
}

/** Covariance of the fitted θ (natural units), sandwich H⁻¹·J·H⁻¹, row-major m×m. */
export function sandwichCovariance(counts: UnorderedCounts, fit: BradleyTerryFit): Float64Array | null {
  const m = counts.modelCount;
  const inverse = inverseHessian(counts, fit);
  if (!inverse) return null;
  // J = Σ_p (the votes' summed squared score on pair p) · d_p·d_pᵀ; wins score 2(1−s), losses −2s, draws 1−2s.
  const j = new Float64Array(m * m);
  for (let p = 0; p < counts.i.length; p++) {
    const a = counts.i[p];
    const b = counts.j[p];
    const s = 1 / (1 + Math.exp(fit.theta[b] - fit.theta[a]));
    const square = counts.first[p] * 4 * (1 - s) ** 2 + counts.second[p] * 4 * s * s + counts.draws[p] * (1 - 2 * s) ** 2;
    j[a * m + a] += square;
    j[b * m + b] += square;
    j[a * m + b] -= square;
    j[b * m + a] -= square;
  }
  const product = new Float64Array(m * m);
  for (let r = 0; r < m; r++)
    for (let k = 0; k < m; k++) {
      const value = inverse[r * m + k];
      if (value === 0) continue;
      for (let c = 0; c < m; c++) product[r * m + c] += value * j[k * m + c];
    }
  const covariance = new Float64Array(m * m);
  for (let r = 0; r < m; r++)
    for (let k = 0; k < m; k++) {
      const value = product[r * m + k];
      for (let c = 0; c < m; c++) covariance[r * m + c] += value * inverse[k * m + c];
    }
  return covariance;
}

export interface TargetCheck {
  met: boolean;
  /** Total votes at which the target would be met if the gaps stay as fitted and errors shrink as 1/√votes; null when a gap near zero keeps it out of reach. */
  projectedVotes: number | null;
}

/**
 * Whether the votes in `counts` (models indexed as there; `modelCount` the campaign's models,
 * some perhaps without votes) meet `target`.
 */
export function checkTarget(counts: UnorderedCounts, modelCount: number, target: StoppingTarget): TargetCheck {
  if (target.kind === "votes") return { met: counts.total >= target.votes, projectedVotes: target.votes };
  const m = counts.modelCount;
  if (m < modelCount || m < 2 || counts.total === 0) return { met: false, projectedVotes: null };
  const fit = fitBradleyTerry(pairWeights(counts));
  const covariance = sandwichCovariance(counts, fit);
  if (!covariance) return { met: false, projectedVotes: null };
  const pairsAtRisk = target.kind === "top" ? Math.min(target.k, m - 1) * (m - 1) : (m * (m - 1)) / 2;
  const alpha = STOPPING_ALPHA / pairsAtRisk;
  const order = rankOrder(fit.theta);
  const gap = (a: number, b: number) => {
    const variance = covariance[a * m + a] + covariance[b * m + b] - 2 * covariance[a * m + b];
    const se = Math.sqrt(Math.max(variance, 1e-300)) * RATING_SCALE;
    return { delta: (fit.theta[a] - fit.theta[b]) * RATING_SCALE, se, z: sequenceMultiplier(se, alpha) };
  };
  // Each claim needs an interval half-width z·se below some width; the votes to get there scale as (se/needed)².
  let met = true;
  let scale = 1;
  const need = (se: number, z: number, width: number) => {
    if (z * se < width) return;
    met = false;
    scale = width > 0 ? Math.max(scale, ((z * se) / width) ** 2) : Infinity;
  };
  if (target.kind === "top") {
    const k = Math.min(target.k, m - 1);
    // The first k of the ranking each above every model ranked below them.
    for (let r = 0; r < k; r++)
      for (let s = r + 1; s < m; s++) {
        const g = gap(order[r], order[s]);
        need(g.se, g.z, g.delta);
      }
  } else {
    for (let r = 0; r + 1 < m; r++) {
      const g = gap(order[r], order[r + 1]);
      // Separated, or shown to be closer than δ: whichever is nearer.
      need(g.se, g.z, Math.max(g.delta, target.delta - g.delta));
    }
  }
  return { met, projectedVotes: met ? counts.total : Number.isFinite(scale) ? Math.ceil(counts.total * scale) : null };
}
