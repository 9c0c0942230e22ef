import "server-only";
import type { Tx } from "@/lib/db";
import { normaliseForMatching, turnReading } from "@/lib/markdown/plain-text";

/** An output's turns as one normalised text, as they are matched against identity words. */
export function matchTextOf(turns: string[]): string {
  return normaliseForMatching(turns.map(turnReading).join("\n"));
}

/** Identity words in matching form, without blanks and repeats. */
export function normalisedWords(words: string[]): string[] {
  return [...new Set(words.map((word) => normaliseForMatching(word.trim())).filter(Boolean))];
}

const BATCH = 1000;

/** Computes the match text of outputs stored before it existed (or by older code): they have none yet. */
async function fillMissingMatchText(tx: Tx, campaignId: string, promptIds: string[] | null): Promise<void> {
  for (;;) {
    const rows = await tx.$queryRaw<{ id: string; turns: string[] }[]>`
      SELECT o.id, o.turns FROM "Output" o JOIN "Prompt" p ON p.id = o."promptId"
      WHERE p."campaignId" = ${campaignId}::uuid AND o."matchText" IS NULL
        AND (${promptIds}::uuid[] IS NULL OR o."promptId" = ANY(${promptIds}::uuid[]))
      LIMIT ${BATCH}`;
    if (rows.length === 0) return;
    await tx.$executeRaw`
      UPDATE "Output" o SET "matchText" = n.text
      FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => matchTextOf(r.turns))}::text[]) AS n(id, text)
      WHERE o.id = n.id`;
  }
}

/**
 * Marks the campaign's pairs whose answers, as an annotator reads them, contain one of its
 * identity words (or whose prompt a researcher left out) as blocked, so they are never served; the same code runs after an import and
 * after the word list changes. Limited to `promptIds` when given. Also recounts the servable
 * items (the progress bar's target). Returns how many of the pairs looked at are blocked.
 */
export async function refreshBlockedItems(tx: Tx, campaignId: string, promptIds?: string[]): Promise<number> {
  const onlyPrompts = promptIds ?? null;
  await fillMissingMatchText(tx, campaignId, onlyPrompts);
  const campaign = await tx.campaign.findUniqueOrThrow({ where: { id: campaignId }, select: { identityWords: true } });
  const words = normalisedWords(campaign.identityWords);
  // Only rows whose flag changes are written: with no identity words that is none at all.
  await tx.$executeRaw`
    UPDATE "Item" i SET blocked = NOT i.blocked
    WHERE i."campaignId" = ${campaignId}::uuid AND (${onlyPrompts}::uuid[] IS NULL OR i."promptId" = ANY(${onlyPrompts}::uuid[]))
      AND i.blocked <> (
        EXISTS (
          SELECT 1 FROM "Output" o, unnest(${words}::text[]) AS w(word)
          WHERE o.id IN (i."lowOutputId", i."highOutputId") AND strpos(o."matchText", w.word) > 0)
        -- A prompt a researcher left out (lib/prompts/exclusion.ts) is not served either.
        OR EXISTS (SELECT 1 FROM "Prompt" p WHERE p.id = i."promptId" AND p."excludedAt" IS NOT NULL))`;
  const [{ count }] = await tx.$queryRaw<{ count: number }[]>`
    SELECT count(*)::int AS count FROM "Item" i
    WHERE i."campaignId" = ${campaignId}::uuid AND i.blocked AND (${onlyPrompts}::uuid[] IS NULL OR i."promptId" = ANY(${onlyPrompts}::uuid[]))`;
  await tx.$executeRaw`
    UPDATE "Campaign" SET "itemCount" = (SELECT count(*) FROM "Item" WHERE "campaignId" = ${campaignId}::uuid AND NOT blocked)
    WHERE id = ${campaignId}::uuid`;
  return count;
}

/** Adds model names to the campaign's identity words (those not there already, in any spelling). */
export async function addModelNamesToIdentityWords(tx: Tx, campaignId: string, modelNames: string[]): Promise<void> {
  const campaign = await tx.campaign.findUniqueOrThrow({ where: { id: campaignId }, select: { identityWords: true } });
  const known = new Set(normalisedWords(campaign.identityWords));
  const added = modelNames.filter((name) => {
    const word = normaliseForMatching(name.trim());
    if (!word || known.has(word)) return false;
    known.add(word);
    return true;
  });
  if (added.length) await tx.campaign.update({ where: { id: campaignId }, data: { identityWords: [...campaign.identityWords, ...added] } });
}
