import type { UnorderedCounts } from "./aggregate";
import { fitBradleyTerry, pairWeights, RATING_SCALE } from "./bradley-terry";
import { inverseHessian } from "./stopping";

/**
 * How much one more vote on each model pair is worth to the ranking, from the current fit: the
 * active sampler draws pairs in proportion to it. The ranking's error is the expected number of
 * model pairs it orders wrongly, Σ Φ(−|Δ|/σ) over pairs that are not near ties (weighted by
 * P(|Δ| ≥ WORTHWHILE_GAP): a tie no number of votes will order is not worth votes), Δ the fitted gap
 * and σ its standard error. A vote on pair (k, l) shrinks every σ through the fit's covariance
 * (Sherman–Morrison), most for pairs that share a model with it; its worth is how fast the error
 * falls — a one-step look-ahead, as in information-gain pairing. Settled and hopeless pairs fall to
 * almost nothing, so votes go to near neighbours whose order is open (the idea of Inclusion
 * Arena's proximity sampling), and to the pairs that link them.
 */

/** Gaps below this many Elo points are near ties: resolving them is not worth the votes. */
export const WORTHWHILE_GAP = 20;

/** Φ, the standard normal CDF (erfc by Numerical Recipes' Chebyshev fit, relative error < 1.2e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/**
 * The worth of a vote on each pair of the counted models, voted on yet or not: entry k·m + l
 * (k < l, models indexed as `counts`); null when the fit cannot be used.
 */
export function pairPriorities(counts: UnorderedCounts): Float64Array | null {
  const m = counts.modelCount;
  if (m < 2) return null;
  const fit = fitBradleyTerry(pairWeights(counts));
  // Doubled back where used (cov below): the fit counts a win twice.
  const inverse = inverseHessian(counts, fit);
  if (!inverse) return null;
  // Differences' covariances in natural units: cov(d_ij, d_kl) = d_ijᵀ·V·d_kl with V = 2·H⁻¹.
  const cov = (i: number, j: number, k: number, l: number) =>
    2 * (inverse[i * m + k] - inverse[i * m + l] - inverse[j * m + k] + inverse[j * m + l]);
  // The pairs whose order is in doubt and worth settling, with how fast their chance of being
  // misordered falls as their variance does: ∂Φ(−z)/∂var = φ(z)·z / (2·var), z = |Δ|/σ.
  const targets: { i: number; j: number; sensitivity: number }[] = [];
  for (let i = 0; i < m; i++)
    for (let j = i + 1; j < m; j++) {
      const variance = cov(i, j, i, j);
      if (!(variance > 0)) continue;
      const sigma = Math.sqrt(variance) * RATING_SCALE;
      const gap = Math.abs(fit.theta[i] - fit.theta[j]) * RATING_SCALE;
      // Judged as if the gap were at least worth resolving: an estimate near zero may hide one that is.
      const z = Math.max(gap, WORTHWHILE_GAP) / sigma;
      const worthwhile = normalCdf((gap - WORTHWHILE_GAP) / sigma) + normalCdf((-gap - WORTHWHILE_GAP) / sigma);
      const sensitivity = (worthwhile * Math.exp(-0.5 * z * z) * z) / (2 * variance);
      if (sensitivity > 1e-12) targets.push({ i, j, sensitivity });
    }
  // One more vote on pair (k, l), with information I = s(1−s), lowers var(d_ij) by
  // I·cov(d_ij, d_kl)² / (1 + I·var(d_kl)) (Sherman–Morrison): its worth is the fall it brings
  // in the chances of misordering, summed over the pairs in doubt.
  const priorities = new Float64Array(m * m);
  for (let k = 0; k < m; k++)
    for (let l = k + 1; l < m; l++) {
      const s = 1 / (1 + Math.exp(fit.theta[l] - fit.theta[k]));
      const information = s * (1 - s);
      const shrink = information / (1 + information * cov(k, l, k, l));
      let worth = 0;
      for (const target of targets) {
        const c = cov(target.i, target.j, k, l);
        worth += target.sensitivity * c * c;
      }
      priorities[k * m + l] = worth * shrink;
    }
  return priorities;
}
