import type { UnorderedCounts } from "./aggregate";
import { derivatives, nearbySolver, pairWeights, PRIOR_PRECISION, type BradleyTerryFit } from "./bradley-terry";
import { cholesky, choleskySolve } from "./linear-algebra";

/**
 * Drop-k robustness of a Bradley–Terry ranking (Huang, Broderick et al., "Dropping just a handful
 * of preferences can change top large language model rankings", arXiv 2508.11847): the fewest
 * votes whose removal reverses two models' order.
 *
 * Influence first: removing one vote moves θ by about H⁻¹·∇ℓ_vote (one Newton step from the fit),
 * so it moves the gap q = θ_upper − θ_lower by g·(u_i − u_j) with u = H⁻¹(e_upper − e_lower) —
 * the same for every vote with the same pair and outcome. Votes are taken most-closing first
 * until the predicted gap reaches zero. Then the refit decides: the fit without the first k
 * votes of that order is recomputed for k around the estimate (doubling, then bisection), and
 * the smallest k whose refit really reverses the order is reported as confirmed. If removing every
 * vote that closes the gap does not reverse it, there is no such k (null).
 */

/** A reversal of one pair of models by removing votes. */
export interface FlipResult {
  upper: number;
  lower: number;
  /**
   * More votes on this pair (at its current win rate) before the two models' 95% intervals no
   * longer overlap: 0 when they already do not, null when votes on this pair alone cannot do it
   * (the rest of the uncertainty is in the models' other pairs).
   */
  votesToSeparate: number | null;
  /** Votes the influence approximation says are enough (null: removing every gap-closing vote is not). */
  estimatedVotes: number | null;
  /** The smallest k, in influence order, whose refit reverses the order (null when none does). */
  flipVotes: number | null;
  confirmed: boolean;
}

export interface Robustness {
  /** Votes whose removal gives another model the top rank (the smallest over all challengers). */
  topFlipVotes: number | null;
  top: FlipResult | null;
  /** Each adjacent pair of the ranking, best first. */
  pairs: FlipResult[];
}

/** One kind of vote (a pair and an outcome): how many there are and what dropping one does to the gap. */
interface VoteKind {
  pair: number;
  outcome: "first" | "second" | "draw";
  count: number;
  /** Change of θ_upper − θ_lower per vote removed (negative: closes the gap). */
  effect: number;
}

/** Models by θ, highest first (ties by index, so the order is stable). */
export function rankOrder(theta: Float64Array): number[] {
  return Array.from(theta.keys()).sort((a, b) => theta[b] - theta[a] || a - b);
}

/** The Hessian's Cholesky factor at the fit (with the prior when the fit needed it). */
function hessianFactor(counts: UnorderedCounts, fit: BradleyTerryFit, precision: number): Float64Array {
  const m = counts.modelCount;
  const hessian = new Float64Array(m * m);
  derivatives(pairWeights(counts), fit.theta, precision, new Float64Array(m), hessian);
  if (!cholesky(hessian, m)) throw new Error("Bradley–Terry Hessian is not positive definite");
  return hessian;
}

function voteKinds(counts: UnorderedCounts, theta: Float64Array, u: Float64Array): VoteKind[] {
  const kinds: VoteKind[] = [];
  for (let p = 0; p < counts.i.length; p++) {
    const i = counts.i[p];
    const j = counts.j[p];
    const s = 1 / (1 + Math.exp(theta[j] - theta[i]));
    const direction = u[i] - u[j];
    // ∂ℓ/∂θᵢ of one vote with weights (wᵢⱼ, wⱼᵢ) is (wᵢⱼ + wⱼᵢ)·s − wᵢⱼ (bradley-terry.ts).
    const add = (outcome: VoteKind["outcome"], count: number, wij: number, wji: number) => {
      if (count > 0) kinds.push({ pair: p, outcome, count, effect: ((wij + wji) * s - wij) * direction });
    };
    add("first", counts.first[p], 2, 0);
    add("second", counts.second[p], 0, 2);
    add("draw", counts.draws[p], 1, 1);
  }
  return kinds.filter((kind) => kind.effect < 0).sort((a, b) => a.effect - b.effect);
}

/** The counts without the first `k` votes of `kinds` (in that order). */
function withoutVotes(counts: UnorderedCounts, kinds: VoteKind[], k: number): UnorderedCounts {
  const first = Float64Array.from(counts.first);
  const second = Float64Array.from(counts.second);
  const draws = Float64Array.from(counts.draws);
  let left = k;
  for (const kind of kinds) {
    if (left <= 0) break;
    const taken = Math.min(left, kind.count);
    const target = kind.outcome === "first" ? first : kind.outcome === "second" ? second : draws;
    target[kind.pair] -= taken;
    left -= taken;
  }
  return { ...counts, first, second, draws, total: counts.total - (k - left) };
}

