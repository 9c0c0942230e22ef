import "server-only";
import type { Tx } from "@/lib/db";

/**
 * Marks items whose answers mention one of the campaign's identity words (model or vendor
 * names) as blocked, so they are never served; case-insensitive substring match on all turns.
 * Limited to `promptIds` when given, all the campaign's items otherwise. Also recounts the
 * servable items, which the progress bar's target is based on.
 */
export async function refreshBlockedItems(tx: Tx, campaignId: string, promptIds?: string[]): Promise<void> {
  const campaign = await tx.campaign.findUniqueOrThrow({ where: { id: campaignId }, select: { identityWords: true } });
  const patterns = campaign.identityWords
    .map((word) => word.trim().toLowerCase())
    .filter(Boolean)
    .map((word) => `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const onlyPrompts = promptIds ?? null;
  // Only rows whose flag changes are written: with no identity words that is none at all.
  await tx.$executeRaw`
    UPDATE "Item" i SET blocked = NOT i.blocked
    WHERE i."campaignId" = ${campaignId}::uuid AND (${onlyPrompts}::uuid[] IS NULL OR i."promptId" = ANY(${onlyPrompts}::uuid[]))
      AND i.blocked <> COALESCE(cardinality(${patterns}::text[]) > 0 AND EXISTS (
        SELECT 1 FROM "Output" o WHERE o.id IN (i."lowOutputId", i."highOutputId") AND lower(o.turns::text) LIKE ANY(${patterns}::text[])
      ), false)`;
  await tx.$executeRaw`
    UPDATE "Campaign" SET "itemCount" = (SELECT count(*) FROM "Item" WHERE "campaignId" = ${campaignId}::uuid AND NOT blocked)
    WHERE id = ${campaignId}::uuid`;
}
