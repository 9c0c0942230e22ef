import Link from "next/link";
import { CampaignNav } from "@/components/campaign-nav";
import { JudgeAgreementTable } from "@/components/judge-agreement-table";
import { JudgeDisagreements } from "@/components/judge-disagreements";
import { JudgmentsUploader } from "@/components/judgments-uploader";
import { JudgeRunForm } from "@/components/judge-run-form";
import { JudgeRuns } from "@/components/judge-runs";
import { judgeRuns } from "@/lib/judges/run-status";
import { ResultsFilters } from "@/components/results-filters";
import { campaignCategories } from "@/lib/campaigns/categories";
import { getTranslator } from "@/lib/i18n/server";
import { agreementReport, loadJudgeInputs } from "@/lib/judges/agreement";
import { disagreements } from "@/lib/judges/disagreements";
import { judgeDetails } from "@/lib/judges/profile";
import { getLeaderboard } from "@/lib/results/leaderboard";
import { JudgeProfilePanel } from "@/components/judge-profile-panel";
import { DEFAULT_FILTERS, parseFilters, readParam } from "@/lib/results/filters";
import { type ResultsPageProps, requireResultsCampaign } from "@/lib/results/page-data";
import { db } from "@/lib/db";

export default async function JudgesPage({ params, searchParams }: ResultsPageProps) {
  const campaign = await requireResultsCampaign(params);
  const query = await searchParams;
  const parsed = parseFilters(query);
  const filters = parsed.ok ? parsed.filters : DEFAULT_FILTERS;
  // The human tallies and the verdicts are read once, for the table, the profile and the disagreements.
  const inputs = await loadJudgeInputs(campaign.id, filters);
  const [t, categories, report, judges, runs] = await Promise.all([
    getTranslator(),
    campaignCategories(campaign.id),
    agreementReport(campaign.id, filters, undefined, inputs),
    db.judge.findMany({ where: { campaignId: campaign.id }, select: { id: true, name: true }, orderBy: { name: "asc" } }),
    judgeRuns(campaign.id),
  ]);
  const chosen = judges.find((j) => j.name === readParam(query, "judge")) ?? judges[0];
  const chosenReport = chosen && report.judges.find((j) => j.judge === chosen.name);
  const humanView = chosen ? await getLeaderboard(campaign.id, { ...filters, anchor: null }, { waitMs: 1500 }) : null;
  const humanBoard = humanView?.state === "ready" ? humanView.board : null;
  const [contradictions, details] = chosen
    ? await Promise.all([
        disagreements(campaign.id, chosen.id, filters, 20, inputs),
        judgeDetails(campaign.id, chosen.id, filters, humanBoard, inputs.humans),
      ])
    : [null, null];
  const basePath = `/campaigns/${campaign.slug}/judges`;
  const withJudge = (name: string) => {
    const next = new URLSearchParams(Object.entries(query).flatMap(([k, v]) => (typeof v === "string" && k !== "judge" ? [[k, v]] : [])));
    next.set("judge", name);
    return `${basePath}?${next}`;
  };
  return (
    <div className="space-y-6">
      <CampaignNav slug={campaign.slug} name={campaign.name} active="judges" />
      <p className="text-sm text-slate-700">{t("judges.intro")}</p>
      <ResultsFilters basePath={basePath} filters={filters} categories={categories} models={[]} showAnchor={false} />
      <section className="card space-y-3">
        <h2 className="text-lg font-semibold">{t("judges.agreementTitle")}</h2>
        {judges.length === 0 ? (
          <p className="text-sm text-slate-600">{t("judges.noJudges")}</p>
        ) : (
          <>
            <JudgeAgreementTable judges={report.judges} humans={report.humanHuman.turns} />
            {report.judges
              .filter((j) => j.turns.length === 0)
              .map((j) => (
                <p key={j.judge} role="note" className="rounded bg-amber-50 p-3 text-sm text-amber-900">
                  {t("judges.noOverlap", { judge: j.judge })}
                </p>
              ))}
          </>
        )}
      </section>
      {chosen && contradictions && chosenReport && (
        <section className="card space-y-3" aria-labelledby="disagreements-title">
          <h2 id="disagreements-title" className="text-lg font-semibold">
            {chosen.name}
          </h2>
          {judges.length > 1 && (
            <nav aria-label={t("judges.showJudge")} className="flex flex-wrap gap-2 text-sm">
              <span>{t("judges.showJudge")}</span>
              {judges.map((j) => (
                <Link key={j.id} href={withJudge(j.name)} aria-current={j.id === chosen.id ? "true" : undefined} className="underline">
                  {j.name}
                </Link>
              ))}
            </nav>
          )}
          {details && <JudgeProfilePanel judge={chosen.name} details={details} humanBoard={humanBoard} />}
          <h3 className="font-semibold">{t("judges.disagreementsTitle", { judge: chosen.name })}</h3>
          <JudgeDisagreements judge={chosen.name} total={contradictions.total} shown={contradictions.shown} />
        </section>
      )}
      {runs.length > 0 && (
        <section className="card space-y-3">
          <h2 className="text-lg font-semibold">{t("judges.runsTitle")}</h2>
          <JudgeRuns runs={runs} campaignId={campaign.id} slug={campaign.slug} />
        </section>
      )}
      <section className="card space-y-3">
        <h2 className="text-lg font-semibold">{t("judges.runTitle")}</h2>
        <JudgeRunForm campaignId={campaign.id} slug={campaign.slug} />
      </section>
      <section className="card space-y-3">
        <h2 className="text-lg font-semibold">{t("judges.importTitle")}</h2>
        <JudgmentsUploader campaignId={campaign.id} slug={campaign.slug} />
      </section>
    </div>
  );
}
