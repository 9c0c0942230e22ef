import { CampaignNav } from "@/components/campaign-nav";
import { Heatmap } from "@/components/charts/heatmap";
import { GroupBoardLinks, GroupBoardsTable } from "@/components/group-boards-table";
import { RatingsChart } from "@/components/charts/ratings-chart";
import { LeaderboardTable } from "@/components/leaderboard-table";
import { ResultsDownloads } from "@/components/results-downloads";
import { ResultsFilters } from "@/components/results-filters";
import { ResultsStatus } from "@/components/results-status";
import { DuplicatePromptsNote } from "@/components/duplicate-prompts-note";
import { SeparationPlan } from "@/components/separation-plan";
import { StyleControlPanel } from "@/components/style-control-panel";
import { getTranslator } from "@/lib/i18n/server";
import { duplicateCounts } from "@/lib/prompts/duplicates";
import { filtersToParams, resultsHref } from "@/lib/results/filters";
import { DEFAULT_MIN_BATTLES_PER_MODEL, groupBoards, parseGrouping, type GroupBy } from "@/lib/results/groups";
import { headToHead, winRates } from "@/lib/results/head-to-head";
import { type ResultsPageProps, requireResultsCampaign, resultsPageData } from "@/lib/results/page-data";
import { ScrollRegion } from "@/components/scroll-region";

/** Models shown in the head-to-head heatmaps: beyond this a matrix is no longer readable. */
const HEATMAP_MODELS = 20;
/** How long the page waits for the group boards it starts computing. */
const GROUPS_WAIT_MS = 1500;

/** The page shows no group boards for a malformed "compare by" (the API refuses it). */
function groupingOf(search: Record<string, string | string[] | undefined>): { by: GroupBy | null; minBattles: number } {
  const grouping = parseGrouping(search);
  return grouping.ok ? grouping : { by: null, minBattles: DEFAULT_MIN_BATTLES_PER_MODEL };
}

export default async function LeaderboardPage({ params, searchParams }: ResultsPageProps) {
  const campaign = await requireResultsCampaign(params);
  const search = await searchParams;
  const [t, data, duplicates] = await Promise.all([getTranslator(), resultsPageData(campaign.id, search), duplicateCounts(campaign.id)]);
  const { view } = data;
  const grouping = groupingOf(search);
  const groups =
    grouping.by && view.state === "ready"
      ? (await groupBoards(campaign.id, data.filters, grouping.by, { minBattlesPerModel: grouping.minBattles, waitMs: GROUPS_WAIT_MS }))
          .groups
      : null;
  const basePath = `/campaigns/${campaign.slug}/leaderboard`;
  const board = view.state === "ready" ? view.board : null;
  const matrices = view.state === "ready" ? headToHead(view.board, view.matrices, HEATMAP_MODELS) : null;
  return (
    <div className="space-y-6">
      <CampaignNav slug={campaign.slug} name={campaign.name} active="leaderboard" />
      <ResultsFilters
        basePath={basePath}
        filters={data.filters}
        categories={data.categories}
        models={board ? [...board.modelOrder] : []}
        showStyleControl
      />
      <div className="flex flex-wrap items-start justify-between gap-4">
        <ResultsStatus data={data} />
        <ResultsDownloads slug={campaign.slug} filters={data.filters} />
      </div>
      <DuplicatePromptsNote
        counts={duplicates}
        excluded={data.filters.excludeDuplicates}
        href={resultsHref(basePath, { ...data.filters, excludeDuplicates: !data.filters.excludeDuplicates })}
      />
      {board && board.votes === 0 && <p className="card text-slate-600">{t("results.noVotes")}</p>}
      {board && board.votes > 0 && view.state === "ready" && matrices && (
        <>
          {!board.identifiable && (
            <p role="note" className="rounded bg-amber-50 p-2 text-sm text-amber-900">
              {t("results.weakPrior")}
            </p>
          )}
          {view.robustness && (
            <p className="text-sm" data-testid="top-flip">
              {view.robustness.topFlipVotes === null
                ? t("leaderboard.topFlipNone")
                : t("leaderboard.topFlip", { votes: view.robustness.topFlipVotes.toLocaleString("en") })}
            </p>
          )}
          {view.robustness && <SeparationPlan projection={view.robustness.projection} />}
          <ScrollRegion label={t("leaderboard.title")} className="card p-0">
            <LeaderboardTable
              rows={board.models}
              winRates={Object.fromEntries(winRates(board, view.matrices))}
              flipVotes={
                view.robustness
                  ? Object.fromEntries(
                      view.robustness.pairs.map((pair) => [pair.upper, { flip: pair.flipVotes, separate: pair.votesToSeparate }]),
                    )
                  : undefined
              }
            />
          </ScrollRegion>
          {data.filters.styleControl && <StyleControlPanel view={view.styleControl} rows={board.models} />}
          <GroupBoardLinks basePath={basePath} query={filtersToParams(data.filters)} by={grouping.by} />
          {grouping.by && groups && (
            <GroupBoardsTable
              by={grouping.by}
              rows={board.models}
              groups={groups}
              minBattlesPerModel={grouping.minBattles}
              styleControl={groups.some((group) => group.styleControl)}
            />
          )}
          <section className="card">
            <RatingsChart
              points={board.models.map(({ model, rating, ciLow, ciHigh }) => ({ model, rating, ciLow, ciHigh }))}
              title={t("leaderboard.chartTitle")}
              axisLabel={t("leaderboard.axis")}
            />
          </section>
          <section className="card space-y-4">
            <h2 className="text-lg font-semibold">{t("leaderboard.heatmaps")}</h2>
            {matrices.total > matrices.labels.length && (
              <p className="text-sm text-slate-600">
                {t("leaderboard.heatmapTop", { shown: matrices.labels.length, total: matrices.total })}
              </p>
            )}
            <div className="grid gap-6 xl:grid-cols-2">
              <Heatmap
                title={t("leaderboard.winFraction")}
                labels={matrices.labels}
                values={matrices.winFraction}
                domain={[0, 0.5, 1]}
                kind="share"
                describe={t("leaderboard.cellWin")}
                testId="heatmap-win-fraction"
              />
              <Heatmap
                title={t("leaderboard.predicted")}
                labels={matrices.labels}
                values={matrices.predicted}
                domain={[0, 0.5, 1]}
                kind="share"
                describe={t("leaderboard.cellPredicted")}
                testId="heatmap-predicted"
              />
              <Heatmap
                title={t("leaderboard.battleCount")}
                labels={matrices.labels}
                values={matrices.battles}
                domain={[0, Math.max(1, ...matrices.battles.map((n) => n ?? 0))]}
                kind="count"
                describe={t("leaderboard.cellBattles")}
                testId="heatmap-battles"
              />
            </div>
          </section>
        </>
      )}
    </div>
  );
}
