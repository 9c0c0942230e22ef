import type { LeaderboardRow } from "@/lib/ratings/leaderboard";
import { STYLE_FEATURES } from "@/lib/ratings/style-control";
import { getTranslator } from "@/lib/i18n/server";
import type { StyleControlView } from "@/lib/results/leaderboard";
import { ColumnHeads } from "./column-heads";
import { ScrollRegion } from "./scroll-region";

/** The style-controlled board beside the plain ratings, each model's rank change, and the style coefficients. */
export async function StyleControlPanel({ view, rows }: { view: StyleControlView | null; rows: LeaderboardRow[] }) {
  const t = await getTranslator();
  if (!view) {
    return (
      <section className="card text-sm text-slate-600" data-testid="style-control">
        <h2 className="mb-2 text-lg font-semibold text-slate-900">{t("styleControl.title")}</h2>
        {t("styleControl.none")}
      </section>
    );
  }
  const fixed = (value: number, digits = 1) => value.toFixed(digits);
  const styled = rows.filter((row) => view.models[row.model]).sort((x, y) => view.models[x.model].rank - view.models[y.model].rank);
  return (
    <section className="card space-y-4" data-testid="style-control">
      <h2 className="text-lg font-semibold">{t("styleControl.title")}</h2>
      <p className="text-sm text-slate-600">{t("styleControl.intro", { votes: view.votes.toLocaleString("en") })}</p>
      <ScrollRegion label={t("styleControl.title")}>
        <table className="w-full text-sm">
          <ColumnHeads
            columns={[
              { label: t("leaderboard.model") },
              { label: t("styleControl.rating"), numeric: true },
              { label: t("styleControl.styled"), numeric: true },
              { label: t("styleControl.interval"), numeric: true },
              {
                key: "rankChange",
                label: <abbr title={t("styleControl.rankChangeHint")}>{t("styleControl.rankChange")}</abbr>,
                numeric: true,
              },
            ]}
          />
          <tbody>
            {styled.map((row) => {
              const model = view.models[row.model];
              return (
                <tr key={row.model} className="border-t border-slate-100" data-model={row.model}>
                  <th scope="row" className="min-w-32 px-3 py-2 text-left font-medium break-words">
                    {row.model}
                  </th>
                  <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums">{fixed(row.rating)}</td>
                  <td className="px-3 py-2 text-right font-semibold whitespace-nowrap tabular-nums" data-testid="styled-rating">
                    {fixed(model.rating)}
                  </td>
                  <td className="px-3 py-2 text-right whitespace-nowrap text-slate-600 tabular-nums">
                    {fixed(model.ciLow)} – {fixed(model.ciHigh)}
                  </td>
                  <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums" data-testid="rank-change">
                    {model.rankChange > 0 ? `+${model.rankChange}` : model.rankChange === 0 ? "±0" : String(model.rankChange)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollRegion>
      <div>
        <h3 className="font-semibold">{t("styleControl.coefficients")}</h3>
        <p className="text-sm text-slate-600">{t("styleControl.coefficientsHint")}</p>
        <dl className="mt-2 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-2" data-testid="style-coefficients">
          {STYLE_FEATURES.map((feature) => {
            const c = view.coefficients[feature];
            return (
              <div key={feature} className="flex gap-2">
                <dt className="font-medium">{t(`styleControl.features.${feature}`)}</dt>
                <dd className="tabular-nums">
                  {/* A feature that never differs between the two answers is left at exactly 0. */}
                  {c.value === 0 && c.ciLow === 0 && c.ciHigh === 0
                    ? t("styleControl.noVariation")
                    : t("styleControl.coefficient", { value: fixed(c.value, 3), low: fixed(c.ciLow, 3), high: fixed(c.ciHigh, 3) })}
                </dd>
              </div>
            );
          })}
        </dl>
      </div>
    </section>
  );
}
