import "server-only";
import { sql } from "@/lib/db";
import type { NamedRobustness } from "@/lib/ratings/leaderboard";
import { projectCompletion, type CompletionProjection } from "@/lib/ratings/planning";

/** The current vote rate is the app's votes over this many days (imported votes are not arriving). */
export const RATE_WINDOW_DAYS = 7;

/** Votes per day cast in the app (annotators and live battles) over the last RATE_WINDOW_DAYS. */
export async function campaignVotesPerDay(campaignId: string): Promise<number> {
  const rows = await sql.$queryRaw<{ votes: number }[]>`
    SELECT count(*)::int AS votes FROM "Vote"
    WHERE "campaignId" = ${campaignId}::uuid AND "createdAt" > now() - make_interval(days => ${RATE_WINDOW_DAYS}::int) AND "annotatorId" IS NOT NULL`;
  return rows[0].votes / RATE_WINDOW_DAYS;
}

/** The robustness result with when, at the current rate, every adjacent pair it can part would be parted. */
export type PlannedRobustness = NamedRobustness & { projection: CompletionProjection };

export async function withProjection(campaignId: string, robustness: NamedRobustness): Promise<PlannedRobustness> {
  return { ...robustness, projection: projectCompletion(robustness.pairs, await campaignVotesPerDay(campaignId), new Date()) };
}
