import { activePlan, pairKey, UNSETTLED_BOOST, type Plan } from "./settle-plan";

/**
 * The order in which a strategy tries model pairs, from the campaign's running tallies (PairStat),
 * as a pure function: the scheduler runs it on the rows it reads, and the sampling benchmark
 * (bench/sampling.ts) on tallies kept in memory, so both measure the same rule.
 */

export interface PairRow {
  lowModelId: string;
  highModelId: string;
  votes: number;
  winsLow: number;
  winsHigh: number;
}

/**
 * How uncertain a pair's win probability still is: the standard error of its smoothed win rate,
 * √(p(1−p)/(n+1)) with p = (wins of the lower model + ties/2 + 1) / (votes + 2).
 */
export function uncertaintyWeight(pair: { votes: number; winsLow: number; winsHigh: number }): number {
  const ties = pair.votes - pair.winsLow - pair.winsHigh;
  const p = (pair.winsLow + 0.5 * ties + 1) / (pair.votes + 2);
  return Math.sqrt((p * (1 - p)) / (pair.votes + 1));
}

/** An unsettled adjacent pair's worth is multiplied by this: the ranking's neighbours come first. */
const ADJACENT_BOOST = 3;
/** Every pair keeps at least this share of the most valuable pair's worth, so none is starved. */
const WORTH_FLOOR = 1e-3;
/**
 * The scaled worth is raised to this power before sampling, which sends more of the votes to the
 * few most valuable pairs than drawing in proportion to the worth itself. Chosen by measurement
 * (docs/benchmarks.md#sampling-strategies): cubed, simulated studies needed 8% fewer votes for
 * criterion (a) at 20 and 40 models and about as many at 10 (−8% and +4%); a power of 6 was no
 * better for (a) and slower to find the top model at 40.
 */
const WORTH_SHARPNESS = 3;

/**
 * Model pairs ordered for active sampling: drawn without replacement in proportion to a weight.
 * Once the campaign has enough votes to plan from, the weight is the worth of one more vote on the
 * pair to the ranking (lib/ratings/pair-priority.ts: how fast it lowers the expected number of
 * misordered pairs, near ties aside), scaled to the most valuable pair, sharpened
 * (WORTH_SHARPNESS), with a floor, times
 * ADJACENT_BOOST for an adjacent pair of the ranking whose intervals still overlap; a pair with a
 * model not voted on yet weighs as much as the most valuable. Before that, as proposed for Chatbot Arena,
 * the standard error of the pair's smoothed win rate, times UNSETTLED_BOOST for unsettled adjacent
 * pairs. The plan (lib/scheduling/settle-plan.ts) is refreshed as votes arrive, from the tallies
 * every instance reads, so instances agree. `planKey` names the campaign whose plan is kept.
 */
export function orderByUncertainty(
  planKey: string,
  pairs: PairRow[],
  random: () => number,
  limit = Infinity,
): { low: string; high: string }[] {
  const plan = activePlan(planKey, pairs);
  const weights = plannedWeights(plan, pairs);
  // Efraimidis–Spirakis keys: the largest u^(1/w) — compared as ln(u)/w, which cannot underflow —
  // first draws without replacement ∝ w. Only the first `limit` are kept (a stable top-k).
  const best: { index: number; key: number }[] = [];
  for (let index = 0; index < pairs.length; index++) {
    const pair = pairs[index];
    const weight = weights
      ? weights[index]
      : (plan.unsettled.has(pairKey(pair.lowModelId, pair.highModelId)) ? UNSETTLED_BOOST : 1) * uncertaintyWeight(pair);
    const drawn = Math.log(random()) / weight;
    if (best.length >= limit && drawn <= best[best.length - 1].key) continue;
    let at = best.length;
    while (at > 0 && best[at - 1].key < drawn) at--;
    best.splice(at, 0, { index, key: drawn });
    if (best.length > limit) best.pop();
  }
  return best.map(({ index }) => ({ low: pairs[index].lowModelId, high: pairs[index].highModelId }));
}

/**
 * The weights of `pairs` under a plan with priorities (null before a plan has them), computed once
 * per plan and rows: they change only when the plan does, and the benchmark's replica passes the
 * same rows each time (the database's scheduler reads new rows, and computes them each time).
 */
const weightsByRows = new WeakMap<PairRow[], { plan: Plan; weights: Float64Array }>();

function plannedWeights(plan: Plan, pairs: PairRow[]): Float64Array | null {
  const { unsettled, priority } = plan;
  if (!priority) return null;
  const cached = weightsByRows.get(pairs);
  if (cached?.plan === plan && cached.weights.length === pairs.length) return cached.weights;
  const weights = Float64Array.from(pairs, (pair) => {
    const key = pairKey(pair.lowModelId, pair.highModelId);
    // A pair of a model the fit has not met yet weighs as much as the most valuable.
    const worth = priority.get(key) ?? 1;
    return (worth ** WORTH_SHARPNESS + WORTH_FLOOR) * (unsettled.has(key) ? ADJACENT_BOOST : 1);
  });
  weightsByRows.set(pairs, { plan, weights });
  return weights;
}

/** Model pairs in a uniformly random order (a shuffle): the baseline no sampler should lose to. */
export function orderAtRandom(pairs: PairRow[], random: () => number): { low: string; high: string }[] {
  const order = pairs.map((pair) => ({ low: pair.lowModelId, high: pair.highModelId }));
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
