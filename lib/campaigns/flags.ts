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
