import "server-only";
import { campaignCategories } from "@/lib/campaigns/categories";
import { sql } from "@/lib/db";
import { ranksOf } from "@/lib/ratings/ranks";
import { z } from "zod";
import { readParam, type ParamSource, type ResultFilters } from "./filters";
import { getLeaderboard, type LeaderboardView, type StyleControlView } from "./leaderboard";

export const GROUP_BYS = ["category", "language"] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

/** Below this many battles per model on average, a group's board is shown greyed out: too few to read. */
export const DEFAULT_MIN_BATTLES_PER_MODEL = 20;

const groupingSchema = z.object({
  by: z.enum(GROUP_BYS).nullable(),
  minBattles: z.coerce.number().finite().min(0).max(1_000_000).default(DEFAULT_MIN_BATTLES_PER_MODEL),
});

export type GroupingParseResult = { ok: true; by: GroupBy | null; minBattles: number } | { ok: false; errors: string[] };

/** "Compare by" from URL parameters (`by`, `minBattles`), for the page and the API alike. */
export function parseGrouping(source: ParamSource): GroupingParseResult {
  const parsed = groupingSchema.safeParse({ by: readParam(source, "by") ?? null, minBattles: readParam(source, "minBattles") });
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) };
  return { ok: true, ...parsed.data };
}

export interface GroupModel {
  rating: number;
  ciLow: number;
  ciHigh: number;
  battles: number;
  rank: number;
  /** Rank on the overall board minus rank in this group, among the models the group has (positive: better here). */
  rankChange: number;
  /** With style control: the group's style-controlled rating and interval, and the rank change style control makes within the group (null: the style fit did not see this model). */
  styleControlled?: StyleControlView["models"][string] | null;
}

export interface GroupBoard {
  group: string;
  state: LeaderboardView["state"];
  votes: number;
  battlesPerModel: number;
  /** Fewer battles per model than the threshold. */
  sparse: boolean;
  models: Record<string, GroupModel>;
  /** With style control: the group's own style coefficients, and how many of its votes the style fit used. */
  styleControl?: Pick<StyleControlView, "votes" | "coefficients"> | null;
}

/** The languages of a campaign's votes: an imported battle's own, the campaign's for the rest. */
async function voteLanguages(campaignId: string): Promise<string[]> {
  const rows = await sql.$queryRaw<{ language: string }[]>`
    SELECT DISTINCT coalesce(v.language, c.language) AS language
    FROM "Vote" v JOIN "Campaign" c ON c.id = v."campaignId" WHERE v."campaignId" = ${campaignId}::uuid ORDER BY 1`;
  return rows.map((row) => row.language);
}

export async function groupsOf(campaignId: string, by: GroupBy): Promise<string[]> {
  return by === "category" ? campaignCategories(campaignId) : voteLanguages(campaignId);
}

/** One group's board beside the overall one: ranks compared among the models both have. */
export function compareWithOverall(group: string, view: LeaderboardView, overall: LeaderboardView, minBattlesPerModel: number): GroupBoard {
  if (view.state !== "ready") return { group, state: view.state, votes: 0, battlesPerModel: 0, sparse: true, models: {} };
  const style = view.styleControl;
  const rows = view.board.models;
  const overallRating = new Map(overall.state === "ready" ? overall.board.models.map((row) => [row.model, row.rating]) : []);
  const groupRanks = ranksOf(rows.map((row) => row.rating));
  const overallRanks = ranksOf(rows.map((row) => overallRating.get(row.model) ?? -Infinity));
  const battlesPerModel = rows.length ? rows.reduce((sum, row) => sum + row.battles, 0) / rows.length : 0;
  const models: Record<string, GroupModel> = {};
  rows.forEach((row, k) => {
    models[row.model] = {
      rating: row.rating,
      ciLow: row.ciLow,
      ciHigh: row.ciHigh,
      battles: row.battles,
      rank: groupRanks[k],
      rankChange: overallRanks[k] - groupRanks[k],
      ...(style && { styleControlled: style.models[row.model] ?? null }),
    };
  });
  const board: GroupBoard = {
    group,
    state: "ready",
    votes: view.board.votes,
    battlesPerModel,
    sparse: battlesPerModel < minBattlesPerModel,
    models,
  };
  return style ? { ...board, styleControl: { votes: style.votes, coefficients: style.coefficients } } : board;
}

/**
 * The board per category or language under the same filters, each beside the overall board. Each
 * group's board is a leaderboard of its own (computed and cached like any other); a page passes
 * `waitMs` and shows groups still computing as such, the CLI and the API wait for all.
 */
export async function groupBoards(
  campaignId: string,
  filters: ResultFilters,
  by: GroupBy,
  options: { minBattlesPerModel?: number; waitMs?: number; untilFresh?: boolean } = {},
): Promise<{ overall: LeaderboardView; groups: GroupBoard[] }> {
  const minimum = options.minBattlesPerModel ?? DEFAULT_MIN_BATTLES_PER_MODEL;
  const read = { waitMs: options.waitMs, untilFresh: options.untilFresh };
  const overall = await getLeaderboard(campaignId, filters, read);
  // All at once, so a page waits `waitMs` once, not once per group; the computations themselves
  // queue for this process's few compute slots.
  const names = await groupsOf(campaignId, by);
  const views = await Promise.all(names.map((group) => getLeaderboard(campaignId, { ...filters, [by]: group, anchor: null }, read)));
  return { overall, groups: views.map((view, i) => compareWithOverall(names[i], view, overall, minimum)) };
}
