import type { Leaderboard } from "@/lib/ratings/leaderboard";
import { getTranslator } from "@/lib/i18n/server";

/** The leaderboard rows: rank, rank upper bound, model, rating with interval, online Elo, battles, win rate. */
export async function LeaderboardTable({ board, winRates }: { board: Leaderboard; winRates: Map<string, number> }) {
  const t = await getTranslator();
  const fixed = (value: number) => value.toFixed(1);
  return (
    <table className="w-full text-sm" data-testid="leaderboard-table">
      <thead className="bg-slate-100 text-left">
        <tr>
          <th scope="col" className="px-3 py-2 text-right">
            {t("leaderboard.rank")}
          </th>
          <th scope="col" className="px-3 py-2 text-right">
            <abbr title={t("leaderboard.rankUpperBoundHint")}>{t("leaderboard.rankUpperBound")}</abbr>
          </th>
          <th scope="col" className="px-3 py-2">
            {t("leaderboard.model")}
          </th>
          <th scope="col" className="px-3 py-2 text-right">
            {t("leaderboard.rating")}
          </th>
          <th scope="col" className="px-3 py-2 text-right">
            {t("leaderboard.interval")}
          </th>
          <th scope="col" className="px-3 py-2 text-right">
            {t("leaderboard.onlineElo")}
          </th>
          <th scope="col" className="px-3 py-2 text-right">
            {t("leaderboard.battles")}
          </th>
          <th scope="col" className="px-3 py-2 text-right">
            <abbr title={t("leaderboard.winRateHint")}>{t("leaderboard.winRate")}</abbr>
          </th>
        </tr>
      </thead>
      <tbody>
        {board.models.map((row) => {
          const winRate = winRates.get(row.model) ?? Number.NaN;
          return (
            <tr key={row.model} className="border-t border-slate-100" data-model={row.model}>
              <td className="px-3 py-2 text-right tabular-nums">{row.rank}</td>
              <td className="px-3 py-2 text-right tabular-nums">{row.rankUpperBound}</td>
              <th scope="row" className="px-3 py-2 text-left font-medium break-all">
                {row.model}
              </th>
              <td className="px-3 py-2 text-right font-semibold tabular-nums" data-testid="rating">
                {fixed(row.rating)}
              </td>
              <td className="px-3 py-2 text-right text-slate-600 tabular-nums">
                {fixed(row.ciLow)} – {fixed(row.ciHigh)}
              </td>
              <td className="px-3 py-2 text-right tabular-nums">{fixed(row.onlineElo)}</td>
              <td className="px-3 py-2 text-right tabular-nums">{row.battles.toLocaleString()}</td>
              <td className="px-3 py-2 text-right tabular-nums">{Number.isNaN(winRate) ? "–" : `${(winRate * 100).toFixed(1)}%`}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
