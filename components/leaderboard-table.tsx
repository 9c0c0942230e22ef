"use client";

import type { LeaderboardRow } from "@/lib/ratings/leaderboard";
import { useI18n } from "./i18n-provider";

/**
 * The leaderboard rows: rank, rank upper bound, model, rating with interval, online Elo, battles,
 * win rate. A client component so that a hundred rows travel to the browser as data, once.
 */
export function LeaderboardTable({
  rows,
  winRates,
  flipVotes,
}: {
  rows: LeaderboardRow[];
  winRates: Record<string, number>;
  /**
   * With robustness, per model and the next one down: the votes whose removal puts the next model
   * above it, and the further votes between them before their intervals separate (null: none do).
   */
  flipVotes?: Record<string, { flip: number | null; separate: number | null }>;
}) {
  const { t } = useI18n();
  const fixed = (value: number) => value.toFixed(1);
  const count = (value: number | null | undefined) => (value == null ? "–" : value.toLocaleString("en"));
  return (
    <table className="w-full text-sm" data-testid="leaderboard-table">
      <thead className="bg-slate-100 text-left">
        <tr>
          <th scope="col" className="px-3 py-2 text-right whitespace-nowrap">
            {t("leaderboard.rank")}
          </th>
          <th scope="col" className="px-3 py-2 text-right whitespace-nowrap">
            <abbr title={t("leaderboard.rankUpperBoundHint")}>{t("leaderboard.rankUpperBound")}</abbr>
          </th>
          <th scope="col" className="px-3 py-2">
            {t("leaderboard.model")}
          </th>
          <th scope="col" className="px-3 py-2 text-right whitespace-nowrap">
            {t("leaderboard.rating")}
          </th>
          <th scope="col" className="px-3 py-2 text-right whitespace-nowrap">
            {t("leaderboard.interval")}
          </th>
          <th scope="col" className="px-3 py-2 text-right whitespace-nowrap">
            {t("leaderboard.onlineElo")}
          </th>
          <th scope="col" className="px-3 py-2 text-right whitespace-nowrap">
            {t("leaderboard.battles")}
          </th>
          <th scope="col" className="px-3 py-2 text-right whitespace-nowrap">
            <abbr title={t("leaderboard.winRateHint")}>{t("leaderboard.winRate")}</abbr>
          </th>
          {flipVotes && (
            <>
              <th scope="col" className="px-3 py-2 text-right whitespace-nowrap">
                <abbr title={t("leaderboard.flipVotesHint")}>{t("leaderboard.flipVotes")}</abbr>
              </th>
              <th scope="col" className="px-3 py-2 text-right whitespace-nowrap">
                <abbr title={t("leaderboard.separateVotesHint")}>{t("leaderboard.separateVotes")}</abbr>
              </th>
            </>
          )}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const winRate = winRates[row.model];
          return (
            <tr key={row.model} className="border-t border-slate-100" data-model={row.model}>
              <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums">{row.rank}</td>
              <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums">{row.rankUpperBound}</td>
              <th scope="row" className="min-w-32 px-3 py-2 text-left font-medium break-words">
                {row.model}
              </th>
              <td className="px-3 py-2 text-right font-semibold whitespace-nowrap tabular-nums" data-testid="rating">
                {fixed(row.rating)}
              </td>
              <td className="px-3 py-2 text-right whitespace-nowrap text-slate-600 tabular-nums">
                {fixed(row.ciLow)} – {fixed(row.ciHigh)}
              </td>
              <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums">{fixed(row.onlineElo)}</td>
              <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums">{row.battles.toLocaleString("en")}</td>
              <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums">
                {winRate === undefined || Number.isNaN(winRate) ? "–" : `${(winRate * 100).toFixed(1)}%`}
              </td>
              {flipVotes && (
                <>
                  <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums" data-testid="flip-votes">
                    {count(flipVotes[row.model]?.flip)}
                  </td>
                  <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums" data-testid="separate-votes">
                    {count(flipVotes[row.model]?.separate)}
                  </td>
                </>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
