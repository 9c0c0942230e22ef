import type { PlannedTarget } from "@/lib/campaigns/study-plan";
import { getTranslator } from "@/lib/i18n/server";

/** A stopping target in words, e.g. "The top 3 ranked with 95% confidence". */
export async function PlannedTargetText({ target }: { target: PlannedTarget }) {
  const t = await getTranslator();
  switch (target.kind) {
    case "top":
      return <>{t("studyPlan.targets.top", { k: target.k })}</>;
    case "adjacent":
      return <>{t("studyPlan.targets.adjacent", { delta: target.delta })}</>;
    case "votes":
      return <>{t("studyPlan.targets.votes", { votes: target.votes.toLocaleString("en") })}</>;
    default:
      return <>{t("studyPlan.votesPerPair", { n: target.votesPerPair })}</>;
  }
}
