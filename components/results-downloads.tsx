import { filtersToParams, type ResultFilters } from "@/lib/results/filters";
import { getTranslator } from "@/lib/i18n/server";

/** Download links for the leaderboard as shown (same filters), served by the read-only API. */
export async function ResultsDownloads({ slug, filters }: { slug: string; filters: ResultFilters }) {
  const t = await getTranslator();
  const link = (format: "csv" | "json") => {
    const params = filtersToParams(filters);
    params.set("format", format);
    return `/api/v1/campaigns/${encodeURIComponent(slug)}/leaderboard?${params}`;
  };
  return (
    <div className="flex items-center gap-2 text-sm" data-testid="leaderboard-downloads">
      <span className="text-slate-600">{t("results.download")}:</span>
      <a className="btn-secondary px-3 py-1" href={link("csv")} download={`${slug}-leaderboard.csv`}>
        CSV
      </a>
      <a className="btn-secondary px-3 py-1" href={link("json")} download={`${slug}-leaderboard.json`}>
        JSON
      </a>
    </div>
  );
}
