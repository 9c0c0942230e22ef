import Link from "next/link";
import { CampaignNav } from "@/components/campaign-nav";
import { ColumnHeads } from "@/components/column-heads";
import { PromptExclusionControl } from "@/components/prompt-exclusion-control";
import { getTranslator } from "@/lib/i18n/server";
import { promptsOf, PROMPTS_PER_PAGE } from "@/lib/prompts/list";
import { requireResultsCampaign, type ResultsPageProps } from "@/lib/results/page-data";
import { ScrollRegion } from "@/components/scroll-region";

/** Longest first turn shown in the table; the rest is cut with an ellipsis. */
const EXCERPT_CHARS = 160;

export default async function PromptsPage({ params, searchParams }: ResultsPageProps) {
  const campaign = await requireResultsCampaign(params);
  const search = await searchParams;
  const page = Math.max(0, Math.floor(Number(search.page ?? 0)) || 0);
  const onlyExcluded = search.show === "excluded";
  const [t, { entries, total, excluded }] = await Promise.all([getTranslator(), promptsOf(campaign.id, page, { onlyExcluded })]);
  const pages = Math.ceil(total / PROMPTS_PER_PAGE);
  const href = (p: number, excludedOnly = onlyExcluded) =>
    `?${new URLSearchParams({ ...(excludedOnly && { show: "excluded" }), page: String(p) })}`;
  return (
    <div className="space-y-6">
      <CampaignNav slug={campaign.slug} name={campaign.name} active="prompts" />
      <p className="text-sm text-slate-700">{t("prompts.intro")}</p>
      <p className="text-sm">
        {t("prompts.excludedCount", { n: excluded })}{" "}
        <Link href={href(0, !onlyExcluded)} className="underline">
          {onlyExcluded ? t("prompts.showAll") : t("prompts.showExcluded")}
        </Link>
      </p>
      {entries.length === 0 ? (
        <p className="card text-slate-600">{t("prompts.none")}</p>
      ) : (
        <ScrollRegion label={t("campaignNav.prompts")} className="card p-0">
          <table className="w-full text-sm" data-testid="prompts">
            <ColumnHeads
              columns={[
                { label: t("prompts.id") },
                { label: t("prompts.text") },
                { label: t("prompts.votes"), numeric: true },
                { label: t("prompts.repeats") },
                { label: t("prompts.state") },
              ]}
            />
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id} className="border-t border-slate-100 align-top" data-prompt={entry.externalId}>
                  <th scope="row" className="min-w-32 px-3 py-2 text-left font-medium break-words">
                    {entry.externalId}
                    <span className="block text-xs font-normal text-slate-600">
                      {t(entry.source === "LIVE" ? "prompts.live" : "prompts.imported")}
                      {entry.category ? ` · ${entry.category}` : ""}
                    </span>
                  </th>
                  <td className="max-w-xl px-3 py-2 break-words whitespace-pre-wrap">
                    {entry.firstTurn.length > EXCERPT_CHARS ? `${entry.firstTurn.slice(0, EXCERPT_CHARS)}…` : entry.firstTurn}
                    {entry.turns > 1 && (
                      <span className="block text-xs text-slate-600">{t("prompts.moreTurns", { n: entry.turns - 1 })}</span>
                    )}
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{entry.votes.toLocaleString("en")}</td>
                  <td className="px-3 py-2">
                    {entry.duplicateOf
                      ? t(entry.duplicateKind === "EXACT" ? "prompts.exactRepeat" : "prompts.nearRepeat", { id: entry.duplicateOf })
                      : ""}
                  </td>
                  <td className="space-y-1 px-3 py-2" data-testid="prompt-state">
                    {entry.excluded && (
                      <p className="text-xs text-red-800">
                        {entry.excluded.reason
                          ? t("prompts.excludedBecause", { reason: entry.excluded.reason })
                          : t("prompts.excludedNoReason")}
                      </p>
                    )}
                    <PromptExclusionControl
                      campaignId={campaign.id}
                      slug={campaign.slug}
                      promptId={entry.id}
                      externalId={entry.externalId}
                      excluded={entry.excluded !== null}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      {pages > 1 && (
        <nav className="flex items-center gap-3 text-sm" aria-label={t("prompts.pages")}>
          {page > 0 && (
            <Link href={href(page - 1)} className="btn-secondary px-3 py-1">
              {t("prompts.previous")}
            </Link>
          )}
          <span>{t("prompts.pageOf", { page: page + 1, pages })}</span>
          {page + 1 < pages && (
            <Link href={href(page + 1)} className="btn-secondary px-3 py-1">
              {t("prompts.next")}
            </Link>
          )}
        </nav>
      )}
    </div>
  );
}