/** z of a two-sided 95% interval, as the bootstrap's 2.5% and 97.5% quantiles. */
const Z95 = 1.959963984540054;
/** Beyond this many votes on one pair, say "not by votes on this pair" rather than a number. */
const MAX_PLANNED_VOTES = 1e9;

/**
 * Sample-size planning for one pair: the fewest further votes on it that make the two models'
 * intervals separate, if the point estimates stay where they are. A model's interval is taken as
 * θ ± z·σ, σ² from the sandwich covariance H⁻¹·J·H⁻¹ of the fit (J: the votes' own score
 * variance, which the bootstrap reproduces; Chatbot Arena's weighting counts a win twice, so H
 * alone would be off by the share of ties), centred as the bootstrap centres each round. n more
 * votes at the pair's current shares add n·h·ddᵀ to H and n·j·ddᵀ to J, d = e_upper − e_lower.
 */
function votesToSeparate(counts: UnorderedCounts, factor: Float64Array, theta: Float64Array, upper: number, lower: number): number | null {
  const m = theta.length;
  const solve = (vector: Float64Array) => {
    const out = Float64Array.from(vector);
    choleskySolve(factor, m, out);
    return out;
  };
  // Per pair: the votes' summed squared score along its direction (wins 2(1−s), losses −2s, draws 1−2s).
  const scoreSquares = new Float64Array(counts.i.length);
  let pairIndex = -1;
  for (let p = 0; p < counts.i.length; p++) {
    const s = 1 / (1 + Math.exp(theta[counts.j[p]] - theta[counts.i[p]]));
    scoreSquares[p] = counts.first[p] * 4 * (1 - s) ** 2 + counts.second[p] * 4 * s * s + counts.draws[p] * (1 - 2 * s) ** 2;
    if ((counts.i[p] === upper && counts.j[p] === lower) || (counts.i[p] === lower && counts.j[p] === upper)) pairIndex = p;
  }
  /** xᵀ·J·x with J = Σ_p scoreSquares_p · d_p·d_pᵀ. */
  const quadraticJ = (x: Float64Array) => {
    let sum = 0;
    for (let p = 0; p < counts.i.length; p++) sum += scoreSquares[p] * (x[counts.i[p]] - x[counts.j[p]]) ** 2;
    return sum;
  };
  const s = 1 / (1 + Math.exp(theta[lower] - theta[upper]));
  const votesOnPair = pairIndex < 0 ? 0 : counts.first[pairIndex] + counts.second[pairIndex] + counts.draws[pairIndex];
  // Per further vote: Hessian weight, and squared score at the pair's current shares (or the model's own when it has none).
  const h = 2 * s * (1 - s);
  const j = votesOnPair > 0 ? scoreSquares[pairIndex] / votesOnPair : 4 * s * (1 - s);
  const d = Float64Array.from({ length: m }, (_, k) => (k === upper ? 1 : k === lower ? -1 : 0));
  const hd = solve(d);
  const dHd = hd[upper] - hd[lower];
  // H⁻¹ of each model's centred unit vector.
  const centred = (model: number) => solve(Float64Array.from({ length: m }, (_, k) => (k === model ? 1 : 0) - 1 / m));
  const inverse = new Map([
    [upper, centred(upper)],
    [lower, centred(lower)],
  ]);
  /** σ of a model's centred θ after `votes` more on the pair. */
  const sigma = (model: number, votes: number) => {
    const ha = inverse.get(model)!;
    const c = votes * h;
    // Sherman–Morrison: (H + c·ddᵀ)⁻¹a = H⁻¹a − c·H⁻¹d·(dᵀH⁻¹a) / (1 + c·dᵀH⁻¹d).
    const coefficient = (c * (ha[upper] - ha[lower])) / (1 + c * dHd);
    const x = ha.map((value, k) => value - coefficient * hd[k]);
    return Math.sqrt(Math.max(0, quadraticJ(x) + votes * j * (x[upper] - x[lower]) ** 2));
  };
  const gap = theta[upper] - theta[lower];
  const separated = (votes: number) => gap > Z95 * (sigma(upper, votes) + sigma(lower, votes));
  if (separated(0)) return 0;
  if (!separated(MAX_PLANNED_VOTES)) return null;
  let low = 0;
  let high = 1;
  while (!separated(high)) {
    low = high;
    high *= 2;
  }
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (separated(middle)) high = middle;
    else low = middle;
  }
  return high;
}

/**
 * Sample-size planning alone (no drop-k search): for each adjacent pair of the ranking, best
 * first, the further votes on it before the two models' intervals separate. The active sampler
 * uses it on every campaign's tallies, so it costs one factorisation and a few solves per pair.
 */
export function separationPlan(counts: UnorderedCounts, fit: BradleyTerryFit): Pick<FlipResult, "upper" | "lower" | "votesToSeparate">[] {
  if (counts.modelCount < 2) return [];
  const factor = hessianFactor(counts, fit, fit.identifiable ? 0 : PRIOR_PRECISION);
  const order = rankOrder(fit.theta);
  return order.slice(1).map((lower, r) => ({
    upper: order[r],
    lower,
    votesToSeparate: votesToSeparate(counts, factor, fit.theta, order[r], lower),
  }));
}

