import Link from "next/link";
import { CampaignNav } from "@/components/campaign-nav";
import { MarkdownText } from "@/components/markdown-text";
import { getTranslator } from "@/lib/i18n/server";
import { requireResultsCampaign, type ResultsPageProps } from "@/lib/results/page-data";
import { correctionsOf, CORRECTIONS_PER_PAGE } from "@/lib/votes/corrections";
import { ScrollRegion } from "@/components/scroll-region";

export default async function CorrectionsPage({ params, searchParams }: ResultsPageProps) {
  const campaign = await requireResultsCampaign(params);
  const page = Math.max(0, Math.floor(Number((await searchParams).page ?? 0)) || 0);
  const [t, { entries, total }] = await Promise.all([getTranslator(), correctionsOf(campaign.id, page)]);
  const pages = Math.ceil(total / CORRECTIONS_PER_PAGE);
  return (
    <div className="space-y-6">
      <CampaignNav slug={campaign.slug} name={campaign.name} active="corrections" />
      <p className="text-sm text-slate-700">{t("corrections.intro")}</p>
      {entries.length === 0 && <p className="card text-slate-600">{t("corrections.none")}</p>}
      <ol className="space-y-4" data-testid="corrections">
        {entries.map((entry) => (
          <li key={entry.id} className="card space-y-3">
            <p className="text-sm text-slate-600">
              {t("corrections.verdict", { a: entry.modelA, b: entry.modelB, outcome: t(`voting.outcomes.${entry.outcome}`) })} ·{" "}
              {t("corrections.by", { judge: entry.judge })}
            </p>
            <div>
              <h2 className="text-sm font-medium">{t("corrections.prompt")}</h2>
              <ScrollRegion label={t("corrections.prompt")} className="max-h-48 overflow-y-auto rounded bg-slate-50 p-2">
                <MarkdownText text={entry.promptTurns.join("\n\n---\n\n")} />
              </ScrollRegion>
            </div>
            <div className="rounded border border-emerald-200 p-3" data-testid="corrected-answer">
              <MarkdownText text={entry.correctedAnswer} />
            </div>
          </li>
        ))}
      </ol>
      {pages > 1 && (
        <nav className="flex gap-2" aria-label="pages">
          {Array.from({ length: pages }, (_, p) => (
            <Link
              key={p}
              href={`?page=${p}`}
              aria-current={p === page ? "page" : undefined}
              className={p === page ? "btn-primary px-3 py-1" : "btn-secondary px-3 py-1"}
            >
              {p + 1}
            </Link>
          ))}
        </nav>
      )}
    </div>
  );
}
