import type { UnorderedCounts } from "./aggregate";
import { cholesky, choleskySolve } from "./linear-algebra";

/**
 * Bradley–Terry maximum likelihood on the Elo scale, as Chatbot Arena's compute_mle_elo: a
 * logistic model P(i beats j) = 1 / (1 + 10^((R_j − R_i)/400)) where a win counts 2 and a draw
 * (tie, and both-bad unless excluded) counts 1 for each side; ratings average 1000.
 *
 * Internally θ = (R − 1000)·ln10/400 and the optimum is found by damped Newton steps, which
 * reach the exact optimum (gradient ~1e-12) in a handful of iterations.
 *
 * When the maximum likelihood does not exist — a model that never won or never lost, or groups
 * of models never compared with each other — the likelihood keeps growing as ratings drift
 * apart. Then a weak Gaussian prior (standard deviation 400 rating points around 1000) is added,
 * which gives finite, ordered ratings; `identifiable` says which case applied.
 */

export const RATING_SCALE = 400 / Math.LN10;
/** 1/σ² of the fallback prior on the θ scale: σ = ln10 ⇔ 400 rating points. */
export const PRIOR_PRECISION = 1 / (Math.LN10 * Math.LN10);
const MAX_NEWTON_STEPS = 200;
const TOLERANCE = 1e-10;
/** Bootstrap rounds stop at 1e-8 in θ (≈ 2·10⁻⁶ rating points): far below the interval's own noise. */
const BOOTSTRAP_TOLERANCE = 1e-8;

export interface BradleyTerryFit {
  /** θ per model (rating = 1000 + RATING_SCALE·θ before any anchor). */
  theta: Float64Array;
  identifiable: boolean;
  iterations: number;
}

/** Weighted win totals per pair: W_ij = 2·wins_i + draws, W_ji = 2·wins_j + draws. */
export interface PairWeights {
  modelCount: number;
  i: Int32Array;
  j: Int32Array;
  wij: Float64Array;
  wji: Float64Array;
}

/** Chatbot Arena's weighting of unordered counts: wins twice, draws once for each side. */
export function pairWeights(counts: UnorderedCounts): PairWeights {
  const n = counts.i.length;
  const wij = new Float64Array(n);
  const wji = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    wij[p] = 2 * counts.first[p] + counts.draws[p];
    wji[p] = 2 * counts.second[p] + counts.draws[p];
  }
  return { modelCount: counts.modelCount, i: counts.i, j: counts.j, wij, wji };
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