/**
 * Robustness of `fit` (fitted on `counts`): for the top rank and for each adjacent pair in the
 * ranking. `pairLimit` caps how many adjacent pairs are examined (from the top).
 */
export function dropKRobustness(counts: UnorderedCounts, fit: BradleyTerryFit, options: { pairLimit?: number } = {}): Robustness {
  const m = counts.modelCount;
  const order = rankOrder(fit.theta);
  if (m < 2) return { topFlipVotes: null, top: null, pairs: [] };
  const precision = fit.identifiable ? 0 : PRIOR_PRECISION;
  const factor = hessianFactor(counts, fit, precision);
  const refit = nearbySolver(pairWeights(counts), fit);

  /** The influence order of votes for lowering `upper` below `lower`, and its estimate. */
  const plan = (upper: number, lower: number) => {
    const u = new Float64Array(m);
    u[upper] = 1;
    u[lower] = -1;
    choleskySolve(factor, m, u);
    const kinds = voteKinds(counts, fit.theta, u);
    let gap = fit.theta[upper] - fit.theta[lower];
    let estimate: number | null = null;
    let used = 0;
    for (const kind of kinds) {
      const needed = Math.ceil((gap - 1e-12) / -kind.effect);
      if (needed <= kind.count) {
        estimate = used + Math.max(needed, 0);
        break;
      }
      gap += kind.effect * kind.count;
      used += kind.count;
    }
    const available = kinds.reduce((sum, kind) => sum + kind.count, 0);
    return { kinds, estimate, available };
  };

  /** Smallest k (in the plan's order) for which `reversed` holds after refitting; null if none up to `available` does. */
  const confirm = (kinds: VoteKind[], estimate: number | null, available: number, reversed: (theta: Float64Array) => boolean) =>
    smallestHolding(estimate ?? 1, available, (k) => reversed(refit(pairWeights(withoutVotes(counts, kinds, k)))));

  const pairFlip = (upper: number, lower: number): FlipResult => {
    const { kinds, estimate, available } = plan(upper, lower);
    const flipVotes = confirm(kinds, estimate, available, (theta) => theta[lower] > theta[upper]);
    return {
      upper,
      lower,
      estimatedVotes: estimate,
      flipVotes,
      confirmed: flipVotes !== null,
      votesToSeparate: votesToSeparate(counts, factor, fit.theta, upper, lower),
    };
  };

  // The top rank: every challenger, the one the influence says is closest first.
  const leader = order[0];
  const challengers = order.slice(1).map((challenger) => ({ challenger, ...plan(leader, challenger) }));
  challengers.sort((a, b) => (a.estimate ?? Infinity) - (b.estimate ?? Infinity));
  let top: FlipResult | null = null;
  for (const { challenger, kinds, estimate, available } of challengers.slice(0, 5)) {
    const flipVotes = confirm(kinds, estimate, available, (theta) => rankOrder(theta)[0] !== leader);
    if (flipVotes !== null && (top?.flipVotes == null || flipVotes < top.flipVotes))
      top = { upper: leader, lower: challenger, estimatedVotes: estimate, flipVotes, confirmed: true, votesToSeparate: null };
  }
  top ??= {
    upper: leader,
    lower: challengers[0].challenger,
    estimatedVotes: challengers[0].estimate,
    flipVotes: null,
    confirmed: false,
    votesToSeparate: null,
  };

  const pairs: FlipResult[] = [];
  const limit = Math.min(order.length - 1, options.pairLimit ?? order.length - 1);
  for (let r = 0; r < limit; r++) pairs.push(pairFlip(order[r], order[r + 1]));
  return { topFlipVotes: top.flipVotes, top, pairs };
}

/**
 * The smallest k in 1…`available` for which `holds` (false at 0, and monotone: once true, true
 * for every larger k), or null when it does not hold even at `available`. The search starts at
 * `guess` and moves outwards in growing steps — a refit after few removals is fastest, and the
 * influence estimate is usually right or close — then bisects the bracket it found.
 */
export function smallestHolding(guess: number, available: number, holds: (k: number) => boolean): number | null {
  if (available === 0) return null;
  const start = Math.min(Math.max(guess, 1), available);
  // Bracket: `holds` false at `low` (removing nothing never reverses the order), true at `high`.
  let low = 0;
  let high: number;
  if (holds(start)) {
    high = start;
    for (let step = 1; high - step > 0; step *= 2) {
      if (!holds(high - step)) {
        low = high - step;
        break;
      }
      high -= step;
    }
  } else {
    low = start;
    for (let step = 1; ; step *= 2) {
      const probe = Math.min(available, low + step);
      if (holds(probe)) {
        high = probe;
        break;
      }
      if (probe === available) return null;
      low = probe;
    }
  }
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (holds(middle)) high = middle;
    else low = middle;
  }
  return high;
}
