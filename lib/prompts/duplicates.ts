import "server-only";
import { sql, transaction } from "@/lib/db";
import { findDuplicate, fingerprint, type DuplicateMatch, type PromptFingerprint } from "./dedup";

/** New prompts fingerprinted and matched per round trip. */
const BATCH = 1000;

type Candidate = PromptFingerprint & { id: string; order: number };

/**
 * Checks the campaign's prompts that have not been checked yet (new imports and live battles,
 * and every prompt the first time), in the order they were created: each against the earlier
 * ones, through the text-hash index and the GIN index on band keys, and against the earlier
 * prompts of the same batch. Idempotent; runs under a per-campaign lock, so two instances do not
 * check the same prompts at once. Returns how many prompts it checked.
 */
export async function checkPromptDuplicates(campaignId: string): Promise<number> {
  return transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('prompt-dedup'), hashtext(${campaignId}))`;
    const fresh = await tx.$queryRaw<{ id: string; turns: unknown }[]>`
      SELECT id, turns FROM "Prompt" WHERE "campaignId" = ${campaignId}::uuid AND "textHash" IS NULL
      ORDER BY "createdAt", "externalId"`;
    if (fresh.length === 0) return 0;
    // Earlier prompts of the batch, by text hash and by band key, for the ones after them.
    const batchByHash = new Map<string, Candidate>();
    const batchByBand = new Map<number, Candidate[]>();
    for (let start = 0; start < fresh.length; start += BATCH) {
      const chunk = fresh.slice(start, start + BATCH).map((row, k) => ({
        id: row.id,
        order: start + k,
        ...fingerprint(Array.isArray(row.turns) ? row.turns.map(String) : [String(row.turns)]),
      }));
      const stored = await tx.$queryRaw<{ id: string; textHash: string; minhash: number[]; bands: number[] }[]>`
        SELECT id, "textHash", minhash, bands FROM "Prompt"
        WHERE "campaignId" = ${campaignId}::uuid AND "textHash" IS NOT NULL
          AND ("textHash" = ANY (${chunk.map((p) => p.textHash)}::text[]) OR bands && ${[...new Set(chunk.flatMap((p) => p.bands))]}::int[])
        ORDER BY "createdAt", "externalId"`;
      // Checked before this run: all earlier than any prompt of it.
      const checked: Candidate[] = stored.map((row, k) => ({ ...row, order: k - stored.length }));
      const matches: (DuplicateMatch | null)[] = [];
      for (const prompt of chunk) {
        const bands = new Set(prompt.bands);
        const earlier = [
          ...checked.filter((c) => c.textHash === prompt.textHash || c.bands.some((band) => bands.has(band))),
          ...new Set([batchByHash.get(prompt.textHash), ...prompt.bands.flatMap((band) => batchByBand.get(band) ?? [])]),
        ].filter((c): c is Candidate => c !== undefined);
        earlier.sort((a, b) => a.order - b.order);
        matches.push(findDuplicate(prompt, earlier));
        if (!batchByHash.has(prompt.textHash)) batchByHash.set(prompt.textHash, prompt);
        for (const band of prompt.bands) {
          const sharing = batchByBand.get(band);
          if (sharing) sharing.push(prompt);
          else batchByBand.set(band, [prompt]);
        }
      }
      const rows = chunk.map((prompt, k) => ({
        id: prompt.id,
        textHash: prompt.textHash,
        minhash: prompt.minhash,
        bands: prompt.bands,
        duplicateOfId: matches[k]?.duplicateOf ?? null,
        duplicateKind: matches[k]?.kind ?? null,
        similarity: matches[k]?.similarity ?? null,
      }));
      await tx.$executeRaw`
        UPDATE "Prompt" p SET "textHash" = x."textHash", minhash = x.minhash, bands = x.bands,
          "duplicateOfId" = x."duplicateOfId", "duplicateKind" = x."duplicateKind", similarity = x.similarity
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          AS x(id uuid, "textHash" text, minhash int[], bands int[], "duplicateOfId" uuid, "duplicateKind" "DuplicateKind", similarity float8)
        WHERE p.id = x.id`;
    }
    return fresh.length;
  });
}

export interface DuplicateReport {
  prompts: number;
  duplicates: number;
  exact: number;
  near: number;
  /** Each repeated prompt and the earlier one it repeats, by their ids in the campaign. */
  pairs: { prompt: string; duplicateOf: string; kind: "exact" | "near"; similarity: number; votes: number }[];
}

/** The campaign's repeated prompts (checking new ones first), with the votes cast on each. */
export async function duplicateReport(campaignId: string): Promise<DuplicateReport> {
  await checkPromptDuplicates(campaignId);
  const rows = await sql.$queryRaw<
    { prompt: string; duplicateOf: string | null; kind: "EXACT" | "NEAR" | null; similarity: number | null; votes: number }[]
  >`
    SELECT p."externalId" AS prompt, o."externalId" AS "duplicateOf", p."duplicateKind" AS kind, p.similarity,
           coalesce(vc.votes, 0)::int AS votes
    FROM "Prompt" p
    LEFT JOIN "Prompt" o ON o.id = p."duplicateOfId"
    LEFT JOIN (SELECT "promptId", count(*) AS votes FROM "Vote" WHERE "campaignId" = ${campaignId}::uuid AND "promptId" IS NOT NULL GROUP BY 1) vc
      ON vc."promptId" = p.id
    WHERE p."campaignId" = ${campaignId}::uuid
    ORDER BY p."createdAt", p."externalId"`;
  const pairs = rows
    .filter((row) => row.duplicateOf !== null && row.kind !== null)
    .map((row) => ({
      prompt: row.prompt,
      duplicateOf: row.duplicateOf!,
      kind: row.kind === "EXACT" ? ("exact" as const) : ("near" as const),
      similarity: row.similarity ?? 1,
      votes: row.votes,
    }));
  return {
    prompts: rows.length,
    duplicates: pairs.length,
    exact: pairs.filter((pair) => pair.kind === "exact").length,
    near: pairs.filter((pair) => pair.kind === "near").length,
    pairs,
  };
}

/** How many of the campaign's prompts repeat an earlier one (checking new ones first), for the leaderboard page. */
export async function duplicateCounts(campaignId: string): Promise<{ prompts: number; exact: number; near: number }> {
  await checkPromptDuplicates(campaignId);
  const rows = await sql.$queryRaw<{ prompts: number; exact: number; near: number }[]>`
    SELECT count(*)::int AS prompts,
           count(*) FILTER (WHERE "duplicateKind" = 'EXACT')::int AS exact,
           count(*) FILTER (WHERE "duplicateKind" = 'NEAR')::int AS near
    FROM "Prompt" WHERE "campaignId" = ${campaignId}::uuid`;
  return rows[0];
}
