import { AnnotatorTable } from "@/components/annotator-table";
import { CampaignNav } from "@/components/campaign-nav";
import { ResultsFilters } from "@/components/results-filters";
import { campaignCategories } from "@/lib/campaigns/categories";
import { getTranslator } from "@/lib/i18n/server";
import { requireResultsCampaign, type ResultsPageProps } from "@/lib/results/page-data";
import { annotatorReport } from "@/lib/results/annotators";
import { DEFAULT_FILTERS, parseFilters } from "@/lib/results/filters";
import { ScrollRegion } from "@/components/scroll-region";

const KAPPA_ROWS = 30;

export default async function AnnotatorsPage({ params, searchParams }: ResultsPageProps) {
  const campaign = await requireResultsCampaign(params);
  const parsed = parseFilters(await searchParams);
  const filters = parsed.ok ? parsed.filters : DEFAULT_FILTERS;
  const [t, report, categories] = await Promise.all([
    getTranslator(),
    annotatorReport(campaign.id, filters),
    campaignCategories(campaign.id),
  ]);
  const name = new Map(report.annotators.map((a) => [a.id, a.name]));
  return (
    <div className="space-y-6">
      <CampaignNav slug={campaign.slug} name={campaign.name} active="annotators" />
      <p className="text-sm text-slate-700">{t("annotators.intro")}</p>
      <ResultsFilters
        basePath={`/campaigns/${campaign.slug}/annotators`}
        filters={filters}
        categories={categories}
        models={[]}
        showAnchor={false}
        showRatingOptions={false}
      />
      {report.votes === 0 ? (
        <p className="card text-slate-600">{t("annotators.none")}</p>
      ) : (
        <>
          <p className="text-sm" data-testid="krippendorff-alpha">
            {report.alpha.value === null
              ? t("annotators.alphaNone")
              : t("annotators.alpha", { value: report.alpha.value.toFixed(3), items: report.alpha.items })}
          </p>
          <ScrollRegion label={t("annotators.title")} className="card p-0">
            <AnnotatorTable rows={report.annotators} campaignId={campaign.id} slug={campaign.slug} />
          </ScrollRegion>
          <section className="card">
            <h2 className="mb-3 text-lg font-semibold">{t("annotators.kappaTitle")}</h2>
            {report.kappas.length === 0 ? (
              <p className="text-sm text-slate-600">{t("annotators.noOverlap")}</p>
            ) : (
              <>
                {report.kappas.length > KAPPA_ROWS && (
                  <p className="mb-2 text-sm text-slate-600">
                    {t("annotators.kappaShown", { shown: KAPPA_ROWS, total: report.kappas.length })}
                  </p>
                )}
                <table className="w-full text-sm" data-testid="kappa-table">
                  <thead className="bg-slate-100 text-left">
                    <tr>
                      <th scope="col" className="px-2 py-1">
                        {t("annotators.pair")}
                      </th>
                      <th scope="col" className="px-2 py-1 text-right">
                        {t("annotators.shared")}
                      </th>
                      <th scope="col" className="px-2 py-1 text-right">
                        {t("annotators.kappa")}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {report.kappas.slice(0, KAPPA_ROWS).map((k) => (
                      <tr key={`${k.first}-${k.second}`} className="border-t border-slate-100">
                        <td className="px-2 py-1">
                          {name.get(k.first)} · {name.get(k.second)}
                        </td>
                        <td className="px-2 py-1 text-right tabular-nums">{k.items}</td>
                        <td className="px-2 py-1 text-right tabular-nums">{k.kappa === null ? "–" : k.kappa.toFixed(3)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            )}
          </section>
        </>
      )}
    </div>
  );
}
