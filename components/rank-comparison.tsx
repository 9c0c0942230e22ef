import type { BenchmarkPoint } from "@/lib/results/correlations";
import { getTranslator } from "@/lib/i18n/server";
import { ColumnHeads } from "./column-heads";

/** The human ranking and the benchmark ranking side by side; the models ranked most differently stand out. */
export async function RankComparison({ points, highlighted }: { points: BenchmarkPoint[]; highlighted: Set<string> }) {
  const t = await getTranslator();
  const rows = [...points].sort((a, b) => a.ratingRank - b.ratingRank);
  return (
    <table className="w-full self-start text-sm" data-testid="rank-comparison">
      <caption className="mb-2 text-left text-sm font-medium">{t("correlations.rankings")}</caption>
      <ColumnHeads
        compact
        columns={[
          { label: t("leaderboard.model") },
          { label: t("correlations.byRating"), numeric: true },
          { label: t("correlations.byScore"), numeric: true },
          { label: t("correlations.rankDifference"), numeric: true },
        ]}
      />
      <tbody>
        {rows.map((p) => {
          const difference = p.scoreRank - p.ratingRank;
          const marked = highlighted.has(p.model);
          return (
            <tr
              key={p.model}
              className={marked ? "bg-orange-50 font-medium" : "border-t border-slate-100"}
              data-highlight={marked || undefined}
            >
              <th scope="row" className="min-w-32 px-2 py-1 text-left font-normal break-words">
                {p.model}
                {marked && <span className="ml-2 text-xs text-orange-800">({t("correlations.differsMost")})</span>}
              </th>
              <td className="px-2 py-1 text-right tabular-nums">{p.ratingRank}</td>
              <td className="px-2 py-1 text-right tabular-nums">{p.scoreRank}</td>
              <td className="px-2 py-1 text-right tabular-nums">{difference > 0 ? `+${difference}` : difference}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
