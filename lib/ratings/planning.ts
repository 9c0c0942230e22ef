import type { UnorderedCounts } from "./aggregate";
import { fitBradleyTerry, pairWeights } from "./bradley-terry";
import { separationPlan } from "./robustness";

/**
 * Sample-size planning from running tallies: which adjacent pairs of the ranking still overlap and
 * how many more votes would part them (the same `votesToSeparate` the leaderboard reports), and
 * when a campaign would get there at its current rate.
 */

/** A pair's running tally, as the scheduler keeps it (PairStat): ties are the votes neither won. */
export interface PairTally {
  low: string;
  high: string;
  votes: number;
  winsLow: number;
  winsHigh: number;
}

/** Below this many votes per model on average, the ranking is too rough to plan from. */
export const MIN_VOTES_PER_MODEL_TO_PLAN = 10;

/** The tallies as unordered counts for the Bradley–Terry fit (models in the order first seen). */
export function talliesToCounts(tallies: PairTally[]): { models: string[]; counts: UnorderedCounts } {
  const index = new Map<string, number>();
  const indexOf = (model: string) => {
    let k = index.get(model);
    if (k === undefined) index.set(model, (k = index.size));
    return k;
  };
  const played = tallies.filter((tally) => tally.votes > 0);
  const counts: UnorderedCounts = {
    modelCount: 0,
    i: Int32Array.from(played, (tally) => indexOf(tally.low)),
    j: Int32Array.from(played, (tally) => indexOf(tally.high)),
    first: Float64Array.from(played, (tally) => tally.winsLow),
    second: Float64Array.from(played, (tally) => tally.winsHigh),
    draws: Float64Array.from(played, (tally) => tally.votes - tally.winsLow - tally.winsHigh),
    total: played.reduce((sum, tally) => sum + tally.votes, 0),
  };
  counts.modelCount = index.size;
  return { models: [...index.keys()], counts };
}

/**
 * The adjacent pairs of the ranking from these tallies whose intervals still overlap, with the
 * votes on each that would separate them (null: votes on that pair alone cannot). Empty while the
 * campaign has too few votes for a ranking to plan from.
 */
export function pairsToSettle(tallies: PairTally[]): { low: string; high: string; votesToSeparate: number | null }[] {
  const { models, counts } = talliesToCounts(tallies);
  if (models.length < 2 || counts.total < MIN_VOTES_PER_MODEL_TO_PLAN * models.length) return [];
  const fit = fitBradleyTerry(pairWeights(counts));
  return separationPlan(counts, fit)
    .filter((pair) => pair.votesToSeparate !== 0)
    .map((pair) => {
      const [a, b] = [models[pair.upper], models[pair.lower]];
      return { low: a < b ? a : b, high: a < b ? b : a, votesToSeparate: pair.votesToSeparate };
    });
}

/** Dates are written as YYYY-MM-DD: none after 9999-12-31. */
const LAST_DATE = Date.UTC(10_000, 0, 1);

export interface CompletionProjection {
  /** Votes that would separate every adjacent pair that votes on the pair can separate. */
  votesNeeded: number;
  /** Adjacent pairs that votes on the pair alone cannot separate (not in votesNeeded). */
  pairsBeyondReach: number;
  votesPerDay: number;
  /** When votesNeeded would be cast at votesPerDay (ISO date); null when nothing is needed, no votes arrive, or it would be after the year 9999. */
  projectedDate: string | null;
}

/** When the campaign would have cast the votes that separate its adjacent pairs, at its current rate. */
export function projectCompletion(pairs: { votesToSeparate: number | null }[], votesPerDay: number, now: Date): CompletionProjection {
  const votesNeeded = pairs.reduce((sum, pair) => sum + (pair.votesToSeparate ?? 0), 0);
  const pairsBeyondReach = pairs.filter((pair) => pair.votesToSeparate === null).length;
  const days = votesNeeded > 0 && votesPerDay > 0 ? votesNeeded / votesPerDay : null;
  const when = days === null ? NaN : now.getTime() + days * 86_400_000;
  const projectedDate = when < LAST_DATE ? new Date(when).toISOString().slice(0, 10) : null;
  return { votesNeeded, pairsBeyondReach, votesPerDay, projectedDate };
}
