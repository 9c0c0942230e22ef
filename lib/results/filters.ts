import { z } from "zod";

/**
 * Which votes a leaderboard (and an export) is computed from. Identity-leak votes are always left
 * out; flagged annotators are left out unless `includeFlagged`. Both-bad votes stay in the data
 * and `excludeBothBad` leaves them out of Bradley–Terry only (as the `ratings` command does).
 * The anchor is not a filter of votes: it shifts the ratings and is applied when results are read.
 */
export interface ResultFilters {
  category: string | null;
  /** The vote's language: an imported battle's own, else the campaign's. */
  language: string | null;
  /** Inclusive UTC dates, YYYY-MM-DD. */
  from: string | null;
  to: string | null;
  excludeBothBad: boolean;
  includeFlagged: boolean;
  anchor: { model: string; rating: number } | null;
  /** Also fit the style-controlled board (lib/ratings/style-control.ts): not a filter of votes, but part of what is computed. */
  styleControl: boolean;
  /** Also find how many votes decide the top rank and each adjacent pair (lib/ratings/robustness.ts). */
  robustness: boolean;
  /** Leave out votes on prompts that repeat an earlier prompt of the campaign (lib/prompts/dedup.ts). */
  excludeDuplicates: boolean;
}

export const DEFAULT_FILTERS: ResultFilters = {
  category: null,
  language: null,
  from: null,
  to: null,
  excludeBothBad: false,
  includeFlagged: false,
  anchor: null,
  styleControl: false,
  robustness: false,
  excludeDuplicates: false,
};

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "use YYYY-MM-DD")
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), "not a calendar date");

const emptyToNull = (value: unknown) => (value === "" || value === undefined ? null : value);

/** Query parameters as they appear in the page's URL, the API and the CLI's options. */
const paramsSchema = z
  .object({
    category: z.preprocess(emptyToNull, z.string().trim().min(1).max(200).nullable()),
    language: z.preprocess(emptyToNull, z.string().trim().min(1).max(100).nullable()),
    from: z.preprocess(emptyToNull, date.nullable()),
    to: z.preprocess(emptyToNull, date.nullable()),
    bothBad: z.preprocess(emptyToNull, z.enum(["include", "exclude"]).nullable()),
    flagged: z.preprocess(emptyToNull, z.enum(["include", "exclude"]).nullable()),
    anchor: z.preprocess(emptyToNull, z.string().trim().min(1).max(200).nullable()),
    anchorRating: z.preprocess(emptyToNull, z.coerce.number().finite().min(-100_000).max(100_000).nullable()),
    style: z.preprocess(emptyToNull, z.enum(["on", "off"]).nullable()),
    robustness: z.preprocess(emptyToNull, z.enum(["on", "off"]).nullable()),
    duplicates: z.preprocess(emptyToNull, z.enum(["include", "exclude"]).nullable()),
  })
  .refine((p) => !p.from || !p.to || p.from <= p.to, { message: "from must not be after to", path: ["to"] });

export type FilterParseResult = { ok: true; filters: ResultFilters } | { ok: false; errors: string[] };

export type ParamSource = URLSearchParams | Record<string, string | string[] | undefined>;

export function readParam(source: ParamSource, name: string): string | undefined {
  if (source instanceof URLSearchParams) return source.get(name) ?? undefined;
  const value = source[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Filters from URL parameters; anything malformed is reported rather than silently dropped. */
export function parseFilters(source: ParamSource): FilterParseResult {
  const names = [
    "category",
    "language",
    "from",
    "to",
    "bothBad",
    "flagged",
    "anchor",
    "anchorRating",
    "style",
    "robustness",
    "duplicates",
  ] as const;
  const parsed = paramsSchema.safeParse(Object.fromEntries(names.map((name) => [name, readParam(source, name)])));
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) };
  const p = parsed.data;
  return {
    ok: true,
    filters: {
      category: p.category,
      language: p.language,
      from: p.from,
      to: p.to,
      excludeBothBad: p.bothBad === "exclude",
      includeFlagged: p.flagged === "include",
      anchor: p.anchor ? { model: p.anchor, rating: p.anchorRating ?? 1000 } : null,
      styleControl: p.style === "on",
      robustness: p.robustness === "on",
      excludeDuplicates: p.duplicates === "exclude",
    },
  };
}

/** The URL parameters that reproduce `filters` (defaults are left out, so URLs stay short). */
export function filtersToParams(filters: ResultFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.category) params.set("category", filters.category);
  if (filters.language) params.set("language", filters.language);
  if (filters.from) params.set("from", filters.from);
  if (filters.to) params.set("to", filters.to);
  if (filters.excludeBothBad) params.set("bothBad", "exclude");
  if (filters.includeFlagged) params.set("flagged", "include");
  if (filters.anchor) {
    params.set("anchor", filters.anchor.model);
    params.set("anchorRating", String(filters.anchor.rating));
  }
  if (filters.styleControl) params.set("style", "on");
  if (filters.robustness) params.set("robustness", "on");
  if (filters.excludeDuplicates) params.set("duplicates", "exclude");
  return params;
}

