import "server-only";
import { db, sql } from "@/lib/db";
import { talliesToCounts } from "@/lib/ratings/planning";
import { checkTarget, type StoppingTarget } from "@/lib/ratings/stopping";

/**
 * Progress toward a campaign's stopping target, from its running tallies (PairStat: every vote,
 * as the scheduler counts them): whether it is met (and since when — the time of the last vote
 * counted when it was first found met, kept from then on: the confidence sequences make that
 * claim valid at whatever time it was checked), the votes so far and the votes it projects, and
 * the date those would be reached at the last 7 days' rate.
 */
export interface TargetProgress {
  kind: "top" | "adjacent" | "votes";
  /** k, δ in Elo points, or the number of votes. */
  value: number;
  met: boolean;
  metAt: string | null;
  votesSoFar: number;
  projectedVotes: number | null;
  /** ISO date (YYYY-MM-DD) at the recent rate; null when met, unknown, or without recent votes. */
  projectedDate: string | null;
  /** Votes a day over the last 7 days. */
  votesPerDay: number;
}

const KIND = { TOP: "top", ADJACENT: "adjacent", VOTES: "votes" } as const;
const DAY_MS = 86_400_000;
const LAST_DATE = Date.UTC(10_000, 0, 1);

export async function targetProgress(campaignId: string, now = new Date()): Promise<TargetProgress | null> {
  const campaign = await db.campaign.findUnique({
    where: { id: campaignId },
    select: { stopTarget: true, stopTargetValue: true, stopTargetMetAt: true },
  });
  if (!campaign?.stopTarget || campaign.stopTargetValue === null) return null;
  const kind = KIND[campaign.stopTarget];
  const value = campaign.stopTargetValue;
  const [tallies, [recent]] = await Promise.all([
    sql.$queryRaw<{ low: string; high: string; votes: number; winsLow: number; winsHigh: number }[]>`
      SELECT "lowModelId" AS low, "highModelId" AS high, votes, "winsLow", "winsHigh" FROM "PairStat" WHERE "campaignId" = ${campaignId}::uuid`,
    sql.$queryRaw<{ votes: number; last: Date | null }[]>`
      SELECT count(*) FILTER (WHERE "createdAt" > ${new Date(now.getTime() - 7 * DAY_MS)})::int AS votes, max("createdAt") AS last
      FROM "Vote" WHERE "campaignId" = ${campaignId}::uuid AND "assignmentId" IS NOT NULL`,
  ]);
  const { counts } = talliesToCounts(tallies);
  const modelCount = new Set(tallies.flatMap((t) => [t.low, t.high])).size;
  const target: StoppingTarget =
    kind === "top" ? { kind, k: value } : kind === "adjacent" ? { kind, delta: value } : { kind, votes: value };
  const check = checkTarget(counts, modelCount, target);
  let metAt = campaign.stopTargetMetAt;
  if (check.met && !metAt) {
    metAt = recent.last ?? now;
    await db.campaign.updateMany({ where: { id: campaignId, stopTargetMetAt: null }, data: { stopTargetMetAt: metAt } });
  }
  const met = metAt !== null;
  const votesPerDay = recent.votes / 7;
  const remaining = check.projectedVotes === null ? null : Math.max(check.projectedVotes - counts.total, 0);
  const when = met || remaining === null || votesPerDay <= 0 ? NaN : now.getTime() + (remaining / votesPerDay) * DAY_MS;
  // Dates are written as YYYY-MM-DD: none after 9999.
  const projectedDate = when < LAST_DATE ? new Date(when).toISOString().slice(0, 10) : null;
  return {
    kind,
    value,
    met,
    metAt: metAt?.toISOString() ?? null,
    votesSoFar: counts.total,
    projectedVotes: met ? counts.total : check.projectedVotes,
    projectedDate,
    votesPerDay,
  };
}

/** The target as `leaderboard --format json` and the API report it (`target`; null without one). */
export function targetJson(progress: TargetProgress | null) {
  if (!progress) return null;
  const { kind, value, met, metAt, votesSoFar, projectedVotes, projectedDate } = progress;
  return { kind, value, met, metAt, votesSoFar, projectedVotes, projectedDate };
}
