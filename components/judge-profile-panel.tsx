import { ColumnHeads } from "@/components/column-heads";
import { ScrollRegion } from "@/components/scroll-region";
import { getTranslator } from "@/lib/i18n/server";
import type { JudgeDetails } from "@/lib/judges/profile";
import type { Leaderboard } from "@/lib/ratings/leaderboard";

const percent = (value: number | null) => (value === null ? "–" : `${(value * 100).toFixed(0)}%`);

/** A judge's position bias, taste for length, self-preference, agreement by category, and its leaderboard beside the humans'. */
export async function JudgeProfilePanel({
  judge,
  details,
  humanBoard,
}: {
  judge: string;
  details: JudgeDetails;
  humanBoard: Leaderboard | null;
}) {
  const t = await getTranslator();
  const { profile, categories, board, rankCorrelation } = details;
  const human = new Map(humanBoard?.models.map((row) => [row.model, row.rating]) ?? []);
  return (
    <div className="space-y-4" data-testid="judge-profile">
      <h3 className="font-semibold">{t("judges.profileTitle", { judge })}</h3>
      <ul className="list-disc space-y-1 pl-5 text-sm">
        <li>
          {profile.inconsistent
            ? t("judges.positionBias", {
                n: profile.inconsistent,
                share: percent(profile.firstPosition.share),
                count: profile.firstPosition.count,
                of: profile.firstPosition.of,
              })
            : t("judges.positionNone")}
        </li>
        <li>
          {t("judges.longer", {
            judge: percent(profile.longer.judge.share),
            judgeCount: profile.longer.judge.count,
            judgeOf: profile.longer.judge.of,
            humans: percent(profile.longer.humans.share),
            humanCount: profile.longer.humans.count,
            humanOf: profile.longer.humans.of,
          })}
        </li>
        {profile.selfPreference && (
          <li>
            {t("judges.selfPreference", {
              model: judge,
              judge: percent(profile.selfPreference.judge.share),
              judgeCount: profile.selfPreference.judge.count,
              judgeOf: profile.selfPreference.judge.of,
              humans: percent(profile.selfPreference.humans.share),
              humanCount: profile.selfPreference.humans.count,
              humanOf: profile.selfPreference.humans.of,
            })}
          </li>
        )}
      </ul>
      {categories.length > 0 && (
        <ScrollRegion label={t("judges.byCategory")}>
          <table className="min-w-full text-sm" data-testid="category-agreement">
            <caption className="text-left font-medium">{t("judges.byCategory")}</caption>
            <ColumnHeads
              compact
              columns={[
                { label: t("judges.category") },
                { label: t("judges.withTie"), numeric: true },
                { label: t("judges.withoutTie"), numeric: true },
              ]}
            />
            <tbody>
              {categories.map((c) => (
                <tr key={c.category} className="border-t border-slate-200">
                  <th scope="row" className="px-2 py-1 text-left font-normal">
                    {c.category}
                  </th>
                  {[c.withTie, c.withoutTie].map((count, i) => (
                    <td key={i} className="px-2 py-1 text-right tabular-nums">
                      {count.total ? `${percent(count.agree / count.total)} (${count.agree}/${count.total})` : "–"}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      <div className="space-y-2">
        <h3 className="font-semibold">{t("judges.boardTitle", { judge })}</h3>
        <p className="text-sm" data-testid="rank-correlation">
          {rankCorrelation === null ? t("judges.rankCorrelationNone") : t("judges.rankCorrelation", { rho: rankCorrelation.toFixed(2) })}
        </p>
        <ScrollRegion label={t("judges.boardTitle", { judge })}>
          <table className="min-w-full text-sm" data-testid="judge-board">
            <ColumnHeads
              compact
              columns={[
                { label: "#", numeric: true },
                { label: t("judges.model") },
                { label: t("judges.judgeRating", { judge }), numeric: true },
                { label: t("judges.humanRating"), numeric: true },
              ]}
            />
            <tbody>
              {board.models.map((row) => (
                <tr key={row.model} className="border-t border-slate-200">
                  <td className="px-2 py-1 text-right tabular-nums">{row.rank}</td>
                  <th scope="row" className="px-2 py-1 text-left font-normal">
                    {row.model}
                  </th>
                  <td className="px-2 py-1 text-right tabular-nums">
                    {Math.round(row.rating)}{" "}
                    <span className="text-xs text-slate-600">
                      ({Math.round(row.ciLow)}–{Math.round(row.ciHigh)})
                    </span>
                  </td>
                  <td className="px-2 py-1 text-right tabular-nums">{human.has(row.model) ? Math.round(human.get(row.model)!) : "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      </div>
    </div>
  );
}
