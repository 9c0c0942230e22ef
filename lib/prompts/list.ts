import "server-only";
import { pool } from "@/lib/pg";
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
  const { rows } = await pool().query<Omit<PromptEntry, "excluded"> & { excludedAt: Date | null; excludeReason: string | null }>(
    `SELECT p.id, p."externalId", p.source, p.category, coalesce(p.turns->>0, '') AS "firstTurn",
            jsonb_array_length(p.turns) AS turns,
            (SELECT coalesce(sum(i.votes), 0)::int FROM "Item" i WHERE i."promptId" = p.id) AS votes,
            o."externalId" AS "duplicateOf", p."duplicateKind", p."excludedAt", p."excludeReason"
     FROM "Prompt" p LEFT JOIN "Prompt" o ON o.id = p."duplicateOfId"
     WHERE p."campaignId" = $1::uuid AND ($2::boolean IS FALSE OR p."excludedAt" IS NOT NULL)
     ORDER BY p."createdAt", p."externalId"
     LIMIT $3 OFFSET $4`,
    [campaignId, onlyExcluded, PROMPTS_PER_PAGE, page * PROMPTS_PER_PAGE],
  );
  const counts = await pool().query<{ total: number; excluded: number }>(
    `SELECT count(*) FILTER (WHERE $2::boolean IS FALSE OR "excludedAt" IS NOT NULL)::int AS total,
            count(*) FILTER (WHERE "excludedAt" IS NOT NULL)::int AS excluded
     FROM "Prompt" WHERE "campaignId" = $1::uuid`,
    [campaignId, onlyExcluded],
  );
  return {
    entries: rows.map(({ excludedAt, excludeReason, ...row }) => ({
      ...row,
      excluded: excludedAt ? { at: excludedAt, reason: excludeReason } : null,
    })),
    total: counts.rows[0].total,
    excluded: counts.rows[0].excluded,
  };
}
