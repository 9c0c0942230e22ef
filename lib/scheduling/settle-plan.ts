import { pairsToSettle, type PairTally } from "@/lib/ratings/planning";

/**
 * Under active sampling, how much more often an adjacent pair of the ranking whose intervals still
 * overlap (votesToSeparate ≠ 0 in the leaderboard's sample-size planning: a number, or null when
 * votes on the pair alone cannot part them) is drawn than its uncertainty alone would say: votes
 * go where the order is not settled yet.
 */
export const UNSETTLED_BOOST = 10;

/** Re-plan once a campaign's votes have grown by this share since its last plan, or by REPLAN_VOTES. */
const REPLAN_SHARE = 0.02;
const REPLAN_VOTES = 20;
/** Campaigns whose plan is kept in this process (the oldest is dropped beyond it). */
const MAX_PLANS = 500;

const plans = new Map<string, { votes: number; unsettled: Set<string> }>();

export function pairKey(low: string, high: string): string {
  return `${low}|${high}`;
}

/**
 * The campaign's adjacent pairs whose intervals still overlap, from its running
 * tallies. Fitting costs a few milliseconds for a hundred models, so the plan is kept per process
 * and refreshed as votes arrive; each instance plans from the same tallies, so they agree.
 */
export function unsettledPairs(campaignId: string, tallies: PairTally[]): Set<string> {
  const votes = tallies.reduce((sum, tally) => sum + tally.votes, 0);
  const cached = plans.get(campaignId);
  if (cached && Math.abs(votes - cached.votes) < Math.max(REPLAN_VOTES, cached.votes * REPLAN_SHARE)) return cached.unsettled;
  const unsettled = new Set(pairsToSettle(tallies).map((pair) => pairKey(pair.low, pair.high)));
  plans.delete(campaignId);
  plans.set(campaignId, { votes, unsettled });
  if (plans.size > MAX_PLANS) plans.delete(plans.keys().next().value!);
  return unsettled;
}
