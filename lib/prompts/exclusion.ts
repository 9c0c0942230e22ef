import "server-only";
import { refreshBlockedItems } from "@/lib/campaigns/identity-words";
import { db, pool, type Queryable } from "@/lib/db";

/**
 * A researcher leaves a prompt out (e.g. an annotator's live prompt holds personal data) or takes
 * it back: its votes leave the results and the exports, its pairs are no longer served, and the
 * campaign's results are recomputed. Audited. False when the campaign has no such prompt.
 */
export async function setPromptExcluded(
  actorId: string | null,
  campaignId: string,
  promptId: string,
  excluded: boolean,
  reason: string | null = null,
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const changed = await tx.prompt.updateMany({
      where: { id: promptId, campaignId },
      data: excluded
        ? { excludedAt: new Date(), excludedById: actorId, excludeReason: reason }
        : { excludedAt: null, excludedById: null, excludeReason: null },
    });
    if (changed.count === 0) return false;
    await refreshBlockedItems(tx, campaignId, [promptId]);
    await tx.campaign.update({ where: { id: campaignId }, data: { resultsVersion: { increment: 1 } } });
    await tx.auditEvent.create({
      data: {
        actorId,
        action: excluded ? "prompt.exclude" : "prompt.include",
        subjectType: "Prompt",
        subjectId: promptId,
        data: { campaignId, ...(excluded && reason ? { reason } : {}) },
      },
    });
    return true;
  });
}

/** Whether the campaign has prompts left out: the results and exports then look at each vote's prompt. */
export async function hasExcludedPrompts(campaignId: string, client: Queryable = pool()): Promise<boolean> {
  const { rows } = await client.query<{ any: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM "Prompt" WHERE "campaignId" = $1::uuid AND "excludedAt" IS NOT NULL) AS any`,
    [campaignId],
  );
  return rows[0].any;
}
