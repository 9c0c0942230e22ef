import { pairPriorities } from "@/lib/ratings/pair-priority";
import { MIN_VOTES_PER_MODEL_TO_PLAN, pairsToSettle, talliesToCounts, type PairTally } from "@/lib/ratings/planning";

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

export interface Plan {
  votes: number;
  unsettled: Set<string>;
  /** pairPriorities by pair key, scaled to the largest (1), once the campaign has enough votes to plan from. */
  priority: Map<string, number> | null;
}

const plans = new Map<string, Plan>();

/** A PairStat row as the scheduler reads it. */
interface PairStatRow {
  lowModelId: string;
  highModelId: string;
  votes: number;
  winsLow: number;
  winsHigh: number;
}

function asTally(row: PairTally | PairStatRow): PairTally {
  return "low" in row
    ? row
    : { low: row.lowModelId, high: row.highModelId, votes: row.votes, winsLow: row.winsLow, winsHigh: row.winsHigh };
}

export function pairKey(low: string, high: string): string {
  return `${low}|${high}`;
}

/**
 * The campaign's adjacent pairs whose intervals still overlap, from its running
 * tallies. Fitting costs a few milliseconds for a hundred models, so the plan is kept per process
 * and refreshed as votes arrive; each instance plans from the same tallies, so they agree.
 */
export function unsettledPairs(campaignId: string, tallies: (PairTally | PairStatRow)[]): Set<string> {
  return activePlan(campaignId, tallies).unsettled;
}

/** The campaign's plan for active sampling (kept per process, as `unsettledPairs` says). */
export function activePlan(campaignId: string, tallies: (PairTally | PairStatRow)[]): Plan {
  let votes = 0;
  for (const tally of tallies) votes += tally.votes;
  const cached = plans.get(campaignId);
  if (cached && Math.abs(votes - cached.votes) < Math.max(REPLAN_VOTES, cached.votes * REPLAN_SHARE)) return cached;
  const asTallies = tallies.map(asTally);
  const unsettled = new Set(pairsToSettle(asTallies).map((pair) => pairKey(pair.low, pair.high)));
  const plan = { votes, unsettled, priority: priorities(asTallies) };
  plans.delete(campaignId);
  plans.set(campaignId, plan);
  if (plans.size > MAX_PLANS) plans.delete(plans.keys().next().value!);
  return plan;
}

function priorities(tallies: PairTally[]): Map<string, number> | null {
  const { models, counts } = talliesToCounts(tallies);
  if (models.length < 2 || counts.total < MIN_VOTES_PER_MODEL_TO_PLAN * models.length) return null;
  const worth = pairPriorities(counts);
  if (!worth) return null;
  // Scaled to the most valuable pair: the weights then mean the same at any campaign size.
  let max = 0;
  for (const value of worth) max = Math.max(max, value);
  if (!(max > 0)) return null;
  const byPair = new Map<string, number>();
  for (let k = 0; k < models.length; k++)
    for (let l = k + 1; l < models.length; l++) {
      const [low, high] = models[k] < models[l] ? [models[k], models[l]] : [models[l], models[k]];
      byPair.set(pairKey(low, high), worth[k * models.length + l] / max);
    }
  return byPair;
}
