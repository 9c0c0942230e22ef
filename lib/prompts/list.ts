import "server-only";
import { sql } from "@/lib/db";
import { checkPromptDuplicates } from "./duplicates";

export const PROMPTS_PER_PAGE = 50;

export interface PromptEntry {
  id: string;
  externalId: string;
  source: "IMPORTED" | "LIVE";
  category: string | null;
  /** The first user turn (shown as plain text) and how many turns there are. */
  firstTurn: string;
  turns: number;
  /** Votes cast in the app on the prompt's pairs. */
  votes: number;
  duplicateOf: string | null;
  duplicateKind: "EXACT" | "NEAR" | null;
  excluded: { at: Date; reason: string | null } | null;
}

/**
 * The campaign's prompts in the order they came, a page at a time, with their votes and whether
 * they repeat an earlier prompt or were left out; `onlyExcluded` lists the left-out ones alone.
 */
export async function promptsOf(
  campaignId: string,
  page: number,
  { onlyExcluded = false }: { onlyExcluded?: boolean } = {},
): Promise<{ entries: PromptEntry[]; total: number; excluded: number }> {
  await checkPromptDuplicates(campaignId);
  const rows = await sql.$queryRaw<(Omit<PromptEntry, "excluded"> & { excludedAt: Date | null; excludeReason: string | null })[]>`
    SELECT p.id, p."externalId", p.source, p.category, coalesce(p.turns->>0, '') AS "firstTurn",
           jsonb_array_length(p.turns) AS turns,
           (SELECT coalesce(sum(i.votes), 0)::int FROM "Item" i WHERE i."promptId" = p.id) AS votes,
           o."externalId" AS "duplicateOf", p."duplicateKind", p."excludedAt", p."excludeReason"
    FROM "Prompt" p LEFT JOIN "Prompt" o ON o.id = p."duplicateOfId"
    WHERE p."campaignId" = ${campaignId}::uuid AND (${onlyExcluded}::boolean IS FALSE OR p."excludedAt" IS NOT NULL)
    ORDER BY p."createdAt", p."externalId"
    LIMIT ${PROMPTS_PER_PAGE}::int OFFSET ${page * PROMPTS_PER_PAGE}::int`;
  const [counts] = await sql.$queryRaw<{ total: number; excluded: number }[]>`
    SELECT count(*) FILTER (WHERE ${onlyExcluded}::boolean IS FALSE OR "excludedAt" IS NOT NULL)::int AS total,
           count(*) FILTER (WHERE "excludedAt" IS NOT NULL)::int AS excluded
    FROM "Prompt" WHERE "campaignId" = ${campaignId}::uuid`;
  return {
    entries: rows.map(({ excludedAt, excludeReason, ...row }) => ({
      ...row,
      excluded: excludedAt ? { at: excludedAt, reason: excludeReason } : null,
    })),
    total: counts.total,
    excluded: counts.excluded,
  };
}
