import Link from "next/link";
import type { LeaderboardRow } from "@/lib/ratings/leaderboard";
import { getTranslator } from "@/lib/i18n/server";
import type { GroupBoard, GroupBy } from "@/lib/results/groups";
import { ScrollRegion } from "./scroll-region";

/** Links that open (or close) the comparison by category or language, keeping the page's other filters. */
export async function GroupBoardLinks({ basePath, query, by }: { basePath: string; query: URLSearchParams; by: GroupBy | null }) {
  const t = await getTranslator();
  const href = (next: GroupBy | null) => {
    const params = new URLSearchParams(query);
    if (next) params.set("by", next);
    else params.delete("by");
    const text = params.toString();
    return text ? `${basePath}?${text}` : basePath;
  };
  return (
    <nav className="flex flex-wrap gap-2 text-sm" aria-label={t("groupBoards.navLabel")}>
      <Link href={href("category")} className="btn-secondary px-3 py-1" aria-current={by === "category" ? "page" : undefined}>
        {t("groupBoards.byCategory")}
      </Link>
      <Link href={href("language")} className="btn-secondary px-3 py-1" aria-current={by === "language" ? "page" : undefined}>
        {t("groupBoards.byLanguage")}
      </Link>
      {by && (
        <Link href={href(null)} className="btn-secondary px-3 py-1">
          {t("groupBoards.hide")}
        </Link>
      )}
    </nav>
  );
}

/**
 * The overall board and one column per group side by side: each model's rating in the group and
 * its rank change against the overall board; groups with few battles per model greyed out.
 */
export async function GroupBoardsTable({
  by,
  rows,
  groups,
  minBattlesPerModel,
  styleControl = false,
}: {
  by: GroupBy;
  rows: LeaderboardRow[];
  groups: GroupBoard[];
  minBattlesPerModel: number;
  /** Some group has a style-controlled board: its cells also show the style-controlled rating. */
  styleControl?: boolean;
}) {
  const t = await getTranslator();
  const change = (value: number) => (value > 0 ? `+${value}` : value === 0 ? "±0" : String(value));
  return (
    <section className="card space-y-3" data-testid="group-boards">
      <h2 className="text-lg font-semibold">{t(by === "category" ? "groupBoards.titleCategory" : "groupBoards.titleLanguage")}</h2>
      <p className="text-sm text-slate-600">{t("groupBoards.intro", { min: minBattlesPerModel })}</p>
      {styleControl && <p className="text-sm text-slate-600">{t("groupBoards.styleIntro")}</p>}
      <ScrollRegion label={t(by === "category" ? "groupBoards.titleCategory" : "groupBoards.titleLanguage")}>
        <table className="w-full text-sm">
          <thead className="bg-slate-100 text-left">
            <tr>
              <th scope="col" className="px-3 py-2">
                {t("leaderboard.model")}
              </th>
              <th scope="col" className="px-3 py-2 text-right whitespace-nowrap">
                {t("groupBoards.overall")}
              </th>
              {groups.map((group) => (
                <th
                  key={group.group}
                  scope="col"
                  className={`min-w-24 px-3 py-2 text-right ${group.sparse ? "font-normal text-slate-700 italic" : ""}`}
                  data-group={group.group}
                  data-sparse={group.sparse}
                >
                  <span className="block break-words">{group.group}</span>
                  <span className="block text-xs font-normal">
                    {group.state !== "ready"
                      ? t("groupBoards.computing")
                      : `${t("groupBoards.votes", { n: group.votes.toLocaleString("en") })}${group.sparse ? ` · ${t("groupBoards.fewVotes")}` : ""}`}
                  </span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.model} className="border-t border-slate-100" data-model={row.model}>
                <th scope="row" className="min-w-32 px-3 py-2 text-left font-medium break-words">
                  {row.model}
                </th>
                <td className="px-3 py-2 text-right font-semibold whitespace-nowrap tabular-nums">{row.rating.toFixed(1)}</td>
                {groups.map((group) => {
                  const cell = group.models[row.model];
                  return (
                    <td
                      key={group.group}
                      className={`px-3 py-2 text-right whitespace-nowrap tabular-nums ${group.sparse ? "bg-slate-50 text-slate-700 italic" : ""}`}
                      data-group={group.group}
                    >
                      {cell ? (
                        <>
                          {cell.rating.toFixed(1)} <span className="text-xs">(Δ {change(cell.rankChange)})</span>
                          {cell.styleControlled && (
                            <span className="block text-xs" data-testid="group-style-controlled">
                              {t("groupBoards.styleControlled", {
                                rating: cell.styleControlled.rating.toFixed(1),
                                change: change(cell.styleControlled.rankChange),
                              })}
                            </span>
                          )}
                        </>
                      ) : (
                        t("groupBoards.absent")
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    </section>
  );
}
