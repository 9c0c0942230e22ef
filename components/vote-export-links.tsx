import { filtersToParams, type ResultFilters } from "@/lib/results/filters";
import { getTranslator } from "@/lib/i18n/server";

/** Download links for the vote dataset in each format, with the given filters (the anchor does not apply). */
export async function VoteExportLinks({ slug, filters }: { slug: string; filters: ResultFilters }) {
  const t = await getTranslator();
  const link = (format: "csv" | "jsonl" | "parquet") => {
    const params = filtersToParams({ ...filters, anchor: null, excludeBothBad: false });
    params.set("format", format);
    return `/api/v1/campaigns/${encodeURIComponent(slug)}/votes?${params}`;
  };
  return (
    <div className="space-y-2" data-testid="vote-export">
      <p className="text-sm text-slate-600">{t("exportPanel.hint")}</p>
      <p className="text-sm text-slate-600">{t("exportPanel.filtersNote")}</p>
      <div className="flex gap-2">
        {(["csv", "jsonl", "parquet"] as const).map((format) => (
          <a
            key={format}
            className="btn-secondary"
            href={link(format)}
            download={`${slug}-votes.${format}`}
            data-testid={`export-${format}`}
          >
            {format === "csv" ? "CSV" : format === "jsonl" ? "JSON Lines" : "Parquet"}
          </a>
        ))}
      </div>
    </div>
  );
}
