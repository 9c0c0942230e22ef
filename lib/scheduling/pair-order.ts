import { pairKey, UNSETTLED_BOOST, unsettledPairs } from "./settle-plan";

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

/**
 * Model pairs ordered for active sampling, as proposed for Chatbot Arena: votes go where the
 * win-probability estimate is least certain. A pair's weight is the standard error of its
 * smoothed win rate, √(p(1−p)/(n+1)), times UNSETTLED_BOOST for an adjacent pair of the current
 * ranking whose intervals more votes on it would separate (lib/ratings/planning.ts); pairs are
 * drawn without replacement in proportion to it. `planKey` names the campaign whose plan is kept.
 */
export function orderByUncertainty(planKey: string, pairs: PairRow[], random: () => number): { low: string; high: string }[] {
  const unsettled = unsettledPairs(
    planKey,
    pairs.map((pair) => ({
      low: pair.lowModelId,
      high: pair.highModelId,
      votes: pair.votes,
      winsLow: pair.winsLow,
      winsHigh: pair.winsHigh,
    })),
  );
  // Efraimidis–Spirakis keys: sorting by u^(1/w) descending draws without replacement ∝ w.
  const weighted = pairs.map((pair) => {
    const boost = unsettled.has(pairKey(pair.lowModelId, pair.highModelId)) ? UNSETTLED_BOOST : 1;
    return { low: pair.lowModelId, high: pair.highModelId, key: Math.pow(random(), 1 / (boost * uncertaintyWeight(pair))) };
  });
  return weighted.sort((a, b) => b.key - a.key).map(({ low, high }) => ({ low, high }));
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
