import { getTranslator } from "@/lib/i18n/server";
import type { StudyPlanView } from "@/lib/campaigns/study-plan";
import { PlannedTargetText } from "./planned-target-text";
import type { MessageKey } from "@/lib/i18n/translate";

/** The plan recorded when the campaign first opened, and what has changed since. */
export async function StudyPlanPanel({ view, slug }: { view: StudyPlanView | null; slug: string }) {
  const t = await getTranslator();
  if (!view) return <p className="text-sm text-slate-600">{t("studyPlan.notYet")}</p>;
  const { plan, changedSince } = view;
  return (
    <div className="space-y-3 text-sm" data-testid="study-plan">
      <p>{t("studyPlan.recorded", { time: plan.recordedAt.replace("T", " ").slice(0, 16) + " UTC" })}</p>
      <dl className="grid gap-x-4 gap-y-1 sm:grid-cols-[max-content_1fr]">
        <dt className="text-slate-600">{t("studyPlan.strategy")}</dt>
        <dd>{t(`campaignPage.strategies.${plan.strategy}` as MessageKey)}</dd>
        <dt className="text-slate-600">{t("studyPlan.target")}</dt>
        <dd>
          <PlannedTargetText target={plan.target} />
        </dd>
        <dt className="text-slate-600">{t("studyPlan.models")}</dt>
        <dd className="break-words">{plan.models.join(", ") || "–"}</dd>
        <dt className="text-slate-600">{t("studyPlan.prompts")}</dt>
        <dd className="break-all">
          {t("studyPlan.promptSet", { n: plan.prompts.count })}{" "}
          <span className="font-mono text-xs">sha256 {plan.prompts.sha256.slice(0, 16)}…</span>
        </dd>
      </dl>
      {changedSince.length > 0 ? (
        <p role="note" className="rounded bg-amber-50 p-3 text-amber-900" data-testid="study-plan-changed">
          {t("studyPlan.changed", { what: changedSince.map((key) => t(`studyPlan.parts.${key}` as MessageKey)).join(", ") })}
        </p>
      ) : (
        <p className="text-emerald-800">{t("studyPlan.unchanged")}</p>
      )}
      <p className="text-slate-600">
        {t("studyPlan.where")} <span className="font-mono text-xs">GET /api/v1/campaigns/{slug}/study</span>
      </p>
    </div>
  );
}
