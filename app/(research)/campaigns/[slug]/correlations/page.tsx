import { CampaignNav } from "@/components/campaign-nav";
import { CorrelationScatter } from "@/components/charts/correlation-scatter";
import { RankComparison } from "@/components/rank-comparison";
import { ResultsFilters } from "@/components/results-filters";
import { ResultsStatus } from "@/components/results-status";
import { ScoresUploader } from "@/components/scores-uploader";
import { getTranslator } from "@/lib/i18n/server";
import { correlationsFor, type Coefficient } from "@/lib/results/correlations";
import { type ResultsPageProps, requireResultsCampaign, resultsPageData } from "@/lib/results/page-data";

/** Models whose two ranks differ the most (at least 1 apart), highlighted in the plot and the table. */
function mostDifferent(points: { model: string; ratingRank: number; scoreRank: number }[]): Set<string> {
  const largest = Math.max(0, ...points.map((p) => Math.abs(p.ratingRank - p.scoreRank)));
  return new Set(largest >= 1 ? points.filter((p) => Math.abs(p.ratingRank - p.scoreRank) === largest).map((p) => p.model) : []);
}

export default async function CorrelationsPage({ params, searchParams }: ResultsPageProps) {
  const campaign = await requireResultsCampaign(params);
  const [t, data] = await Promise.all([getTranslator(), resultsPageData(campaign.id, await searchParams, { withBootstrap: true })]);
  const results = data.view.state === "ready" && data.view.board.votes > 0 ? await correlationsFor(campaign.id, data.view.board) : [];
  const number = (c: Coefficient | null, name: "spearman" | "kendall" | "pearson") =>
    c && (
      <div className="card p-4" data-testid={`coefficient-${name}`}>
        <dt className="text-xs text-slate-600">{t(`correlations.${name}`)}</dt>
        <dd className="text-2xl font-semibold tabular-nums">{c.value.toFixed(3)}</dd>
        <dd className="text-xs text-slate-600 tabular-nums">
          {t("correlations.interval", { low: c.ciLow.toFixed(3), high: c.ciHigh.toFixed(3) })}
        </dd>
      </div>
    );
  return (
    <div className="space-y-6">
      <CampaignNav slug={campaign.slug} name={campaign.name} active="correlations" />
      <p className="text-sm text-slate-700">{t("correlations.intro")}</p>
      <ResultsFilters
        basePath={`/campaigns/${campaign.slug}/correlations`}
        filters={data.filters}
        categories={data.categories}
        models={[]}
        showAnchor={false}
      />
      <ResultsStatus data={data} />
      {data.view.state === "ready" && results.length === 0 && <p className="card text-slate-600">{t("correlations.none")}</p>}
      {results.map((result) => {
        const highlighted = mostDifferent(result.points);
        return (
          <section key={result.benchmark} className="card space-y-4" data-testid="benchmark-correlation">
            <div>
              <h2 className="text-lg font-semibold">{result.benchmark}</h2>
              <p className="text-sm text-slate-600">
                {t("correlations.models", { n: result.models })}
                {!result.higherIsBetter && <> · {t("correlations.lowerIsBetter")}</>}
              </p>
            </div>
            {result.spearman ? (
              <dl className="grid gap-3 sm:grid-cols-3">
                {number(result.spearman, "spearman")}
                {number(result.kendall, "kendall")}
                {number(result.pearson, "pearson")}
              </dl>
            ) : (
              <p role="note" className="rounded bg-amber-50 p-3 text-sm text-amber-900" data-testid="too-few-models">
                {t("correlations.tooFew", { n: result.models })}
              </p>
            )}
            {result.points.length > 0 && (
              <div className="grid gap-6 xl:grid-cols-2">
                <CorrelationScatter
                  points={result.points.map((p) => ({ ...p, highlight: highlighted.has(p.model) }))}
                  title={t("correlations.scatterTitle", { benchmark: result.benchmark })}
                  xLabel={t("correlations.scoreAxis")}
                  yLabel={t("correlations.ratingAxis")}
                />
                <RankComparison points={result.points} highlighted={highlighted} />
              </div>
            )}
          </section>
        );
      })}
      <section className="card">
        <h2 className="mb-3 text-lg font-semibold">{t("scores.title")}</h2>
        <ScoresUploader campaignId={campaign.id} slug={campaign.slug} />
      </section>
    </div>
  );
}
