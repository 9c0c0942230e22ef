import { cholesky, choleskySolve } from "./linear-algebra";
import type { Winner } from "./types";

/**
 * Style control as Chatbot Arena computes it (FastChat `preprocess_for_style` +
 * `fit_contextual_bt`): a Bradley–Terry model with four extra terms for how the two answers
 * differ in length, headers, list items and bold text, fitted jointly, so a model's rating is
 * what is left once those differences are accounted for.
 *
 * Differences from FastChat, on purpose: length counts Unicode code points (FastChat counts
 * tokens of the same text, which needs a tokenizer); a feature that never varies is left at 0
 * (FastChat divides by its zero spread); the fit is Newton's method to a gradient of ~1e-9
 * (FastChat stops L-BFGS at 1e-6 or 100 iterations); intervals come from the sandwich estimator
 * (lmarena/arena-rank's default) instead of 100 refits on resampled battles.
 */

export const STYLE_FEATURES = ["length", "headers", "lists", "bold"] as const;
export type StyleFeature = (typeof STYLE_FEATURES)[number];
export type StyleCounts = Record<StyleFeature, number>;

const FEATURE_COUNT = STYLE_FEATURES.length;
const FENCED_BLOCK = /```[^`]*```/g;
const HEADER = /^#{1,6}\s/gmu;
// \p{Nd} and the u flag: Python's \d and \s, which FastChat's counts use, are Unicode-aware.
const ORDERED_ITEM = /^\s*\p{Nd}+\.\s/gmu;
const UNORDERED_ITEM = /^\s*[-*+]\s/gmu;
const BOLD_STARS = /\*\*[^*\n]+\*\*/g;
const BOLD_UNDERSCORES = /__[^_\n]+__/g;

function matches(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

/** The style of one side of a battle: its assistant turns, joined by a newline as FastChat does. */
export function styleCounts(assistantTurns: readonly string[]): StyleCounts {
  const text = assistantTurns.join("\n");
  let length = 0;
  // Code points, as FastChat's len() counts them, without building an array of them.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  for (const _ of text) length++;
  const prose = text.replace(FENCED_BLOCK, "");
  return {
    length,
    headers: matches(prose, HEADER),
    lists: matches(prose, ORDERED_ITEM) + matches(prose, UNORDERED_ITEM),
    bold: matches(prose, BOLD_STARS) + matches(prose, BOLD_UNDERSCORES),
  };
}

/**
 * An answer's style counts for each number of turns an annotator may be shown: entries
 * 4(k−1)…4k−1 hold the counts of its first k turns joined (length, headers, lists, bold).
 */
export function styleByTurnsShown(turns: readonly string[]): number[] {
  return turns.flatMap((_, k) => {
    const counts = styleCounts(turns.slice(0, k + 1));
    return STYLE_FEATURES.map((feature) => counts[feature]);
  });
}

/** Battles in columns: model indices, model_a's score (1, 0.5, 0) and each side's style counts (N × 4, row-major). */
export interface StyleBattles {
  models: string[];
  modelA: Int32Array;
  modelB: Int32Array;
  scoreA: Float64Array;
  countsA: Float64Array;
  countsB: Float64Array;
}

export interface StyledBattle {
  modelA: string;
  modelB: string;
  winner: Winner;
  styleA: StyleCounts;
  styleB: StyleCounts;
}

/** Ties and both-bad count as half a win for each side, as in FastChat. */
export function scoreOfA(winner: Winner): number {
  return winner === "model_a" ? 1 : winner === "model_b" ? 0 : 0.5;
}

export function toStyleBattles(battles: readonly StyledBattle[]): StyleBattles {
  const index = new Map<string, number>();
  const models: string[] = [];
  const indexOf = (name: string) => {
    let i = index.get(name);
    if (i === undefined) {
      i = models.push(name) - 1;
      index.set(name, i);
    }
    return i;
  };
  const n = battles.length;
  const result: StyleBattles = {
    models,
    modelA: new Int32Array(n),
    modelB: new Int32Array(n),
    scoreA: new Float64Array(n),
    countsA: new Float64Array(n * FEATURE_COUNT),
    countsB: new Float64Array(n * FEATURE_COUNT),
  };
  battles.forEach((battle, i) => {
    result.modelA[i] = indexOf(battle.modelA);
    result.modelB[i] = indexOf(battle.modelB);
    result.scoreA[i] = scoreOfA(battle.winner);
    STYLE_FEATURES.forEach((feature, j) => {
      result.countsA[i * FEATURE_COUNT + j] = battle.styleA[feature];
      result.countsB[i * FEATURE_COUNT + j] = battle.styleB[feature];
    });
  });
  return result;
}

/** Per battle and feature (a − b)/(a + b + 1), z-scored over the battles (population spread). */
export function normalisedFeatures(battles: StyleBattles): Float64Array {
  const n = battles.modelA.length;
  const features = new Float64Array(n * FEATURE_COUNT);
  for (let i = 0; i < n * FEATURE_COUNT; i++) {
    const a = battles.countsA[i];
    const b = battles.countsB[i];
    features[i] = (a - b) / (a + b + 1);
  }
  for (let j = 0; j < FEATURE_COUNT; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += features[i * FEATURE_COUNT + j];
    mean /= n;
    let variance = 0;
    for (let i = 0; i < n; i++) variance += (features[i * FEATURE_COUNT + j] - mean) ** 2;
    const spread = Math.sqrt(variance / n);
    for (let i = 0; i < n; i++) {
      const at = i * FEATURE_COUNT + j;
      features[at] = spread > 0 ? (features[at] - mean) / spread : 0;
    }
  }
  return features;
}

/** FastChat's reg = 0.5: the loss adds 0.25 · Σ θ², its gradient 0.5 · θ. */
const REGULARISATION = 0.5;
const Z_95 = 1.959963984540054;

interface Sums {
  loss: number;
  gradient: Float64Array;
  hessian: Float64Array;
  /** Σ of each battle's squared score (the sandwich estimator's middle), only when asked for. */
  meat: Float64Array | null;
}

/** Loss, gradient and Hessian of the regularised log loss at θ = (ratings in log10 units, style coefficients). */
function sums(battles: StyleBattles, features: Float64Array, theta: Float64Array, withMeat: boolean): Sums {
  const m = battles.models.length;
  const d = m + FEATURE_COUNT;
  const gradient = new Float64Array(d);
  const hessian = new Float64Array(d * d);
  const meat = withMeat ? new Float64Array(d * d) : null;
  const index = new Int32Array(2 + FEATURE_COUNT);
  const x = new Float64Array(2 + FEATURE_COUNT);
  for (let j = 0; j < FEATURE_COUNT; j++) index[2 + j] = m + j;
  let loss = 0;
  const n = battles.modelA.length;
  for (let i = 0; i < n; i++) {
    const a = battles.modelA[i];
    const b = battles.modelB[i];
    const y = battles.scoreA[i];
    let z = Math.LN10 * (theta[a] - theta[b]);
    for (let j = 0; j < FEATURE_COUNT; j++) z += theta[m + j] * features[i * FEATURE_COUNT + j];
    // log(1 + e^z) without overflow; loss = log(1 + e^z) − y·z.
    const softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    loss += softplus - y * z;
    const p = 1 / (1 + Math.exp(-z));
    const error = p - y;
    const weight = p * (1 - p);
    index[0] = a;
    index[1] = b;
    x[0] = Math.LN10;
    x[1] = -Math.LN10;
    for (let j = 0; j < FEATURE_COUNT; j++) x[2 + j] = features[i * FEATURE_COUNT + j];
    for (let u = 0; u < x.length; u++) {
      gradient[index[u]] += error * x[u];
      const row = index[u] * d;
      for (let v = 0; v < x.length; v++) {
        hessian[row + index[v]] += weight * x[u] * x[v];
        if (meat) meat[row + index[v]] += error * error * x[u] * x[v];
      }
    }
  }
  for (let k = 0; k < d; k++) {
    loss += (REGULARISATION / 2) * theta[k] * theta[k];
    gradient[k] += REGULARISATION * theta[k];
    hessian[k * d + k] += REGULARISATION;
  }
  return { loss, gradient, hessian, meat };
}

/** Newton's method with step halving; the regularised loss is strictly convex, so it converges from 0. */
function newton(battles: StyleBattles, features: Float64Array): Float64Array {
  const d = battles.models.length + FEATURE_COUNT;
  let theta = new Float64Array(d);
  let current = sums(battles, features, theta, false);
  for (let iteration = 0; iteration < 100; iteration++) {
    const step = Float64Array.from(current.gradient);
    if (!cholesky(current.hessian, d)) throw new Error("style control: the Hessian is not positive definite");
    choleskySolve(current.hessian, d, step);
    let scale = 1;
    let next: Float64Array<ArrayBuffer>;
    let candidate: Sums;
    for (;;) {
      next = theta.map((value, k) => value - scale * step[k]);
      candidate = sums(battles, features, next, false);
      if (candidate.loss <= current.loss + 1e-12 * Math.abs(current.loss) || scale < 1e-6) break;
      scale /= 2;
    }
    theta = next;
    current = candidate;
    if (Math.max(...current.gradient.map(Math.abs)) < 1e-9) break;
  }
  return theta;
}

export interface StyleCoefficient {
  /** Change in the log-odds of winning per standard deviation of the normalised difference. */
  value: number;
  ciLow: number;
  ciHigh: number;
}

/** What a cache keeps: θ (ratings in log10 units, then the four coefficients) and its covariance. */
export interface StyleControlFit {
  models: string[];
  battles: number;
  theta: Float64Array;
  /** (models + 4)², row-major: the sandwich estimate H⁻¹ · (Σ sᵢsᵢᵀ) · H⁻¹, with sᵢ each battle's score. */
  covariance: Float64Array;
}

export interface StyleControlledBoard {
  models: string[];
  /** Style-controlled ratings on the Elo scale (400·r + 1000, then the anchor shift, if any), 95% intervals. */
  ratings: Float64Array;
  ciLow: Float64Array;
  ciHigh: Float64Array;
  coefficients: Record<StyleFeature, StyleCoefficient>;
}

/** Fits the style-controlled model and the covariance its intervals come from. */
export function fitStyleControl(battles: StyleBattles): StyleControlFit {
  const d = battles.models.length + FEATURE_COUNT;
  if (battles.modelA.length === 0) throw new Error("style control needs at least one battle");
  const features = normalisedFeatures(battles);
  const theta = newton(battles, features);
  const { hessian, meat } = sums(battles, features, theta, true);
  if (!cholesky(hessian, d)) throw new Error("style control: the Hessian is not positive definite");
  const inverse = new Float64Array(d * d);
  for (let column = 0; column < d; column++) {
    const unit = new Float64Array(d);
    unit[column] = 1;
    choleskySolve(hessian, d, unit);
    for (let row = 0; row < d; row++) inverse[row * d + column] = unit[row];
  }
  const product = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let k = 0; k < d; k++) {
      const left = inverse[i * d + k];
      if (left === 0) continue;
      for (let j = 0; j < d; j++) product[i * d + j] += left * meat![k * d + j];
    }
  const covariance = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let k = 0; k < d; k++) {
      const left = product[i * d + k];
      if (left === 0) continue;
      for (let j = 0; j < d; j++) covariance[i * d + j] += left * inverse[k * d + j];
    }
  return { models: battles.models, battles: battles.modelA.length, theta, covariance };
}

/** Ratings, 95% intervals and style coefficients from a fit, anchored if asked (the anchor's own rating is exact). */
export function summariseStyleControl(fit: StyleControlFit, anchor?: { model: string; rating: number }): StyleControlledBoard {
  const m = fit.models.length;
  const d = m + FEATURE_COUNT;
  const covariance = (i: number, j: number) => fit.covariance[i * d + j];
  const anchorIndex = anchor ? fit.models.indexOf(anchor.model) : -1;
  if (anchor && anchorIndex < 0) throw new Error(`anchor model ${anchor.model} has no battles`);
  const shift = anchor ? anchor.rating - (400 * fit.theta[anchorIndex] + 1000) : 0;
  const ratings = new Float64Array(m);
  const ciLow = new Float64Array(m);
  const ciHigh = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    ratings[k] = 400 * fit.theta[k] + 1000 + shift;
    // Anchored, a rating is a difference to the anchor.
    const variance =
      anchorIndex < 0 ? covariance(k, k) : covariance(k, k) + covariance(anchorIndex, anchorIndex) - 2 * covariance(k, anchorIndex);
    const half = 400 * Z_95 * Math.sqrt(Math.max(0, variance));
    ciLow[k] = ratings[k] - half;
    ciHigh[k] = ratings[k] + half;
  }
  const coefficients = Object.fromEntries(
    STYLE_FEATURES.map((feature, j) => {
      const value = fit.theta[m + j];
      const half = Z_95 * Math.sqrt(Math.max(0, covariance(m + j, m + j)));
      return [feature, { value, ciLow: value - half, ciHigh: value + half }];
    }),
  ) as Record<StyleFeature, StyleCoefficient>;
  return { models: fit.models, ratings, ciLow, ciHigh, coefficients };
}