function log1pExp(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** Negative log-likelihood (plus the prior when regularised). */
export function objective(weights: PairWeights, theta: Float64Array, precision: number): number {
  let value = 0;
  for (let p = 0; p < weights.i.length; p++) {
    const d = theta[weights.i[p]] - theta[weights.j[p]];
    value += weights.wij[p] * log1pExp(-d) + weights.wji[p] * log1pExp(d);
  }
  if (precision > 0) for (let m = 0; m < theta.length; m++) value += 0.5 * precision * theta[m] * theta[m];
  return value;
}

/** Gradient into `gradient`; with `hessian` also the Hessian (plus a rank-one term that pins the mean). */
export function derivatives(
  weights: PairWeights,
  theta: Float64Array,
  precision: number,
  gradient: Float64Array,
  hessian?: Float64Array,
): void {
  const m = weights.modelCount;
  gradient.fill(0);
  if (hessian) hessian.fill(0);
  // σ(θi − θj) = eᵢ/(eᵢ + eⱼ) with eₖ = exp(θₖ − max θ): one exp per model instead of one per pair.
  const e = expShifted(theta);
  for (let p = 0; p < weights.i.length; p++) {
    const i = weights.i[p];
    const j = weights.j[p];
    const sum = e[i] + e[j];
    const s = sum > 0 ? e[i] / sum : sigmoid(theta[i] - theta[j]);
    const total = weights.wij[p] + weights.wji[p];
    const g = total * s - weights.wij[p];
    gradient[i] += g;
    gradient[j] -= g;
    if (hessian) {
      const h = total * s * (1 - s);
      hessian[i * m + i] += h;
      hessian[j * m + j] += h;
      hessian[i * m + j] -= h;
      hessian[j * m + i] -= h;
    }
  }
  for (let k = 0; k < m; k++) gradient[k] += precision * theta[k];
  if (!hessian) return;
  // The likelihood ignores a common shift of all θ; adding c·11ᵀ makes the Hessian invertible
  // without changing the step within the mean-zero subspace where the gradient lives.
  let trace = 0;
  for (let k = 0; k < m; k++) trace += hessian[k * m + k];
  const shift = Math.max(trace / (m * m), 1e-9);
  for (let k = 0; k < m * m; k++) hessian[k] += shift;
  for (let k = 0; k < m; k++) hessian[k * m + k] += precision;
}

const expBuffers = new Map<number, Float64Array>();

/** exp(θₖ − max θ) per model, in a buffer reused between calls (values in (0, 1], no overflow). */
function expShifted(theta: Float64Array): Float64Array {
  let e = expBuffers.get(theta.length);
  if (!e) expBuffers.set(theta.length, (e = new Float64Array(theta.length)));
  let max = -Infinity;
  for (let k = 0; k < theta.length; k++) if (theta[k] > max) max = theta[k];
  for (let k = 0; k < theta.length; k++) e[k] = Math.exp(theta[k] - max);
  return e;
}

/**
 * True when every model can reach every other through "won at least a share against" edges
 * (the condition of Zermelo and Ford for the maximum likelihood to exist).
 */
export function isStronglyConnected(weights: PairWeights): boolean {
  const m = weights.modelCount;
  if (m <= 1) return true;
  // Edges in compressed rows (typed arrays): this runs once per bootstrap round.
  const pairs = weights.i.length;
  const outDegree = new Int32Array(m + 1);
  const inDegree = new Int32Array(m + 1);
  for (let p = 0; p < pairs; p++) {
    if (weights.wij[p] > 0) {
      outDegree[weights.i[p] + 1]++;
      inDegree[weights.j[p] + 1]++;
    }
    if (weights.wji[p] > 0) {
      outDegree[weights.j[p] + 1]++;
      inDegree[weights.i[p] + 1]++;
    }
  }
  for (let k = 0; k < m; k++) {
    outDegree[k + 1] += outDegree[k];
    inDegree[k + 1] += inDegree[k];
  }
  const outEdges = new Int32Array(outDegree[m]);
  const inEdges = new Int32Array(inDegree[m]);
  const outFill = outDegree.slice(0, m);
  const inFill = inDegree.slice(0, m);
  for (let p = 0; p < pairs; p++) {
    const i = weights.i[p];
    const j = weights.j[p];
    if (weights.wij[p] > 0) {
      outEdges[outFill[i]++] = j;
      inEdges[inFill[j]++] = i;
    }
    if (weights.wji[p] > 0) {
      outEdges[outFill[j]++] = i;
      inEdges[inFill[i]++] = j;
    }
  }
  const seen = new Uint8Array(m);
  const stack = new Int32Array(m);
  const reachesAll = (offsets: Int32Array, edges: Int32Array) => {
    seen.fill(0);
    seen[0] = 1;
    let top = 0;
    stack[top++] = 0;
    let count = 1;
    while (top > 0) {
      const node = stack[--top];
      for (let e = offsets[node]; e < offsets[node + 1]; e++) {
        const next = edges[e];
        if (!seen[next]) {
          seen[next] = 1;
          count++;
          stack[top++] = next;
        }
      }
    }
    return count === m;
  };
  return reachesAll(outDegree, outEdges) && reachesAll(inDegree, inEdges);
}

/** Damped Newton from `start` (zeros by default) to the optimum. */
export function newtonSolve(weights: PairWeights, precision: number, start?: Float64Array): { theta: Float64Array; iterations: number } {
  const m = weights.modelCount;
  const theta = start ? Float64Array.from(start) : new Float64Array(m);
  const gradient = new Float64Array(m);
  const hessian = new Float64Array(m * m);
  const candidate = new Float64Array(m);
  let value = objective(weights, theta, precision);
  for (let iteration = 1; iteration <= MAX_NEWTON_STEPS; iteration++) {
    derivatives(weights, theta, precision, gradient, hessian);
    if (!cholesky(hessian, m)) throw new Error("Bradley–Terry Hessian is not positive definite");
    const step = Float64Array.from(gradient);
    choleskySolve(hessian, m, step);
    let largest = 0;
    for (let k = 0; k < m; k++) largest = Math.max(largest, Math.abs(step[k]));
    // Halve the step until the objective does not increase (the full step is taken near the optimum).
    let scale = 1;
    for (;;) {
      for (let k = 0; k < m; k++) candidate[k] = theta[k] - scale * step[k];
      const next = objective(weights, candidate, precision);
      if (next <= value + 1e-12 * Math.abs(value) || scale < 1e-6) {
        value = next;
        break;
      }
      scale /= 2;
    }
    theta.set(candidate);
    if (largest * scale < TOLERANCE) return { theta: centre(theta), iterations: iteration };
  }
  return { theta: centre(theta), iterations: MAX_NEWTON_STEPS };
}

function centre(theta: Float64Array): Float64Array {
  let mean = 0;
  for (let k = 0; k < theta.length; k++) mean += theta[k];
  mean /= theta.length || 1;
  for (let k = 0; k < theta.length; k++) theta[k] -= mean;
  return theta;
}

/** The maximum-likelihood θ, or the weakly regularised one when the likelihood has no maximum. */
export function fitBradleyTerry(weights: PairWeights): BradleyTerryFit {
  const identifiable = isStronglyConnected(weights);
  const { theta, iterations } = newtonSolve(weights, identifiable ? 0 : PRIOR_PRECISION);
  return { theta, identifiable, iterations };
}

/**
 * A reusable solver for many count vectors close to one fit (bootstrap resamples): it keeps the
 * Cholesky factor of the Hessian at the fit and iterates θ ← θ − H₀⁻¹·g(θ) from the fit, which
 * costs one gradient and two triangular solves per step instead of a new factorisation. A
 * resample in which some model never wins or never loses uses the prior, with its own factor.
 * Falls back to Newton if the fixed-factor steps stall.
 */
export function nearbySolver(weights: PairWeights, fit: BradleyTerryFit) {
  const m = weights.modelCount;
  const factors = new Map<number, Float64Array | null>();
  const factorFor = (precision: number) => {
    if (!factors.has(precision)) {
      const factor = new Float64Array(m * m);
      derivatives(weights, fit.theta, precision, new Float64Array(m), factor);
      factors.set(precision, cholesky(factor, m) ? factor : null);
    }
    return factors.get(precision)!;
  };
  const theta = new Float64Array(m);
  const step = new Float64Array(m);

  // A resample that keeps every "won at least a share" edge of a strongly connected original is
  // strongly connected too: checking that is one pass, where the full test builds a graph.
  const keepsEveryEdge = (resampled: PairWeights) => {
    for (let p = 0; p < weights.i.length; p++) {
      if ((weights.wij[p] > 0 && !(resampled.wij[p] > 0)) || (weights.wji[p] > 0 && !(resampled.wji[p] > 0))) return false;
    }
    return true;
  };
  return (resampled: PairWeights): Float64Array => {
    const connected = fit.identifiable && ((resampled.i === weights.i && keepsEveryEdge(resampled)) || isStronglyConnected(resampled));
    const precision = connected ? 0 : PRIOR_PRECISION;
    const factor = factorFor(precision);
    theta.set(fit.theta);
    if (factor) {
      for (let iteration = 0; iteration < 100; iteration++) {
        derivatives(resampled, theta, precision, step);
        choleskySolve(factor, m, step);
        let largest = 0;
        for (let k = 0; k < m; k++) {
          theta[k] -= step[k];
          largest = Math.max(largest, Math.abs(step[k]));
        }
        if (!Number.isFinite(largest)) {
          theta.set(fit.theta);
          break;
        }
        if (largest < BOOTSTRAP_TOLERANCE) return centre(Float64Array.from(theta));
      }
    }
    return newtonSolve(resampled, precision, theta).theta;
  };
}
