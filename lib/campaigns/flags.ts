import "server-only";
import { db } from "@/lib/db";

/**
 * Flags or unflags a campaign member, audited, and raises the campaign's results version so
 * cached leaderboards (which leave flagged annotators out by default) are recomputed.
 * False when the user is not a member of the campaign.
 */
export async function setAnnotatorFlag(actorId: string, campaignId: string, userId: string, flagged: boolean): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const changed = await tx.campaignMember.updateMany({ where: { campaignId, userId }, data: { flagged } });
    if (changed.count === 0) return false;
    await tx.campaign.update({ where: { id: campaignId }, data: { resultsVersion: { increment: 1 } } });
    await tx.auditEvent.create({
      data: {
        actorId,
        action: flagged ? "annotator.flagged" : "annotator.unflagged",
        subjectType: "Campaign",
        subjectId: campaignId,
        data: { userId },
      },
    });
    return true;
  });
}

/** A wrong answer on a gold pair flags an annotator once they have this many wrong… */
export const GOLD_MIN_FAILURES = 2;
/** …and got at least this share of their gold pairs wrong. */
export const GOLD_MAX_FAILURE_SHARE = 0.5;

/**
 * After a wrong answer on a gold pair: flags the annotator (audited as an automatic flag, results
 * recomputed) when their gold record in the campaign crosses the thresholds above. A researcher
 * can unflag them as usual.
 */
export async function flagAfterFailedGold(campaignId: string, userId: string): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const [record] = await tx.$queryRaw<{ total: number; failed: number }[]>`
      SELECT count(*)::int AS total, count(*) FILTER (WHERE NOT "goldPassed")::int AS failed
      FROM "Vote" WHERE "campaignId" = ${campaignId}::uuid AND "annotatorId" = ${userId}::uuid AND "goldPassed" IS NOT NULL`;
    if (record.failed < GOLD_MIN_FAILURES || record.failed < GOLD_MAX_FAILURE_SHARE * record.total) return false;
    const changed = await tx.campaignMember.updateMany({ where: { campaignId, userId, flagged: false }, data: { flagged: true } });
    if (changed.count === 0) return false;
    await tx.campaign.update({ where: { id: campaignId }, data: { resultsVersion: { increment: 1 } } });
    await tx.auditEvent.create({
      data: {
        actorId: null,
        action: "annotator.auto_flagged",
        subjectType: "Campaign",
        subjectId: campaignId,
        data: { userId, gold: record },
      },
    });
    return true;
  });
}
