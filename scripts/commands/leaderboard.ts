import { db } from "@/lib/db";
import { judgeBattles, judgeLeaderboard } from "@/lib/judges/judge-leaderboard";
import { correlationsFor } from "@/lib/results/correlations";
import { DEFAULT_MIN_BATTLES_PER_MODEL, GROUP_BYS, groupBoards, type GroupBy } from "@/lib/results/groups";
import type { ResultFilters } from "@/lib/results/filters";
import { AnchorNotFound, getLeaderboard } from "@/lib/results/leaderboard";
import { correlationsCsv, correlationsJson, groupBoardsCsv, groupBoardsJson, leaderboardCsv, leaderboardJson } from "@/lib/results/output";
import { parseArgs, required, single, UsageError } from "../lib/cli-args";
import { campaignBySlug } from "../lib/campaign-arg";
import { FILTER_FLAGS, FILTER_OPTIONS, filtersFromArgs } from "../lib/filter-args";
import { targetJson, targetProgress } from "@/lib/campaigns/stop-target";
import { USAGES } from "./usages";

export const leaderboardUsage = USAGES["leaderboard"];
export const correlationsUsage = USAGES["correlations"];

function formatOf(values: Map<string, string[]>): "json" | "csv" {
  const format = single(values, "format") ?? "json";
  if (format !== "json" && format !== "csv") throw new UsageError("--format must be json or csv.");
  return format;
}

/**
 * `leaderboard --judge N`: the judge's own board from its verdicts, in the usual JSON (or CSV).
 * Only the prompt filters and the anchor apply: verdicts have no annotator and no date range.
 */
async function judgeBoard(argv: string[]): Promise<void> {
  const { values, flags } = parseArgs(argv, { options: ["campaign", "format", "judge", ...FILTER_OPTIONS], flags: [...FILTER_FLAGS] });
  const campaign = await campaignBySlug(required(values, "campaign"));
  const filters = filtersFromArgs(values, flags, { anchor: true });
  const format = formatOf(values);
  const name = required(values, "judge");
  const judge = await db.judge.findUnique({ where: { campaignId_name: { campaignId: campaign.id, name } }, select: { id: true } });
  if (!judge) throw new UsageError(`campaign ${campaign.slug} has no judge "${name}".`);
  const battles = await judgeBattles(judge.id, filters);
  const anchor = filters.anchor;
  if (anchor && !battles.some((b) => b.modelA === anchor.model || b.modelB === anchor.model))
    throw new UsageError(`the anchor model "${anchor.model}" has no verdicts under these filters.`);
  const board = await judgeLeaderboard(battles, filters);
  if (board.votes === 0) console.error("note: the judge has no verdicts under these filters.");
  process.stdout.write(
    format === "csv"
      ? leaderboardCsv(board, null, null)
      : JSON.stringify({ ...leaderboardJson(board, new Date(), filters, campaign.slug), judge: name }) + "\n",
  );
}

async function boardFor(argv: string[], { anchor, bootstrap }: { anchor: boolean; bootstrap: boolean }) {
  // The leaderboard (the command with an anchor) can also fit the style-controlled board.
  const { values, flags } = parseArgs(argv, {
    options: ["campaign", "format", ...FILTER_OPTIONS, ...(anchor ? ["by", "min-battles"] : [])],
    flags: [...FILTER_FLAGS, ...(anchor ? ["style-control", "robustness"] : [])],
  });
  const campaign = await campaignBySlug(required(values, "campaign"));
  const filters = filtersFromArgs(values, flags, { anchor, styleControl: anchor, robustness: anchor });
  const format = formatOf(values);
  let view;
  try {
    view = await getLeaderboard(campaign.id, filters, { untilFresh: true, withBootstrap: bootstrap });
  } catch (error) {
    if (error instanceof AnchorNotFound) throw new UsageError(`the anchor model "${error.message}" has no votes under these filters.`);
    throw error;
  }
  if (view.state !== "ready") throw new Error(view.state === "failed" ? view.error : "the leaderboard could not be computed");
  return { campaign, filters, format, view, values };
}

function groupOptions(values: Map<string, string[]>, { robustness }: ResultFilters): { by: GroupBy; minBattles: number } | null {
  const by = single(values, "by");
  if (by === undefined) return null;
  if (!(GROUP_BYS as readonly string[]).includes(by)) throw new UsageError(`--by must be ${GROUP_BYS.join(" or ")}.`);
  if (robustness) throw new UsageError("--by and --robustness cannot be combined.");
  const minBattles = Number(single(values, "min-battles") ?? DEFAULT_MIN_BATTLES_PER_MODEL);
  if (!Number.isFinite(minBattles) || minBattles < 0) throw new UsageError("--min-battles must be a number ≥ 0.");
  return { by: by as GroupBy, minBattles };
}

/**
 * Prints the campaign's leaderboard from the current votes: the `ratings` command's JSON
 * ({votes, rounds, models: [...]}, sorted by rating) plus computedAt, filters and campaign; or CSV.
 * Defaults: 1,000 rounds, seed 0, flagged annotators excluded, online Elo in time order.
 */
export async function leaderboardCommand(argv: string[]): Promise<void> {
  if (argv.includes("--judge")) return judgeBoard(argv);
  const { campaign, filters, format, view, values } = await boardFor(argv, { anchor: true, bootstrap: false });
  const grouping = groupOptions(values, filters);
  if (grouping) {
    const { groups } = await groupBoards(campaign.id, filters, grouping.by, { minBattlesPerModel: grouping.minBattles, untilFresh: true });
    const boards = { campaign: campaign.slug, filters, view, by: grouping.by, minBattlesPerModel: grouping.minBattles, groups };
    process.stdout.write(format === "csv" ? groupBoardsCsv(groups, filters.styleControl) : JSON.stringify(groupBoardsJson(boards)) + "\n");
    return;
  }
  if (view.board.votes === 0) console.error("note: no votes match these filters.");
  if (!view.board.identifiable) console.error("note: some model never won or never lost; ratings use a weak prior.");
  process.stdout.write(
    format === "csv"
      ? leaderboardCsv(view.board, view.styleControl, view.robustness)
      : JSON.stringify({
          ...leaderboardJson(view.board, view.computedAt, filters, campaign.slug, view.styleControl, view.robustness),
          target: targetJson(await targetProgress(campaign.id)),
        }) + "\n",
  );
}

/** Prints Spearman, Kendall τ-b and Pearson (with bootstrap intervals) against every imported benchmark. */
export async function correlationsCommand(argv: string[]): Promise<void> {
  const { campaign, format, view } = await boardFor(argv, { anchor: false, bootstrap: true });
  const results = await correlationsFor(campaign.id, view.board);
  if (results.length === 0) console.error("note: no benchmark scores for this campaign's models (npm run hikaku -- import-scores).");
  process.stdout.write(format === "csv" ? correlationsCsv(results) : JSON.stringify(correlationsJson(campaign.slug, results)) + "\n");
}
