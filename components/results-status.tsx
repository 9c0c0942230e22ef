import type { ResultsPageData } from "@/lib/results/page-data";
import { getLocale, getTranslator } from "@/lib/i18n/server";
import { AutoRefresh } from "./auto-refresh";

/** Where the numbers come from (votes, when computed), whether newer ones are on the way, and any notices. */
export async function ResultsStatus({ data }: { data: ResultsPageData }) {
  const [t, locale] = await Promise.all([getTranslator(), getLocale()]);
  const { view } = data;
  const pending = view.state === "computing" || (view.state === "ready" && !view.fresh);
  const time = (date: Date) =>
    `${new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" }).format(date)} UTC`;
  return (
    <div className="space-y-2" data-testid="results-status">
      {data.invalidFilters && (
        <p role="alert" className="rounded bg-amber-50 p-2 text-sm text-amber-900">
          {t("results.invalidFilters", { errors: data.invalidFilters.join("; ") })}
        </p>
      )}
      {data.missingAnchor && (
        <p role="alert" className="rounded bg-amber-50 p-2 text-sm text-amber-900">
          {t("results.anchorMissing", { model: data.missingAnchor })}
        </p>
      )}
      {view.state === "ready" && (
        <p className="text-sm text-slate-700" data-testid="results-source">
          {t("results.fromVotes", { votes: view.board.votes.toLocaleString(locale), time: time(view.computedAt) })}
          {view.computeMs !== null && <> {t("results.computedIn", { seconds: (view.computeMs / 1000).toFixed(2) })}</>}
          {" · "}
          {t("results.identityLeaksOut")}
        </p>
      )}
      {view.state === "failed" && (
        <p role="alert" className="text-sm text-red-700">
          {t("results.failed", { error: view.error })}
        </p>
      )}
      <AutoRefresh active={pending} message={view.state === "computing" ? t("results.computing") : t("results.recomputing")} />
    </div>
  );
}
