import type { ResultFilters } from "@/lib/results/filters";

/**
 * SQL pieces every read of verdicts shares, over `"Verdict" r JOIN "Prompt" p`: which verdicts the
 * filters keep, and a verdict read in the order of the pair's model ids.
 */

/** Prompts the filters keep (category; excluded or repeated prompts left out). `first` is the first condition, values go into `params`. */
export function verdictConditions(first: string, filters: ResultFilters, params: unknown[]): string {
  const conditions = [first, `p."excludedAt" IS NULL`];
  if (filters.category) {
    params.push(filters.category);
    conditions.push(`p.category = $${params.length}`);
  }
  if (filters.excludeDuplicates) conditions.push(`p."duplicateOfId" IS NULL`);
  return conditions.join(" AND ");
}

/** The unordered pair, as `lowId|highId`. */
export const PAIR_KEY = (a: string, b: string) => `least(${a}, ${b})::text || '|' || greatest(${a}, ${b})::text`;

/** The verdict on a pair read in the order of the two models' ids (lib/ratings/judge-agreement.ts): first, second or tie. */
export const PAIR_VERDICT = (a: string, b: string, winner: string) => `CASE
  WHEN ${winner} IN ('TIE', 'TIE_BOTHBAD') THEN 'tie'
  WHEN (${winner} = 'MODEL_A') = (${a} < ${b}) THEN 'first' ELSE 'second' END`;