/** A results page's address under `filters`. */
export function resultsHref(basePath: string, filters: ResultFilters): string {
  const query = filtersToParams(filters).toString();
  return query ? `${basePath}?${query}` : basePath;
}

/** What the filters say about which votes count, for the record (audit events, JSON outputs). */
export function describeFilters(filters: ResultFilters) {
  return {
    category: filters.category,
    language: filters.language,
    from: filters.from,
    to: filters.to,
    excludeBothBad: filters.excludeBothBad,
    excludeFlagged: !filters.includeFlagged,
    anchor: filters.anchor,
    styleControl: filters.styleControl,
    robustness: filters.robustness,
    excludeDuplicates: filters.excludeDuplicates,
  };
}

/** The cache key: every filter that changes the fit (not the anchor, which is applied on reading). */
export function fitKey(filters: ResultFilters): string {
  const key: unknown[] = [filters.category, filters.from, filters.to, filters.excludeBothBad, filters.includeFlagged];
  // Only when set, so the keys of boards stored before these options existed stay valid.
  if (filters.styleControl) key.push("style");
  if (filters.language) key.push({ language: filters.language });
  if (filters.robustness) key.push("robustness");
  if (filters.excludeDuplicates) key.push("dedup");
  return JSON.stringify(key);
}

/**
 * The filters plus what the campaign itself rules out: `excludedPrompts` says it has prompts a
 * researcher left out (lib/prompts/exclusion.ts). Only then is each vote's prompt looked at, which
 * the covering results index cannot answer alone.
 */
export type VoteScope = ResultFilters & { excludedPrompts?: boolean };

/**
 * The WHERE clause shared by the leaderboard, the export and the annotator statistics, over
 * `"Vote" v` (and `"Prompt" p` LEFT JOINed when `needsPrompt`). Values go into `params`.
 */
export function voteConditions(
  campaignId: string,
  filters: VoteScope,
  params: unknown[],
  // A dataset export keeps identity-leak votes (marked in their own column); ratings never count them.
  { includeIdentityLeaks = false }: { includeIdentityLeaks?: boolean } = {},
): { where: string; needsPrompt: boolean } {
  const add = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const conditions = [`v."campaignId" = ${add(campaignId)}::uuid`];
  if (!includeIdentityLeaks) conditions.push(`NOT v."identityLeak"`);
  // Faster than the campaign's minimum time per vote: kept, but neither rated nor exported.
  conditions.push(`NOT v."tooFast"`);
  if (filters.category) conditions.push(`coalesce(v.category, p.category) = ${add(filters.category)}`);
  if (filters.language) {
    conditions.push(
      `coalesce(v.language, (SELECT lc.language FROM "Campaign" lc WHERE lc.id = ${add(campaignId)}::uuid)) = ${add(filters.language)}`,
    );
  }
  if (filters.from) conditions.push(`v."createdAt" >= (${add(filters.from)}::date)::timestamp AT TIME ZONE 'UTC'`);
  if (filters.to) conditions.push(`v."createdAt" < (${add(filters.to)}::date + 1)::timestamp AT TIME ZONE 'UTC'`);
  if (!filters.includeFlagged) {
    // The flagged annotators are read once (an InitPlan) and tested per vote as a plain filter, so
    // a scan in time order through the (campaign, createdAt, seq) index stays in that order; a
    // NOT EXISTS may become a hash anti-join, which loses it and costs a sort of every vote.
    conditions.push(
      `NOT coalesce(v."annotatorId" = ANY (ARRAY(SELECT fm."userId" FROM "CampaignMember" fm WHERE fm."campaignId" = ${add(campaignId)}::uuid AND fm.flagged)), false)`,
    );
  }
  const leftOutPrompts = [
    ...(filters.excludeDuplicates ? [`dp."duplicateOfId" IS NOT NULL`] : []),
    ...(filters.excludedPrompts ? [`dp."excludedAt" IS NOT NULL`] : []),
  ];
  if (leftOutPrompts.length) {
    // Like the flagged annotators: the prompts are read once, then tested per vote. Votes without
    // a prompt (imported battle logs) are never left out this way.
    conditions.push(
      `NOT coalesce(v."promptId" = ANY (ARRAY(SELECT dp.id FROM "Prompt" dp WHERE dp."campaignId" = ${add(campaignId)}::uuid AND (${leftOutPrompts.join(" OR ")}))), false)`,
    );
  }
  return { where: conditions.join(" AND "), needsPrompt: Boolean(filters.category) };
}
